package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// The complaint_metrics rows (migration 00013) are a projection of the event log that
// PostgreSQL keeps on every insert. These tests hold them to the log: whatever order,
// batching or concurrency the events arrive in, each row equals the facts the former
// metrics query computed from the whole log (testdata/complaint_metrics_reference.sql).

// factsEvent is one generated event of a random log.
type factsEvent struct {
	complaintID, key, kind string
	at                     time.Time
	data                   map[string]any
}

// factsKinds are drawn for random logs: every kind a fact depends on, and kinds that
// must change nothing (sla_warning, survey_sent).
var factsKinds = []string{"acknowledged", "resolved", "paused", "resumed", "sla_breached", "sla_escalated",
	"escalation_requested", "handed_over", "reopened", "closed", "survey_answered", "sla_warning", "survey_sent", "opened"}

// randomLogs writes n bare complaints and returns a random event log for each: an
// opened event, then 0–14 events at half-hour steps within two days (ties included,
// some before the opening), with survey answers missing scores at random.
func randomLogs(t *testing.T, db *sqlx.DB, r *rand.Rand, n int) []factsEvent {
	t.Helper()
	base := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	var events []factsEvent
	for i := range n {
		opened := base.Add(time.Duration(r.IntN(24*30)) * time.Hour)
		id := insertBareComplaint(t, db, fmt.Sprintf("facts-%d-%s", i, uuid.NewString()[:8]), opened)
		events = append(events, factsEvent{complaintID: id, key: id + "/0", kind: "opened", at: opened, data: map[string]any{}})
		for j := range r.IntN(15) {
			kind := factsKinds[r.IntN(len(factsKinds))]
			data := map[string]any{}
			switch kind {
			case "sla_breached":
				if clock := []string{"first_response", "resolution", ""}[r.IntN(3)]; clock != "" {
					data["clock"] = clock
				}
			case "closed":
				data["verification"] = []string{"verified", "unverified", ""}[r.IntN(3)]
			case "survey_answered":
				answer := map[string]any{}
				if r.IntN(5) > 0 {
					answer["csat"] = 1 + r.IntN(5)
				}
				if r.IntN(2) == 0 {
					answer["nps"] = r.IntN(11)
				}
				if r.IntN(2) == 0 {
					answer["ces"] = 1 + r.IntN(7)
				}
				for _, dim := range []string{"response_speed", "problem_solved", "service_attitude"} {
					if r.IntN(2) == 0 {
						answer[dim] = 1 + r.IntN(5)
					}
				}
				data["survey"] = answer
			}
			at := opened.Add(time.Duration(r.IntN(100)-4) * 30 * time.Minute)
			events = append(events, factsEvent{complaintID: id, key: fmt.Sprintf("%s/%d", id, j+1), kind: kind, at: at, data: data})
		}
	}
	return events
}

// insertBareComplaint writes a complaint row with the columns metrics group by.
func insertBareComplaint(t *testing.T, db *sqlx.DB, externalID string, created time.Time) string {
	t.Helper()
	id := uuid.NewString()
	_, err := db.Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
			customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
			created_at, first_response_due_at)
		VALUES ($1, $2, 'hash', $3, 'web', 'cust', '客户', 'low', 'product', 'low', 'subject', 'description', 7200, $4, $4)`,
		id, externalID, "complaint:"+id, created)
	if err != nil {
		t.Fatalf("insert complaint %s: %v", externalID, err)
	}
	return id
}

// insertEvents appends events in one INSERT statement.
func insertEvents(ctx context.Context, x sqlx.ExecerContext, events ...factsEvent) error {
	ids, keys, kinds, ats, datas := []string{}, []string{}, []string{}, []time.Time{}, []string{}
	for _, e := range events {
		data, err := json.Marshal(e.data)
		if err != nil {
			return err
		}
		ids, keys, kinds, ats, datas = append(ids, e.complaintID), append(keys, e.key), append(kinds, e.kind),
			append(ats, e.at), append(datas, string(data))
	}
	_, err := x.ExecContext(ctx, `INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
		SELECT id::uuid, key, kind, 'facts-test', at, data::jsonb
		FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS e (id, key, kind, at, data)`,
		pq.Array(ids), pq.Array(keys), pq.Array(kinds), pq.Array(ats), pq.Array(datas))
	if err != nil {
		return fmt.Errorf("insert %d events: %w", len(events), err)
	}
	return nil
}

// assertFactsMatchTheLog fails unless complaint_metrics holds exactly want rows and
// each equals the reference computed from the whole log.
func assertFactsMatchTheLog(t *testing.T, db *sqlx.DB, want int) {
	t.Helper()
	ref, err := os.ReadFile("testdata/complaint_metrics_reference.sql")
	if err != nil {
		t.Fatal(err)
	}
	var diff []string
	err = db.Select(&diff, `WITH reference AS (`+string(ref)+`)
		SELECT 'only in complaint_metrics: ' || row_to_json(d)::text FROM (TABLE complaint_metrics EXCEPT ALL TABLE reference) d
		UNION ALL
		SELECT 'only in the reference:     ' || row_to_json(d)::text FROM (TABLE reference EXCEPT ALL TABLE complaint_metrics) d`)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(diff)
	for _, d := range diff {
		t.Error(d)
	}
	var got int
	if err := db.Get(&got, `SELECT count(*) FROM complaint_metrics`); err != nil || got != want {
		t.Errorf("complaint_metrics has %d rows (err %v), want %d", got, err, want)
	}
}

func TestComplaintMetricsMatchTheLogWhateverTheOrder(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(13, 2025))
	tests := []struct {
		name   string
		insert func(t *testing.T, db *sqlx.DB, events []factsEvent)
	}{
		{"one event a statement, shuffled out of time order", func(t *testing.T, db *sqlx.DB, events []factsEvent) {
			r.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
			for _, e := range events {
				if err := insertEvents(ctx, db, e); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"every event in one statement", func(t *testing.T, db *sqlx.DB, events []factsEvent) {
			r.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
			if err := insertEvents(ctx, db, events...); err != nil {
				t.Fatal(err)
			}
		}},
		{"batches of seven in one transaction", func(t *testing.T, db *sqlx.DB, events []factsEvent) {
			tx := db.MustBegin()
			defer tx.Rollback()
			for i := 0; i < len(events); i += 7 {
				if err := insertEvents(ctx, tx, events[i:min(i+7, len(events))]...); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newStore(t).DB()
			const complaints = 60
			tt.insert(t, db, randomLogs(t, db, r, complaints))
			assertFactsMatchTheLog(t, db, complaints)
		})
	}
}

// Transactions adding events to one complaint at once: each refresh must see the
// events of the transactions that committed before it, or the row would keep only
// what the last committer saw. Six writers start together and hold their insert open
// for a moment before committing; without the row lock the refresh takes, every one
// of them reads the log before the others commit.
func TestComplaintMetricsUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	db := newStore(t).DB()
	opened := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	id := insertBareComplaint(t, db, "facts-concurrent", opened)
	if err := insertEvents(ctx, db, factsEvent{complaintID: id, key: id + "/opened", kind: "opened", at: opened}); err != nil {
		t.Fatal(err)
	}
	kinds := []string{"acknowledged", "sla_breached", "paused", "resolved", "reopened", "sla_escalated"}
	for round := range 2 {
		var writes []heldWrite
		for i, kind := range kinds {
			writes = append(writes, heldWrite{hold: 0.1, event: factsEvent{complaintID: id, key: fmt.Sprintf("%s/%d/%d", id, round, i), kind: kind,
				at: opened.Add(time.Duration(round*10+i+1) * time.Hour), data: map[string]any{}}})
		}
		commitTogether(t, db, writes)
		assertFactsMatchTheLog(t, db, 1)
	}
}

// The same while the complaint opens: its first facts are inserted whole from a
// statement whose fact events are all `opened` (migration 00030), and only if no
// other writer's event has made the row yet — a writer that loses the race to
// insert the row must still see the opening once it commits.
func TestComplaintMetricsUnderConcurrentWritersWhileOpening(t *testing.T) {
	db := newStore(t).DB()
	kinds := []string{"opened", "acknowledged", "sla_breached", "paused", "survey_sent"}
	const rounds = 6
	for round := range rounds {
		opened := time.Date(2025, 5, 1+round, 0, 0, 0, 0, time.UTC)
		id := insertBareComplaint(t, db, fmt.Sprintf("facts-opening-%d", round), opened)
		var writes []heldWrite
		for i, kind := range kinds {
			// The opening commits among the first in half the rounds, last in the others.
			hold := 0.05 + 0.1*float64(i%2)
			if kind == "opened" && round%2 == 1 {
				hold = 0.3
			}
			writes = append(writes, heldWrite{hold: hold, event: factsEvent{complaintID: id, key: fmt.Sprintf("%s/%d", id, i), kind: kind,
				at: opened.Add(time.Duration(i) * time.Hour), data: map[string]any{}}})
		}
		commitTogether(t, db, writes)
		assertFactsMatchTheLog(t, db, round+1)
	}
}

// heldWrite is one concurrent writer's event and how long, in seconds, it holds its
// transaction open after inserting it.
type heldWrite struct {
	event factsEvent
	hold  float64
}

// commitTogether starts the writers at once, each in its own transaction, and
// fails the test on any writer's error.
func commitTogether(t *testing.T, db *sqlx.DB, writes []heldWrite) {
	t.Helper()
	ctx := context.Background()
	start := make(chan struct{})
	errs := make(chan error, len(writes))
	var wg sync.WaitGroup
	for _, w := range writes {
		wg.Go(func() {
			<-start
			errs <- func() error {
				tx, err := db.BeginTxx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				if err := insertEvents(ctx, tx, w.event); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `SELECT pg_sleep($1)`, w.hold); err != nil {
					return err
				}
				return tx.Commit()
			}()
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The store's own writers — OpenComplaint's single statement and RecordEvent's
// transaction — keep the facts, and a retried event (same key) changes nothing.
func TestMetricsFollowRecordedEvents(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("facts-recorded", complaint.Medium, complaint.High))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Second)
	if _, err := st.OpenComplaint(ctx, c.ID, c.ID+"/opened", at); err != nil {
		t.Fatal(err)
	}
	steps := []complaint.Event{
		{Kind: complaint.EventSLAWarning, Clock: complaint.ClockFirstResponse, Percent: 50, At: at.Add(30 * time.Minute)},
		{Kind: complaint.EventAcknowledged, Status: complaint.StatusInProgress, Owner: "agent-1", At: at.Add(time.Hour)},
		{Kind: complaint.EventPaused, Status: complaint.StatusWaitingOnCustomer, At: at.Add(2 * time.Hour)},
		{Kind: complaint.EventResumed, Status: complaint.StatusInProgress, PausedSeconds: 1800, At: at.Add(150 * time.Minute)},
		{Kind: complaint.EventResolved, Status: complaint.StatusResolved, Summary: "refunded", At: at.Add(4 * time.Hour)},
	}
	for i, e := range steps {
		e.ComplaintID, e.Key, e.Actor = c.ID, fmt.Sprintf("%s/%d", c.ID, i), "agent-1"
		for range 2 { // the second time is a retried activity
			if _, err := st.RecordEvent(ctx, e); err != nil {
				t.Fatalf("record %s: %v", e.Kind, err)
			}
		}
	}
	r, err := st.Metrics(ctx, at.Add(-time.Hour), at.Add(time.Hour), "channel")
	if err != nil {
		t.Fatal(err)
	}
	// First response 1 h; resolution 4 h less the 30 min paused = 12600 s; it waited
	// on the customer before it was resolved, so not first-contact.
	want := quality.MetricsGroup{}
	want.Volume, want.Resolved, want.ResolutionDue, want.SLAKnown, want.SLAMet, want.SLACompliancePct = 1, 1, 1, 1, 1, fxNum(100)
	want.FirstResponseSeconds = fxDist(1, fxNum(3600), fxNum(3600))
	want.ResolutionSeconds = fxDist(1, fxNum(12600), fxNum(12600))
	want.EscalationRatePct, want.ReopenRatePct, want.FCRPct, want.LoopClosurePct = fxNum(0), fxNum(0), fxNum(0), fxNum(0)
	compareMetrics(t, "total", r.Total, want)
	if len(r.Groups) != 1 || r.Groups[0].Key != "web" {
		t.Fatalf("groups %+v, want web", r.Groups)
	}
	want.Key = "web"
	compareMetrics(t, "web", r.Groups[0], want)
	assertFactsMatchTheLog(t, st.DB(), 1)
}

// Migration 00013 backfills the facts of complaints whose events were written before
// it: the hand-computed fixture, written at version 12, reads the same after it.
func TestComplaintMetricsMigrationBackfillsTheLog(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 12); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := db.QueryRow(`SELECT to_regclass('complaint_metrics') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("complaint_metrics after down: exists=%v err=%v", exists, err)
	}
	insertMetricsFixture(t, st) // no trigger: only the log has them
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	assertFactsMatchTheLog(t, st.DB(), len(metricsFixture))
	assertMetricsFixture(t, st)

	// And the trigger is back: C8's late resolution counts.
	var c8 string
	if err := db.QueryRow(`SELECT id FROM complaints WHERE external_id = 'metrics-C8'`).Scan(&c8); err != nil {
		t.Fatal(err)
	}
	if err := insertEvents(ctx, st.DB(), factsEvent{complaintID: c8, key: "C8/late", kind: "resolved",
		at: fxDay(8).Add(40 * time.Hour), data: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Metrics(ctx, metricsFrom, metricsTo, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.Resolved != wantTotal.Resolved+1 {
		t.Errorf("resolved after C8's resolution: got %d, want %d", r.Total.Resolved, wantTotal.Resolved+1)
	}
	assertFactsMatchTheLog(t, st.DB(), len(metricsFixture))
}

// assertMetricsFixture checks the total and every grouping against the hand-computed
// fixture of metrics_test.go.
func assertMetricsFixture(t *testing.T, st *store.Store) {
	t.Helper()
	for _, by := range append([]string{""}, store.MetricsGroupings()...) {
		r, err := st.Metrics(context.Background(), metricsFrom, metricsTo, by)
		if err != nil {
			t.Fatalf("group by %q: %v", by, err)
		}
		compareMetrics(t, by+" total", r.Total, wantTotal)
		want := wantGroups[by]
		if len(r.Groups) != len(want) {
			t.Errorf("group by %q: got %d groups, want %d", by, len(r.Groups), len(want))
			continue
		}
		for i := range want {
			compareMetrics(t, by+"="+want[i].Key, r.Groups[i], want[i])
		}
	}
}
