package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// riskAt is the monitor's moment in these tests; every window ends there.
var riskAt = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// riskComplaints inserts n complaints without events and returns their IDs.
func riskComplaints(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	var ids []string
	err := st.DB().Select(&ids, `INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
			customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
			created_at, first_response_due_at)
		SELECT g.id, 'risk-' || g.id, 'hash', 'complaint:' || g.id, 'web', 'cust', 'name', 'medium', 'product',
			'medium', 's', 'd', 86400, $2, $2
		FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $1)) g
		RETURNING id`, n, riskAt.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// riskEvents gives each complaint `times` events of a kind at a moment.
func riskEvents(t *testing.T, st *store.Store, ids []string, times int, kind string, at time.Time, data string) {
	t.Helper()
	_, err := st.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
		SELECT id, gen_random_uuid()::text, $2, 'fixture', $3, CAST($4 AS jsonb)
		FROM unnest(CAST($1 AS uuid[])) AS id, generate_series(1, $5)`, pq.StringArray(ids), kind, at, data, times)
	if err != nil {
		t.Fatal(err)
	}
}

// riskAnswers records n survey answers with one CSAT score at a moment.
func riskAnswers(t *testing.T, st *store.Store, n, csat int, at time.Time) {
	t.Helper()
	if n > 0 {
		riskEvents(t, st, riskComplaints(t, st, 1), n, "survey_answered", at, fmt.Sprintf(`{"survey": {"csat": %d}}`, csat))
	}
}

// riskReset empties the event log between cases (TRUNCATE skips the append-only trigger).
func riskReset(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := st.DB().Exec(`TRUNCATE complaint_events, complaints CASCADE`); err != nil {
		t.Fatal(err)
	}
}

func riskCheck(t *testing.T, st *store.Store, c quality.Condition) quality.RiskCheck {
	t.Helper()
	ev, err := st.EvaluateRisks(context.Background(), riskAt)
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range ev.Checks {
		if check.Condition == c {
			return check
		}
	}
	t.Fatalf("no %s check in %+v", c, ev)
	return quality.RiskCheck{}
}

type riskWant struct {
	grade                         quality.Grade
	observed, baseline, threshold float64
	handling                      int64
	note                          bool
}

func assertRisk(t *testing.T, got quality.RiskCheck, want riskWant) {
	t.Helper()
	if got.Grade != want.grade || got.Observed != want.observed || got.Baseline != want.baseline ||
		got.Threshold != want.threshold || got.HandlingSeconds != want.handling || (got.Note != "") != want.note {
		t.Errorf("got grade %q observed %v baseline %v threshold %v handling %d note %q,\nwant grade %q observed %v baseline %v threshold %v handling %d note %v",
			got.Grade, got.Observed, got.Baseline, got.Threshold, got.HandlingSeconds, got.Note,
			want.grade, want.observed, want.baseline, want.threshold, want.handling, want.note)
	}
}

// CSAT: % of answers with CSAT 4–5 in [at−7d, at) against [at−14d, at−7d). A drop of
// exactly 5 points is yellow, 4 is nothing; exactly 15 is red, 14 yellow; fewer than
// 10 answers in either week is no verdict.
func TestCSATDropTriggersExactlyAtItsThresholds(t *testing.T) {
	st := newStore(t)
	week := 7 * 24 * time.Hour
	lastWeek, weekBefore := riskAt.Add(-time.Hour), riskAt.Add(-week-time.Hour)
	cases := []struct {
		name                         string
		prevGood, prevBad, good, bad int
		want                         riskWant
	}{
		{"drop of 5 points is yellow", 10, 0, 19, 1, riskWant{quality.Yellow, 95, 100, 95, 4 * 3600, false}},
		{"drop of 4 points is nothing", 10, 0, 24, 1, riskWant{"", 96, 100, 95, 0, false}},
		{"drop of 15 points is red", 10, 0, 17, 3, riskWant{quality.Red, 85, 100, 85, 3600, false}},
		{"drop of 14 points is yellow", 10, 0, 43, 7, riskWant{quality.Yellow, 86, 100, 95, 4 * 3600, false}},
		{"a rise is nothing", 8, 2, 10, 0, riskWant{"", 100, 80, 75, 0, false}},
		{"9 answers this week is no verdict", 10, 0, 0, 9, riskWant{"", 0, 100, 95, 0, true}},
		{"9 answers the week before is no verdict", 9, 0, 0, 10, riskWant{"", 0, 100, 95, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			riskReset(t, st)
			riskAnswers(t, st, c.prevGood, 4, weekBefore)
			riskAnswers(t, st, c.prevBad, 3, weekBefore)
			riskAnswers(t, st, c.good, 5, lastWeek)
			riskAnswers(t, st, c.bad, 1, lastWeek)
			assertRisk(t, riskCheck(t, st, quality.CSATDrop), c.want)
		})
	}

	t.Run("window edges", func(t *testing.T) {
		riskReset(t, st)
		riskAnswers(t, st, 10, 5, riskAt.Add(-2*week))                 // first instant of the previous week
		riskAnswers(t, st, 5, 1, riskAt.Add(-2*week-time.Microsecond)) // before it: ignored
		riskAnswers(t, st, 9, 5, riskAt.Add(-week))                    // first instant of this week
		riskAnswers(t, st, 1, 2, riskAt.Add(-time.Microsecond))
		riskAnswers(t, st, 5, 1, riskAt) // at the monitor's moment: not yet
		got := riskCheck(t, st, quality.CSATDrop)
		assertRisk(t, got, riskWant{quality.Yellow, 90, 100, 95, 4 * 3600, false})
		want := map[string]int64{"answers": 10, "satisfied": 9, "previous_answers": 10, "previous_satisfied": 10,
			"ratings": 0, "ratings_satisfied": 0, "previous_ratings": 0, "previous_ratings_satisfied": 0}
		if fmt.Sprint(got.Details.Counts) != fmt.Sprint(want) {
			t.Errorf("counts %v, want %v", got.Details.Counts, want)
		}
		if !got.Details.From.Equal(riskAt.Add(-week)) || !got.Details.To.Equal(riskAt) ||
			!got.Details.BaselineFrom.Equal(riskAt.Add(-2*week)) || !got.Details.BaselineTo.Equal(riskAt.Add(-week)) {
			t.Errorf("windows %+v", got.Details)
		}
	})
}

// riskRatings records n touch-point ratings (POST /v1/feedback, kind rating) received at a moment.
func riskRatings(t *testing.T, st *store.Store, n, rating int, at time.Time) {
	t.Helper()
	_, err := st.DB().Exec(`INSERT INTO feedback (id, request_hash, kind, channel, rating, problem_type, urgency, scope,
			disposition, received_at)
		SELECT gen_random_uuid(), 'hash', 'rating', 'app', $2, 'service', 'low', 'individual', 'recorded', $3
		FROM generate_series(1, $1)`, n, rating, at)
	if err != nil {
		t.Fatal(err)
	}
}

// 002 §9.1 「客户满意度异常波动(单周下降≥5%)」 collects the instant post-service rating
// (「满意度评价系统(服务结束后即时评分)」) beside the survey: touch-point ratings alone
// slide from 90 % to 80 % satisfied (4–5) week on week, with a few steady survey
// answers, and the monitor raises a yellow alert that says what it counted. Without the
// ratings there are too few answers for a verdict.
func TestCSATDropCountsTouchPointRatings(t *testing.T) {
	st := newStore(t)
	riskReset(t, st)
	week := 7 * 24 * time.Hour
	lastWeek, weekBefore := riskAt.Add(-time.Hour), riskAt.Add(-week-time.Hour)
	riskAnswers(t, st, 2, 5, weekBefore)
	riskAnswers(t, st, 2, 5, lastWeek)
	riskRatings(t, st, 16, 4, weekBefore) // with the answers, 18 of 20 satisfied: 90 %
	riskRatings(t, st, 2, 3, weekBefore)
	riskRatings(t, st, 14, 5, lastWeek) // with the answers, 16 of 20: 80 %
	riskRatings(t, st, 4, 2, lastWeek)
	riskRatings(t, st, 5, 1, riskAt.Add(-2*week-time.Second)) // before the windows: ignored
	got := riskCheck(t, st, quality.CSATDrop)
	assertRisk(t, got, riskWant{quality.Yellow, 80, 90, 85, 4 * 3600, false})
	want := map[string]int64{"answers": 2, "satisfied": 2, "previous_answers": 2, "previous_satisfied": 2,
		"ratings": 18, "ratings_satisfied": 14, "previous_ratings": 18, "previous_ratings_satisfied": 16}
	if fmt.Sprint(got.Details.Counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", got.Details.Counts, want)
	}
	a, created := openRisk(t, st, "ratings-run", riskAt, got)
	if !created || a.Grade != quality.Yellow || fmt.Sprint(a.Details.Counts) != fmt.Sprint(want) {
		t.Errorf("alert created %v grade %s counts %v, want a new yellow alert with %v", created, a.Grade, a.Details.Counts, want)
	}
}

// Volume: complaints first opened in [at−24h, at) against the daily average of
// [at−8d, at−24h). With 70 in the trailing week (10 a day), 13 is yellow (+30 %), 12
// nothing, 20 red (+100 %), 19 yellow; a trailing average under 1 a day is no verdict.
func TestVolumeSpikeTriggersExactlyAtItsThresholds(t *testing.T) {
	st := newStore(t)
	day := 24 * time.Hour
	cases := []struct {
		name             string
		trailing, recent int
		want             riskWant
	}{
		{"30 % over is yellow", 70, 13, riskWant{quality.Yellow, 13, 10, 13, 4 * 3600, false}},
		{"20 % over is nothing", 70, 12, riskWant{"", 12, 10, 13, 0, false}},
		{"100 % over is red", 70, 20, riskWant{quality.Red, 20, 10, 20, 3600, false}},
		{"90 % over is yellow", 70, 19, riskWant{quality.Yellow, 19, 10, 13, 4 * 3600, false}},
		{"average under 1 a day is no verdict", 6, 50, riskWant{"", 50, 0.86, 1.11, 0, true}},
		{"average of exactly 1 a day judges", 7, 2, riskWant{quality.Red, 2, 1, 2, 3600, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			riskReset(t, st)
			riskEvents(t, st, riskComplaints(t, st, c.trailing), 1, "opened", riskAt.Add(-3*day), "{}")
			riskEvents(t, st, riskComplaints(t, st, c.recent), 1, "opened", riskAt.Add(-time.Hour), "{}")
			assertRisk(t, riskCheck(t, st, quality.VolumeSpike), c.want)
		})
	}

	t.Run("window edges", func(t *testing.T) {
		riskReset(t, st)
		riskEvents(t, st, riskComplaints(t, st, 7), 1, "opened", riskAt.Add(-8*day), "{}")                  // trailing window starts
		riskEvents(t, st, riskComplaints(t, st, 5), 1, "opened", riskAt.Add(-8*day-time.Microsecond), "{}") // before it
		recent := riskComplaints(t, st, 2)
		riskEvents(t, st, recent, 1, "opened", riskAt.Add(-day), "{}")         // the last 24 h start
		riskEvents(t, st, recent, 1, "opened", riskAt.Add(-time.Hour), "{}")   // a second opened event counts once
		riskEvents(t, st, riskComplaints(t, st, 5), 1, "opened", riskAt, "{}") // at the monitor's moment: not yet
		got := riskCheck(t, st, quality.VolumeSpike)
		assertRisk(t, got, riskWant{quality.Red, 2, 1, 2, 3600, false})
		want := map[string]int64{"opened": 2, "trailing_opened": 7, "trailing_days": 7}
		if fmt.Sprint(got.Details.Counts) != fmt.Sprint(want) {
			t.Errorf("counts %v, want %v", got.Details.Counts, want)
		}
	})
}

// SLA compliance of the complaints whose outcome became known in [at−24h, at), with
// target 90: 90 % is nothing, 89 % and 85 % (5 points under) blue, 84 % yellow, 71 %
// yellow, 70 % (20 under) red; fewer than 10 outcomes is no verdict.
func TestSLAComplianceTriggersExactlyAtItsThresholds(t *testing.T) {
	st := newStore(t)
	cases := []struct {
		name        string
		met, broken int
		want        riskWant
	}{
		{"on target is nothing", 90, 10, riskWant{"", 90, 90, 90, 0, false}},
		{"1 point under is a missed KPI, yellow", 89, 11, riskWant{quality.Yellow, 89, 90, 90, 4 * 3600, false}},
		{"19 points under is yellow", 71, 29, riskWant{quality.Yellow, 71, 90, 90, 4 * 3600, false}},
		{"20 points under is red", 70, 30, riskWant{quality.Red, 70, 90, 70, 3600, false}},
		{"9 outcomes is no verdict", 0, 9, riskWant{"", 0, 90, 90, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			riskReset(t, st)
			riskEvents(t, st, riskComplaints(t, st, c.met), 1, "resolved", riskAt.Add(-time.Hour), "{}")
			broken := riskComplaints(t, st, c.broken)
			riskEvents(t, st, broken, 1, "sla_breached", riskAt.Add(-2*time.Hour), "{}")
			riskEvents(t, st, broken, 1, "resolved", riskAt.Add(-time.Hour), "{}")
			assertRisk(t, riskCheck(t, st, quality.SLAShortfall), c.want)
		})
	}

	t.Run("what counts", func(t *testing.T) {
		riskReset(t, st)
		day := 24 * time.Hour
		riskEvents(t, st, riskComplaints(t, st, 8), 1, "resolved", riskAt.Add(-day), "{}") // known at the window's start: met
		// Breached in the window, not resolved yet: known, not met.
		riskEvents(t, st, riskComplaints(t, st, 2), 1, "sla_breached", riskAt.Add(-time.Minute), "{}")
		// Known before the window (resolved), resolved again inside it: not counted.
		earlier := riskComplaints(t, st, 5)
		riskEvents(t, st, earlier, 1, "resolved", riskAt.Add(-day-time.Microsecond), "{}")
		riskEvents(t, st, earlier, 1, "resolved", riskAt.Add(-time.Hour), "{}")
		// Resolved in the window, breached only after the monitor's moment: met as of then.
		later := riskComplaints(t, st, 2)
		riskEvents(t, st, later, 1, "resolved", riskAt.Add(-time.Hour), "{}")
		riskEvents(t, st, later, 1, "sla_breached", riskAt, "{}")
		got := riskCheck(t, st, quality.SLAShortfall)
		// 10 of 12 = 83.33 %: 6.67 points under.
		assertRisk(t, got, riskWant{quality.Yellow, 83.33, 90, 90, 4 * 3600, false})
		if got.Details.Counts["known"] != 12 || got.Details.Counts["met"] != 10 {
			t.Errorf("counts %v, want known 12 met 10", got.Details.Counts)
		}
	})
}

func TestRiskThresholdsDefaultAndStored(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	got, err := st.RiskThresholds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != quality.DefaultRiskThresholds() || got.RedHandlingSeconds != 3600 || got.YellowHandlingSeconds != 14400 ||
		got.BlueHandlingSeconds != 86400 || got.UpdatedAt != nil {
		t.Fatalf("unset thresholds %+v, want the defaults", got)
	}
	changed := got
	changed.SLATargetPct, changed.SLAMinKnown = 95, 1
	if _, err := st.PutRiskThresholds(ctx, changed, "qa", riskAt, nil); err != nil {
		t.Fatal(err)
	}
	got, err = st.RiskThresholds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.SLATargetPct != 95 || got.SLAMinKnown != 1 || got.UpdatedBy != "qa" || !got.UpdatedAt.Equal(riskAt) ||
		got.CSATDropPoints != 5 {
		t.Fatalf("stored thresholds read back as %+v", got)
	}
	// The monitor judges with the stored ones: 1 outcome, breached, against 95.
	riskEvents(t, st, riskComplaints(t, st, 1), 1, "sla_breached", riskAt.Add(-time.Hour), "{}")
	assertRisk(t, riskCheck(t, st, quality.SLAShortfall), riskWant{quality.Red, 0, 95, 75, 3600, false})
}

func yellowCSAT() quality.RiskCheck {
	return quality.RiskCheck{Condition: quality.CSATDrop, Grade: quality.Yellow, Observed: 95, Baseline: 100,
		Threshold: 95, HandlingSeconds: 4 * 3600,
		Details: quality.RiskDetails{From: riskAt.Add(-7 * 24 * time.Hour), To: riskAt, Counts: map[string]int64{"answers": 20}}}
}

func openRisk(t *testing.T, st *store.Store, run string, at time.Time, check quality.RiskCheck) (quality.RiskAlert, bool) {
	t.Helper()
	a, created, err := st.OpenRiskAlert(context.Background(), quality.NewRiskAlert{
		ID: uuid.NewString(), Key: run + "/" + string(check.Condition), MonitorRun: run, Check: check, At: at, OwnerID: "lee",
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, created
}

func riskEventKinds(t *testing.T, st *store.Store, id string) []quality.RiskEventKind {
	t.Helper()
	evs, err := st.RiskAlertEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []quality.RiskEventKind
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// One alert per open condition: a second monitor run returns the open alert
// (created false) and counts the sighting; retries of either change nothing; once
// the alert is closed the condition opens a new one.
func TestOpenRiskAlertNeverDuplicatesAnOpenCondition(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)

	first, created := openRisk(t, st, "run-1", riskAt, yellowCSAT())
	if !created || first.Status != quality.RiskOpen || first.Grade != quality.Yellow || first.SeenCount != 1 ||
		!first.HandlingDueAt.Equal(riskAt.Add(4*time.Hour)) || *first.OwnerID != "lee" || first.MonitorRun != "run-1" ||
		first.Observed != 95 || first.Details.Counts["answers"] != 20 {
		t.Fatalf("first open: created %v alert %+v", created, first)
	}
	retry, created := openRisk(t, st, "run-1", riskAt, yellowCSAT())
	if !created || retry.ID != first.ID {
		t.Fatalf("retry of the opening: created %v id %s, want true %s", created, retry.ID, first.ID)
	}

	later := riskAt.Add(15 * time.Minute)
	red := yellowCSAT()
	red.Grade, red.HandlingSeconds = quality.Red, 3600
	again, created := openRisk(t, st, "run-2", later, red)
	if created || again.ID != first.ID || again.SeenCount != 2 || !again.LastSeenAt.Equal(later) || again.Grade != quality.Yellow {
		t.Fatalf("second run: created %v alert %+v, want the open alert seen twice, grade kept", created, again)
	}
	if _, created = openRisk(t, st, "run-2", later, red); created {
		t.Fatal("retry of the second run created an alert")
	}
	if a, _ := st.RiskAlert(ctx, first.ID); a.SeenCount != 2 {
		t.Fatalf("seen %d times after a retried sighting, want 2", a.SeenCount)
	}
	if got := fmt.Sprint(riskEventKinds(t, st, first.ID)); got != "[opened seen_again]" {
		t.Fatalf("events %s", got)
	}
	// Another condition is another alert.
	if _, created := openRisk(t, st, "run-2", later, quality.RiskCheck{Condition: quality.VolumeSpike, Grade: quality.Red,
		HandlingSeconds: 3600}); !created {
		t.Fatal("a volume spike did not open its own alert")
	}

	// A responded alert still blocks a new one; a closed one does not.
	respond := quality.RiskAlertEvent{AlertID: first.ID, Key: "k/responded", Kind: quality.RiskEventResponded, At: later,
		Actor: "lee", Data: quality.RiskEventData{Response: "analysis report attached"}}
	if ok, err := st.RecordRiskAlertEvent(ctx, respond); !ok || err != nil {
		t.Fatalf("respond: %v %v", ok, err)
	}
	if _, created := openRisk(t, st, "run-3", later.Add(15*time.Minute), yellowCSAT()); created {
		t.Fatal("a responded alert's condition opened a second alert")
	}
	closeEvent := quality.RiskAlertEvent{AlertID: first.ID, Key: "k/closed", Kind: quality.RiskEventClosed, At: later.Add(time.Hour),
		Actor: "lee", Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{RootCause: "courier strike", Solution: "second courier",
			Executor: "logistics team", ActionDeadline: riskAt.Add(72 * time.Hour), Verification: "CSAT back at 97 %"}}}
	if ok, err := st.RecordRiskAlertEvent(ctx, closeEvent); !ok || err != nil {
		t.Fatalf("close: %v %v", ok, err)
	}
	next, created := openRisk(t, st, "run-4", later.Add(2*time.Hour), yellowCSAT())
	if !created || next.ID == first.ID {
		t.Fatalf("after closing: created %v id %s", created, next.ID)
	}
}

// Events apply to the alert once per key; transitions the status forbids are
// conflicts that record nothing; an unknown alert is not found.
func TestRecordRiskAlertEventAppliesTransitionsOnce(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	a, _ := openRisk(t, st, "run-1", riskAt, yellowCSAT())
	record := func(e quality.RiskAlertEvent) (bool, error) {
		e.AlertID = a.ID
		return st.RecordRiskAlertEvent(ctx, e)
	}
	next := riskAt.Add(8 * time.Hour)
	esc := quality.RiskAlertEvent{Key: "esc/1", Kind: quality.RiskEventEscalated, At: riskAt.Add(4 * time.Hour), Actor: "system",
		Data: quality.RiskEventData{Level: 1, To: "max", NextDueAt: &next, Recipients: []string{"max", "lee"}}}
	if ok, err := record(esc); !ok || err != nil {
		t.Fatalf("escalate: %v %v", ok, err)
	}
	if ok, err := record(esc); ok || err != nil {
		t.Fatalf("escalate again with the same key: %v %v, want false nil", ok, err)
	}
	got, _ := st.RiskAlert(ctx, a.ID)
	if got.EscalationLevel != 1 || *got.EscalatedTo != "max" || !got.HandlingDueAt.Equal(next) {
		t.Fatalf("after escalation %+v", got)
	}

	closed := quality.RiskAlertEvent{Key: "closed", Kind: quality.RiskEventClosed, At: riskAt.Add(5 * time.Hour), Actor: "max",
		Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{RootCause: "rc", Solution: "fix", Executor: "ops",
			ActionDeadline: riskAt.Add(48 * time.Hour), Verification: "checked"}}}
	if ok, err := record(closed); !ok || err != nil {
		t.Fatalf("close from open: %v %v", ok, err)
	}
	got, _ = st.RiskAlert(ctx, a.ID)
	if got.Status != quality.RiskClosed || *got.RootCause != "rc" || *got.Solution != "fix" || *got.Executor != "ops" ||
		!got.ActionDeadline.Equal(riskAt.Add(48*time.Hour)) || *got.Verification != "checked" ||
		!got.ClosedAt.Equal(riskAt.Add(5*time.Hour)) || *got.ClosedBy != "max" ||
		*got.Response != "fix" || *got.RespondedBy != "max" || !got.RespondedAt.Equal(riskAt.Add(5*time.Hour)) {
		t.Fatalf("closed alert %+v", got)
	}
	late := quality.RiskAlertEvent{Key: "responded", Kind: quality.RiskEventResponded, At: riskAt.Add(6 * time.Hour), Actor: "lee",
		Data: quality.RiskEventData{Response: "too late"}}
	if _, err := record(late); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("respond to a closed alert: %v, want ErrConflict", err)
	}
	if got := fmt.Sprint(riskEventKinds(t, st, a.ID)); got != "[opened escalated closed]" {
		t.Fatalf("events %s", got)
	}
	evs, _ := st.RiskAlertEvents(ctx, a.ID)
	if evs[1].Data.To != "max" || evs[1].Data.Level != 1 || fmt.Sprint(evs[1].Data.Recipients) != "[max lee]" ||
		evs[2].Data.Ledger.Executor != "ops" || evs[0].Data.Check.Observed != 95 {
		t.Fatalf("event data %+v", evs)
	}

	if _, err := st.RecordRiskAlertEvent(ctx, quality.RiskAlertEvent{AlertID: uuid.NewString(), Key: "x", Kind: quality.RiskEventNotified,
		At: riskAt, Actor: "system"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("event of an unknown alert: %v, want ErrNotFound", err)
	}
	if _, err := st.RiskAlert(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown alert: %v, want ErrNotFound", err)
	}
}

func TestRiskAlertListingAndLedger(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	csat, _ := openRisk(t, st, "run-1", riskAt, yellowCSAT())
	vol, _ := openRisk(t, st, "run-2", riskAt.Add(time.Hour), quality.RiskCheck{Condition: quality.VolumeSpike, Grade: quality.Red, HandlingSeconds: 3600})
	sla, _ := openRisk(t, st, "run-3", riskAt.Add(2*time.Hour), quality.RiskCheck{Condition: quality.SLAShortfall, Grade: quality.Blue, HandlingSeconds: 86400})
	if _, err := st.RecordRiskAlertEvent(ctx, quality.RiskAlertEvent{AlertID: vol.ID, Key: "c", Kind: quality.RiskEventClosed,
		At: riskAt.Add(3 * time.Hour), Actor: "dora", Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{
			RootCause: "rc", Solution: "s", Executor: "e", ActionDeadline: riskAt, Verification: "v"}}}); err != nil {
		t.Fatal(err)
	}

	list := func(f store.RiskAlertFilter) []string {
		t.Helper()
		if f.Limit == 0 {
			f.Limit = 10
		}
		as, err := st.RiskAlerts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return ids
	}
	if got, want := fmt.Sprint(list(store.RiskAlertFilter{})), fmt.Sprint([]string{sla.ID, vol.ID, csat.ID}); got != want {
		t.Errorf("all alerts %s, want newest first %s", got, want)
	}
	if got := list(store.RiskAlertFilter{Status: "open"}); fmt.Sprint(got) != fmt.Sprint([]string{sla.ID, csat.ID}) {
		t.Errorf("open alerts %v", got)
	}
	if got := list(store.RiskAlertFilter{Grade: "blue", Condition: "sla_compliance"}); fmt.Sprint(got) != fmt.Sprint([]string{sla.ID}) {
		t.Errorf("blue sla alerts %v", got)
	}
	if got := list(store.RiskAlertFilter{Limit: 1, AfterOpenedAt: riskAt.Add(time.Hour), AfterID: vol.ID}); fmt.Sprint(got) != fmt.Sprint([]string{csat.ID}) {
		t.Errorf("page after the volume alert %v", got)
	}

	ledger, err := st.RiskLedger(ctx, time.Time{}, time.Time{}, "")
	if err != nil || len(ledger) != 1 || ledger[0].ID != vol.ID || *ledger[0].ClosedBy != "dora" {
		t.Fatalf("ledger %+v %v", ledger, err)
	}
	for _, bounds := range [][2]time.Time{{riskAt.Add(time.Hour), riskAt.Add(time.Hour + time.Microsecond)}, {riskAt, time.Time{}}} {
		if got, _ := st.RiskLedger(ctx, bounds[0], bounds[1], ""); len(got) != 1 {
			t.Errorf("ledger in %v: %d entries, want 1", bounds, len(got))
		}
	}
	for _, bounds := range [][2]time.Time{{riskAt.Add(time.Hour + time.Microsecond), time.Time{}}, {time.Time{}, riskAt.Add(time.Hour)}} {
		if got, _ := st.RiskLedger(ctx, bounds[0], bounds[1], ""); len(got) != 0 {
			t.Errorf("ledger in %v: %d entries, want 0", bounds, len(got))
		}
	}
}

// Attempts of one opening that overlap — a retry started while the first attempt
// is still committing at its timeout — all learn the opening: created, the same
// alert, seen once, one event. (Before, an attempt that read no event before the
// first committed took the "seen again" path, counted a sighting and answered
// created=false, so the monitor never started the alert's workflow.)
func TestOverlappingAttemptsOfAnOpeningAllLearnIt(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for round := range 5 {
		run := fmt.Sprintf("run-overlap-%d", round)
		check := yellowCSAT()
		type answer struct {
			id      string
			created bool
			err     error
		}
		answers := make(chan answer, 8)
		start := make(chan struct{})
		for range 8 {
			go func() {
				<-start
				a, created, err := st.OpenRiskAlert(ctx, quality.NewRiskAlert{
					ID: uuid.NewString(), Key: run + "/" + string(check.Condition), MonitorRun: run, Check: check, At: riskAt, OwnerID: "lee",
				})
				answers <- answer{a.ID, created, err}
			}()
		}
		close(start)
		ids := map[string]bool{}
		for range 8 {
			a := <-answers
			if a.err != nil || !a.created {
				t.Fatalf("round %d: an attempt answered created=%v, %v; want the opening", round, a.created, a.err)
			}
			ids[a.id] = true
		}
		if len(ids) != 1 {
			t.Fatalf("round %d: attempts answered %d alerts, want one", round, len(ids))
		}
		for id := range ids {
			a, err := st.RiskAlert(ctx, id)
			if err != nil || a.SeenCount != 1 {
				t.Fatalf("round %d: alert %+v, %v; want seen once", round, a, err)
			}
			if got := fmt.Sprint(riskEventKinds(t, st, id)); got != "[opened]" {
				t.Fatalf("round %d: events %s, want [opened]", round, got)
			}
			// Closed, so the next round's condition opens a new alert.
			if ok, err := st.RecordRiskAlertEvent(ctx, quality.RiskAlertEvent{AlertID: id, Key: run + "/closed",
				Kind: quality.RiskEventClosed, At: riskAt.Add(time.Hour), Actor: "lee",
				Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{RootCause: "r", Solution: "s", Executor: "e",
					ActionDeadline: riskAt.Add(72 * time.Hour), Verification: "v"}}}); !ok || err != nil {
				t.Fatalf("round %d: close: %v %v", round, ok, err)
			}
		}
	}
}
