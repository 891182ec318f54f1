package devenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// PostgresOptions configures StartPostgres.
type PostgresOptions struct {
	// DataDir is the cluster directory. It is initialised only if it holds no
	// cluster yet, so a persistent directory survives restarts. "" means a fresh
	// temporary directory, removed by Stop.
	DataDir string
	// Port on 127.0.0.1; 0 picks a free one.
	Port int
	// Fast trades durability for speed (fsync, synchronous_commit and
	// full_page_writes off): right for tests, wrong for data you want to keep.
	Fast bool
	// LogFile receives initdb's and the server's output; "" means a temporary
	// file removed by Stop.
	LogFile string
	// Settings are more server settings (-c name=value), set after the defaults:
	// e.g. shared_preload_libraries for a benchmark's diagnostics.
	Settings map[string]string
}

// Postgres is a running PostgreSQL server started by StartPostgres.
type Postgres struct {
	port      int
	dataDir   string
	logPath   string
	tempDir   string // removed by Stop; "" if the caller owns DataDir
	removeLog bool   // logPath is a temp file of ours, removed by Stop
	proc      *Process
	admin     *sql.DB           // connection to the "postgres" database, for CREATE/DROP DATABASE
	fast      bool              // the server runs with PostgresOptions.Fast (for Restart)
	settings  map[string]string // PostgresOptions.Settings (for Restart)
}

const pgStartTimeout = 60 * time.Second

// StartPostgres initialises the data directory if needed, starts the server and
// waits until it accepts connections.
func StartPostgres(ctx context.Context, opts PostgresOptions) (_ *Postgres, err error) {
	bin, err := postgresBinDir()
	if err != nil {
		return nil, err
	}
	owner, err := postgresOwner()
	if err != nil {
		return nil, err
	}
	pg := &Postgres{fast: opts.Fast, settings: opts.Settings}
	defer func() {
		if err != nil {
			pg.cleanup()
		}
	}()
	if err := pg.prepareDirs(opts, owner); err != nil {
		return nil, err
	}
	logFile, err := pg.openLog(opts.LogFile)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the children hold their own copies of the descriptor

	if err := initdbIfNeeded(ctx, bin, pg.dataDir, opts.Fast, owner, logFile); err != nil {
		return nil, withLog(err, pg.logPath)
	}
	// A port picked for us may be taken between FreePort and bind; try another.
	attempts := 1
	if opts.Port == 0 {
		attempts = 3
	}
	for i := 0; i < attempts; i++ {
		if pg.port = opts.Port; pg.port == 0 {
			if pg.port, err = FreePort(); err != nil {
				return nil, err
			}
		}
		if err = checkPortFree("postgres", pg.port); err != nil {
			continue
		}
		if err = pg.start(ctx, bin, opts.Fast, owner, logFile); err == nil {
			return pg, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, withLog(err, pg.logPath)
}

// prepareDirs creates the data directory and, when we run as root, hands it to
// the postgres user, because initdb and postgres refuse to run as root.
func (pg *Postgres) prepareDirs(opts PostgresOptions, owner *sysUser) error {
	if opts.DataDir == "" {
		tmp, err := os.MkdirTemp("", "devenv-postgres-")
		if err != nil {
			return err
		}
		pg.tempDir = tmp
		pg.dataDir = filepath.Join(tmp, "data")
	} else {
		abs, err := filepath.Abs(opts.DataDir)
		if err != nil {
			return err
		}
		pg.dataDir = abs
	}
	// Parents we create must be traversable by the postgres user (when we are
	// root); postgres insists on 0700 (or 0750) for the data directory itself.
	if err := os.MkdirAll(filepath.Dir(pg.dataDir), 0o755); err != nil {
		return fmt.Errorf("create postgres data dir: %w", err)
	}
	if err := os.MkdirAll(pg.dataDir, 0o700); err != nil {
		return fmt.Errorf("create postgres data dir: %w", err)
	}
	if err := os.Chmod(pg.dataDir, 0o700); err != nil {
		return err
	}
	if owner == nil {
		return nil
	}
	for _, dir := range []string{pg.tempDir, pg.dataDir} {
		if dir == "" {
			continue
		}
		if err := os.Chown(dir, owner.uid, owner.gid); err != nil {
			return fmt.Errorf("hand %s to user postgres: %w", dir, err)
		}
	}
	return nil
}

func (pg *Postgres) openLog(path string) (*os.File, error) {
	if path == "" && pg.tempDir != "" {
		path = filepath.Join(pg.tempDir, "postgres.log") // removed together with the cluster
	}
	f, created, err := openLog(path, "devenv-postgres-*.log")
	if err != nil {
		return nil, fmt.Errorf("open postgres log: %w", err)
	}
	pg.logPath, pg.removeLog = f.Name(), created
	return f, nil
}

// initdbIfNeeded creates a cluster unless DataDir already holds one (PG_VERSION).
func initdbIfNeeded(ctx context.Context, bin, dataDir string, fast bool, owner *sysUser, logFile *os.File) error {
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	args := []string{"-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-instructions"}
	if fast {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = owner.procAttr()
	setChildAttrs(cmd.SysProcAttr)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initdb %s: %w", dataDir, err)
	}
	return nil
}

// start runs the server in the foreground (no pg_ctl), so it is our direct child:
// it dies with us and Stop can signal it.
func (pg *Postgres) start(ctx context.Context, bin string, fast bool, owner *sysUser, logFile *os.File) error {
	settings := map[string]string{
		"listen_addresses": "127.0.0.1",
		"port":             strconv.Itoa(pg.port),
		// make cluster's four processes keep up to 40 connections each
		// (internal/store), and the Temporal server's four services 18 each.
		"max_connections": "300",
		// The socket lives with the cluster so parallel servers never collide, but
		// a unix socket path is limited to 107 bytes; fall back to TCP only.
		"unix_socket_directories": pg.socketDir(),
		"logging_collector":       "off",
	}
	if fast {
		settings["fsync"] = "off"
		settings["synchronous_commit"] = "off"
		settings["full_page_writes"] = "off"
	}
	for k, v := range pg.settings {
		settings[k] = v
	}
	args := []string{"-D", pg.dataDir}
	for k, v := range settings {
		args = append(args, "-c", k+"="+v)
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = owner.procAttr()
	proc, err := StartProcess(cmd)
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	pg.proc = proc
	if err := pg.waitReady(ctx); err != nil {
		_ = proc.Stop(syscall.SIGQUIT, 5*time.Second)
		pg.proc = nil
		return err
	}
	return nil
}

func (pg *Postgres) socketDir() string {
	if len(pg.dataDir)+len("/.s.PGSQL.65535") > 107 {
		return ""
	}
	return pg.dataDir
}

// waitReady polls until the server answers a query on the "postgres" database.
func (pg *Postgres) waitReady(ctx context.Context) error {
	// connect_timeout: a port answered by something that is not PostgreSQL must
	// not hang the probe.
	db, err := sql.Open("postgres", pg.DSN("postgres")+"&connect_timeout=5")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pgStartTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		pingCtx, pingCancel := context.WithTimeout(ctx, 2*time.Second)
		lastErr = db.PingContext(pingCtx)
		pingCancel()
		if lastErr == nil && !exited(pg.proc) {
			db.SetMaxOpenConns(4)
			pg.admin = db
			return nil
		}
		select {
		case <-pg.proc.Done():
			db.Close()
			return exitError("postgres", pg.proc)
		case <-ctx.Done():
			db.Close()
			return fmt.Errorf("postgres on port %d not ready: %w (last error: %v)", pg.port, ctx.Err(), lastErr)
		case <-tick.C:
		}
	}
}

// DataDir is the absolute path of the cluster directory.
func (pg *Postgres) DataDir() string { return pg.dataDir }

// Port is the server's TCP port on 127.0.0.1.
func (pg *Postgres) Port() int { return pg.port }

// LogFile is the path of the server log.
func (pg *Postgres) LogFile() string { return pg.logPath }

// Done is closed when the server process has exited.
func (pg *Postgres) Done() <-chan struct{} { return doneOf(pg.proc) }

// DSN is a lib/pq / pgx connection URL for the given database as the superuser.
func (pg *Postgres) DSN(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.port, dbname)
}

// CreateDatabase creates the database unless it already exists.
func (pg *Postgres) CreateDatabase(ctx context.Context, name string) error {
	var exists bool
	if err := pg.admin.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err := pg.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // duplicate_database: lost a race, fine
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops the database if it exists, disconnecting its sessions.
func (pg *Postgres) DropDatabase(ctx context.Context, name string) error {
	if _, err := pg.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// StopImmediate stops the server the way `pg_ctl stop -m immediate` does — SIGQUIT
// to the postmaster and its children: no checkpoint, every client cut off, crash
// recovery at the next start — and waits for it to exit. Fault-injection tests use
// it with Restart; the data directory stays.
func (pg *Postgres) StopImmediate() error {
	if pg.admin != nil {
		pg.admin.Close()
		pg.admin = nil
	}
	if pg.proc == nil {
		return nil
	}
	err := pg.proc.Stop(syscall.SIGQUIT, 30*time.Second)
	pg.proc = nil
	return err
}

// Restart starts a server stopped by StopImmediate again, on the same port and
// data directory, and waits until it accepts connections.
func (pg *Postgres) Restart(ctx context.Context) error {
	if pg.proc != nil {
		return errors.New("postgres is running")
	}
	bin, err := postgresBinDir()
	if err != nil {
		return err
	}
	owner, err := postgresOwner()
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(pg.logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	if err := pg.start(ctx, bin, pg.fast, owner, logFile); err != nil {
		return withLog(err, pg.logPath)
	}
	return nil
}

// Stop shuts the server down (fast shutdown: SIGINT, which disconnects clients
// and checkpoints) and removes the data directory if StartPostgres created it.
func (pg *Postgres) Stop() error {
	return pg.cleanup()
}

func (pg *Postgres) cleanup() error {
	var errs []error
	if pg.admin != nil {
		pg.admin.Close()
		pg.admin = nil
	}
	if pg.proc != nil {
		errs = append(errs, pg.proc.Stop(syscall.SIGINT, 30*time.Second))
		pg.proc = nil
	}
	if pg.tempDir != "" {
		errs = append(errs, os.RemoveAll(pg.tempDir))
		pg.tempDir = ""
	}
	if pg.removeLog {
		os.Remove(pg.logPath)
		pg.removeLog = false
	}
	return errors.Join(errs...)
}

// postgresBinDir finds initdb and postgres: $PG_BIN, the Debian path of
// PostgreSQL 15, then `pg_config --bindir`.
func postgresBinDir() (string, error) {
	var candidates []string
	if dir := os.Getenv("PG_BIN"); dir != "" {
		candidates = append(candidates, dir)
	}
	candidates = append(candidates, "/usr/lib/postgresql/15/bin")
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, postgres) not found in %s; "+
		"install the PostgreSQL server (e.g. apt-get install postgresql) or set PG_BIN to its bin directory",
		strings.Join(candidates, ", "))
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// sysUser is the account the server runs as when we are root; nil means "as us".
type sysUser struct{ uid, gid int }

// postgresOwner returns the postgres OS user when running as root: initdb and
// postgres refuse to run as root. We switch credentials in the child directly
// rather than through runuser, so Pdeathsig applies to postgres itself and not
// to a wrapper that would leave it orphaned.
func postgresOwner() (*sysUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as another user, but user postgres: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	return &sysUser{uid: uid, gid: gid}, nil
}

func (u *sysUser) procAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{}
	if u != nil {
		a.Credential = &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid)}
	}
	return a
}
