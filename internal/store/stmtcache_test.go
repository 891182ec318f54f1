package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/complaintflow/complaintflow/internal/store"
)

// pinnedConn is one connection of a fresh store's pool, so that every statement of
// a test runs in the same PostgreSQL session.
func pinnedConn(t *testing.T) *sqlx.Conn {
	t.Helper()
	conn, err := newStore(t).DB().Connx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// The pool prepares a parameterised statement once per connection and runs it by
// name afterwards; PostgreSQL lists a session's prepared statements in
// pg_prepared_statements.
func TestStatementsArePreparedOncePerConnection(t *testing.T) {
	ctx := context.Background()
	conn := pinnedConn(t)

	const q = `SELECT count(*) FROM complaints WHERE urgency = $1`
	for i := range 3 {
		var n int
		if err := conn.GetContext(ctx, &n, q, "high"); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	var prepared int
	if err := conn.GetContext(ctx, &prepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, q); err != nil {
		t.Fatal(err)
	}
	if prepared != 1 {
		t.Errorf("got %d prepared statements for the query after three runs, want 1", prepared)
	}
	var unprepared int // without parameters: lib/pq's simple protocol, nothing to prepare
	if err := conn.GetContext(ctx, &unprepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%pg_prepared_statements%' AND statement NOT LIKE '%$1%'`); err != nil {
		t.Fatal(err)
	}
	if unprepared != 0 {
		t.Errorf("got %d prepared statements without parameters, want 0", unprepared)
	}
}

// A migration that changes a table's columns makes PostgreSQL refuse a prepared
// SELECT * once ("cached plan must not change result type"); the connection then
// prepares it again instead of failing for the rest of its life.
func TestAStatementStaleAfterAMigrationIsPreparedAgain(t *testing.T) {
	ctx := context.Background()
	conn := pinnedConn(t)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE stmtcache_probe (a int)`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT * FROM stmtcache_probe WHERE a = $1`
	count := func() (int, error) {
		rows, err := conn.QueryxContext(ctx, q, 1)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		return len(cols), err
	}
	if n, err := count(); err != nil || n != 1 {
		t.Fatalf("before the change: got %d columns, %v; want 1", n, err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER TABLE stmtcache_probe ADD COLUMN b int`); err != nil {
		t.Fatal(err)
	}
	if _, err := count(); err == nil {
		t.Fatal("after the change: the stale statement ran; want PostgreSQL's refusal, the case under test")
	}
	if n, err := count(); err != nil || n != 2 {
		t.Fatalf("after the change: got %d columns, %v; want 2", n, err)
	}
}

// A session that lost its prepared statements (DEALLOCATE ALL, or DISCARD ALL by a
// pooler) fails the next run of each once and then prepares it again.
func TestAStatementTheSessionLostIsPreparedAgain(t *testing.T) {
	ctx := context.Background()
	conn := pinnedConn(t)
	const q = `SELECT count(*) FROM complaints WHERE channel = $1`
	var n int
	if err := conn.GetContext(ctx, &n, q, "web"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `DEALLOCATE ALL`); err != nil {
		t.Fatal(err)
	}
	if err := conn.GetContext(ctx, &n, q, "web"); err == nil {
		t.Fatal("after DEALLOCATE ALL: the lost statement ran; want PostgreSQL's refusal, the case under test")
	}
	if err := conn.GetContext(ctx, &n, q, "web"); err != nil {
		t.Fatalf("the run after: %v, want the statement prepared again", err)
	}
}

// Reports over a period are planned for their period on every run: the cache leaves
// their statements unprepared, so PostgreSQL never settles on a generic plan that
// guesses the period's size. Other statements of the same session are prepared.
func TestReportsAreNotPrepared(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	st.DB().SetMaxOpenConns(1) // one session, whose prepared statements the test reads
	to := time.Now()
	from := to.AddDate(0, 0, -30)
	for range 6 { // past the fifth run, after which PostgreSQL may choose a generic plan
		if _, err := st.Metrics(ctx, from, to, "category"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Heatmap(ctx, store.HeatmapQuery{From: from, To: to, Source: store.HeatmapAll, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.EvaluateRisks(ctx, to); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Complaint(ctx, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a complaint that does not exist: %v, want ErrNotFound", err)
	}
	var reports, others int
	if err := st.DB().QueryRowxContext(ctx, `SELECT
			count(*) FILTER (WHERE statement LIKE '%complaint_metrics f%' OR statement LIKE '%WITH src AS%'
				OR statement LIKE '%api_latency_minutes%'),
			count(*) FILTER (WHERE statement LIKE '%FROM complaints%')
		FROM pg_prepared_statements`).Scan(&reports, &others); err != nil {
		t.Fatal(err)
	}
	if reports != 0 {
		t.Errorf("%d report statements prepared, want 0", reports)
	}
	if others == 0 {
		t.Error("the complaint's read was not prepared either; the test no longer sees the cache at work")
	}
}
