package tools

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// The dev server's use of SQLite — one connection, queries whose contexts end at
// any moment under load — must never leave the connection failing every later
// query. With modernc.org/sqlite v1.34.1 (Temporal CLI v1.5.1's own) this fails
// within a few hundred queries ("interrupted (9)" on a query with no context).
func TestACancelledQueryDoesNotPoisonTheOneConnection(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_pragma=journal_mode(wal)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // as Temporal's SQLite plugin does
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		if _, err := db.Exec(`INSERT INTO t (v) VALUES (?)`, strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	cancelled := 0
	for i := range 5000 {
		// Deadlines from 0 to 200 µs end some queries before, some during and
		// some after their first row.
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%200)*time.Microsecond)
		rows, err := db.QueryContext(ctx, `SELECT id, v FROM t WHERE id > ? LIMIT 5`, i%1000)
		if err == nil {
			for rows.Next() {
			}
			if rows.Err() != nil {
				cancelled++
			}
			rows.Close()
		} else {
			cancelled++
		}
		cancel()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
			t.Fatalf("after %d queries (%d cancelled), a query with no deadline failed: %v", i+1, cancelled, err)
		}
	}
	if cancelled == 0 {
		t.Fatal("no query was cancelled: the test did not exercise cancellation")
	}
}
