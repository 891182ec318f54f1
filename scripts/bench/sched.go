package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A process short of CPU does not show it in its CPU use: its threads are
// runnable and wait for a core. The kernel counts that wait per thread
// (schedstat's run_delay); summed over a process tree and divided by the wall
// time it is the mean number of the tree's threads waiting for a core. Steal is
// the hypervisor running someone else on the machine's cores. Both say whether
// a slow window was short of CPU, and whose.

// coreWait is the time spent runnable but not running, per thread, and the
// machine's steal time over all its cores. A thread that exited during a window
// takes its wait with it (PostgreSQL backends that close), so it is a lower bound.
type coreWait struct {
	threads map[int]threadWait // by thread ID
	steal   time.Duration
}

type threadWait struct {
	group string
	delay time.Duration
}

func sampleCoreWait() coreWait {
	w := coreWait{threads: map[int]threadWait{}, steal: stealTime()}
	for name, procs := range procGroups() {
		for _, p := range procs {
			tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/[0-9]*", p.pid))
			for _, task := range tasks {
				tid, _ := strconv.Atoi(filepath.Base(task))
				if d, ok := runDelay(task); ok {
					w.threads[tid] = threadWait{name, d}
				}
			}
		}
	}
	return w
}

// sub is the wait since before, thread by thread: a thread started since then
// waited all of its run_delay in the window.
func (w coreWait) sub(before coreWait) coreWait {
	out := coreWait{threads: map[int]threadWait{}, steal: w.steal - before.steal}
	for tid, t := range w.threads {
		if b, ok := before.threads[tid]; ok && b.group == t.group && b.delay <= t.delay {
			t.delay -= b.delay
		}
		out.threads[tid] = t
	}
	return out
}

// byGroup sums the threads' wait by process group.
func (w coreWait) byGroup() cpuUsage {
	out := cpuUsage{}
	for _, t := range w.threads {
		out[t.group] += t.delay
	}
	return out
}

// describe gives, over a window of wall time, each group's mean number of
// threads waiting for a core and the cores stolen from the machine.
func (w coreWait) describe(wall time.Duration) string {
	if len(w.threads) == 0 || wall <= 0 {
		return "n/a"
	}
	byGroup := w.byGroup()
	var parts []string
	for _, g := range byGroup.groups() {
		parts = append(parts, fmt.Sprintf("%s %.2f", g, cores(byGroup[g], wall)))
	}
	return fmt.Sprintf("%s threads; steal %.2f cores", strings.Join(parts, ", "), cores(w.steal, wall))
}

// runDelay reads a thread's run_delay: the second field of its schedstat, in
// nanoseconds.
func runDelay(task string) (time.Duration, bool) {
	raw, err := os.ReadFile(task + "/schedstat")
	if err != nil {
		return 0, false // the thread exited after the glob
	}
	fields := strings.Fields(string(raw))
	if len(fields) < 2 {
		return 0, false
	}
	ns, err := strconv.ParseInt(fields[1], 10, 64)
	return time.Duration(ns), err == nil
}

// stealTime is the machine's steal time summed over its cores: the eighth value
// of /proc/stat's "cpu" line, in clock ticks.
func stealTime() time.Duration {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0
	}
	t, _ := strconv.ParseInt(fields[8], 10, 64)
	return ticksToDuration(t)
}

// reniceGroup sets the nice value of every thread of a process group: Linux's
// nice is per thread, and threads started later inherit their creator's. A
// diagnostic: whether lateness follows a group's priority tells whether its wait
// for a core is what makes it late.
func reniceGroup(group string, nice int) error {
	return eachThread(group, func(tid int) error {
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice); err != nil && err != syscall.ESRCH {
			return fmt.Errorf("renice thread %d of %s to %d: %w", tid, group, nice, err)
		}
		return nil
	})
}

// eachThread calls f with every thread of every process of a group, until f fails.
// A thread may exit before f reaches it (ESRCH).
func eachThread(group string, f func(tid int) error) error {
	procs := procGroups()[group]
	if len(procs) == 0 {
		return fmt.Errorf("no %s process", group)
	}
	for _, p := range procs {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/[0-9]*", p.pid))
		for _, task := range tasks {
			tid, _ := strconv.Atoi(filepath.Base(task))
			if err := f(tid); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseNice reads -nice: group=n pairs, comma-separated.
func parseNice(flag string) (map[string]int, error) {
	out := map[string]int{}
	if flag == "" {
		return out, nil
	}
	for _, pair := range strings.Split(flag, ",") {
		group, value, ok := strings.Cut(pair, "=")
		n, err := strconv.Atoi(value)
		if !ok || group == "" || err != nil || n < -20 || n > 19 {
			return nil, fmt.Errorf("%q: want group=n with n a nice value, -20 to 19", pair)
		}
		out[group] = n
	}
	return out, nil
}

// cpusFlag is -cpus: repeatable, group=list, a CPU list as taskset takes it
// ("0", "1-3", "0,2").
type cpusFlag []string

func (f *cpusFlag) String() string { return strings.Join(*f, " ") }

func (f *cpusFlag) Set(v string) error {
	if _, err := parseCPUs([]string{v}); err != nil {
		return err
	}
	*f = append(*f, v)
	return nil
}

// parseCPUs reads -cpus' values into a CPU set per process group; a group named
// twice takes the later set.
func parseCPUs(values []string) (map[string]unix.CPUSet, error) {
	out := map[string]unix.CPUSet{}
	for _, v := range values {
		group, list, ok := strings.Cut(v, "=")
		set, err := parseCPUList(list)
		if !ok || group == "" || err != nil {
			return nil, fmt.Errorf("%q: want group=cpus, cpus a list such as 0, 1-3 or 0,2 (CPUs 0 to %d)", v, runtime.NumCPU()-1)
		}
		out[group] = set
	}
	return out, nil
}

func parseCPUList(list string) (unix.CPUSet, error) {
	var set unix.CPUSet
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		last := first
		if err == nil && isRange {
			last, err = strconv.Atoi(hi)
		}
		if err != nil || first < 0 || last < first || last >= runtime.NumCPU() {
			return set, fmt.Errorf("bad CPU list %q", list)
		}
		for c := first; c <= last; c++ {
			set.Set(c)
		}
	}
	return set, nil
}

// cpuList writes a CPU set as a list: "0", "0,1".
func cpuList(set unix.CPUSet) string {
	var cpus []string
	for c := range runtime.NumCPU() {
		if set.IsSet(c) {
			cpus = append(cpus, strconv.Itoa(c))
		}
	}
	return strings.Join(cpus, ",")
}

// pinGroup confines every thread of a process group to a set of CPUs: like nice,
// affinity is per thread and a new thread (or a forked PostgreSQL backend) takes
// its creator's. A diagnostic: with the Temporal server on a core of its own, a
// run shows what each side would do if it did not share cores with the other, as
// in production, where the server has machines of its own.
func pinGroup(group string, set unix.CPUSet) error {
	return eachThread(group, func(tid int) error {
		if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
			return fmt.Errorf("pin thread %d of %s: %w", tid, group, err)
		}
		return nil
	})
}
