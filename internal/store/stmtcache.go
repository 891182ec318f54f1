package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"

	"github.com/lib/pq"
)

// stmtCacheSize bounds the prepared statements each connection keeps: room for
// the store's ~75 fixed statements and the variants its listings build, so in
// steady state each is parsed and planned once per connection.
const stmtCacheSize = 256

// cachingConnector hands out connections that prepare each parameterised
// statement once and run it by name afterwards — what pgx does by default and
// lib/pq does not. PostgreSQL then skips parsing, analysing and (once it settles
// on a generic plan) planning on every run; for the many small statements of a
// burst of breaches that was a large share of its CPU (docs/performance.md).
type cachingConnector struct {
	*pq.Connector
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if ex, ok := conn.(driver.ExecerContext); ok {
		if err := withoutJIT(ctx, ex); err != nil {
			_ = conn.Close()
			return nil, err
		}
	}
	pc, ok := conn.(pqConn)
	if !ok {
		// lib/pq's conn implements all of pqConn; if a release stops doing so,
		// run uncached rather than fail.
		return conn, nil
	}
	return &cachingConn{pqConn: pc, lru: list.New(), byQuery: map[string]*list.Element{}}, nil
}

// pqConn is what database/sql uses of a lib/pq connection.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// cachingConn is a lib/pq connection with a cache of prepared statements. database/sql
// uses a connection from one goroutine at a time, so the cache needs no lock.
type cachingConn struct {
	pqConn
	lru     *list.List // of *cachedStmt, most recently used first
	byQuery map[string]*list.Element
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
}

// QueryContext runs a parameterised query through its prepared statement.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return viaStatement(ctx, c, query, args, c.pqConn.QueryContext, func(st driver.Stmt) (driver.Rows, error) {
		return st.(driver.StmtQueryContext).QueryContext(ctx, args)
	})
}

// ExecContext is QueryContext for statements whose rows nobody reads.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return viaStatement(ctx, c, query, args, c.pqConn.ExecContext, func(st driver.Stmt) (driver.Result, error) {
		return st.(driver.StmtExecContext).ExecContext(ctx, args)
	})
}

// viaStatement runs query with run on its prepared statement. A query without
// parameters goes to unprepared instead: lib/pq's simple protocol needs no
// statement and is its fastest path. So does a report's (planEachRun).
func viaStatement[T any](ctx context.Context, c *cachingConn, query string, args []driver.NamedValue,
	unprepared func(context.Context, string, []driver.NamedValue) (T, error), run func(driver.Stmt) (T, error)) (T, error) {
	if len(args) == 0 || ctx.Value(planEachRunKey{}) != nil {
		return unprepared(ctx, query, args)
	}
	st, err := c.prepared(ctx, query)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := run(st)
	c.dropIfStale(query, err)
	return v, err
}

// prepared returns the query's statement, preparing it on first use and closing
// the least recently used one when the cache is full.
func (c *cachingConn) prepared(ctx context.Context, query string) (driver.Stmt, error) {
	if e, ok := c.byQuery[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt, nil
	}
	st, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.byQuery[query] = c.lru.PushFront(&cachedStmt{query: query, stmt: st})
	if c.lru.Len() > stmtCacheSize {
		c.evict(c.lru.Back())
	}
	return st, nil
}

func (c *cachingConn) evict(e *list.Element) {
	cs := c.lru.Remove(e).(*cachedStmt)
	delete(c.byQuery, cs.query)
	_ = cs.stmt.Close() // a failed close leaves a statement on a connection that is going bad anyway
}

// dropIfStale forgets a statement PostgreSQL will no longer run as prepared: one
// whose result columns a migration changed ("cached plan must not change result
// type", 0A000) or that the session no longer holds (26000, e.g. after DISCARD ALL
// by a pooler). The next use prepares it again; this run's error goes to the caller.
func (c *cachingConn) dropIfStale(query string, err error) {
	var pqErr *pq.Error
	if err == nil || !errors.As(err, &pqErr) || (pqErr.Code != "0A000" && pqErr.Code != "26000") {
		return
	}
	if e, ok := c.byQuery[query]; ok {
		c.evict(e)
	}
}

type planEachRunKey struct{}

// planEachRun marks ctx's statements as reports over a period, which the cache
// leaves unprepared so that PostgreSQL plans each run for its arguments. After
// five runs of a prepared statement PostgreSQL may settle on a generic plan,
// costed without the period's bounds (it guesses 0.5 % of the rows); for a
// month's metrics over 200,000 complaints that plan walked an index and looked up
// every complaint one by one — about 1.7 s where the plan for the actual month
// takes about 0.5 s (docs/performance.md). A report's parse and plan are a
// fraction of a millisecond against its hundreds of milliseconds.
func planEachRun(ctx context.Context) context.Context {
	return context.WithValue(ctx, planEachRunKey{}, true)
}
