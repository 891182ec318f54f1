package console

import (
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// An inbox entry's history is the last events of the timeline, oldest first.
func TestLatestEvents(t *testing.T) {
	events := func(ids ...int64) []apiclient.ComplaintEvent {
		out := []apiclient.ComplaintEvent{}
		for _, id := range ids {
			out = append(out, apiclient.ComplaintEvent{Id: id})
		}
		return out
	}
	ids := func(es []apiclient.ComplaintEvent) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.Id)
		}
		return out
	}
	for _, tt := range []struct {
		in   []apiclient.ComplaintEvent
		want []int64
	}{
		{events(), []int64{}},
		{events(1, 2), []int64{1, 2}},
		{events(1, 2, 3, 4, 5, 6, 7), []int64{3, 4, 5, 6, 7}},
	} {
		if got := ids(latest(tt.in, historyLen)); !slices.Equal(got, tt.want) {
			t.Errorf("latest(%v) = %v, want %v", ids(tt.in), got, tt.want)
		}
	}
}

// A countdown carries its clock's warnings as the API reported them.
func TestClockWarningsAttribute(t *testing.T) {
	c := complaint{apiclient.Complaint{}}
	c.Sla.WarningPercents = []int{60, 80}
	if got := c.Next().WarningList(); got != "60,80" {
		t.Errorf("data-warnings = %q, want 60,80", got)
	}
	if got := (clock{}).WarningList(); got != "" {
		t.Errorf("a clock without warnings: data-warnings = %q, want empty", got)
	}
}
