package quality

import (
	"fmt"
	"testing"
	"time"
)

func TestBucketsCutAtCalendarStarts(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		from, to string
		every    Interval
		loc      *time.Location
		want     string
	}{
		{"whole days", "2025-03-01T00:00:00Z", "2025-03-03T00:00:00Z", Day, time.UTC,
			"[2025-03-01T00:00:00Z 2025-03-02T00:00:00Z) [2025-03-02T00:00:00Z 2025-03-03T00:00:00Z)"},
		{"partial first and last day", "2025-03-01T10:00:00Z", "2025-03-02T05:00:00Z", Day, time.UTC,
			"[2025-03-01T10:00:00Z 2025-03-02T00:00:00Z) [2025-03-02T00:00:00Z 2025-03-02T05:00:00Z)"},
		{"days in Shanghai start at 16:00 UTC", "2025-02-28T16:00:00Z", "2025-03-02T16:00:00Z", Day, sh,
			"[2025-02-28T16:00:00Z 2025-03-01T16:00:00Z) [2025-03-01T16:00:00Z 2025-03-02T16:00:00Z)"},
		{"weeks start on Monday", "2025-03-05T00:00:00Z", "2025-03-18T00:00:00Z", Week, time.UTC, // a Wednesday
			"[2025-03-05T00:00:00Z 2025-03-10T00:00:00Z) [2025-03-10T00:00:00Z 2025-03-17T00:00:00Z) [2025-03-17T00:00:00Z 2025-03-18T00:00:00Z)"},
		{"months", "2025-01-15T00:00:00Z", "2025-03-01T00:00:00Z", Month, time.UTC,
			"[2025-01-15T00:00:00Z 2025-02-01T00:00:00Z) [2025-02-01T00:00:00Z 2025-03-01T00:00:00Z)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Buckets(utc(tt.from), utc(tt.to), tt.every, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for i, p := range ps {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("[%s %s)", p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if _, err := Buckets(utc("2025-03-02T00:00:00Z"), utc("2025-03-01T00:00:00Z"), Day, time.UTC); err == nil {
		t.Error("from after to: no error")
	}
	if _, err := Buckets(utc("2025-03-01T00:00:00Z"), utc("2025-03-02T00:00:00Z"), "hour", time.UTC); err == nil {
		t.Error("unknown interval: no error")
	}
}

// A DST change at midnight (Beirut's spring: 00:00 becomes 01:00 on 30 March 2025)
// moves that one day's start; every day, week and month after it starts at midnight
// again.
func TestBucketsStartAtMidnightAfterAMidnightDSTChange(t *testing.T) {
	beirut, err := time.LoadLocation("Asia/Beirut")
	if err != nil {
		t.Fatal(err)
	}
	at := func(mo time.Month, d, h int) time.Time { return time.Date(2025, mo, d, h, 0, 0, 0, beirut) }
	for _, c := range []struct {
		every    Interval
		from, to time.Time
	}{
		{Day, at(3, 28, 0), at(4, 3, 0)},
		{Week, at(3, 24, 0), at(4, 21, 0)},
		{Month, at(2, 1, 0), at(5, 1, 0)},
	} {
		got, err := Buckets(c.from, c.to, c.every, beirut)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got[1:] {
			local := p.From.In(beirut)
			if local.Hour() != 0 && !(local.Month() == 3 && local.Day() == 30) {
				t.Errorf("%s: a point starts at %s, not midnight", c.every, local.Format(time.RFC3339))
			}
		}
	}
}
