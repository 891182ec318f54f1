package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// dueRow is a complaint of the deadline-order tests: its clocks' state, in hours
// from the tests' fixed now (nil: no such time). Its id is 00000000-0000-4000-8000-
// 0000000000<n>, so ties fall in a known order.
type dueRow struct {
	ext                  string
	n                    int
	status               complaint.Status
	firstDue             float64
	responded            bool
	resolutionDue        *float64
	resolved, paused     bool
	owner                string
	frBreached, breached bool
}

var dueNow = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

func dueID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func seedDue(t *testing.T, st *store.Store, rows []dueRow) {
	t.Helper()
	ctx := context.Background()
	hours := func(h float64) time.Time { return dueNow.Add(time.Duration(h * float64(time.Hour))) }
	for _, r := range rows {
		nc := newComplaint(r.ext, complaint.High, complaint.Low)
		nc.ID, nc.WorkflowID = dueID(r.n), "complaint:"+dueID(r.n)
		if _, _, err := st.CreateComplaint(ctx, nc); err != nil {
			t.Fatal(err)
		}
		var resDue, respondedAt, resolvedAt, pausedAt *time.Time
		if r.resolutionDue != nil {
			resDue = new(hours(*r.resolutionDue))
		}
		if r.responded {
			respondedAt = new(hours(-30))
		}
		if r.resolved {
			resolvedAt = new(hours(-1))
		}
		if r.paused {
			pausedAt = new(hours(-2))
		}
		if _, err := st.DB().Exec(`UPDATE complaints SET status = $2, first_response_due_at = $3, first_response_at = $4,
				resolution_due_at = $5, resolved_at = $6, paused_at = $7, owner = NULLIF($8, ''),
				first_response_breached = $9, resolution_breached = $10, created_at = $11 WHERE id = $1`,
			dueID(r.n), r.status, hours(r.firstDue), respondedAt, resDue, resolvedAt, pausedAt, r.owner,
			r.frBreached, r.breached, hours(-float64(r.n))); err != nil {
			t.Fatal(err)
		}
	}
}

// dueRows: eleven complaints, every kind of clock state. The order, by hand:
//
//	overdue-fr  first response 3 h overdue (breached, unmet)          −3 h
//	overdue-res resolution 1 h overdue, first response met           −1 h
//	follow-up   reopened: resolution in 30 min; its old first-response due long past but met  +0.5 h
//	fr-soon     first response in 1 h (resolution in 24 h)            +1 h
//	res-before  resolution in 2 h before its first response in 6 h    +2 h
//	tie-7, tie-8 both first response in 8 h: by id, 7 then 8          +8 h
//	then no running clock, by id: paused (waiting on the customer, its stale resolution due
//	−5 h would lead), backlog (met, no resolution clock), resolved, closed.
var dueRows = []dueRow{
	{ext: "resolved", n: 10, status: complaint.StatusResolved, firstDue: -20, responded: true, resolutionDue: new(-10.0), resolved: true},
	{ext: "fr-soon", n: 4, status: complaint.StatusOpen, firstDue: 1, resolutionDue: new(24.0), owner: "li"},
	{ext: "tie-8", n: 8, status: complaint.StatusOpen, firstDue: 8, resolutionDue: new(30.0), owner: "li"},
	{ext: "paused", n: 1, status: complaint.StatusWaitingOnCustomer, firstDue: -40, responded: true, resolutionDue: new(-5.0), paused: true, owner: "li"},
	{ext: "overdue-fr", n: 6, status: complaint.StatusOpen, firstDue: -3, resolutionDue: new(21.0), frBreached: true},
	{ext: "closed", n: 11, status: complaint.StatusClosed, firstDue: -50, resolutionDue: new(-40.0)},
	{ext: "follow-up", n: 3, status: complaint.StatusInProgress, firstDue: -48, responded: true, resolutionDue: new(0.5), owner: "li"},
	{ext: "tie-7", n: 7, status: complaint.StatusOpen, firstDue: 8, resolutionDue: new(32.0)},
	{ext: "backlog", n: 2, status: complaint.StatusBacklog, firstDue: -30, responded: true, owner: "li"},
	{ext: "overdue-res", n: 5, status: complaint.StatusInProgress, firstDue: -20, responded: true, resolutionDue: new(-1.0), breached: true, owner: "li"},
	{ext: "res-before", n: 9, status: complaint.StatusOpen, firstDue: 6, resolutionDue: new(2.0)},
}

// duePages pages f (nearest deadline first) to the end, as the cursor does.
func duePages(t *testing.T, st *store.Store, f store.ComplaintFilter) [][]string {
	t.Helper()
	f.Order = store.ComplaintsDueFirst
	var got [][]string
	for range 20 {
		cs, err := st.Complaints(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, externalIDs(cs))
		if len(cs) < f.Limit {
			return got
		}
		last := cs[len(cs)-1]
		f.AfterDueAt, f.AfterID = last.NextDueAt, last.ID
	}
	t.Fatal("more than 20 pages")
	return nil
}

func TestComplaintsNearestDeadlineFirstAcrossPages(t *testing.T) {
	st := newStore(t)
	seedDue(t, st, dueRows)
	active := []complaint.Status{complaint.StatusOpen, complaint.StatusInProgress, complaint.StatusWaitingOnCustomer, complaint.StatusBacklog}
	for _, tc := range []struct {
		name string
		f    store.ComplaintFilter
		want [][]string
	}{
		{"all, pages of 3", store.ComplaintFilter{Limit: 3}, [][]string{
			{"overdue-fr", "overdue-res", "follow-up"}, {"fr-soon", "res-before", "tie-7"},
			{"tie-8", "paused", "backlog"}, {"resolved", "closed"}}},
		{"active, pages of 4", store.ComplaintFilter{Statuses: active, Limit: 4}, [][]string{
			{"overdue-fr", "overdue-res", "follow-up", "fr-soon"}, {"res-before", "tie-7", "tie-8", "paused"}, {"backlog"}}},
		// A page boundary inside the tie and inside the clockless tail.
		{"active, pages of 2", store.ComplaintFilter{Statuses: active, Limit: 2}, [][]string{
			{"overdue-fr", "overdue-res"}, {"follow-up", "fr-soon"}, {"res-before", "tie-7"}, {"tie-8", "paused"}, {"backlog"}}},
		{"one owner's queue", store.ComplaintFilter{Owner: "li", Statuses: active, Limit: 2}, [][]string{
			{"overdue-res", "follow-up"}, {"fr-soon", "tie-8"}, {"paused", "backlog"}, {}}},
		{"breached only", store.ComplaintFilter{Breached: new(true), Limit: 5}, [][]string{{"overdue-fr", "overdue-res"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := duePages(t, st, tc.f); !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("got pages %v, want %v", got, tc.want)
			}
		})
	}
	// The listing reads each row's next due time: the cursor's key.
	cs, err := st.Complaints(context.Background(), store.ComplaintFilter{Order: store.ComplaintsDueFirst, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		want := map[string]time.Time{"overdue-fr": dueNow.Add(-3 * time.Hour), "follow-up": dueNow.Add(30 * time.Minute),
			"res-before": dueNow.Add(2 * time.Hour)}[c.ExternalID]
		switch {
		case c.ExternalID == "paused" || c.ExternalID == "closed":
			if c.NextDueAt != nil {
				t.Errorf("%s: next due %v, want none", c.ExternalID, c.NextDueAt)
			}
		case !want.IsZero() && (c.NextDueAt == nil || !c.NextDueAt.Equal(want)):
			t.Errorf("%s: next due %v, want %v", c.ExternalID, c.NextDueAt, want)
		}
	}
}

// TestNearestDeadlineFirstReadsTheIndex: with many open complaints, a queue page
// reads the deadline index in order (no sort of every row) — the expression in the
// store and in migration 00027 are the same.
func TestNearestDeadlineFirstReadsTheIndex(t *testing.T) {
	st := newStore(t)
	if _, err := st.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
			customer_name, customer_tier, category, urgency, subject, description, status, owner, team_id,
			sla_first_response_seconds, first_response_due_at, resolution_due_at)
		SELECT gen_random_uuid(), 'bulk-' || i, 'h', 'complaint:bulk-' || i, 'web', 'c' || (i % 500), '王芳', 'low',
			'logistics', 'high', '包裹延误', '物流慢', (ARRAY['open', 'in_progress', 'resolved', 'closed'])[1 + i % 4],
			'agent-' || (i % 20), 'team-' || (i % 5), 7200,
			now() + (i % 997) * interval '1 minute', now() + (i % 991) * interval '1 hour'
		FROM generate_series(1, 12000) AS i`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`ANALYZE complaints`); err != nil {
		t.Fatal(err)
	}
	active := []complaint.Status{complaint.StatusOpen, complaint.StatusInProgress, complaint.StatusWaitingOnCustomer, complaint.StatusBacklog}
	later := dueNow.AddDate(5, 0, 0)
	now, soon := time.Now(), time.Now().Add(4*time.Hour)
	for _, tc := range []struct {
		name, index string
		f           store.ComplaintFilter
	}{
		{"all owners", "complaints_by_due", store.ComplaintFilter{Statuses: active, Limit: 50}},
		{"next page", "complaints_by_due", store.ComplaintFilter{Statuses: active, Limit: 50, AfterDueAt: &later, AfterID: dueID(1)}},
		{"my queue", "complaints_by_owner_due", store.ComplaintFilter{Owner: "agent-3", Statuses: active, Limit: 50}},
		{"my team", "complaints_by_team_due", store.ComplaintFilter{TeamID: "team-2", Statuses: active, Limit: 50}},
		// Breaching soon is a range of the same index.
		{"breaching soon", "complaints_by_due", store.ComplaintFilter{Statuses: active, DueFrom: &now, DueTo: &soon, Limit: 50}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Order = store.ComplaintsDueFirst
			q, args, err := store.ComplaintsQuery(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			if err := st.DB().Select(&plan, "EXPLAIN "+q, args...); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			if !strings.Contains(text, "Index Scan using "+tc.index) || strings.Contains(text, "Sort") {
				t.Errorf("plan does not read %s in order:\n%s", tc.index, text)
			}
		})
	}
}
