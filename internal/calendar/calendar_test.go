package calendar

import (
	"encoding/json"
	"errors"
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"time"
)

func mustCompile(t testing.TB, s Spec) *Calendar {
	t.Helper()
	c, err := Compile(s)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// weekdays returns weekly hours with the same spans Monday to Friday.
func weekdays(spans ...Span) map[string][]Span {
	return map[string][]Span{"mon": spans, "tue": spans, "wed": spans, "thu": spans, "fri": spans}
}

// everyDay returns weekly hours with the same spans on all seven days.
func everyDay(spans ...Span) map[string][]Span {
	m := weekdays(spans...)
	m["sat"], m["sun"] = spans, spans
	return m
}

type addCase struct {
	name  string
	start time.Time
	d     time.Duration
	want  time.Time
}

type betweenCase struct {
	name     string
	from, to time.Time
	want     time.Duration
}

func checkAdd(t *testing.T, c *Calendar, tests []addCase) {
	t.Helper()
	for _, tt := range tests {
		got := c.Add(tt.start, tt.d)
		if !got.Equal(tt.want) {
			t.Errorf("%s: Add(%v, %v) = %v, want %v", tt.name, tt.start, tt.d, got, tt.want)
		}
	}
}

func checkBetween(t *testing.T, c *Calendar, tests []betweenCase) {
	t.Helper()
	for _, tt := range tests {
		if got := c.Between(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: Between(%v, %v) = %v, want %v", tt.name, tt.from, tt.to, got, tt.want)
		}
	}
}

func TestNilCalendar(t *testing.T) {
	var c *Calendar
	start := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
	checkAdd(t, c, []addCase{
		{"zero", start, 0, start},
		{"negative", start, -time.Hour, start},
		{"plain", start, 36 * time.Hour, time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)},
	})
	checkBetween(t, c, []betweenCase{
		{"plain", start, start.Add(90 * time.Minute), 90 * time.Minute},
		{"reversed", start, start.Add(-time.Hour), 0},
		{"empty", start, start, 0},
	})
	if c.Location() != time.UTC {
		t.Errorf("Location() = %v, want UTC", c.Location())
	}
}

func TestShanghaiOfficeHours(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	c := mustCompile(t, Spec{TimeZone: "Asia/Shanghai", WeeklyHours: weekdays(Span{"09:00", "18:00"})})
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 1, day, hh, mm, 0, 0, sh) }
	// January 2026: Fri 2, Sat 3, Sun 4, Mon 5 … Fri 9, Mon 12.
	checkAdd(t, c, []addCase{
		// Fri 17:00–18:00 is 1 h; the other 1 h is Mon 09:00–10:00.
		{"over weekend", at(2, 17, 0), 2 * time.Hour, at(5, 10, 0)},
		// Nothing counts before 09:00: 09:00 + 3 h.
		{"before opening", at(5, 7, 30), 3 * time.Hour, at(5, 12, 0)},
		// Mon 19:00 is closed: Tue 09:00 + 1 h.
		{"after closing", at(5, 19, 0), time.Hour, at(6, 10, 0)},
		// Sat and Sun are closed: Mon 09:00 + 30 min.
		{"on saturday", at(3, 11, 0), 30 * time.Minute, at(5, 9, 30)},
		// 09:00 + 9 h ends exactly at closing: 18:00, not Tue 09:00.
		{"exact end of day", at(5, 9, 0), 9 * time.Hour, at(5, 18, 0)},
		{"exact end of friday", at(2, 17, 0), time.Hour, at(2, 18, 0)},
		// 15:20 + 2 h 40 min = 18:00.
		{"mid span", at(7, 15, 20), 2*time.Hour + 40*time.Minute, at(7, 18, 0)},
		// Five days of 9 h = 45 h end Fri 18:00; one more hour is Mon 10:00.
		{"whole week", at(5, 9, 0), 45 * time.Hour, at(9, 18, 0)},
		{"week and an hour", at(5, 9, 0), 46 * time.Hour, at(12, 10, 0)},
		// 1 ns after opening.
		{"nanosecond", at(5, 9, 0), 1, at(5, 9, 0).Add(1)},
		{"zero", at(3, 11, 0), 0, at(3, 11, 0)},
		{"negative", at(3, 11, 0), -time.Hour, at(3, 11, 0)},
		// 17:00 CST is 09:00 UTC.
		{"start in UTC", time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), 2 * time.Hour, at(5, 10, 0)},
	})
	checkBetween(t, c, []betweenCase{
		// Fri 17:00–18:00 + Mon 09:00–10:00 = 2 h.
		{"across weekend", at(2, 17, 0), at(5, 10, 0), 2 * time.Hour},
		// Only Friday's 9 h between Fri 00:00 and Mon 00:00.
		{"friday to monday", at(2, 0, 0), at(5, 0, 0), 9 * time.Hour},
		{"weekend", at(3, 0, 0), at(5, 0, 0), 0},
		// Mon 5 to Mon 12 00:00: 5 × 9 h.
		{"week", at(5, 0, 0), at(12, 0, 0), 45 * time.Hour},
		{"within a span", at(5, 10, 15), at(5, 11, 0), 45 * time.Minute},
		{"reversed", at(5, 10, 0), at(2, 17, 0), 0},
		// 09:00 UTC is 17:00 CST; Mon 02:00 UTC is 10:00 CST.
		{"UTC bounds", time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), 2 * time.Hour},
	})
	if got := c.Add(at(2, 17, 0), time.Hour).Location(); got != c.Location() {
		t.Errorf("Add returned location %v, want %v", got, c.Location())
	}
}

func TestLunchBreak(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	c := mustCompile(t, Spec{TimeZone: "Asia/Shanghai", WeeklyHours: weekdays(Span{"13:00", "18:00"}, Span{"09:00", "12:00"})})
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 1, day, hh, mm, 0, 0, sh) }
	checkAdd(t, c, []addCase{
		// 11:00–12:00 is 1 h, then 13:00 + 1 h.
		{"over lunch", at(5, 11, 0), 2 * time.Hour, at(5, 14, 0)},
		// Ends exactly when lunch starts.
		{"until lunch", at(5, 11, 0), time.Hour, at(5, 12, 0)},
		// Lunch is closed: 13:00 + 30 min.
		{"start at lunch", at(5, 12, 30), 30 * time.Minute, at(5, 13, 30)},
		// 3 h + 5 h = 8 h per day.
		{"full day", at(5, 9, 0), 8 * time.Hour, at(5, 18, 0)},
		{"day and a half hour", at(5, 9, 0), 8*time.Hour + 30*time.Minute, at(6, 9, 30)},
	})
	checkBetween(t, c, []betweenCase{
		// 10:00–12:00 + 13:00–15:00.
		{"over lunch", at(5, 10, 0), at(5, 15, 0), 4 * time.Hour},
		{"lunch only", at(5, 12, 0), at(5, 13, 0), 0},
		{"day", at(5, 0, 0), at(6, 0, 0), 8 * time.Hour},
	})
}

func TestHolidaysAndWorkingDays(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	// Spring Festival 2026: Sun 15 Feb to Mon 23 Feb off; Sat 14 and Sat 28 Feb are working days.
	c := mustCompile(t, Spec{
		TimeZone:    "Asia/Shanghai",
		WeeklyHours: weekdays(Span{"09:00", "18:00"}),
		Holidays:    []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"},
		WorkingDays: []string{"2026-02-28", "2026-02-14"},
	})
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 2, day, hh, mm, 0, 0, sh) }
	checkAdd(t, c, []addCase{
		// Fri 13 17:00–18:00 is 1 h; Sat 14 is a working day: 09:00 + 1 h.
		{"into working saturday", at(13, 17, 0), 2 * time.Hour, at(14, 10, 0)},
		// Sat 14 17:00–18:00 is 1 h; Sun 15 closed, Mon 16 to Fri 20 holidays,
		// weekend closed, Mon 23 holiday: Tue 24 09:00 + 1 h.
		{"over the holidays", at(14, 17, 0), 2 * time.Hour, at(24, 10, 0)},
		// Mon 23 is a holiday: Tue 24 09:00 + 1 h.
		{"on a monday holiday", at(23, 9, 0), time.Hour, at(24, 10, 0)},
		// Fri 27 17:00–18:00 is 1 h; Sat 28 09:00 + 1 h.
		{"second working saturday", at(27, 17, 0), 2 * time.Hour, at(28, 10, 0)},
	})
	checkBetween(t, c, []betweenCase{
		// Fri 13, Sat 14 and Tue 24 are open: 3 × 9 h.
		{"spring festival", at(13, 0, 0), at(25, 0, 0), 27 * time.Hour},
		{"holiday", at(16, 0, 0), at(17, 0, 0), 0},
		{"working saturday", at(14, 0, 0), at(15, 0, 0), 9 * time.Hour},
		{"ordinary saturday", at(21, 0, 0), at(22, 0, 0), 0},
	})
}

func TestWorkingDayHours(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 1, day, hh, mm, 0, 0, sh) }

	// A working day on Sat 3 Jan takes Monday's hours, 10:00–16:00.
	hours := weekdays(Span{"09:00", "18:00"})
	hours["mon"] = []Span{{"10:00", "16:00"}}
	c := mustCompile(t, Spec{TimeZone: "Asia/Shanghai", WeeklyHours: hours, WorkingDays: []string{"2026-01-03"}})
	checkAdd(t, c, []addCase{{"monday hours", at(3, 0, 0), time.Hour, at(3, 11, 0)}})
	checkBetween(t, c, []betweenCase{{"monday hours", at(3, 0, 0), at(4, 0, 0), 6 * time.Hour}})

	// Monday closed: a working day on Sun 4 Jan takes Tuesday's hours.
	hours = map[string][]Span{"tue": {{"08:00", "12:00"}}, "wed": {{"09:00", "18:00"}}}
	c = mustCompile(t, Spec{TimeZone: "Asia/Shanghai", WeeklyHours: hours, WorkingDays: []string{"2026-01-04", "2026-01-07"}})
	checkAdd(t, c, []addCase{{"tuesday hours", at(4, 0, 0), time.Hour, at(4, 9, 0)}})
	checkBetween(t, c, []betweenCase{
		{"tuesday hours", at(4, 0, 0), at(5, 0, 0), 4 * time.Hour},
		// Wed 7 is open anyway and keeps its own hours.
		{"open weekday", at(7, 0, 0), at(8, 0, 0), 9 * time.Hour},
	})
}

func TestDaylightSaving(t *testing.T) {
	utc := func(mo time.Month, day, hh, mm int) time.Time {
		return time.Date(2026, mo, day, hh, mm, 0, 0, time.UTC)
	}
	sundays := func(zone string, spans ...Span) *Calendar {
		return mustCompile(t, Spec{TimeZone: zone, WeeklyHours: map[string][]Span{"sun": spans}})
	}

	t.Run("New York", func(t *testing.T) {
		// Clocks jump 02:00 EST → 03:00 EDT on Sun 8 Mar (07:00 UTC) and
		// 02:00 EDT → 01:00 EST on Sun 1 Nov (06:00 UTC).
		c := sundays("America/New_York", Span{"00:00", "06:00"})
		checkBetween(t, c, []betweenCase{
			// 00:00 EST (05:00 UTC) to 06:00 EST (11:00 UTC).
			{"ordinary sunday", utc(3, 1, 0, 0), utc(3, 3, 0, 0), 6 * time.Hour},
			// 00:00 EST (05:00 UTC) to 06:00 EDT (10:00 UTC).
			{"spring forward", utc(3, 7, 0, 0), utc(3, 10, 0, 0), 5 * time.Hour},
			// 00:00 EDT (04:00 UTC) to 06:00 EST (11:00 UTC).
			{"fall back", utc(10, 31, 0, 0), utc(11, 3, 0, 0), 7 * time.Hour},
		})
		checkAdd(t, c, []addCase{
			// 05:00 UTC + 5 h = 10:00 UTC = 06:00 EDT, the end of the day's hours.
			{"spring forward all", utc(3, 8, 5, 0), 5 * time.Hour, utc(3, 8, 10, 0)},
			// 05:00 UTC + 3 h = 08:00 UTC = 04:00 EDT.
			{"spring forward part", utc(3, 8, 5, 0), 3 * time.Hour, utc(3, 8, 8, 0)},
			// 5 h on 8 Mar, then 1 h from 00:00 EDT on 15 Mar (04:00 UTC).
			{"spring forward plus", utc(3, 8, 5, 0), 6 * time.Hour, utc(3, 15, 5, 0)},
			// 04:00 UTC + 7 h = 11:00 UTC = 06:00 EST.
			{"fall back all", utc(11, 1, 4, 0), 7 * time.Hour, utc(11, 1, 11, 0)},
			// 04:00 UTC + 2 h = 06:00 UTC = the second 01:00, EST.
			{"fall back part", utc(11, 1, 4, 0), 2 * time.Hour, utc(11, 1, 6, 0)},
		})

		// A bound in the skipped hour is the jump itself: 02:30 → 03:00 EDT.
		c = sundays("America/New_York", Span{"02:30", "05:00"})
		checkBetween(t, c, []betweenCase{
			// 02:30–05:00 EST is 2 h 30 min.
			{"ordinary sunday", utc(3, 1, 0, 0), utc(3, 2, 0, 0), 150 * time.Minute},
			// 03:00 EDT (07:00 UTC) to 05:00 EDT (09:00 UTC).
			{"skipped start", utc(3, 8, 0, 0), utc(3, 9, 0, 0), 2 * time.Hour},
		})
		// 07:00 UTC + 30 min.
		checkAdd(t, c, []addCase{{"skipped start", utc(3, 7, 17, 0), 30 * time.Minute, utc(3, 8, 7, 30)}})

		// A repeated bound is its first occurrence: 01:30 EDT (05:30 UTC)
		// to 03:00 EST (08:00 UTC) is 2 h 30 min instead of 1 h 30 min.
		c = sundays("America/New_York", Span{"01:30", "03:00"})
		checkBetween(t, c, []betweenCase{{"repeated start", utc(11, 1, 0, 0), utc(11, 2, 0, 0), 150 * time.Minute}})
		checkAdd(t, c, []addCase{{"repeated start", utc(10, 31, 0, 0), time.Minute, utc(11, 1, 5, 31)}})
	})

	t.Run("Berlin", func(t *testing.T) {
		// Clocks jump 02:00 CET → 03:00 CEST on Sun 29 Mar (01:00 UTC) and
		// 03:00 CEST → 02:00 CET on Sun 25 Oct (01:00 UTC).
		c := sundays("Europe/Berlin", Span{"00:00", "06:00"})
		checkBetween(t, c, []betweenCase{
			// 00:00 CET (23:00 UTC) to 06:00 CET (05:00 UTC).
			{"ordinary sunday", utc(3, 21, 0, 0), utc(3, 23, 0, 0), 6 * time.Hour},
			// 00:00 CET (28 Mar 23:00 UTC) to 06:00 CEST (04:00 UTC).
			{"spring forward", utc(3, 28, 0, 0), utc(3, 30, 0, 0), 5 * time.Hour},
			// 00:00 CEST (24 Oct 22:00 UTC) to 06:00 CET (05:00 UTC).
			{"fall back", utc(10, 24, 0, 0), utc(10, 26, 0, 0), 7 * time.Hour},
		})
		checkAdd(t, c, []addCase{
			// 28 Mar 23:00 UTC + 5 h = 04:00 UTC = 06:00 CEST.
			{"spring forward", utc(3, 28, 12, 0), 5 * time.Hour, utc(3, 29, 4, 0)},
			// 24 Oct 22:00 UTC + 7 h = 05:00 UTC = 06:00 CET.
			{"fall back", utc(10, 24, 12, 0), 7 * time.Hour, utc(10, 25, 5, 0)},
		})

		// Skipped start: 02:30 → 03:00 CEST (01:00 UTC) to 05:00 CEST (03:00 UTC).
		c = sundays("Europe/Berlin", Span{"02:30", "05:00"})
		checkBetween(t, c, []betweenCase{{"skipped start", utc(3, 28, 0, 0), utc(3, 30, 0, 0), 2 * time.Hour}})

		// Repeated start: 02:30 CEST (00:30 UTC) to 04:00 CET (03:00 UTC).
		c = sundays("Europe/Berlin", Span{"02:30", "04:00"})
		checkBetween(t, c, []betweenCase{{"repeated start", utc(10, 24, 0, 0), utc(10, 26, 0, 0), 150 * time.Minute}})
		checkAdd(t, c, []addCase{{"repeated start", utc(10, 24, 0, 0), time.Minute, utc(10, 25, 0, 31)}})
	})

	t.Run("New York around the clock", func(t *testing.T) {
		ny := mustLoad(t, "America/New_York")
		c := mustCompile(t, Spec{TimeZone: "America/New_York", WeeklyHours: everyDay(Span{"00:00", "24:00"})})
		checkAdd(t, c, []addCase{
			// Sat 12:00 EST (17:00 UTC) + 24 h = Sun 17:00 UTC = Sun 13:00 EDT:
			// Sunday has only 23 h.
			{"spring forward", time.Date(2026, 3, 7, 12, 0, 0, 0, ny), 24 * time.Hour, time.Date(2026, 3, 8, 13, 0, 0, 0, ny)},
			// Sat 12:00 EDT (16:00 UTC) + 24 h = Sun 16:00 UTC = Sun 11:00 EST:
			// Sunday has 25 h.
			{"fall back", time.Date(2026, 10, 31, 12, 0, 0, 0, ny), 24 * time.Hour, time.Date(2026, 11, 1, 11, 0, 0, 0, ny)},
		})
		checkBetween(t, c, []betweenCase{
			{"spring forward day", time.Date(2026, 3, 8, 0, 0, 0, 0, ny), time.Date(2026, 3, 9, 0, 0, 0, 0, ny), 23 * time.Hour},
			{"fall back day", time.Date(2026, 11, 1, 0, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 0, 0, 0, ny), 25 * time.Hour},
			{"year", time.Date(2026, 1, 1, 0, 0, 0, 0, ny), time.Date(2027, 1, 1, 0, 0, 0, 0, ny), 365 * 24 * time.Hour},
		})
	})
}

func TestHorizon(t *testing.T) {
	c := mustCompile(t, Spec{TimeZone: "UTC", WeeklyHours: map[string][]Span{"mon": {{"09:00", "10:00"}}}})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// One hour a week: a century of business time is far beyond 50 years.
	d := 100 * 365 * 24 * time.Hour
	got := c.Add(start, d)
	if got.Year() < 2076 || got.Year() > 2077 {
		t.Errorf("Add beyond the horizon = %v, want about 50 years after %v", got, start)
	}
	if b := c.Between(start, got); b >= d {
		t.Errorf("Between(start, horizon) = %v, want less than %v", b, d)
	}
}

func TestValidate(t *testing.T) {
	valid := func() Spec {
		return Spec{TimeZone: "Asia/Shanghai", WeeklyHours: weekdays(Span{"09:00", "12:00"}, Span{"13:00", "18:00"})}
	}
	tests := []struct {
		name   string
		edit   func(*Spec)
		fields []string
	}{
		{"valid", func(*Spec) {}, nil},
		{"touching spans", func(s *Spec) { s.WeeklyHours["mon"] = []Span{{"09:00", "12:00"}, {"12:00", "24:00"}} }, nil},
		{"bad zone", func(s *Spec) { s.TimeZone = "Mars/Olympus_Mons" }, []string{"time_zone"}},
		{"no zone", func(s *Spec) { s.TimeZone = "" }, []string{"time_zone"}},
		{"local zone", func(s *Spec) { s.TimeZone = "Local" }, []string{"time_zone"}},
		{"hour 25", func(s *Spec) { s.WeeklyHours["mon"] = []Span{{"09:00", "12:00"}, {"13:00", "25:00"}} }, []string{"weekly_hours.mon[1].end"}},
		{"minute 60", func(s *Spec) { s.WeeklyHours["tue"] = []Span{{"08:60", "12:00"}} }, []string{"weekly_hours.tue[0].start"}},
		{"one digit hour", func(s *Spec) { s.WeeklyHours["tue"] = []Span{{"9:00", "12:00"}} }, []string{"weekly_hours.tue[0].start"}},
		{"start 24:00", func(s *Spec) { s.WeeklyHours["tue"] = []Span{{"24:00", "24:00"}} }, []string{"weekly_hours.tue[0].start"}},
		{"end 00:00", func(s *Spec) { s.WeeklyHours["tue"] = []Span{{"22:00", "00:00"}} }, []string{"weekly_hours.tue[0].end"}},
		{"start after end", func(s *Spec) { s.WeeklyHours["wed"] = []Span{{"18:00", "09:00"}} }, []string{"weekly_hours.wed[0].end"}},
		{"start equals end", func(s *Spec) { s.WeeklyHours["wed"] = []Span{{"09:00", "09:00"}} }, []string{"weekly_hours.wed[0].end"}},
		{"overlap", func(s *Spec) { s.WeeklyHours["thu"] = []Span{{"13:00", "18:00"}, {"09:00", "13:30"}} }, []string{"weekly_hours.thu[1]"}},
		{"unknown weekday", func(s *Spec) { s.WeeklyHours["mo"] = []Span{{"09:00", "18:00"}} }, []string{"weekly_hours.mo"}},
		{"bad dates", func(s *Spec) { s.Holidays = []string{"2026-01-01", "2026-02-30", "2026-1-02", "01/03/2026"} }, []string{"holidays[1]", "holidays[2]", "holidays[3]"}},
		{"bad working day", func(s *Spec) { s.WorkingDays = []string{"2026-02-14", "tomorrow"} }, []string{"working_days[1]"}},
		{"holiday and working day", func(s *Spec) {
			s.Holidays = []string{"2026-02-16", "2026-02-14"}
			s.WorkingDays = []string{"2026-02-14"}
		}, []string{"working_days[0]"}},
		{"no hours", func(s *Spec) { s.WeeklyHours = map[string][]Span{"sat": {}, "sun": nil} }, []string{"weekly_hours"}},
		{"nil hours", func(s *Spec) { s.WeeklyHours = nil }, []string{"weekly_hours"}},
		{"several", func(s *Spec) {
			s.TimeZone = "Nowhere"
			s.WeeklyHours = map[string][]Span{"zz": {{"09:00", "10:00"}}, "fri": {{"10:00", "09:00"}}, "mo": nil}
			s.Holidays = []string{"2026-13-01"}
		}, []string{"time_zone", "weekly_hours.fri[0].end", "weekly_hours.mo", "weekly_hours.zz", "weekly_hours", "holidays[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(&s)
			errs := s.Validate()
			var fields []string
			for _, e := range errs {
				fields = append(fields, e.Field)
				if e.Reason == "" {
					t.Errorf("%s: empty reason", e.Field)
				}
			}
			if !slices.Equal(fields, tt.fields) {
				t.Errorf("Validate() = %v, want fields %q", errs, tt.fields)
			}
			c, err := Compile(s)
			if (err == nil) != (tt.fields == nil) || (c == nil) == (tt.fields == nil) {
				t.Fatalf("Compile() = %v, %v; want error: %v", c, err, tt.fields != nil)
			}
			if err != nil {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.fields[0] {
					t.Errorf("Compile error %v: first *FieldError = %v, want field %q", err, fe, tt.fields[0])
				}
			}
		})
	}
}

func TestFieldError(t *testing.T) {
	e := &FieldError{Field: "holidays[2]", Reason: "bad date"}
	if got, want := e.Error(), "holidays[2]: bad date"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestSpecJSON(t *testing.T) {
	const doc = `{
		"time_zone": "Asia/Shanghai",
		"weekly_hours": {
			"mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
			"sat": [{"start": "10:00", "end": "24:00"}],
			"sun": []
		},
		"holidays": ["2026-02-16"],
		"working_days": ["2026-02-14"]
	}`
	want := Spec{
		TimeZone: "Asia/Shanghai",
		WeeklyHours: map[string][]Span{
			"mon": {{"09:00", "12:00"}, {"13:00", "18:00"}},
			"sat": {{"10:00", "24:00"}},
			"sun": {},
		},
		Holidays:    []string{"2026-02-16"},
		WorkingDays: []string{"2026-02-14"},
	}
	var got Spec
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Unmarshal = %+v, want %+v", got, want)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var again Spec
	if err := json.Unmarshal(b, &again); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("round trip of %s = %+v, want %+v", b, again, want)
	}
	if _, err := Compile(again); err != nil {
		t.Errorf("Compile: %v", err)
	}

	b, err = json.Marshal(Spec{TimeZone: "UTC", WeeklyHours: map[string][]Span{"mon": {{"09:00", "17:00"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"time_zone":"UTC","weekly_hours":{"mon":[{"start":"09:00","end":"17:00"}]}}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
}

// TestProperties checks, over random starts and durations, that Add and
// Between agree, that Add returns the earliest such instant and is monotonic,
// and that Between is additive.
func TestProperties(t *testing.T) {
	calendars := map[string]Spec{
		"shanghai lunch": {
			TimeZone:    "Asia/Shanghai",
			WeeklyHours: weekdays(Span{"09:00", "12:00"}, Span{"13:00", "18:00"}),
			Holidays:    []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"},
			WorkingDays: []string{"2026-02-14", "2026-02-28"},
		},
		"new york sundays": {
			TimeZone:    "America/New_York",
			WeeklyHours: map[string][]Span{"sun": {{"00:00", "06:00"}}, "wed": {{"01:30", "02:30"}, {"23:00", "24:00"}}},
			Holidays:    []string{"2026-03-15"},
		},
		"new york around the clock": {TimeZone: "America/New_York", WeeklyHours: everyDay(Span{"00:00", "24:00"})},
		"berlin dst bounds": {
			TimeZone:    "Europe/Berlin",
			WeeklyHours: everyDay(Span{"00:00", "00:30"}, Span{"02:15", "02:45"}, Span{"03:00", "04:00"}, Span{"22:00", "24:00"}),
			WorkingDays: []string{"2026-10-25"},
		},
		"lord howe half hour dst": {TimeZone: "Australia/Lord_Howe", WeeklyHours: weekdays(Span{"01:00", "03:00"}, Span{"08:00", "17:30"})},
	}
	names := make([]string, 0, len(calendars))
	for name := range calendars {
		names = append(names, name)
	}
	slices.Sort(names)

	rng := rand.New(rand.NewSource(20260308))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range names {
		c := mustCompile(t, calendars[name])
		for range 500 {
			start := base.Add(time.Duration(rng.Int63n(int64(3 * 365 * 24 * time.Hour))))
			if rng.Intn(4) == 0 {
				start = start.Truncate(15 * time.Minute) // hit span bounds exactly
			}
			d := time.Duration(rng.Int63n(int64(40 * 24 * time.Hour)))
			if rng.Intn(4) == 0 {
				d = d.Truncate(30 * time.Minute)
			}
			end := c.Add(start, d)
			if got := c.Between(start, end); got != d {
				t.Fatalf("%s: Between(%v, Add(%v, %v) = %v) = %v", name, start, start, d, end, got)
			}
			if end.Before(start) {
				t.Fatalf("%s: Add(%v, %v) = %v is before the start", name, start, d, end)
			}
			if d > 0 {
				if got := c.Between(start, end.Add(-1)); got != d-1 {
					t.Fatalf("%s: Add(%v, %v) = %v is not the earliest: Between to 1 ns earlier = %v", name, start, d, end, got)
				}
			}
			d2 := d + time.Duration(rng.Int63n(int64(48*time.Hour)))
			end2 := c.Add(start, d2)
			if end2.Before(end) {
				t.Fatalf("%s: Add(%v, %v) = %v is before Add(…, %v) = %v", name, start, d2, end2, d, end)
			}
			if got := c.Add(end, d2-d); !got.Equal(end2) {
				t.Fatalf("%s: Add(Add(%v, %v), %v) = %v, want %v", name, start, d, d2-d, got, end2)
			}
			mid := start.Add(time.Duration(rng.Int63n(int64(end2.Sub(start)) + 1)))
			if a, b, ab := c.Between(start, mid), c.Between(mid, end2), c.Between(start, end2); a+b != ab {
				t.Fatalf("%s: Between(%v, %v) + Between(…, %v) = %v + %v, want %v", name, start, mid, end2, a, b, ab)
			}
		}
	}
}

func BenchmarkAddYear(b *testing.B) {
	c := mustCompile(b, Spec{
		TimeZone:    "Asia/Shanghai",
		WeeklyHours: weekdays(Span{"09:00", "12:00"}, Span{"13:00", "18:00"}),
		Holidays:    []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"},
	})
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	d := 250 * 8 * time.Hour // about a year of business time
	for b.Loop() {
		c.Add(start, d)
	}
}

func BenchmarkBetweenYear(b *testing.B) {
	c := mustCompile(b, Spec{TimeZone: "America/New_York", WeeklyHours: weekdays(Span{"09:00", "17:00"})})
	from := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	for b.Loop() {
		c.Between(from, to)
	}
}
