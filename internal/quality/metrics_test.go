package quality

import (
	"fmt"
	"testing"
)

// The resolution rate divides by the complaints due (resolved, or past their
// resolution deadline), not the volume: a complaint still within its deadline is
// not unresolved yet.
func TestResolutionRateCountsOnlyComplaintsDue(t *testing.T) {
	show := func(v *float64) string {
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(*v)
	}
	for _, c := range []struct {
		name string
		g    MetricsGroup
		want string
	}{
		{"one resolved, one past due, one not yet due", MetricsGroup{Volume: 3, Resolved: 1, ResolutionDue: 2}, "50"},
		{"nothing due yet, however many opened", MetricsGroup{Volume: 3}, "nil"},
		{"rounded to 2 decimals like every rate", MetricsGroup{Volume: 4, Resolved: 2, ResolutionDue: 3}, "66.67"},
	} {
		if got := show(c.g.Value(ResolutionRate)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}
