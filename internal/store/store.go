// Package store is complaintflow's system of record: PostgreSQL through sqlx and
// lib/pq. Every write a workflow asks for is idempotent, keyed by a value the
// workflow chose, so a retried activity never writes twice.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Errors the API maps to HTTP statuses. Packages that do not import the store
// recognise them by behaviour: ErrNotFound has a NotFound method and ErrConflict a
// Conflict method, both answering true (see errors.As).
var (
	ErrNotFound error = &sentinel{msg: "not found", notFound: true}
	// ErrConflict means an idempotency key was reused with a different request.
	ErrConflict error = &sentinel{msg: "conflict", conflict: true}
	// ErrStale means a change was made against a version of a row that is no
	// longer the row's (an If-Match that does not match); nothing changed. A
	// version is the row's updated_at; the zero time is "none yet" (a source
	// policy not created, a customer text still the seeded one), and nil any.
	ErrStale error = &sentinel{msg: "changed since the version given"}
)

// sentinel is the type of the store's sentinel errors; each is one pointer, so
// errors.Is still compares identity.
type sentinel struct {
	msg      string
	notFound bool
	conflict bool
}

func (e *sentinel) Error() string { return e.msg }

// NotFound reports whether the error means a missing row.
func (e *sentinel) NotFound() bool { return e.notFound }

// Conflict reports whether the error means a conflict with what is stored.
func (e *sentinel) Conflict() bool { return e.conflict }

// Store reads and writes complaintflow's tables.
type Store struct {
	db *sqlx.DB
}

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, dsn string) (*Store, error) {
	st, err := Dial(dsn)
	if err != nil {
		return nil, err
	}
	if err := st.db.PingContext(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return st, nil
}

// maxConns bounds each process's pool: callers beyond it wait for a connection
// rather than add a backend to a PostgreSQL already that busy.
const maxConns = 40

// Dial sets the pool up without connecting: the first query connects, and a
// database that is down fails that query only. The long-running processes start
// with it, so they come up (unready) while PostgreSQL is away and need no restart
// when it returns.
func Dial(dsn string) (*Store, error) {
	connector, err := pq.NewConnector(withBinaryParameters(dsn))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(cachingConnector{connector}), "postgres")
	db.SetMaxOpenConns(maxConns)
	// Every connection is kept while it is used at all: a pool keeping fewer idle
	// than it opens closes one each time a burst ebbs and opens one when it flows,
	// and each new one costs PostgreSQL a backend, an authentication, cold caches
	// and this pool's statements prepared again (cachingConnector) — at 20 of 40,
	// a saturated burst of breaches cost PostgreSQL about 70 % more CPU per
	// deadline (docs/performance.md). An unused one still goes after five minutes.
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{db: db}, nil
}

// DB exposes the pool, for migrations and tests.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database is reachable, for /readyz.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// withBinaryParameters turns on lib/pq's binary_parameters unless the DSN sets it:
// each parameterised query then takes one round trip instead of two. Byte-slice
// arguments go over as binary, so jsonb values must be passed as strings.
func withBinaryParameters(dsn string) string {
	if strings.Contains(dsn, "binary_parameters") {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("binary_parameters", "yes")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " binary_parameters=yes"
}

// insertReturning runs an INSERT … ON CONFLICT DO NOTHING … RETURNING with named
// parameters and scans the row it returns into dest; false, with dest untouched,
// when a row with the key existed and nothing was inserted.
func (s *Store) insertReturning(ctx context.Context, dest any, q string, arg any) (bool, error) {
	rows, err := s.db.NamedQueryContext(ctx, q, arg)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := rows.StructScan(dest); err != nil {
		return false, err
	}
	return true, rows.Close()
}

// insertedOrStored runs a statement that inserts a row unless its key exists and
// reads back the row either way (INSERT … ON CONFLICT DO NOTHING RETURNING, UNION
// ALL the stored row), into dest. When another transaction commits the key while
// the statement runs, the insert waits for it and skips, yet the row is newer than
// the statement's snapshot and the read finds nothing; the next statement sees it.
func (s *Store) insertedOrStored(ctx context.Context, dest any, q string, args ...any) error {
	err := s.db.GetContext(ctx, dest, q, args...)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.GetContext(ctx, dest, q, args...)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// checkedFields names the field each CHECK constraint that a change to a stored row
// can violate guards, and what it holds: a NOT VALID check passes the rows written
// before it, but not a change to them.
var checkedFields = map[string]FieldError{
	"people_id_not_reserved": {Field: "id", Reason: "is one the event log records the customer's or the system's steps under " +
		"(migration 00044): a person so named may only be deactivated"},
}

// CheckViolation is err as a conflict (ErrConflict) if it is PostgreSQL refusing a
// row a CHECK constraint forbids (SQLSTATE 23514), naming the field the constraint
// guards when it is known (else Field is ""); nil otherwise.
func CheckViolation(err error) *FieldError {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "23514" {
		return nil
	}
	fe, ok := checkedFields[pqErr.Constraint]
	if !ok {
		fe.Reason = "the change breaks the rule " + pqErr.Constraint + " the database holds"
	}
	fe.kind = ErrConflict
	return &fe
}

// Unavailable reports whether err means PostgreSQL could not be reached or is
// shutting down or starting up — an outage a caller should wait out and retry —
// rather than a query that failed on its own terms.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		// 08: connection exception; 57: operator intervention (admin or crash
		// shutdown, cannot connect now); 53300: too many connections.
		class := string(pqErr.Code.Class())
		return class == "08" || class == "57" || pqErr.Code == "53300"
	}
	var netErr *net.OpError
	return errors.As(err, &netErr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// timeOrNil is t, or nil (SQL NULL) for the zero time.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
