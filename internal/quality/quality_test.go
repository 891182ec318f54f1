package quality_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseSpecRefusesWithTheReason(t *testing.T) {
	for _, c := range []struct{ spec, zone, want string }{
		{"0 9 1 *", "UTC", "expected exactly 5 fields, found 4: [0 9 1 *]"},
		{"0 9 1 * * *", "UTC", "expected exactly 5 fields, found 6: [0 9 1 * * *]"},
		{"61 9 * * *", "UTC", "end of range (61) above maximum (59): 61"},
		{"0 9 * * FUNDAY", "UTC", `failed to parse int from FUNDAY: strconv.Atoi: parsing "FUNDAY": invalid syntax`},
		{"0 9 10-2 * *", "UTC", "beginning of range (10) beyond end of range (2): 10-2"},
		{"@fortnightly", "UTC", "unrecognized descriptor: @fortnightly"},
		{"@every 1h", "UTC", "@every is not supported: give wall-clock times (e.g. */15 * * * *)"},
		{"CRON_TZ=Asia/Shanghai 0 9 * * *", "UTC", "give the time zone in time_zone, not in the spec"},
		{"0 9 * * *", "Mars/Olympus_Mons", `unknown time zone "Mars/Olympus_Mons"`},
	} {
		_, err := quality.ParseSpec(c.spec, c.zone)
		require.EqualError(t, err, c.want, c.spec)
	}
}

func TestNextRunsInTheSchedulesZone(t *testing.T) {
	for _, c := range []struct {
		spec, zone, after string
		want              []string
	}{
		// The default monthly planning spec in Shanghai (UTC+8): 09:00 local is 01:00 UTC.
		{"0 9 1 * *", "Asia/Shanghai", "2026-01-15T00:00:00Z",
			[]string{"2026-02-01T01:00:00Z", "2026-03-01T01:00:00Z", "2026-04-01T01:00:00Z"}},
		// Weekly tracking across New York's spring-forward (8 March 2026): 14:00 UTC, then 13:00 UTC.
		{"0 9 * * MON", "America/New_York", "2026-02-25T00:00:00Z",
			[]string{"2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z"}},
		// Day of month OR day of week: the 1st, the 15th and every Monday.
		{"0 9 1,15 * MON", "UTC", "2026-06-01T09:00:00Z",
			[]string{"2026-06-08T09:00:00Z", "2026-06-15T09:00:00Z", "2026-06-22T09:00:00Z", "2026-06-29T09:00:00Z", "2026-07-01T09:00:00Z"}},
		// The default risk monitor spec, from just before a quarter hour.
		{"*/15 * * * *", "UTC", "2026-06-01T09:14:59Z",
			[]string{"2026-06-01T09:15:00Z", "2026-06-01T09:30:00Z"}},
		// A time that does not exist that day (02:30 on 8 March in New York) is skipped.
		{"30 2 * * *", "America/New_York", "2026-03-07T00:00:00Z",
			[]string{"2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z"}},
	} {
		s, err := quality.ParseSpec(c.spec, c.zone)
		require.NoError(t, err, c.spec)
		var want []time.Time
		for _, w := range c.want {
			want = append(want, utc(w))
		}
		require.Equal(t, want, quality.NextRuns(s, utc(c.after), len(want)), c.spec)
	}
}

func TestNextRunsOfASpecThatNeverFires(t *testing.T) {
	s, err := quality.ParseSpec("0 0 30 2 *", "UTC")
	require.NoError(t, err)
	require.Empty(t, quality.NextRuns(s, utc("2026-01-01T00:00:00Z"), 5))
}

func TestDefaultSpecsParse(t *testing.T) {
	for _, k := range quality.ScheduleKinds {
		_, err := quality.ParseSpec(k.DefaultSpec(), "UTC")
		require.NoError(t, err, k)
	}
}
