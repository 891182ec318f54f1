package store

import (
	"context"
	"database/sql/driver"
)

// withoutJIT turns PostgreSQL's JIT compilation off for the session unless the
// client asked for a value (DATABASE_URL's jit=…, or options=-c jit=…), the role
// or database sets one (ALTER ROLE/DATABASE … SET jit) or the server's command line
// does (-c jit=…), so operators can override it; a value from postgresql.conf or
// ALTER SYSTEM (source 'configuration file') is overridden like the default. The reports over a period (planEachRun) cost 10⁵–10⁶, past
// jit_above_cost: over a month of 200,000 complaints compiling them cost more than
// it saved (docs/performance.md); the store's other statements stay under the
// threshold, where jit changes nothing. A SET on the open session rather than a
// run-time parameter in the startup message: PgBouncer refuses a connection
// whose startup message carries a parameter it does not track. In its transaction
// mode a session's settings stay with the server connection, not the client, so
// pooled setups set jit on the role instead (docs/operations.md).
func withoutJIT(ctx context.Context, conn driver.ExecerContext) error {
	_, err := conn.ExecContext(ctx, `SELECT set_config('jit', 'off', false) FROM pg_settings
		WHERE name = 'jit' AND source IN ('default', 'configuration file')`, nil)
	return err
}
