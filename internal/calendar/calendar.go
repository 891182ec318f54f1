// Package calendar computes business time on calendars made of an IANA time
// zone, weekly opening hours, holidays and make-up working days.
//
// Deadlines are computed inside Temporal workflow code, so everything here is
// deterministic: no clock, no randomness, no map iteration order, and the only
// I/O is time.LoadLocation in Validate and Compile.
package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"

	// Embed the zone database so binaries on hosts without zoneinfo (for
	// example distroless images) can still load locations.
	_ "time/tzdata"
)

// Spec is the stored definition of a calendar (JSON in the calendars.spec
// column, and snapshotted into complaints).
//
// Opening hours are local wall-clock times in TimeZone. On a daylight-saving
// change day a span keeps its wall-clock bounds, so it may be an hour shorter
// or longer in real time. A bound that falls in the skipped hour of a
// spring-forward day means the instant the clocks jump; a bound that occurs
// twice on a fall-back day means its first occurrence.
type Spec struct {
	// TimeZone is an IANA zone name such as "Asia/Shanghai".
	TimeZone string `json:"time_zone"`
	// WeeklyHours maps "mon" … "sun" to the day's opening hours.
	// A missing or empty day is closed.
	WeeklyHours map[string][]Span `json:"weekly_hours"`
	// Holidays are dates ("YYYY-MM-DD") closed all day.
	Holidays []string `json:"holidays,omitempty"`
	// WorkingDays are make-up working days ("YYYY-MM-DD", China's 调休).
	// A working day on a closed weekday opens with Monday's hours, or, if
	// Monday is closed, with those of the first open day from Tuesday to
	// Sunday. A working day on an open weekday keeps that weekday's hours.
	WorkingDays []string `json:"working_days,omitempty"`
}

// Span is an opening period of a day in local wall-clock time.
// Start and End are "HH:MM"; End may be "24:00"; Start must be before End.
type Span struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// FieldError reports a problem with one field of a Spec. Field is a
// JSON-path-like name such as "weekly_hours.mon[1].end", "holidays[2]" or
// "time_zone".
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// dayKeys are the weekly_hours keys indexed by time.Weekday.
var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// keyOrder lists the weekdays Monday first: the order in which problems are
// reported and in which a fallback for make-up working days is sought.
var keyOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

const dateLayout = "2006-01-02"

// Validate checks s and returns all its problems, or nil if s is valid.
// It rejects unknown time zones (and "Local", which differs between hosts),
// malformed or out-of-range times, spans that do not end after they start,
// overlapping spans of a day, unknown weekday keys, malformed dates, dates that
// are both a holiday and a working day, and weeks without any opening time.
func (s Spec) Validate() []FieldError {
	_, errs := s.compile()
	return errs
}

// span is an opening period in minutes since local midnight, [start, end).
type span struct{ start, end int }

// Calendar is the compiled, immutable form of a Spec. It is safe for
// concurrent use. A nil *Calendar is open around the clock.
type Calendar struct {
	loc      *time.Location
	week     [7][]span // indexed by time.Weekday, sorted, touching spans merged
	makeup   []span    // hours of make-up working days on closed weekdays
	holidays []int64   // sorted day numbers, see dayNumber
	working  []int64   // sorted day numbers
}

// Compile validates s and returns the calendar it describes. The error of an
// invalid spec joins one *FieldError per problem.
func Compile(s Spec) (*Calendar, error) {
	c, errs := s.compile()
	if len(errs) > 0 {
		list := make([]error, len(errs))
		for i := range errs {
			list[i] = &errs[i]
		}
		return nil, errors.Join(list...)
	}
	return c, nil
}

// Location returns the calendar's time zone, in which Add returns instants.
// A nil *Calendar reports UTC.
func (c *Calendar) Location() *time.Location {
	if c == nil {
		return time.UTC
	}
	return c.loc
}

// compile validates s and, if it is valid, returns its compiled form.
func (s Spec) compile() (*Calendar, []FieldError) {
	var errs []FieldError
	fail := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	c := new(Calendar)

	switch s.TimeZone {
	case "":
		fail("time_zone", "required")
	case "Local":
		fail("time_zone", `"Local" depends on the host; use an IANA zone name`)
	default:
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			fail("time_zone", "unknown time zone %q", s.TimeZone)
		}
		c.loc = loc
	}

	open := false
	for _, wd := range keyOrder {
		key := dayKeys[wd]
		var spans []span
		var index []int // index in the spec of each of spans
		for i, sp := range s.WeeklyHours[key] {
			field := fmt.Sprintf("weekly_hours.%s[%d]", key, i)
			start, ok1 := parseClock(sp.Start, false)
			if !ok1 {
				fail(field+".start", "want HH:MM from 00:00 to 23:59, got %q", sp.Start)
			}
			end, ok2 := parseClock(sp.End, true)
			if !ok2 {
				fail(field+".end", "want HH:MM from 00:01 to 24:00, got %q", sp.End)
			}
			if !ok1 || !ok2 {
				continue
			}
			if end <= start {
				fail(field+".end", "must be after start %s", sp.Start)
				continue
			}
			for j, prev := range spans {
				if start < prev.end && prev.start < end {
					fail(field, "overlaps weekly_hours.%s[%d]", key, index[j])
				}
			}
			spans = append(spans, span{start, end})
			index = append(index, i)
		}
		c.week[wd] = mergeSpans(spans)
		open = open || len(spans) > 0
	}
	var unknown []string
	// Map order does not leak: the keys are sorted before use.
	//workflowcheck:ignore
	for key := range s.WeeklyHours {
		if !slices.Contains(dayKeys[:], key) {
			unknown = append(unknown, key)
		}
	}
	slices.Sort(unknown)
	for _, key := range unknown {
		fail("weekly_hours."+key, `unknown weekday; want one of "mon" … "sun"`)
	}
	if !open {
		fail("weekly_hours", "no opening hours in the week")
	}

	holidays := make(map[int64]int, len(s.Holidays)) // day number → index, for lookups only
	for i, d := range s.Holidays {
		n, ok := parseDate(d)
		if !ok {
			fail(fmt.Sprintf("holidays[%d]", i), "want a date YYYY-MM-DD, got %q", d)
			continue
		}
		if _, dup := holidays[n]; !dup {
			holidays[n] = i
			c.holidays = append(c.holidays, n)
		}
	}
	for i, d := range s.WorkingDays {
		field := fmt.Sprintf("working_days[%d]", i)
		n, ok := parseDate(d)
		if !ok {
			fail(field, "want a date YYYY-MM-DD, got %q", d)
			continue
		}
		if j, both := holidays[n]; both {
			fail(field, "%s is also holidays[%d]", d, j)
			continue
		}
		c.working = append(c.working, n)
	}
	slices.Sort(c.holidays)
	slices.Sort(c.working)
	c.working = slices.Compact(c.working)

	for _, wd := range keyOrder {
		if len(c.week[wd]) > 0 {
			c.makeup = c.week[wd]
			break
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// parseClock parses "HH:MM" into minutes since midnight. "24:00" is accepted
// only as an end, and "00:00" only as a start.
func parseClock(s string, end bool) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	mins := h*60 + m
	if m > 59 || mins > 24*60 || (!end && mins == 24*60) || (end && mins == 0) {
		return 0, false
	}
	return mins, true
}

// parseDate parses "YYYY-MM-DD" into a day number.
func parseDate(s string) (int64, bool) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return 0, false
	}
	return dayNumber(t), true
}

// dayNumber returns the days since 1970-01-01 of a civil date held as UTC midnight.
func dayNumber(d time.Time) int64 { return d.Unix() / (24 * 60 * 60) }

// mergeSpans sorts non-overlapping spans and joins those that touch.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && out[n-1].end >= sp.start {
			out[n-1].end = max(out[n-1].end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// horizon bounds the days Add looks ahead (about 50 years), so that a huge
// duration cannot keep a workflow task busy.
const horizon = 50 * 366

// Add returns the earliest instant t >= start such that the business time in
// [start, t] equals d. If d <= 0 it returns start. A deadline that falls exactly
// at the end of an opening span is that end, not the next opening. The result
// is in the calendar's location; compare instants with Equal. If d is not used
// up within about 50 years, Add returns local midnight at that bound.
//
// A nil *Calendar is open around the clock: Add returns start.Add(d).
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	if c == nil {
		return start.Add(d)
	}
	start = start.In(c.loc)
	// Start a day early: in zones that skip midnight, the previous local
	// day's hours may reach past the start of this one.
	day := civilDate(start).AddDate(0, 0, -1)
	last := start // open intervals are clipped to begin at or after last
	for range horizon + 2 {
		for _, sp := range c.spans(day) {
			from, to := c.wall(day, sp.start), c.wall(day, sp.end)
			if from.Before(last) {
				from = last
			}
			if !to.After(from) {
				continue
			}
			n := to.Sub(from)
			if d <= n {
				return from.Add(d)
			}
			d -= n
			last = to
		}
		day = day.AddDate(0, 0, 1)
	}
	return c.wall(day, 0)
}

// Between returns the business time in [from, to), or 0 if to is not after
// from. A nil *Calendar is open around the clock: Between returns to.Sub(from).
func (c *Calendar) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c == nil {
		return to.Sub(from)
	}
	// Days are visited from the one before from's (see Add) to the one after
	// to's, which covers every opening that may overlap [from, to).
	day := civilDate(from.In(c.loc)).AddDate(0, 0, -1)
	lastDay := civilDate(to.In(c.loc)).AddDate(0, 0, 1)
	last := from
	var total time.Duration
	for !day.After(lastDay) {
		for _, sp := range c.spans(day) {
			s, e := c.wall(day, sp.start), c.wall(day, sp.end)
			if s.Before(last) {
				s = last
			}
			if e.After(to) {
				e = to
			}
			if e.After(s) {
				total += e.Sub(s)
				last = e
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return total
}

// civilDate returns t's local date as UTC midnight, so that dates can be
// stepped and compared without time zone effects.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// spans returns the opening hours of a local date held as UTC midnight.
func (c *Calendar) spans(day time.Time) []span {
	n := dayNumber(day)
	if _, ok := slices.BinarySearch(c.holidays, n); ok {
		return nil
	}
	spans := c.week[day.Weekday()]
	if len(spans) == 0 {
		if _, ok := slices.BinarySearch(c.working, n); ok {
			return c.makeup
		}
	}
	return spans
}

// wall returns the instant at which the local clock reads mins minutes past
// midnight of day (a local date held as UTC midnight).
//
// time.Date leaves the result unspecified for wall times that are skipped or
// repeated, and in practice it varies by zone. For determinism across Go
// versions, a skipped time maps to the instant the clocks jump and a repeated
// time to its first occurrence.
func (c *Calendar) wall(day time.Time, mins int) time.Time {
	want := day.Add(time.Duration(mins) * time.Minute)
	y, m, d := want.Date()
	hh, mm, _ := want.Clock()
	t := time.Date(y, m, d, hh, mm, 0, 0, c.loc)
	zStart, zEnd := t.ZoneBounds()
	switch got := civilTime(t); {
	case got.Before(want): // skipped; t is before the jump
		return zEnd
	case got.After(want): // skipped; t is after the jump
		return zStart
	}
	// Repeated if the same wall time also exists in the previous zone.
	if !zStart.IsZero() {
		_, off := t.Zone()
		_, prevOff := zStart.Add(-1).Zone()
		if prevOff > off {
			if early := t.Add(-time.Duration(prevOff-off) * time.Second); early.Before(zStart) && civilTime(early).Equal(want) {
				return early
			}
		}
	}
	return t
}

// civilTime returns t's local wall-clock reading as a UTC time.
func civilTime(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}
