package quality

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// QuarterlyPlanning reviews last quarter's metrics like a monthly planning review
// and proposes PDCA cycles (000 §4.1 「季度回顾」).
const QuarterlyPlanning ScheduleKind = "quarterly_planning"

// ReviewKinds lists the kinds that are reviews (every schedule kind but the risk
// monitor), as a review row and an on-demand review name them.
var ReviewKinds = []ScheduleKind{MonthlyPlanning, WeeklyTracking, QuarterlyPlanning}

// Plans reports whether a review of the kind proposes PDCA cycles (planning) rather
// than tracking the cycles under way.
func (k ScheduleKind) Plans() bool { return k == MonthlyPlanning || k == QuarterlyPlanning }

var (
	monthPattern   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterPattern = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	weekPattern    = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
	rangePattern   = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$`)
)

// ParsePeriod reads a period a person names, in the zone loc, as [from, to):
// a month "2026-10", a quarter "2026-Q3", an ISO week "2026-W42" (Monday to
// Monday), or days "2026-10-01/2026-10-15" (the last day included).
func ParsePeriod(s string, loc *time.Location) (from, to time.Time, err error) {
	atoi := func(v string) int { n, _ := strconv.Atoi(v); return n }
	switch {
	case monthPattern.MatchString(s):
		m := monthPattern.FindStringSubmatch(s)
		month := atoi(m[2])
		if month < 1 || month > 12 {
			return from, to, fmt.Errorf("month %d is not 01 to 12", month)
		}
		from = time.Date(atoi(m[1]), time.Month(month), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0), nil
	case quarterPattern.MatchString(s):
		m := quarterPattern.FindStringSubmatch(s)
		from = time.Date(atoi(m[1]), time.Month(3*(atoi(m[2])-1)+1), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 3, 0), nil
	case weekPattern.MatchString(s):
		m := weekPattern.FindStringSubmatch(s)
		year, week := atoi(m[1]), atoi(m[2])
		// ISO week 1 holds 4 January; its Monday starts the year's weeks.
		jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, loc)
		from = jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(week-1))
		if y, w := from.ISOWeek(); week < 1 || y != year || w != week {
			return from, to, fmt.Errorf("%d has no ISO week %d", year, week)
		}
		return from, from.AddDate(0, 0, 7), nil
	case rangePattern.MatchString(s):
		m := rangePattern.FindStringSubmatch(s)
		a, err1 := time.ParseInLocation(time.DateOnly, m[1], loc)
		b, err2 := time.ParseInLocation(time.DateOnly, m[2], loc)
		if err1 != nil || err2 != nil {
			return from, to, fmt.Errorf("%q names a day that does not exist", s)
		}
		if b.Before(a) {
			return from, to, fmt.Errorf("the last day %s is before the first %s", m[2], m[1])
		}
		return a, b.AddDate(0, 0, 1), nil
	}
	return from, to, fmt.Errorf("%q is not a period: give a month 2026-10, a quarter 2026-Q3, an ISO week 2026-W42 or days 2026-10-01/2026-10-15", s)
}

// PreviousPeriod is the period of the same length just before [from, to) in loc,
// which a review compares with: the previous month or quarter when the period is
// whole months, the same number of days before otherwise.
func PreviousPeriod(from, to time.Time, loc *time.Location) time.Time {
	f, t := from.In(loc), to.In(loc)
	if f.Day() == 1 && t.Day() == 1 && isMidnight(f) && isMidnight(t) {
		months := (t.Year()-f.Year())*12 + int(t.Month()-f.Month())
		return f.AddDate(0, -months, 0)
	}
	days := int(t.Sub(f).Round(24*time.Hour) / (24 * time.Hour))
	if days < 1 {
		return f.Add(-t.Sub(f))
	}
	return f.AddDate(0, 0, -days)
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}
