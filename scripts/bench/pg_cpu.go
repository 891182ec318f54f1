package main

import (
	"fmt"
	"os"
	"strings"
)

// PostgreSQL serves Temporal's databases and complaintflow's from one server here;
// in production they are apart, and each side is sized on its own. Every backend
// serves one database, named in its process title, so PostgreSQL's CPU splits by
// database: what Temporal's persistence costs it, and what complaintflow's store.

// pgSample is the CPU time of the private PostgreSQL's processes at one moment.
type pgSample struct {
	backends map[int]pgBackend // by PID
	// other is the postmaster's own time, its auxiliary processes' (checkpointer,
	// WAL writer, autovacuum) and what it reaped: backends that exited, whole.
	other int64
}

type pgBackend struct {
	database string
	ticks    int64
}

func samplePG() pgSample {
	s := pgSample{backends: map[int]pgBackend{}}
	for _, p := range procGroups()["postgres"] {
		title, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.pid))
		if db := backendDatabase(string(title)); db != "" {
			s.backends[p.pid] = pgBackend{db, p.own}
		} else {
			s.other += p.own
		}
		s.other += p.reaped
	}
	return s
}

// sub is the CPU by database since before. A backend that exited in the window is
// reaped whole into other; its time before the window is taken back out, so the
// parts add up to PostgreSQL's total and only its time in the window stays in other.
func (s pgSample) sub(before pgSample) cpuUsage {
	out := cpuUsage{}
	other := s.other - before.other
	for pid, b := range before.backends {
		if a, ok := s.backends[pid]; !ok || a.database != b.database {
			other -= b.ticks
		}
	}
	for pid, a := range s.backends {
		t := a.ticks
		if b, ok := before.backends[pid]; ok && b.database == a.database {
			t -= b.ticks
		}
		out[a.database] += ticksToDuration(t)
	}
	out["other"] += ticksToDuration(other)
	return out
}

// backendDatabase is the database a backend serves, from its process title
// ("postgres: user database host(port) activity", host "[local]" on a socket);
// "" for any other PostgreSQL process.
func backendDatabase(title string) string {
	title = strings.TrimRight(title, "\x00")
	rest, ok := strings.CutPrefix(title, "postgres: ")
	if !ok {
		return ""
	}
	f := strings.Fields(rest)
	if len(f) < 3 || (f[2] != "[local]" && !strings.Contains(f[2], "(")) {
		return ""
	}
	return f[1]
}
