package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Breaching soon is the running deadlines due from now to now + N hours, nearest
// first: not the overdue ones (already breached), not a paused clock's stale due
// time, not a clock met or a complaint resolved.
func TestBreachingSoonListsTheRunningDeadlinesInTheWindow(t *testing.T) {
	st := newStore(t)
	seedDue(t, st, dueRows)
	in := func(h float64) *time.Time { return new(dueNow.Add(time.Duration(h * float64(time.Hour)))) }
	for _, tc := range []struct {
		name string
		f    store.ComplaintFilter
		want []string
	}{
		{"within 3 h", store.ComplaintFilter{DueFrom: &dueNow, DueTo: in(3), Limit: 20},
			[]string{"follow-up", "fr-soon", "res-before"}},
		// The window's end is exclusive: due in exactly 8 h is not within 8 h.
		{"within 8 h", store.ComplaintFilter{DueFrom: &dueNow, DueTo: in(8), Limit: 20},
			[]string{"follow-up", "fr-soon", "res-before"}},
		{"within 9 h, by pages of 2", store.ComplaintFilter{DueFrom: &dueNow, DueTo: in(9), Limit: 2},
			[]string{"follow-up", "fr-soon", "res-before", "tie-7", "tie-8"}},
		{"within 9 h, one owner's", store.ComplaintFilter{Owner: "li", DueFrom: &dueNow, DueTo: in(9), Limit: 20},
			[]string{"follow-up", "fr-soon", "tie-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := slices.Concat(duePages(t, st, tc.f)...); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// A manager's reports are everyone below them in the reporting line, at any
// depth: the complaints they own, not the manager's own nor another line's.
func TestReportsToFollowsTheReportingLine(t *testing.T) {
	st := newStore(t)
	// max ← lin (team lead) ← ann; max ← bob; kim ← zed.
	if _, err := st.DB().Exec(`INSERT INTO people (id, name, role, manager_id, updated_by) VALUES
		('max', 'Max', 'manager', NULL, 't'), ('kim', 'Kim', 'manager', NULL, 't'),
		('lin', 'Lin', 'team_lead', 'max', 't'), ('ann', 'Ann', 'agent', 'lin', 't'),
		('bob', 'Bob', 'agent', 'max', 't'), ('zed', 'Zed', 'agent', 'kim', 't')`); err != nil {
		t.Fatal(err)
	}
	var rows []dueRow
	for i, owner := range []string{"ann", "bob", "lin", "max", "zed", ""} {
		rows = append(rows, dueRow{ext: "of-" + owner, n: i + 1, status: complaint.StatusOpen, firstDue: float64(i + 1),
			resolutionDue: new(24.0), owner: owner})
	}
	seedDue(t, st, rows)
	for _, tc := range []struct {
		reportsTo string
		want      []string
	}{
		{"max", []string{"of-ann", "of-bob", "of-lin"}},
		{"lin", []string{"of-ann"}},
		{"kim", []string{"of-zed"}},
		{"ann", []string{}},
		{"nobody", []string{}},
	} {
		if got := slices.Concat(duePages(t, st, store.ComplaintFilter{ReportsTo: tc.reportsTo, Limit: 20})...); !slices.Equal(got, tc.want) {
			t.Errorf("reports to %s: got %v, want %v", tc.reportsTo, got, tc.want)
		}
	}
	// With another filter, both hold.
	got := slices.Concat(duePages(t, st, store.ComplaintFilter{ReportsTo: "max", Owner: "bob", Limit: 20})...)
	if !slices.Equal(got, []string{"of-bob"}) {
		t.Errorf("reports to max, owned by bob: got %v", got)
	}
}
