package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

func TestEfficiencyIsPerAgentPerDay(t *testing.T) {
	a := newDirectoryAPI(t)
	seriesFixture(t, a)
	r := a.call(auth.RoleManager, "GET", "/v1/metrics/efficiency?date=2025-03-02", "")
	if r.status != http.StatusOK {
		t.Fatalf("got %d %v", r.status, r.body)
	}
	var got []string
	for _, e := range r.body["agents"].([]any) {
		e := e.(map[string]any)
		got = append(got, fmt.Sprintf("%v handled %v resolved %v in %v sla %v csat %v qa %v", e["owner"], e["handled"],
			e["resolved"], e["handling_seconds"], e["sla_compliance_pct"], e["csat_satisfied_pct"], e["qa_score"]))
	}
	// ann's product complaint resolved 3 h after 20:00; bob's is open and past its
	// resolution deadline (SLA 0 of 1 met); the unowned one is the 10th's.
	want := []string{"ann handled 1 resolved 1 in 10800 sla 100 csat <nil> qa <nil>",
		"bob handled 1 resolved 0 in <nil> sla 0 csat <nil> qa <nil>"}
	if fmt.Sprint(got) != fmt.Sprint(want) || r.body["from"] != "2025-03-02T00:00:00Z" {
		t.Errorf("got  %q from %v\nwant %q", got, r.body["from"], want)
	}
	// In Shanghai ann's complaint (20:00 UTC) is on the 3rd, bob's (01:00 UTC) on the 2nd.
	sh := a.call(auth.RoleManager, "GET", "/v1/metrics/efficiency?date=2025-03-03&time_zone=Asia%2FShanghai", "")
	if agents := sh.body["agents"].([]any); len(agents) != 1 || agents[0].(map[string]any)["owner"] != "ann" ||
		sh.body["from"] != "2025-03-02T16:00:00Z" {
		t.Errorf("Shanghai: %v", sh.body)
	}
	for _, c := range []struct{ query, want string }{
		{"date=2025-3-2", "[date]"}, {"date=2025-03-02&time_zone=Nowhere", "[time_zone]"}, {"day=2025-03-02", "[day]"},
	} {
		if r := a.call(auth.RoleManager, "GET", "/v1/metrics/efficiency?"+c.query, ""); r.status != 400 || fmt.Sprint(r.fields()) != c.want {
			t.Errorf("%s: got %d naming %v, want 400 naming %s", c.query, r.status, r.fields(), c.want)
		}
	}
	if r := a.call(auth.RoleAgent, "GET", "/v1/metrics/efficiency", ""); r.status != http.StatusForbidden {
		t.Errorf("agent: got %d, want 403", r.status)
	}
}

func TestServiceStarsRankByTheWeightsInForce(t *testing.T) {
	a := newDirectoryAPI(t)
	seriesFixture(t, a)
	ranking := func() string {
		t.Helper()
		r := a.call(auth.RoleQuality, "GET", "/v1/metrics/service-stars?month=2025-03", "")
		if r.status != http.StatusOK {
			t.Fatalf("got %d %v", r.status, r.body)
		}
		var got []string
		for _, e := range r.body["agents"].([]any) {
			e := e.(map[string]any)
			in := e["inputs"].(map[string]any)
			got = append(got, fmt.Sprintf("%v:%v=%v(q %v s %v r %v t %v)", e["rank"], e["owner"], e["score"],
				in["quality"], in["satisfaction"], in["resolution"], in["teamwork"]))
		}
		return fmt.Sprint(got)
	}
	// Only resolution has a value (no answers, no QA): ann 1 of 1 resolved, bob 0 of 1
	// due (past its deadline).
	if got, want := ranking(), "[1:ann=100(q <nil> s <nil> r 100 t <nil>) 2:bob=0(q <nil> s <nil> r 0 t <nil>)]"; got != want {
		t.Errorf("default weights:\n got  %s\n want %s", got, want)
	}
	w := a.call(auth.RoleQuality, "GET", "/v1/service-star-weights", "")
	if w.status != 200 || w.body["quality"] != 40.0 || w.body["satisfaction"] != 30.0 || w.body["resolution"] != 20.0 || w.body["teamwork"] != 10.0 {
		t.Errorf("default weights: %d %v", w.status, w.body)
	}
	for _, c := range []struct{ body, want string }{
		{`{}`, "[quality satisfaction resolution teamwork]"},
		{`{"quality": 101, "resolution": -1}`, "[quality resolution]"},
		{`{"speed": 5, "quality": 1}`, "[speed]"},
	} {
		if r := a.call(auth.RoleQuality, "PUT", "/v1/service-star-weights", c.body); r.status != 400 || fmt.Sprint(r.fields()) != c.want {
			t.Errorf("%s: got %d naming %v, want 400 naming %s", c.body, r.status, r.fields(), c.want)
		}
	}
	if r := a.call(auth.RoleManager, "PUT", "/v1/service-star-weights", `{"satisfaction": 100}`); r.status != http.StatusForbidden {
		t.Errorf("manager PUT: got %d, want 403", r.status)
	}
	// Satisfaction alone: nobody has an answer, so nobody is scored or ranked.
	if r := a.call(auth.RoleQuality, "PUT", "/v1/service-star-weights", `{"satisfaction": 100}`); r.status != 200 || r.body["resolution"] != 0.0 {
		t.Fatalf("PUT: %d %v", r.status, r.body)
	}
	if got, want := ranking(), "[0:ann=<nil>(q <nil> s <nil> r 100 t <nil>) 0:bob=<nil>(q <nil> s <nil> r 0 t <nil>)]"; got != want {
		t.Errorf("satisfaction only:\n got  %s\n want %s", got, want)
	}
}
