package main

import (
	"context"
	"fmt"
	"strings"
)

// PostgreSQL's busy backends (breach_pgwait.go) say whether a write waits for CPU
// or for a lock; which statements spend its time is pg_stat_statements', loaded
// into the private PostgreSQL with -pg-statements N and read over each Temporal
// arm's window (breach) or each phase-1 run (intake). Nested statements count too
// (track = all): a trigger's and a function's statements are listed beside the
// statement that ran them, whose time includes theirs.

// pgStatementSettings are the private server's settings for -pg-statements.
var pgStatementSettings = map[string]string{
	"shared_preload_libraries": "pg_stat_statements",
	"pg_stat_statements.track": "all",
}

// pgStatement is one statement's work over a window.
type pgStatement struct {
	Database string  `db:"database"`
	TopLevel bool    `db:"toplevel"`
	Calls    int64   `db:"calls"`
	TotalMS  float64 `db:"total_ms"`
	Rows     int64   `db:"rows"`
	Query    string  `db:"query"`
}

// resetStatements starts a window; false without -pg-statements or if the
// extension cannot be had.
func (s *stack) resetStatements(ctx context.Context) bool {
	if s.cfg.pgStatements == 0 {
		return false
	}
	db := s.store.DB()
	if _, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		s.say("-pg-statements: %v", err)
		return false
	}
	_, err := db.ExecContext(ctx, `SELECT pg_stat_statements_reset()`)
	return err == nil
}

// readStatements is the window's N (-pg-statements) statements that took the most
// execution time, in every database; nil if they cannot be read (a diagnosis, not the result).
func (s *stack) readStatements(ctx context.Context) []pgStatement {
	var st []pgStatement
	err := s.store.DB().SelectContext(ctx, &st, `
		SELECT d.datname AS database, s.toplevel, s.calls, s.total_exec_time AS total_ms, s.rows,
			left(regexp_replace(s.query, '\s+', ' ', 'g'), 160) AS query
		FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
		WHERE s.query NOT LIKE '%pg_stat_statements%'
		ORDER BY s.total_exec_time DESC
		LIMIT $1`, s.cfg.pgStatements)
	if err != nil {
		return nil
	}
	return st
}

// describeStatements lists the statements as Markdown list items.
func describeStatements(st []pgStatement) string {
	var b strings.Builder
	for _, s := range st {
		nested := ""
		if !s.TopLevel {
			nested = ", nested"
		}
		fmt.Fprintf(&b, "- %.0f ms in %d calls (%.3f ms each, %d rows; %s%s): `%s`\n",
			s.TotalMS, s.Calls, s.TotalMS/float64(max(s.Calls, 1)), s.Rows, s.Database, nested, strings.ReplaceAll(s.Query, "`", "'"))
	}
	return b.String()
}
