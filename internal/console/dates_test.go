package console

import (
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// A day picked in a form is that day in the viewer's zone (the one console.js shows
// times in and posts as tz): plan, measure, adjusted plan and action deadline reach
// the API as its last second there, and read back as the picked day in that zone.
// Without script (no tz) it is the day in UTC, as the page then shows times.
func TestDatePickersMeanTheViewersDay(t *testing.T) {
	type date struct{ field, json, want string }
	for _, tc := range []struct {
		name, zone, form, action string
		in                       url.Values
		api                      string
		dates                    []date
	}{
		{"plan in Shanghai", "Asia/Shanghai", "cycle", "plan",
			url.Values{"target": {"80"}, "due": {"2027-01-31"}, "measures[0].description": {"audit"}, "measures[0].due": {"2027-01-10"}},
			"/v1/pdca-cycles/" + testID + "/plan", []date{
				{"due", "due", "2027-01-31T23:59:59+08:00"}, {"measures[0].due", "measures.0.due", "2027-01-10T23:59:59+08:00"}}},
		{"plan in New York", "America/New_York", "cycle", "plan",
			url.Values{"target": {"80"}, "due": {"2027-01-31"}, "measures[0].description": {"audit"}, "measures[0].due": {"2027-01-10"}},
			"/v1/pdca-cycles/" + testID + "/plan", []date{
				{"due", "due", "2027-01-31T23:59:59-05:00"}, {"measures[0].due", "measures.0.due", "2027-01-10T23:59:59-05:00"}}},
		// 14 March 2027 is 23 hours long in New York and 7 November 25 hours: each day's last
		// second is in the offset of that evening.
		{"adjusted plan on DST days", "America/New_York", "cycle", "act",
			url.Values{"root_cause": {"nights"}, "adjusted_plan.due": {"2027-03-14"}, "adjusted_plan.measures[0].description": {"cover"},
				"adjusted_plan.measures[0].due": {"2027-11-07"}},
			"/v1/pdca-cycles/" + testID + "/act", []date{
				{"adjusted_plan.due", "adjusted_plan.due", "2027-03-14T23:59:59-04:00"},
				{"adjusted_plan.measures[0].due", "adjusted_plan.measures.0.due", "2027-11-07T23:59:59-05:00"}}},
		{"action deadline in Shanghai", "Asia/Shanghai", "risk", "close",
			url.Values{"root_cause": {"depot"}, "action_deadline": {"2027-01-31"}},
			"/v1/risk-alerts/" + testID + "/close", []date{{"action_deadline", "action_deadline", "2027-01-31T23:59:59+08:00"}}},
		{"without script: UTC", "", "risk", "close", url.Values{"action_deadline": {"2027-01-31"}},
			"/v1/risk-alerts/" + testID + "/close", []date{{"action_deadline", "action_deadline", "2027-01-31T23:59:59Z"}}},
		{"a zone Go does not know: UTC", "Mars/Olympus", "risk", "close", url.Values{"action_deadline": {"2027-01-31"}},
			"/v1/risk-alerts/" + testID + "/close", []date{{"action_deadline", "action_deadline", "2027-01-31T23:59:59Z"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]any
			var called string
			c := fakeAPIConsole(t, func(r *http.Request) {
				called = r.URL.Path
				b, _ := io.ReadAll(r.Body)
				if err := json.Unmarshal(b, &got); err != nil {
					t.Errorf("API body %s: %v", b, err)
				}
			})
			if tc.zone != "" {
				tc.in.Set("tz", tc.zone)
			}
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.in.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetPathValue("id", testID)
			r.SetPathValue("action", tc.action)
			w := httptest.NewRecorder()
			map[string]http.HandlerFunc{"cycle": c.cycleAction, "risk": c.riskAction}[tc.form](w, r)
			if called != tc.api {
				t.Fatalf("called %q, want %q (answer %d %s)", called, tc.api, w.Code, w.Body)
			}
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				loc = time.UTC
			}
			for _, d := range tc.dates {
				sent, _ := jsonAt(got, d.json).(string)
				if sent != d.want {
					t.Errorf("%s sent %q, want %q", d.json, sent, d.want)
				}
				// The page shows that instant in the viewer's zone: the picked day's end.
				if when, err := time.Parse(time.RFC3339, sent); err != nil || when.In(loc).Format(time.DateTime) != tc.in.Get(d.field)+" 23:59:59" {
					t.Errorf("%s %q shows as %s in %s, want %s 23:59:59", d.json, sent, when.In(loc), loc, tc.in.Get(d.field))
				}
			}
		})
	}
}

const testID = "00000000-0000-0000-0000-0000000000c1"

// fakeAPIConsole is a console whose API hands each call to seen and answers 204.
func fakeAPIConsole(t *testing.T, seen func(*http.Request)) *Console {
	t.Helper()
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen(r); w.WriteHeader(http.StatusNoContent) })
	client, err := apiclient.NewClient("http://fake", apiclient.WithHTTPClient(&http.Client{Transport: inProcess{handler: api}}))
	if err != nil {
		t.Fatal(err)
	}
	return &Console{client: client, pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler)}
}

// jsonAt is the value at a dotted path ("measures.0.due") of a decoded JSON body.
func jsonAt(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
