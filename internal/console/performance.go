package console

import (
	"context"
	"net/http"
	"net/url"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// weightFields are the service-star weights form's fields, under the API's names.
var weightFields = []string{"quality", "satisfaction", "resolution", "teamwork"}

// performance shows the daily efficiency view and the monthly service-star ranking
// (GET /v1/metrics/efficiency and /v1/metrics/service-stars) for the date and month
// picked, and the weights form.
func (c *Console) performance(w http.ResponseWriter, r *http.Request) {
	c.showPerformance(w, r, http.StatusOK, map[string]any{})
}

func (c *Console) showPerformance(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	q := r.URL.Query()
	date, month, zone := q.Get("date"), q.Get("month"), q.Get("time_zone")
	var eff apiclient.EfficiencyView
	var stars apiclient.ServiceStars
	var weights apiclient.StarWeights
	var version string
	extra["Date"], extra["Month"], extra["Zone"] = date, month, zone
	// The pickers' text goes to the API as typed: it parses them and names a bad one.
	raw := func(name, value string) apiclient.RequestEditorFn {
		return func(_ context.Context, req *http.Request) error {
			v := url.Values{}
			if value != "" {
				v.Set(name, value)
			}
			if zone != "" {
				v.Set("time_zone", zone)
			}
			req.URL.RawQuery = v.Encode()
			return nil
		}
	}
	for _, get := range []func() (*refusal, error){
		func() (*refusal, error) {
			return into(&eff)(c.client.GetEfficiency(r.Context(), nil, raw("date", date)))
		},
		func() (*refusal, error) {
			return into(&stars)(c.client.GetServiceStars(r.Context(), nil, raw("month", month)))
		},
		// The weights' form is drawn at their version now (refused, too: sent
		// again, it applies over a change made elsewhere).
		func() (*refusal, error) {
			return versioned(&weights, &version)(c.client.GetServiceStarWeights(r.Context()))
		},
	} {
		if ref, err := get(); c.refusedPageWith(w, r, "performance", extra, ref, err) {
			return
		}
	}
	extra["Eff"], extra["Stars"], extra["WeightsVersion"] = eff, stars, version
	// A picker left empty shows what the API chose for it (yesterday, last month, the
	// default zone), so the form says what the tables below are for.
	if date == "" {
		extra["Date"] = eff.Date.String()
	}
	if month == "" {
		extra["Month"] = stars.Month
	}
	if zone == "" {
		extra["Zone"] = eff.TimeZone
	}
	if extra["Input"] == nil {
		extra["Input"] = map[string]string{"quality": trimFloat(weights.Quality), "satisfaction": trimFloat(weights.Satisfaction),
			"resolution": trimFloat(weights.Resolution), "teamwork": trimFloat(weights.Teamwork)}
	}
	c.render(w, r, status, "performance", extra)
}

// putWeights replaces the service-star weights; the API's refusal is shown by the form.
func (c *Console) putWeights(w http.ResponseWriter, r *http.Request) {
	input := formInput(r, weightFields...)
	body := map[string]any{}
	for _, f := range weightFields {
		number(body, f, input[f])
	}
	res, err := c.client.PutServiceStarWeightsWithBody(r.Context(), &apiclient.PutServiceStarWeightsParams{IfMatch: drawnVersion(r)},
		"application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/performance", func(status int, ref *refusal) {
		c.showPerformance(w, r, status, map[string]any{"Form": "weights", "Refusal": ref, "Input": input})
	})
}
