package store_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
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
