package main

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// cpuUsage is CPU time by process group: "bench" is this process (HTTP client,
// API, Temporal client and worker); every other group is a child process we
// started and its descendants (temporal, temporal-server, postgres), named after
// the child.
// Read from /proc, so Linux only; elsewhere it stays empty.
type cpuUsage map[string]time.Duration

// userHZ is the kernel's clock-tick rate for /proc times; 100 on every Linux
// architecture Go supports.
const userHZ = 100

func (u cpuUsage) total() time.Duration {
	var t time.Duration
	for _, d := range u {
		t += d
	}
	return t
}

func (u cpuUsage) groups() []string {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "bench") != (keys[j] == "bench") {
			return keys[i] == "bench"
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (u cpuUsage) sub(before cpuUsage) cpuUsage {
	out := cpuUsage{}
	for k, v := range u {
		out[k] = v - before[k]
	}
	return out
}

type procStat struct {
	pid, ppid int
	comm      string
	own       int64 // utime + stime, in clock ticks
	reaped    int64 // cutime + cstime: its children that exited and were waited for
}

func readProcStat(path string) (procStat, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return procStat{}, false
	}
	s := string(raw)
	// comm is in parentheses and may contain spaces; fields follow the last ')'.
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procStat{}, false
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(s[:open]))
	fields := strings.Fields(s[end+1:])
	// fields[0] is state (field 3); utime is field 14, so fields[11].
	if len(fields) < 15 {
		return procStat{}, false
	}
	ppid, _ := strconv.Atoi(fields[1])
	var t [4]int64
	for i, f := range fields[11:15] {
		t[i], _ = strconv.ParseInt(f, 10, 64)
	}
	return procStat{pid: pid, ppid: ppid, comm: s[open+1 : end], own: t[0] + t[1], reaped: t[2] + t[3]}, true
}

// sampleCPU reads the CPU time of this process and of each child's process tree.
func sampleCPU() cpuUsage {
	out := cpuUsage{}
	for name, procs := range procGroups() {
		var sum int64
		for _, p := range procs {
			sum += p.own + p.reaped
		}
		out[name] += ticksToDuration(sum)
	}
	return out
}

// procGroups is this process and each child's process tree, by group name.
// Our own reaped children (short-lived helpers like `go env`) are not what we
// measure, so "bench" counts only our own time; a child's tree counts in full.
func procGroups() map[string][]procStat {
	self, ok := readProcStat("/proc/self/stat")
	if !ok {
		return nil
	}
	procs := map[int]procStat{}
	children := map[int][]int{}
	entries, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, e := range entries {
		p, ok := readProcStat(e)
		if !ok {
			continue
		}
		procs[p.pid] = p
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	self.reaped = 0
	out := map[string][]procStat{"bench": {self}}
	for _, child := range children[self.pid] {
		name := procs[child].comm
		if name == "server" {
			name = "temporal-server" // the real server's binary has a generic name
		}
		stack := []int{child}
		for len(stack) > 0 {
			pid := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			out[name] = append(out[name], procs[pid])
			stack = append(stack, children[pid]...)
		}
	}
	return out
}

func ticksToDuration(t int64) time.Duration { return time.Duration(t) * time.Second / userHZ }
