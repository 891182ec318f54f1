package telemetry

import (
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// The SDK's counters reach /metrics as Prometheus counters, so that rate() and
// increase() over them (task failures, sticky cache misses) mean what they say.
func TestTemporalCountersAreCounters(t *testing.T) {
	m, err := NewMetrics()
	if err != nil {
		t.Fatal(err)
	}
	m.Temporal.Counter("temporal_sticky_cache_miss").Inc(3)
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "temporal_sticky_cache_miss_total" {
			continue
		}
		if f.GetType() != dto.MetricType_COUNTER {
			t.Fatalf("%s is a %s, want a counter", f.GetName(), f.GetType())
		}
		if got := f.GetMetric()[0].GetCounter().GetValue(); got != 3 {
			t.Fatalf("%s = %v, want 3", f.GetName(), got)
		}
		return
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName()+" ("+f.GetType().String()+")")
	}
	t.Fatalf("no temporal_sticky_cache_miss_total among %v", names)
}
