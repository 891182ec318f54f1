package api_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// seriesFixture files three complaints in March 2025: product on the 2nd (owner
// ann, resolved after 3 h), service on the 2nd (owner bob, never resolved, its
// resolution deadline breached after 48 h) and logistics on the 10th (no owner,
// never resolved, not due: no resolution breach).
func seriesFixture(t *testing.T, a *directoryAPI) {
	t.Helper()
	march := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	insertMetricsComplaint(t, a.store, "product", march.AddDate(0, 0, 1).Add(20*time.Hour), map[float64]complaint.Event{
		3: {Kind: complaint.EventResolved},
	})
	insertMetricsComplaint(t, a.store, "service", march.AddDate(0, 0, 1).Add(time.Hour), map[float64]complaint.Event{
		48: {Kind: complaint.EventSLABreached, Clock: complaint.ClockResolution},
	})
	insertMetricsComplaint(t, a.store, "logistics", march.AddDate(0, 0, 9), map[float64]complaint.Event{})
	for _, q := range []string{`UPDATE complaints SET owner = 'ann' WHERE category = 'product'`,
		`UPDATE complaints SET owner = 'bob' WHERE category = 'service'`} {
		if _, err := a.store.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMetricsGroupByOwner(t *testing.T) {
	a := newDirectoryAPI(t)
	seriesFixture(t, a)
	r := a.call(auth.RoleQuality, "GET", "/v1/metrics?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&group_by=owner", "")
	if r.status != http.StatusOK {
		t.Fatalf("got %d %v", r.status, r.body)
	}
	var got []string
	for _, g := range r.body["groups"].([]any) {
		g := g.(map[string]any)
		got = append(got, fmt.Sprintf("%v:%v/%v", g["key"], g["volume"], g["resolved"]))
	}
	if want := "[ann:1/1 bob:1/0 unassigned:1/0]"; fmt.Sprint(got) != want {
		t.Errorf("owners: got %v, want %s", got, want)
	}
}

func TestMetricsSeriesCutsThePeriodAtIntervals(t *testing.T) {
	a := newDirectoryAPI(t)
	seriesFixture(t, a)
	for _, c := range []struct {
		query string
		want  string // each point: from/volume/groups
	}{
		// UTC days: the 2nd holds product (20:00) and service (01:00).
		{"from=2025-03-01T00:00:00Z&to=2025-03-04T00:00:00Z&interval=day",
			"[2025-03-01T00:00:00Z/0/[] 2025-03-02T00:00:00Z/2/[] 2025-03-03T00:00:00Z/0/[]]"},
		// In Shanghai product's 20:00 UTC is 04:00 on the 3rd.
		{"from=2025-03-01T00:00:00%2B08:00&to=2025-03-04T00:00:00%2B08:00&interval=day&time_zone=Asia%2FShanghai",
			"[2025-02-28T16:00:00Z/0/[] 2025-03-01T16:00:00Z/1/[] 2025-03-02T16:00:00Z/1/[]]"},
		// Weeks from Monday 3 March; the first is the partial week of 1–2 March.
		{"from=2025-03-01T00:00:00Z&to=2025-03-17T00:00:00Z&interval=week&group_by=owner",
			"[2025-03-01T00:00:00Z/2/[ann bob] 2025-03-03T00:00:00Z/0/[] 2025-03-10T00:00:00Z/1/[unassigned]]"},
		{"from=2025-02-01T00:00:00Z&to=2025-04-01T00:00:00Z&interval=month",
			"[2025-02-01T00:00:00Z/0/[] 2025-03-01T00:00:00Z/3/[]]"},
	} {
		r := a.call(auth.RoleManager, "GET", "/v1/metrics?"+c.query, "")
		if r.status != http.StatusOK {
			t.Fatalf("%s: got %d %v", c.query, r.status, r.body)
		}
		var got []string
		for _, p := range r.body["series"].([]any) {
			p := p.(map[string]any)
			var keys []string
			for _, g := range p["groups"].([]any) {
				keys = append(keys, g.(map[string]any)["key"].(string))
			}
			got = append(got, fmt.Sprintf("%v/%v/%v", p["from"], p["total"].(map[string]any)["volume"], fmt.Sprint(keys)))
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.query, got, c.want)
		}
		if r.body["interval"] == nil {
			t.Errorf("%s: interval null", c.query)
		}
	}
	plain := a.call(auth.RoleManager, "GET", "/v1/metrics?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z", "")
	if plain.body["interval"] != nil || fmt.Sprint(plain.body["series"]) != "[]" || plain.body["time_zone"] != "UTC" {
		t.Errorf("without interval: interval %v series %v time_zone %v", plain.body["interval"], plain.body["series"], plain.body["time_zone"])
	}
}

func TestMetricsAnswersCSV(t *testing.T) {
	a := newDirectoryAPI(t)
	seriesFixture(t, a)
	get := func(query, accept string) (int, string, [][]string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, a.url+"/v1/metrics?"+query, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+a.tokens[auth.RoleQuality])
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
		if err != nil && resp.StatusCode == http.StatusOK {
			t.Fatalf("%s: not CSV: %v\n%s", query, err, raw)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), rows
	}
	period := url.Values{"from": {"2025-03-01T00:00:00Z"}, "to": {"2025-03-17T00:00:00Z"}, "group_by": {"owner"}, "interval": {"week"}}
	for _, c := range []struct{ name, query, accept string }{
		{"format=csv", period.Encode() + "&format=csv", ""},
		{"Accept: text/csv", period.Encode(), "text/csv"},
		{"Accept list", period.Encode(), "application/json;q=0.5, text/csv"},
	} {
		status, ctype, rows := get(c.query, c.accept)
		if status != http.StatusOK || !strings.HasPrefix(ctype, "text/csv") {
			t.Fatalf("%s: got %d %s", c.name, status, ctype)
		}
		due := slices.Index(rows[0], "resolution_due")
		if due < 0 {
			t.Fatalf("%s: no resolution_due column in %v", c.name, rows[0])
		}
		var got []string
		for _, row := range rows[1:] {
			// from, row, key, volume, resolved (column 11), resolution_due
			got = append(got, strings.Join([]string{row[0][5:10], row[2], row[3], row[4], row[11], row[due]}, " "))
		}
		want := []string{
			"03-01 total  3 1 2", "03-01 group ann 1 1 1", "03-01 group bob 1 0 1", "03-01 group unassigned 1 0 0", // the period
			"03-01 total  2 1 2", "03-01 group ann 1 1 1", "03-01 group bob 1 0 1", // week of 1–2 March
			"03-03 total  0 0 0",                                 // 3–9 March
			"03-10 total  1 0 0", "03-10 group unassigned 1 0 0", // 10–16 March
		}
		if rows[0][0] != "from" || rows[0][4] != "volume" || rows[0][11] != "resolved" || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: header %v\n got  %q\n want %q", c.name, rows[0], got, want)
		}
	}
	// A bad query is still a problem, not CSV.
	if status, ctype, _ := get("format=csv&interval=hour", ""); status != http.StatusBadRequest || ctype != "application/problem+json" {
		t.Errorf("bad CSV query: got %d %s", status, ctype)
	}
}
