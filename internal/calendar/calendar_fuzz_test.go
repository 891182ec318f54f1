package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzSpec fuzzes a business-hours calendar as an admin sends it (JSON): Validate
// never panics and names a field for each problem; a spec it accepts compiles, and
// the compiled calendar keeps its promise — a deadline d of working time after
// start is never before start, and the working time between them is d.
func FuzzSpec(f *testing.F) {
	for _, s := range []string{
		`{"time_zone":"Asia/Shanghai","weekly_hours":{"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"18:00"}],"tue":[{"start":"09:00","end":"18:00"}]},"holidays":["2026-02-17"],"working_days":["2026-02-14"]}`,
		`{"time_zone":"America/New_York","weekly_hours":{"sun":[{"start":"00:00","end":"24:00"}]}}`,
		`{"time_zone":"Europe/Berlin","weekly_hours":{"fri":[{"start":"23:59","end":"24:00"}]},"holidays":["2026-03-27","2026-03-27"]}`,
		`{"time_zone":"Local","weekly_hours":{"xyz":[{"start":"25:00","end":"09:00"}]},"holidays":["2026-02-30"]}`,
		`{"time_zone":"UTC","weekly_hours":{}}`,
		`{"time_zone":"UTC","weekly_hours":{"mon":[{"start":"09:00","end":"17:00"},{"start":"16:00","end":"18:00"}]}}`,
		`{"time_zone":"\u0000","weekly_hours":{"mon":[{"start":"9:00","end":"017:00"}]}}`,
	} {
		f.Add([]byte(s), int64(90*time.Minute), int64(0))
	}
	f.Fuzz(func(t *testing.T, raw []byte, d, startOffset int64) {
		var s Spec
		if json.Unmarshal(raw, &s) != nil {
			return // not a spec: the API's decoding refuses it before Validate
		}
		errs := s.Validate()
		for _, e := range errs {
			if e.Field == "" || e.Reason == "" {
				t.Fatalf("%s: a problem naming no field: %+v", raw, e)
			}
		}
		c, err := Compile(s)
		if (err == nil) != (len(errs) == 0) {
			t.Fatalf("%s: Validate says %v, Compile says %v", raw, errs, err)
		}
		if err != nil {
			return
		}
		// Bounded: at most two weeks of working time, from a start within two years.
		dur := time.Duration(d % int64(14*24*time.Hour)).Abs().Truncate(time.Minute)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(startOffset % int64(2*365*24*time.Hour)).Abs())
		due := c.Add(start, dur)
		if due.Before(start) {
			t.Fatalf("%s: Add(%v, %v) = %v, before the start", raw, start, dur, due)
		}
		if got := c.Between(start, due); got != dur {
			t.Fatalf("%s: Between(%v, Add(…, %v) = %v) = %v", raw, start, dur, due, got)
		}
	})
}
