package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Slow responses (002 §9.1 「响应时间>5秒」): the minutes in [at−15 min, at) count, by
// hand: 100 requests of which 5 slow is exactly 5 %, yellow; the minute at the
// monitor's moment and the one before the window are left out; batches of the same
// minute add up.
func TestSlowResponseCountsTheWindowsMinutes(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	reset := func(t *testing.T) {
		t.Helper()
		if _, err := st.DB().Exec(`TRUNCATE api_latency_minutes`); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		batch [][]store.LatencyMinute
		want  riskWant
		max   int64
	}{
		{"5 of 100 slow is yellow", [][]store.LatencyMinute{
			{{Minute: riskAt.Add(-15 * time.Minute), Requests: 60, TotalMS: 6000, MaxMS: 7000, Slow: 3}},
			{{Minute: riskAt.Add(-15 * time.Minute), Requests: 20, TotalMS: 2000, MaxMS: 9000, Slow: 1},
				{Minute: riskAt.Add(-time.Minute), Requests: 20, TotalMS: 2000, MaxMS: 6000, Slow: 1},
				// Outside the window: before it, and the minute at the monitor's moment.
				{Minute: riskAt.Add(-16 * time.Minute), Requests: 100, TotalMS: 1, MaxMS: 60000, Slow: 100},
				{Minute: riskAt, Requests: 100, TotalMS: 1, MaxMS: 60000, Slow: 100}},
		}, riskWant{quality.Yellow, 5, 0, 5, 4 * 3600, false}, 9000},
		{"4 of 100 slow is nothing", [][]store.LatencyMinute{
			{{Minute: riskAt.Add(-5 * time.Minute), Requests: 100, TotalMS: 1000, MaxMS: 5001, Slow: 4}},
		}, riskWant{"", 4, 0, 5, 0, false}, 5001},
		{"half of 20 slow is red", [][]store.LatencyMinute{
			{{Minute: riskAt.Add(-5 * time.Minute), Requests: 20, TotalMS: 1000, MaxMS: 30000, Slow: 10}},
		}, riskWant{quality.Red, 50, 0, 50, 3600, false}, 30000},
		{"19 requests is no verdict", [][]store.LatencyMinute{
			{{Minute: riskAt.Add(-5 * time.Minute), Requests: 19, TotalMS: 1000, MaxMS: 30000, Slow: 19}},
		}, riskWant{"", 100, 0, 5, 0, true}, 30000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reset(t)
			for _, b := range c.batch {
				if err := st.AddLatencies(ctx, b); err != nil {
					t.Fatal(err)
				}
			}
			got := riskCheck(t, st, quality.SlowResponse)
			assertRisk(t, got, c.want)
			if got.Details.Counts["max_ms"] != c.max {
				t.Errorf("max_ms %d, want %d", got.Details.Counts["max_ms"], c.max)
			}
		})
	}
}

// Staff turnover (002 §9.1 「人员流失率(单月>15%)」): people deactivated in [at−30d, at)
// of those active at its start. By hand: 20 active at the start, 3 leave = 15 %,
// nothing; a 4th = 20 %, yellow. Someone who joined and left inside the month counts
// as leaving but not in the headcount; someone who left before it counts in neither.
func TestStaffTurnoverCountsDeactivationsOfTheMonth(t *testing.T) {
	st := newStore(t)
	start := riskAt.Add(-quality.TurnoverWindow)
	person := func(t *testing.T, id string, created time.Time, left *time.Time) {
		t.Helper()
		_, err := st.DB().Exec(`INSERT INTO people (id, name, role, active, created_at, updated_at, updated_by, deactivated_at)
			VALUES ($1, $1, 'agent', $3::timestamptz IS NULL, $2, $2, 'fixture', $3)`, id, created, left)
		if err != nil {
			t.Fatal(err)
		}
	}
	reset := func(t *testing.T) {
		t.Helper()
		if _, err := st.DB().Exec(`DELETE FROM people WHERE updated_by = 'fixture'`); err != nil {
			t.Fatal(err)
		}
	}
	at := func(d time.Duration) *time.Time { v := start.Add(d); return &v }
	cases := []struct {
		name string
		left int
		want riskWant
	}{
		{"3 of 20 is 15 %, nothing", 3, riskWant{"", 15, 0, 15, 0, false}},
		{"4 of 20 is 20 %, yellow", 4, riskWant{quality.Yellow, 20, 0, 15, 4 * 3600, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reset(t)
			for i := range 19 {
				var left *time.Time
				if i < c.left {
					left = at(time.Duration(i+1) * time.Hour)
				}
				person(t, "staff-"+string(rune('a'+i)), start.Add(-time.Hour), left)
			}
			person(t, "staff-before", start.Add(-48*time.Hour), at(-time.Hour)) // left before the month
			person(t, "staff-after", start.Add(-48*time.Hour), &riskAt)         // leaves at the monitor's moment
			person(t, "staff-new", start.Add(time.Hour), nil)                   // joined inside the month
			got := riskCheck(t, st, quality.StaffTurnover)
			assertRisk(t, got, c.want)
			// staff-after was active at the start: 19 + 1 in the headcount.
			if got.Details.Counts["headcount"] != 20 {
				t.Errorf("headcount %d, want 20", got.Details.Counts["headcount"])
			}
		})
	}
}

// Deactivating records when; putting the person back clears it.
func TestDeactivationIsRecorded(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	p := store.Person{ID: "leaver", Name: "Leaver", Role: "agent", Active: true}
	if _, _, err := st.PutPerson(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	var left *time.Time
	read := func() {
		t.Helper()
		if err := st.DB().Get(&left, `SELECT deactivated_at FROM people WHERE id = 'leaver'`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DeactivatePerson(ctx, "leaver", "admin", nil); err != nil {
		t.Fatal(err)
	}
	read()
	if left == nil {
		t.Fatal("deactivated_at not recorded")
	}
	first := *left
	if _, err := st.DeactivatePerson(ctx, "leaver", "admin", nil); err != nil {
		t.Fatal(err)
	}
	read()
	if left == nil || !left.Equal(first) {
		t.Errorf("deactivating again moved deactivated_at from %v to %v", first, left)
	}
	if _, _, err := st.PutPerson(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	read()
	if left != nil {
		t.Errorf("back in the directory, deactivated_at %v, want none", left)
	}
}
