package main

import (
	"testing"
	"time"
)

func TestBackendDatabase(t *testing.T) {
	for title, want := range map[string]string{
		"postgres: bench temporal 127.0.0.1(40122) idle\x00":                       "temporal",
		"postgres: bench complaintflow [local] INSERT\x00":                         "complaintflow",
		"postgres: bench temporal_visibility 127.0.0.1(40130) idle in transaction": "temporal_visibility",
		"postgres: checkpointer ":                                                  "",
		"postgres: autovacuum worker complaintflow":                                "",
		"postgres: logical replication launcher ":                                  "",
		"/usr/lib/postgresql/15/bin/postgres -D /tmp/x -c fsync=off":               "",
	} {
		if got := backendDatabase(title); got != want {
			t.Errorf("backendDatabase(%q) = %q, want %q", title, got, want)
		}
	}
}

// The parts must add up to PostgreSQL's whole time in the window, a backend that
// exited in it included, and no database may be charged for time before it.
func TestPGSampleSub(t *testing.T) {
	before := pgSample{backends: map[int]pgBackend{
		10: {"temporal", 100},
		11: {"complaintflow", 50},
		12: {"complaintflow", 70}, // exits in the window, after 5 ticks more
	}, other: 30}
	after := pgSample{backends: map[int]pgBackend{
		10: {"temporal", 160},
		11: {"complaintflow", 80},
		13: {"temporal", 20}, // connected in the window
	}, other: 30 + 4 + 75} // 4 ticks of checkpointer; 12 reaped whole
	got := after.sub(before)
	want := cpuUsage{
		"temporal":      ticksToDuration(60 + 20),
		"complaintflow": ticksToDuration(30),
		"other":         ticksToDuration(4 + 5),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("groups %v, want %v", got.groups(), want.groups())
	}
	if total := got.total(); total != ticksToDuration(60+20+30+4+5) {
		t.Errorf("total %v, want PostgreSQL's whole time in the window", total)
	}
}

// Temporal's side is its server and its own databases, not complaintflow's.
func TestTemporalSide(t *testing.T) {
	rr := runResult{requests: 2,
		cpu:   cpuUsage{"temporal-server": 20 * time.Millisecond, "bench": 10 * time.Millisecond, "postgres": 16 * time.Millisecond},
		pgCPU: cpuUsage{temporalDatabase: 6 * time.Millisecond, temporalDatabase + "_visibility": 2 * time.Millisecond, "complaintflow_bench": 4 * time.Millisecond, "other": 4 * time.Millisecond}}
	if got, want := temporalSide(rr), 14.0; got != want {
		t.Errorf("temporalSide = %v ms per request, want %v", got, want)
	}
}
