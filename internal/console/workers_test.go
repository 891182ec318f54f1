package console

import (
	"testing"
	"time"
)

// No poller, or none within two minutes, is a missing worker; one poll within them
// (a live worker's long poll can be a minute old) is not.
func TestWorkersGone(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		last  []time.Time
		gone  bool
		since time.Time
	}{
		{"never polled", nil, true, time.Time{}},
		{"an idle long poll a minute old", []time.Time{now.Add(-70 * time.Second)}, false, time.Time{}},
		{"one stale, one fresh", []time.Time{now.Add(-10 * time.Minute), now.Add(-5 * time.Second)}, false, time.Time{}},
		{"exactly two minutes", []time.Time{now.Add(-workerGone)}, false, time.Time{}},
		{"all older than two minutes", []time.Time{now.Add(-3 * time.Minute), now.Add(-4 * time.Minute)}, true, now.Add(-3 * time.Minute)},
	} {
		got := workersGone(tt.last, now)
		if (got != nil) != tt.gone {
			t.Errorf("%s: banner %v, want gone=%v", tt.name, got, tt.gone)
			continue
		}
		if got != nil && !got.Since.Equal(tt.since) {
			t.Errorf("%s: last seen %v, want %v", tt.name, got.Since, tt.since)
		}
	}
}
