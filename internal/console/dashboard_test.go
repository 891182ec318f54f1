package console

import (
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// The buckets are whole weeks from Monday or calendar months, oldest first, the last
// one holding now.
func TestBuckets(t *testing.T) {
	now := time.Date(2026, 1, 14, 15, 4, 5, 0, time.UTC) // a Wednesday
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		period    string
		n         int
		firstFrom time.Time
		lastTo    time.Time
		lastLabel string
	}{
		{"4w", 4, day(2025, 12, 22), day(2026, 1, 19), "week of 2026-01-12"},
		{"12w", 12, day(2025, 10, 27), day(2026, 1, 19), "week of 2026-01-12"},
		{"6m", 6, day(2025, 8, 1), day(2026, 2, 1), "2026-01"},
		{"12m", 12, day(2025, 2, 1), day(2026, 2, 1), "2026-01"},
	} {
		got := buckets(tc.period, now)
		if len(got) != tc.n || !got[0].From.Equal(tc.firstFrom) || !got[len(got)-1].To.Equal(tc.lastTo) || got[len(got)-1].Label != tc.lastLabel {
			t.Errorf("%s: got %d buckets %v … %v %q, want %d from %v to %v, last %q", tc.period, len(got),
				got[0].From, got[len(got)-1].To, got[len(got)-1].Label, tc.n, tc.firstFrom, tc.lastTo, tc.lastLabel)
		}
		for i := 1; i < len(got); i++ {
			if !got[i].From.Equal(got[i-1].To) {
				t.Errorf("%s: bucket %d starts at %v, want the end of the one before, %v", tc.period, i, got[i].From, got[i-1].To)
			}
		}
		if span := tc.lastTo.Sub(tc.firstFrom); span > 366*24*time.Hour {
			t.Errorf("%s: the period spans %v, more than the API's 366 days", tc.period, span)
		}
	}
}

// The CSV records are the table's cells: null is empty, numbers as the API gave them.
func TestTableRecords(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tab := dashTable{First: "period", Cols: []column{{"SLA compliance %", "sla"}, {"total", "volume"}},
		Rows: []dashRow{{"week of 2026-01-12", []*float64{f(66.67), f(3)}}, {"week of 2026-01-19", []*float64{nil, f(0)}}}}
	want := [][]string{{"period", "SLA compliance %", "total"}, {"week of 2026-01-12", "66.67", "3"}, {"week of 2026-01-19", "", "0"}}
	if got := tab.Records(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A picker value the page does not offer is named; the defaults are used instead.
func TestDashFilters(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  dashView
		bad   []string
	}{
		{"", dashView{"12w", "category", "week", 60}, nil},
		{"period=6m&group_by=team&refresh=300", dashView{"6m", "team", "month", 300}, nil},
		{"period=4w&group_by=owner&interval=day&refresh=0", dashView{"4w", "owner", "day", 0}, nil},
		{"refresh=10", dashView{"12w", "category", "week", 10}, nil},
		{"period=2y&group_by=moon&interval=hour&refresh=5", dashView{"12w", "category", "week", 60}, []string{"group_by", "interval", "period", "refresh"}},
		{"refresh=3601", dashView{"12w", "category", "week", 60}, []string{"refresh"}},
		{"refresh=soon", dashView{"12w", "category", "week", 60}, []string{"refresh"}},
	} {
		v, ref := dashFilters(httptest.NewRequest("GET", "/console/dashboard?"+tc.query, nil))
		var bad []string
		if ref != nil {
			for f := range ref.Fields {
				bad = append(bad, f)
			}
		}
		slices.Sort(bad)
		if v != tc.want || !slices.Equal(bad, tc.bad) {
			t.Errorf("%q: got %+v, bad %v; want %+v, bad %v", tc.query, v, bad, tc.want, tc.bad)
		}
	}
}

// The figures' query is the view's, without the page's own refresh; the picker
// offers an address's own refresh beside its choices.
func TestDashViewQueryAndRefreshes(t *testing.T) {
	v := dashView{"4w", "owner", "day", 20}
	if got, want := string(v.Query()), "group_by=owner&interval=day&period=4w"; got != want {
		t.Errorf("query %q, want %q", got, want)
	}
	if got := v.Refreshes(); !slices.Equal(got, []int{20, 60, 300, 0}) {
		t.Errorf("refreshes %v, want 20 first", got)
	}
	v.Refresh = 300
	if got := v.Refreshes(); !slices.Equal(got, refreshes) {
		t.Errorf("refreshes %v, want %v", got, refreshes)
	}
}
