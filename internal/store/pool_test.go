package store_test

import (
	"context"
	"sync"
	"testing"
)

// A burst that takes every connection of the pool and ebbs leaves them all open
// for the next: none is closed for being one idle too many, so the next burst is
// served by the same PostgreSQL backends and opens no session (each a backend, an
// authentication, cold caches and the pool's statements prepared again).
func TestThePoolKeepsItsConnectionsBetweenBursts(t *testing.T) {
	ctx := context.Background()
	db := newStore(t).DB()
	size := db.Stats().MaxOpenConnections
	if size == 0 {
		t.Fatal("the pool has no bound on its connections")
	}
	// burst runs one statement on every connection at once and returns the
	// backends that served them.
	burst := func() map[int]bool {
		var mu sync.Mutex
		var wg sync.WaitGroup
		pids := map[int]bool{}
		for range size {
			wg.Go(func() {
				var pid int
				if err := db.GetContext(ctx, &pid, `SELECT pg_backend_pid() FROM pg_sleep(0.3)`); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				pids[pid] = true
				mu.Unlock()
			})
		}
		wg.Wait()
		return pids
	}

	first := burst()
	if st := db.Stats(); len(first) != size || st.MaxIdleClosed != 0 {
		t.Fatalf("a burst of %d ran on %d backends and closed %d connections as idle ones too many; want %d and none",
			size, len(first), st.MaxIdleClosed, size)
	}
	var fresh int
	for pid := range burst() {
		if !first[pid] {
			fresh++
		}
	}
	if fresh != 0 {
		t.Errorf("the second burst ran on %d backends the first did not have, want 0", fresh)
	}
}
