package quality

import (
	"github.com/robfig/cron/v3"
	"go.temporal.io/sdk/client"
)

// starBit is robfig's mark on a field written as * or ? (or */1): such a day field
// does not take part in the day-of-month/day-of-week "either" rule.
const starBit = 1 << 63

// ScheduleSpec is the Temporal Schedule spec that fires exactly when the robfig
// schedule s does (NextRuns), in the IANA zone timeZone ("" is UTC). Temporal's own
// cron strings would not do: it always ANDs day-of-month with day-of-week, where cron
// ORs them when both are restricted.
func ScheduleSpec(s *cron.SpecSchedule, timeZone string) client.ScheduleSpec {
	if timeZone == "" {
		timeZone = "UTC"
	}
	return client.ScheduleSpec{Calendars: CalendarSpecs(s), TimeZoneName: timeZone}
}

// CalendarSpecs converts robfig's field bitmasks into Temporal calendar specs whose
// union matches the same wall-clock times. When both day fields are restricted
// ("0 9 1,15 * MON") a day matches if EITHER does, which takes two specs: one by
// day of month, one by day of week. Otherwise a day must match both (one spec).
func CalendarSpecs(s *cron.SpecSchedule) []client.ScheduleCalendarSpec {
	base := client.ScheduleCalendarSpec{
		Second: ranges(s.Second, 0, 59),
		Minute: ranges(s.Minute, 0, 59),
		Hour:   ranges(s.Hour, 0, 23),
		Month:  ranges(s.Month, 1, 12),
	}
	dom, dow := ranges(s.Dom, 1, 31), ranges(s.Dow, 0, 6)
	if s.Dom&starBit != 0 || s.Dow&starBit != 0 {
		base.DayOfMonth, base.DayOfWeek = dom, dow
		return []client.ScheduleCalendarSpec{base}
	}
	byDom, byDow := base, base
	byDom.DayOfMonth, byDom.DayOfWeek = dom, []client.ScheduleRange{{Start: 0, End: 6}}
	byDow.DayOfMonth, byDow.DayOfWeek = []client.ScheduleRange{{Start: 1, End: 31}}, dow
	return []client.ScheduleCalendarSpec{byDom, byDow}
}

// ranges lists the values set in bits (bit n = value n) within [lo, hi]: one stepped
// range when they form an arithmetic progression ("*/15" → 0-45/15), else one range
// per run of consecutive values.
func ranges(bits uint64, lo, hi int) []client.ScheduleRange {
	var vs []int
	for v := lo; v <= hi; v++ {
		if bits&(1<<uint(v)) != 0 {
			vs = append(vs, v)
		}
	}
	if len(vs) >= 3 && vs[1]-vs[0] > 1 && progression(vs) {
		return []client.ScheduleRange{{Start: vs[0], End: vs[len(vs)-1], Step: vs[1] - vs[0]}}
	}
	var out []client.ScheduleRange
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && vs[j+1] == vs[j]+1 {
			j++
		}
		out = append(out, client.ScheduleRange{Start: vs[i], End: vs[j]})
		i = j + 1
	}
	return out
}

func progression(vs []int) bool {
	step := vs[1] - vs[0]
	for i := 2; i < len(vs); i++ {
		if vs[i]-vs[i-1] != step {
			return false
		}
	}
	return true
}
