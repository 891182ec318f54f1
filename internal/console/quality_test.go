package console

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The plan form becomes the API's plan body: dates to the end of the day in the
// viewer's zone (tz; none: UTC) as RFC 3339, numbers as numbers, anything else as
// typed (for the API to name), empty measure rows left out.
func TestPlanBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   map[string]string
		want string
	}{
		{"one measure", map[string]string{"target": "80", "due": "2027-01-31",
			"measures[0].description": "audit", "measures[0].owner": "quinn", "measures[0].due": "2027-01-10"},
			`{"due":"2027-01-31T23:59:59Z","measures":[{"description":"audit","due":"2027-01-10T23:59:59Z","owner":"quinn"}],"target":80}`},
		{"picked in Shanghai", map[string]string{"due": "2027-01-31", "measures[0].due": "2027-01-10", "tz": "Asia/Shanghai"},
			`{"due":"2027-01-31T23:59:59+08:00","measures":[{"description":"","due":"2027-01-10T23:59:59+08:00","owner":""}]}`},
		{"typed as is", map[string]string{"target": "eighty", "due": "soon", "measures[1].owner": "x"},
			`{"due":"soon","measures":[{"description":"","due":"","owner":"x"}],"target":"eighty"}`},
		{"empty", map[string]string{}, `{"measures":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := json.Marshal(planBody(tc.in))
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// The act form sends the adjusted plan only when any of its fields was filled, under
// the API's adjusted_plan with the plan form's reading.
func TestActBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   map[string]string
		want string
	}{
		{"met: the SOP change alone", map[string]string{"sop_change": "new script"}, `{"sop_change":"new script"}`},
		{"missed: root cause and the next plan", map[string]string{"root_cause": "night shift",
			"adjusted_plan.target": "70", "adjusted_plan.due": "2027-03-31", "adjusted_plan.measures[0].description": "cover nights",
			"adjusted_plan.measures[0].owner": "quinn", "adjusted_plan.measures[0].due": "2027-03-01"},
			`{"adjusted_plan":{"due":"2027-03-31T23:59:59Z","measures":[{"description":"cover nights","due":"2027-03-01T23:59:59Z","owner":"quinn"}],"target":70},"root_cause":"night shift"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]string{}
			for _, f := range actFields() {
				in[f] = tc.in[f]
			}
			got, _ := json.Marshal(actBody(in))
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestWriteLedger(t *testing.T) {
	at := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	resp := "rerouted, at once"
	id := uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	e := apiclient.RiskLedgerEntry{Id: id, Condition: "training_gap", Subject: "agent:ann", Grade: "red", OpenedAt: at, Observed: 10, Baseline: 2, Threshold: 4,
		Response: &resp, RootCause: "depot closed", Solution: "north depot", Executor: "quinn",
		ActionDeadline: at.AddDate(0, 0, 2), Verification: "=HYPERLINK(1)", ClosedAt: at.Add(time.Hour), ClosedBy: "qin",
		CycleIds: []uuid.UUID{uuid.MustParse("00000000-0000-0000-0000-0000000000c1"), uuid.MustParse("00000000-0000-0000-0000-0000000000c2")}}
	// A missed-KPI alert's line names the missed figures, not only how many.
	k := apiclient.RiskLedgerEntry{Id: id, Condition: "kpi_target", Grade: "yellow", OpenedAt: at, Observed: 2, Baseline: 6, Threshold: 1,
		MissedKpis: []apiclient.KPIMiss{{Kpi: "first_response_minutes", Actual: 45.25, Target: 30}, {Kpi: "fcr_pct", Actual: 70, Target: 80}},
		RootCause:  "rota", Solution: "two more", Executor: "quinn", ActionDeadline: at, Verification: "met", ClosedAt: at, ClosedBy: "qin"}
	var buf bytes.Buffer
	if err := writeLedger(&buf, []apiclient.RiskLedgerEntry{e, k}); err != nil {
		t.Fatal(err)
	}
	want := "id,condition,subject,grade,opened_at,observed,baseline,threshold,missed_kpis,escalation_level,response,responded_by,root_cause,solution,executor,action_deadline,verification,closed_at,closed_by,cycle_ids\n" +
		"00000000-0000-0000-0000-0000000000a1,training_gap,agent:ann,red,2026-03-01T02:00:00Z,10,2,4,,0,\"rerouted, at once\",,depot closed,north depot,quinn,2026-03-03T02:00:00Z,'=HYPERLINK(1),2026-03-01T03:00:00Z,qin,00000000-0000-0000-0000-0000000000c1; 00000000-0000-0000-0000-0000000000c2\n" +
		"00000000-0000-0000-0000-0000000000a1,kpi_target,,yellow,2026-03-01T02:00:00Z,2,6,1,first_response_minutes 45.25 (target 30); fcr_pct 70 (target 80),0,,,rota,two more,quinn,2026-03-01T02:00:00Z,met,2026-03-01T02:00:00Z,qin,\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
