package quality_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/quality"
)

type rng = client.ScheduleRange

func TestCalendarSpecsConvertEachField(t *testing.T) {
	everyDom, everyDow := []rng{{Start: 1, End: 31}}, []rng{{Start: 0, End: 6}}
	zero := []rng{{Start: 0, End: 0}}
	allMonths := []rng{{Start: 1, End: 12}}
	for _, c := range []struct {
		spec string
		want []client.ScheduleCalendarSpec
	}{
		{"0 9 1 * *", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: []rng{{Start: 9, End: 9}},
			DayOfMonth: []rng{{Start: 1, End: 1}}, Month: allMonths, DayOfWeek: everyDow}}},
		{"@monthly", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: zero,
			DayOfMonth: []rng{{Start: 1, End: 1}}, Month: allMonths, DayOfWeek: everyDow}}},
		{"@weekly", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: zero,
			DayOfMonth: everyDom, Month: allMonths, DayOfWeek: []rng{{Start: 0, End: 0}}}}},
		{"@daily", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: zero,
			DayOfMonth: everyDom, Month: allMonths, DayOfWeek: everyDow}}},
		{"@hourly", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: []rng{{Start: 0, End: 23}},
			DayOfMonth: everyDom, Month: allMonths, DayOfWeek: everyDow}}},
		{"@yearly", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: zero,
			DayOfMonth: []rng{{Start: 1, End: 1}}, Month: []rng{{Start: 1, End: 1}}, DayOfWeek: everyDow}}},
		// Steps become one stepped range; names and ranges a range.
		{"*/15 8-18 * * MON-FRI", []client.ScheduleCalendarSpec{{Second: zero, Minute: []rng{{Start: 0, End: 45, Step: 15}},
			Hour: []rng{{Start: 8, End: 18}}, DayOfMonth: everyDom, Month: allMonths, DayOfWeek: []rng{{Start: 1, End: 5}}}}},
		// A list that is no progression: one range per run of consecutive values.
		{"5,6,7,30 9 * JAN,MAR-APR,DEC SUN", []client.ScheduleCalendarSpec{{Second: zero,
			Minute: []rng{{Start: 5, End: 7}, {Start: 30, End: 30}}, Hour: []rng{{Start: 9, End: 9}},
			DayOfMonth: everyDom, Month: []rng{{Start: 1, End: 1}, {Start: 3, End: 4}, {Start: 12, End: 12}},
			DayOfWeek: []rng{{Start: 0, End: 0}}}}},
		{"0 9 1-31/10 */3 *", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: []rng{{Start: 9, End: 9}},
			DayOfMonth: []rng{{Start: 1, End: 31, Step: 10}}, Month: []rng{{Start: 1, End: 10, Step: 3}}, DayOfWeek: everyDow}}},
		// Both day fields restricted: a day matches either, so two specs.
		{"0 9 1,15 * MON", []client.ScheduleCalendarSpec{
			{Second: zero, Minute: zero, Hour: []rng{{Start: 9, End: 9}},
				DayOfMonth: []rng{{Start: 1, End: 1}, {Start: 15, End: 15}}, Month: allMonths, DayOfWeek: everyDow},
			{Second: zero, Minute: zero, Hour: []rng{{Start: 9, End: 9}},
				DayOfMonth: everyDom, Month: allMonths, DayOfWeek: []rng{{Start: 1, End: 1}}},
		}},
		// */2 is not *: robfig ORs it with a restricted day of week.
		{"30 6 */2 * 0", []client.ScheduleCalendarSpec{
			{Second: zero, Minute: []rng{{Start: 30, End: 30}}, Hour: []rng{{Start: 6, End: 6}},
				DayOfMonth: []rng{{Start: 1, End: 31, Step: 2}}, Month: allMonths, DayOfWeek: everyDow},
			{Second: zero, Minute: []rng{{Start: 30, End: 30}}, Hour: []rng{{Start: 6, End: 6}},
				DayOfMonth: everyDom, Month: allMonths, DayOfWeek: []rng{{Start: 0, End: 0}}},
		}},
		// ? is *: the day of week alone decides.
		{"0 0 ? * 6", []client.ScheduleCalendarSpec{{Second: zero, Minute: zero, Hour: zero,
			DayOfMonth: everyDom, Month: allMonths, DayOfWeek: []rng{{Start: 6, End: 6}}}}},
	} {
		s, err := quality.ParseSpec(c.spec, "UTC")
		require.NoError(t, err, c.spec)
		require.Equal(t, c.want, quality.CalendarSpecs(s), c.spec)
	}
}

func TestScheduleSpecCarriesTheZone(t *testing.T) {
	s, err := quality.ParseSpec("0 9 * * MON", "Asia/Shanghai")
	require.NoError(t, err)
	spec := quality.ScheduleSpec(s, "Asia/Shanghai")
	require.Equal(t, "Asia/Shanghai", spec.TimeZoneName)
	require.Len(t, spec.Calendars, 1)
	require.Empty(t, spec.CronExpressions, "cron strings would AND the day fields")
	require.Equal(t, "UTC", quality.ScheduleSpec(s, "").TimeZoneName)
}

// The converted calendars, matched the way Temporal matches them (each field against
// the local wall clock), fire at exactly the times robfig's preview lists, minute by
// minute over 70 days that include a DST change.
func TestCalendarSpecsFireWhenRobfigSays(t *testing.T) {
	from := time.Date(2027, 2, 20, 0, 0, 0, 0, time.UTC)
	to := from.Add(70 * 24 * time.Hour)
	for _, c := range []struct{ spec, zone string }{
		{"0 9 1 * *", "Asia/Shanghai"},
		{"0 9 * * MON", "America/New_York"},
		{"0 9 1,15 * MON", "America/New_York"},
		{"30 6 */2 * 0", "Europe/Berlin"},
		{"*/20 8-10 * * MON-FRI", "America/New_York"},
		{"0 12 13 * FRI", "UTC"},
		{"0 9 1-7 * 1", "Asia/Shanghai"},
		{"@weekly", "Europe/London"},
		{"@hourly", "UTC"},
		{"0 22 * 3 *", "Australia/Sydney"},
	} {
		s, err := quality.ParseSpec(c.spec, c.zone)
		require.NoError(t, err, c.spec)
		loc, _ := time.LoadLocation(c.zone)
		calendars := quality.CalendarSpecs(s)
		var got []time.Time
		for at := from; at.Before(to); at = at.Add(time.Minute) {
			if calendarMatch(calendars, at.In(loc)) {
				got = append(got, at)
			}
		}
		var want []time.Time
		for at := s.Next(from.Add(-time.Second)); at.Before(to); at = s.Next(at) {
			want = append(want, at.UTC())
		}
		require.NotEmpty(t, want, c.spec)
		require.Equal(t, want, got, "%s in %s", c.spec, c.zone)
	}
}

func calendarMatch(specs []client.ScheduleCalendarSpec, t time.Time) bool {
	for _, c := range specs {
		if inRanges(c.Second, t.Second()) && inRanges(c.Minute, t.Minute()) && inRanges(c.Hour, t.Hour()) &&
			inRanges(c.DayOfMonth, t.Day()) && inRanges(c.Month, int(t.Month())) && inRanges(c.DayOfWeek, int(t.Weekday())) {
			return true
		}
	}
	return false
}

func inRanges(rs []client.ScheduleRange, v int) bool {
	for _, r := range rs {
		end, step := max(r.End, r.Start), max(r.Step, 1)
		if v >= r.Start && v <= end && (v-r.Start)%step == 0 {
			return true
		}
	}
	return false
}
