package main

import (
	"testing"
	"time"
)

// The intake report gives each round's CPU per request and the starts the server
// lost, in round order per contender, and n/a where the server was not scraped.
func TestIntakeReportPerRound(t *testing.T) {
	round := func(contender string, lost float64, cpuMS int) roundResult {
		rr := runResult{contender: contender, requests: 10, elapsed: time.Second,
			cpu: cpuUsage{"bench": time.Duration(cpuMS) * time.Millisecond}}
		if lost >= 0 {
			rr.server = &timerQueueStats{c: map[string]float64{"taskStartToClose": lost}}
		}
		return roundResult{runResult: rr}
	}
	r := &report{phase1: []roundResult{round("api", 3, 300), round("raw", 0, 200), round("raw", -1, 100), round("api", 0, 250)}}
	if got := r.perRound("api", lostStarts); got != "3 / 0" {
		t.Errorf("api lost = %q", got)
	}
	if got := r.perRound("raw", lostStarts); got != "0 / n/a" {
		t.Errorf("raw lost = %q", got)
	}
	if got := r.perRound("api", r.netCPUPerRequest); got != "30.00 / 25.00" {
		t.Errorf("api CPU = %q", got)
	}
	if got := r.perRound("raw", r.netCPUPerRequest); got != "20.00 / 10.00" {
		t.Errorf("raw CPU = %q", got)
	}
	if got := (*timerQueueStats)(nil).describeStarts(); got != "n/a" {
		t.Errorf("unscraped starts = %q", got)
	}
	st := &timerQueueStats{c: map[string]float64{"polled": 12, "polledSync": 9, "recordStarts": 12, "recordStartsWithin1s": 10, "taskStartToClose": 2}}
	want := "matching gave pollers 12 workflow tasks, 9 of them straight from history; matching asked history to record 12 workflow-task starts, 0 failed, 2 took over 1 s; workflow tasks timed out: 2 start-to-close, 0 sticky schedule-to-start"
	if got := st.describeStarts(); got != want {
		t.Errorf("starts = %q, want %q", got, want)
	}
}
