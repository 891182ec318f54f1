package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
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

func TestParseCPUs(t *testing.T) {
	got, err := parseCPUs([]string{"temporal-server=0", "bench=0-1", "postgres=1,0"})
	if err != nil {
		t.Fatal(err)
	}
	for group, want := range map[string]string{"temporal-server": "0", "bench": "0,1", "postgres": "0,1"} {
		if cpus := cpuList(got[group]); cpus != want {
			t.Errorf("%s: CPUs %s, want %s", group, cpus, want)
		}
	}
	tooMany := fmt.Sprintf("bench=%d", runtime.NumCPU())
	for _, bad := range []string{"bench", "bench=", "=0", "bench=x", "bench=1-0", "bench=-1", "bench=0,", tooMany} {
		if _, err := parseCPUs([]string{bad}); err == nil {
			t.Errorf("parseCPUs(%q) accepted", bad)
		}
	}
}

// Pinning this process ("bench") to one CPU must reach every thread it has,
// and threads started after it, as the kernel reports them.
func TestPinGroupConfinesEveryThread(t *testing.T) {
	var all, one unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	one.Set(0)
	if err := pinGroup("bench", one); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := pinGroup("bench", all); err != nil {
			t.Error(err)
		}
	}()
	// A thread the runtime starts now, locked so that the check runs on it.
	done := make(chan unix.CPUSet)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		var set unix.CPUSet
		_ = unix.SchedGetaffinity(0, &set)
		done <- set
	}()
	if got := <-done; got != one {
		t.Errorf("a new thread's CPUs: %s, want 0", cpuList(got))
	}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/[0-9]*", os.Getpid()))
	for _, task := range tasks {
		tid, _ := strconv.Atoi(filepath.Base(task))
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err != nil {
			continue // exited
		}
		if set != one {
			t.Errorf("thread %d: CPUs %s, want 0", tid, cpuList(set))
		}
	}
}

// A report's command must reproduce the run's scheduling, -cpus repeated as given.
func TestSchedFlagsInTheCommand(t *testing.T) {
	c := config{niceFlag: "bench=5", cpusFlag: cpusFlag{"temporal-server=0", "bench=1"}}
	want := " -nice bench=5 -cpus temporal-server=0 -cpus bench=1"
	if got := c.schedFlags(); got != want {
		t.Errorf("schedFlags = %q, want %q", got, want)
	}
	if got := (&breachReport{cfg: c}).command(); !strings.Contains(got, want) {
		t.Errorf("breach command %q lacks %q", got, want)
	}
}
