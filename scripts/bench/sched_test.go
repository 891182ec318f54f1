package main

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestCoreWaitDescribe(t *testing.T) {
	if got := (coreWait{}).describe(time.Second); got != "n/a" {
		t.Errorf("empty: %q", got)
	}
	before := coreWait{threads: map[int]threadWait{
		1: {"temporal-server", time.Second},
		2: {"temporal-server", 2 * time.Second},
		3: {"postgres", 5 * time.Second}, // a backend that exits: its wait leaves with it
		4: {"bench", time.Second},
	}, steal: time.Second}
	after := coreWait{threads: map[int]threadWait{
		1: {"temporal-server", 2 * time.Second},
		2: {"temporal-server", 3 * time.Second},
		5: {"temporal-server", time.Second}, // a thread started in the window
		4: {"bench", 2 * time.Second},
		6: {"postgres", 500 * time.Millisecond},
	}, steal: 1500 * time.Millisecond}
	want := "bench 0.50, postgres 0.25, temporal-server 1.50 threads; steal 0.25 cores"
	if got := after.sub(before).describe(2 * time.Second); got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
}

// Twice as many spinning threads as cores must wait for one: the kernel's
// run_delay, read back through procGroups, shows it for this process.
func TestSampleCoreWaitSeesOversubscription(t *testing.T) {
	n := 2 * runtime.NumCPU()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n + 1))
	before := sampleCoreWait()
	const spin = 400 * time.Millisecond
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for end := time.Now().Add(spin); time.Now().Before(end); {
			}
		}()
	}
	wg.Wait()
	got := sampleCoreWait().sub(before)
	// n threads sharing n/2 cores for 400 ms wait about n × 200 ms together;
	// a quarter of that leaves room for a kernel that favours some.
	if min := time.Duration(n) * spin / 8; got.byGroup()["bench"] < min {
		t.Errorf("this process's threads waited %v for a core, want at least %v (%d threads on %d cores)", got.byGroup()["bench"], min, n, runtime.NumCPU())
	}
}

func TestParseNice(t *testing.T) {
	got, err := parseNice("temporal-server=-10,bench=5")
	if err != nil || len(got) != 2 || got["temporal-server"] != -10 || got["bench"] != 5 {
		t.Errorf("parseNice = %v, %v", got, err)
	}
	if got, err := parseNice(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
	for _, bad := range []string{"bench", "bench=x", "=3", "bench=-21", "bench=20", "bench=1,"} {
		if _, err := parseNice(bad); err == nil {
			t.Errorf("parseNice(%q) accepted", bad)
		}
	}
}
