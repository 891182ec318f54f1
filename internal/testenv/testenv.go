// Package testenv gives tests real servers: a private PostgreSQL (a fresh,
// migrated database per test) and a Temporal dev server, each started lazily at
// most once per test binary and stopped by Main.
//
// Use it from a package's tests:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		dsn := testenv.NewDatabase(t)
//		hostPort := testenv.Temporal(t)
//		...
//	}
//
// A server that cannot start fails the test with the reason; tests are never
// skipped, so a missing PostgreSQL or Temporal CLI cannot hide untested code.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq" // database/sql driver "postgres"

	"github.com/complaintflow/complaintflow/internal/codec"
	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/migrations"
	"github.com/complaintflow/complaintflow/workflows"
)

// PayloadKeys are the tests' TEMPORAL_PAYLOAD_KEYS: the end-to-end stacks encrypt
// their payloads with them, as production does, and the replay tests read the
// histories recorded so (workflows/testdata) with them. A test key, known to all.
const PayloadKeys = "test-1=Y29tcGxhaW50Zmxvdy10ZXN0LWtleS0xLTMyYnl0ZXM="

// PayloadCodec is PayloadKeys parsed.
func PayloadCodec() codec.Keys {
	ks, err := codec.ParseKeys(PayloadKeys)
	if err != nil {
		panic(err)
	}
	return ks
}

// startTimeout bounds starting one server, including its readiness checks.
const startTimeout = 90 * time.Second

var (
	pgOnce sync.Once
	pg     *devenv.Postgres
	pgErr  error

	temporalOnce sync.Once
	temporal     *devenv.Temporal
	temporalErr  error

	dbCounter atomic.Int64
)

// OutboundAllowCIDRs is the tests' OUTBOUND_ALLOW_CIDRS: their webhook and callback
// receivers listen on loopback, which production refuses by default (notify.Egress).
// Stacks that run the commands set it; Main makes it the default of the channels
// tests build themselves.
const OutboundAllowCIDRs = "127.0.0.0/8,::1/128"

// Main runs the tests, stops the servers they started and exits with the tests'
// result. Call it from TestMain: without it the servers still die with the test
// binary (Linux), but PostgreSQL's temporary data directory is left behind. Webhooks
// and callbacks without a client of their own may post to OutboundAllowCIDRs.
func Main(m *testing.M) {
	allow, err := notify.ParseCIDRs(OutboundAllowCIDRs)
	if err != nil {
		panic(err)
	}
	notify.SetDefaultEgress(notify.Egress{Allow: allow})
	code := m.Run()
	if err := stopAll(); err != nil {
		fmt.Fprintln(os.Stderr, "testenv: stopping servers:", err)
	}
	os.Exit(code)
}

func stopAll() error {
	var errs []error
	if temporal != nil {
		errs = append(errs, temporal.Stop())
	}
	if pg != nil {
		errs = append(errs, pg.Stop())
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func sharedPostgres(t testing.TB) *devenv.Postgres {
	t.Helper()
	pgOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		pg, pgErr = devenv.StartPostgres(ctx, devenv.PostgresOptions{Fast: true})
	})
	if pgErr != nil {
		t.Fatalf("testenv: cannot start PostgreSQL: %v", pgErr)
	}
	return pg
}

// NewDatabase creates an empty database with every migration applied, private to
// this test and dropped when it ends, and returns its DSN (for lib/pq, sqlx).
func NewDatabase(t testing.TB) (dsn string) {
	t.Helper()
	server := sharedPostgres(t)
	name := databaseName(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := server.CreateDatabase(ctx, name); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := server.DropDatabase(ctx, name); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	dsn = server.DSN(name)
	if err := migrations.UpDSN(ctx, dsn); err != nil {
		t.Fatalf("testenv: migrate %s: %v", name, err)
	}
	return dsn
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// databaseName is unique per call and readable in pg_stat_activity: a counter, a
// random suffix (test binaries of different packages share nothing) and the test
// name, within PostgreSQL's 63-byte identifier limit.
func databaseName(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	slug := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(t.Name()), "_"), "_")
	if len(slug) > 36 {
		slug = slug[:36]
	}
	return fmt.Sprintf("t%d_%s_%s", dbCounter.Add(1), hex.EncodeToString(b[:]), slug)
}

// Temporal returns the host:port of a headless, in-memory Temporal dev server
// (namespace "default") with complaintflow's search attributes registered.
func Temporal(t testing.TB) (hostPort string) {
	t.Helper()
	temporalOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		temporal, temporalErr = devenv.StartTemporal(ctx, devenv.TemporalOptions{
			Headless:         true,
			SearchAttributes: workflows.SearchAttributeDefinitions(),
		})
	})
	if temporalErr != nil {
		t.Fatalf("testenv: cannot start Temporal: %v", temporalErr)
	}
	return temporal.Address()
}
