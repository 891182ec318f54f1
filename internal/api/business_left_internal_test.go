package api

import (
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Business time left counts only the calendar's working hours, stands still from a
// pause, is 0 past the deadline and absent once a clock has stopped.
func TestBusinessLeft(t *testing.T) {
	nineToSix := []calendar.Span{{Start: "09:00", End: "18:00"}}
	office, err := calendar.Compile(calendar.Spec{TimeZone: "UTC", WeeklyHours: map[string][]calendar.Span{
		"mon": nineToSix, "tue": nineToSix, "wed": nineToSix, "thu": nineToSix, "fri": nineToSix}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) } // 2026-03-06 is a Friday
	ptr := func(t time.Time) *time.Time { return &t }
	secs := func(h int64) *int64 { s := h * 3600; return &s }
	tests := []struct {
		name      string
		cal       *calendar.Calendar
		c         store.Complaint
		now       time.Time
		wantFirst *int64
		wantRes   *int64
	}{
		{"over the weekend only working hours count", office,
			store.Complaint{FirstResponseDueAt: at(9, 10), FirstResponseRunning: true, ResolutionDueAt: ptr(at(10, 18))}, at(6, 17), secs(2), secs(19)},
		{"around the clock without a calendar", nil,
			store.Complaint{FirstResponseDueAt: at(9, 10), FirstResponseRunning: true}, at(6, 17), secs(65), nil},
		{"past the deadline is 0", office,
			store.Complaint{FirstResponseDueAt: at(6, 10), FirstResponseRunning: true}, at(6, 17), secs(0), nil},
		{"a met clock has none", office,
			store.Complaint{FirstResponseDueAt: at(9, 10), FirstResponseAt: ptr(at(6, 12)), ResolutionDueAt: ptr(at(9, 12)),
				ResolvedAt: ptr(at(6, 13))}, at(6, 17), nil, nil},
		{"paused: counted from the pause", office,
			store.Complaint{FirstResponseDueAt: at(9, 10), FirstResponseRunning: true, PausedAt: ptr(at(6, 15))}, at(9, 12), secs(4), nil},
		// The customer's dissatisfied answer reopened it: its round's first response
		// runs though the complaint's first response was given.
		{"a reopened round's first response", office,
			store.Complaint{FirstResponseDueAt: at(9, 10), FirstResponseAt: ptr(at(2, 12)), FirstResponseRunning: true,
				ResolutionDueAt: ptr(at(10, 9))}, at(6, 17), secs(2), secs(10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, res := businessLeft(tt.cal, tt.c, tt.now)
			for _, x := range []struct {
				name      string
				got, want *int64
			}{{"first response", first, tt.wantFirst}, {"resolution", res, tt.wantRes}} {
				if (x.got == nil) != (x.want == nil) || (x.got != nil && *x.got != *x.want) {
					t.Errorf("%s: got %v, want %v", x.name, show(x.got), show(x.want))
				}
			}
		})
	}
}

func show(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
