package quality

import (
	"fmt"
	"time"
)

// Interval is the length of one point of a metrics time series (002 §7.2 trends).
type Interval string

// The intervals a series can be cut into: calendar days, ISO weeks (Monday to
// Monday) and calendar months, in the time zone the caller names.
const (
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
)

// Intervals lists the intervals a series can be cut into.
func Intervals() []Interval { return []Interval{Day, Week, Month} }

// MaxSeriesPoints bounds a series: a year and a day of days.
const MaxSeriesPoints = 367

// Period is [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Buckets cuts [from, to) at the starts of the interval's calendar units in loc: the
// first and last points may be partial (a period from 10:00 starts with the rest of
// that day), so the points always add up to the whole period. Times are in UTC.
func Buckets(from, to time.Time, every Interval, loc *time.Location) ([]Period, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("series: from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	local := from.In(loc)
	y, m, d := local.Date()
	// boundary(i) is the i-th unit's start after the first, from the calendar date
	// each time: stepping from the last boundary would carry a midnight that a DST
	// change moved (Beirut's spring, at 00:00) into every boundary after it.
	var boundary func(i int) time.Time
	switch every {
	case Day:
		boundary = func(i int) time.Time { return time.Date(y, m, d+i, 0, 0, 0, 0, loc) }
	case Week:
		// Monday starts the week (ISO 8601), as the weekly tracking review does.
		monday := d - (int(local.Weekday())+6)%7
		boundary = func(i int) time.Time { return time.Date(y, m, monday+7*i, 0, 0, 0, 0, loc) }
	case Month:
		boundary = func(i int) time.Time { return time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, loc) }
	default:
		return nil, fmt.Errorf("series: unknown interval %q", every)
	}
	var out []Period
	for i, cur := 1, from; cur.Before(to); i++ {
		start := boundary(i)
		end := start
		if end.After(to) {
			end = to
		}
		if end.After(cur) {
			out = append(out, Period{From: cur.UTC(), To: end.UTC()})
			cur = end
		}
		if len(out) > MaxSeriesPoints {
			return nil, fmt.Errorf("series: more than %d points", MaxSeriesPoints)
		}
	}
	return out, nil
}
