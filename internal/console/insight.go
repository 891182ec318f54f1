package console

import (
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The customer-needs insight report (002 §2.1, §7.3): the API's report of a period
// as a printable page (console.css has the print rules) and its CSV.

// insightParams reads the page's query into the API's.
func insightParams(r *http.Request, format apiclient.GetInsightReportParamsFormat) *apiclient.GetInsightReportParams {
	p := &apiclient.GetInsightReportParams{Period: strings.TrimSpace(r.URL.Query().Get("period")), Format: &format}
	if z := strings.TrimSpace(r.URL.Query().Get("time_zone")); z != "" {
		p.TimeZone = &z
	}
	return p
}

func (c *Console) insight(w http.ResponseWriter, r *http.Request) {
	p := insightParams(r, apiclient.GetInsightReportParamsFormatJson)
	// Drawn fresh, the zone is left to the browser (data-zone); a report asked for
	// without one is in the API's default, UTC, and says so.
	input := map[string]string{"period": p.Period}
	switch {
	case p.TimeZone != nil:
		input["time_zone"] = *p.TimeZone
	case p.Period != "":
		input["time_zone"] = "UTC"
	}
	data := map[string]any{"Input": input, "Query": csvQuery(r)}
	if p.Period == "" {
		c.render(w, r, http.StatusOK, "insight", data)
		return
	}
	var rep apiclient.InsightReport
	ref, err := into(&rep)(c.client.GetInsightReport(r.Context(), p))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		data["Form"], data["Refusal"] = "insight", ref
		c.render(w, r, ref.Status, "insight", data)
		return
	}
	data["Report"] = &rep
	c.render(w, r, http.StatusOK, "insight", data)
}

// insightCSV passes the API's CSV on as a download.
func (c *Console) insightCSV(w http.ResponseWriter, r *http.Request) {
	res, err := c.client.GetInsightReport(r.Context(), insightParams(r, apiclient.GetInsightReportParamsFormatCsv))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		ref, err := read(res, nil, nil)
		if err != nil || ref == nil {
			c.fail(w, r, err)
			return
		}
		c.refused(w, r, ref)
		return
	}
	w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
	w.Header().Set("Content-Disposition", res.Header.Get("Content-Disposition"))
	if _, err := io.Copy(w, res.Body); err != nil {
		c.log.ErrorContext(r.Context(), "insight CSV failed", "error", err)
	}
}

// csvQuery is the CSV link's query: the page's, re-encoded and marked safe — a
// plain string in a URL's query is escaped whole by html/template
// ("period%3d2026-05"), which the CSV handler would read as no period at all.
func csvQuery(r *http.Request) template.URL {
	return template.URL(r.URL.Query().Encode())
}
