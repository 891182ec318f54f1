package main

import "testing"

// The summary is the mean per sample, the busiest states first.
func TestDBWaitsDescribe(t *testing.T) {
	if got := (dbWaits{}).describe(); got != "n/a" {
		t.Errorf("no samples: got %q", got)
	}
	w := dbWaits{samples: 4, byWhat: map[string]int{"CPU": 6, "Lock:transactionid": 2, "LWLock:WALWrite": 2}}
	want := "2.5 backends busy on average over 4 samples (CPU 1.5, LWLock:WALWrite 0.5, Lock:transactionid 0.5)"
	if got := w.describe(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
