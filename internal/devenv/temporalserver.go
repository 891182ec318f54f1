package devenv

import (
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"text/template"

	enumspb "go.temporal.io/api/enums/v1"
)

// TemporalServerVersion is the release of the real Temporal server (all services
// in one process) that StartTemporalServer runs: the production shape, locally.
// The Makefile's TEMPORAL_SERVER_VERSION installs the same one.
const TemporalServerVersion = "v1.29.1"

// TemporalServerDirName is the directory under GOBIN holding the server's two
// binaries, `server` and `sql` (temporal-sql-tool). Both have generic names, so
// they live apart from the other tools, and the version in the name lets two
// releases sit side by side.
const TemporalServerDirName = "temporal-server-" + TemporalServerVersion

// TemporalServerInstallCommand installs both binaries where FindTemporalServer
// looks first (what `make temporal-server` runs).
const TemporalServerInstallCommand = "make temporal-server"

// DefaultHistoryShards is the shard count of a new cluster: more than the dev
// server's one, so the history service's work is spread as in production. It is
// fixed when the databases are first set up.
const DefaultHistoryShards = 16

// DefaultSQLPlugin is the server's PostgreSQL driver. postgres12_pgx (pgx) prepares
// each statement once per connection and reuses it; postgres12 (lib/pq) has
// PostgreSQL parse and plan every statement again, which cost a burst of breaches
// about a quarter of PostgreSQL's CPU (docs/performance.md). Behind a PgBouncer
// older than 1.21 in transaction mode use postgres12: pgx would need its simple
// protocol there.
const DefaultSQLPlugin = "postgres12_pgx"

// SQLPlugins are the server's PostgreSQL drivers StartTemporalServer can run.
var SQLPlugins = []string{DefaultSQLPlugin, "postgres12"}

// TemporalServerOptions configures StartTemporalServer.
type TemporalServerOptions struct {
	// Postgres holds persistence and SQL visibility, in their own databases.
	Postgres *Postgres
	// Dir holds the server's config files; "" means a temporary directory.
	Dir string
	// Database is the persistence database's name ("" = "temporal"); visibility
	// goes to Database+"_visibility".
	Database string
	Port     int // frontend gRPC on 127.0.0.1; the services use Port+1, +2, +6, HTTP +10; 0 picks one
	// Shards is numHistoryShards for a new cluster (0 = DefaultHistoryShards);
	// an existing cluster keeps the count it was created with.
	Shards           int
	Namespace        string   // registered at start; "" means "default"
	SearchAttributes []string // NAME=TYPE, as for StartTemporal
	LogFile          string   // server output; "" means a temp file removed by Stop
	// MetricsPort serves the server's Prometheus metrics on 127.0.0.1 (histograms,
	// as the dev server's); 0 serves none.
	MetricsPort int
	// PprofPort serves the server's Go profiles (net/http/pprof) on localhost; 0
	// serves none. For benchmarks that look at what its goroutines wait on.
	PprofPort int
	// HistoryCacheSize replaces the dynamic configuration's bound on the history
	// service's workflow cache (history.hostLevelCacheMaxSize); 0 keeps the file's.
	// For benchmarks that make every wake-up a cache miss, as it is in production
	// once open complaints outnumber the cache (docs/performance.md).
	HistoryCacheSize int
	// SQLPlugin is the server's database driver, one of SQLPlugins
	// ("" = DefaultSQLPlugin).
	SQLPlugin string
}

// StartTemporalServer creates and migrates the server's databases on opts.Postgres
// (idempotent: an existing schema is left as is), starts the real Temporal server
// and waits until it is healthy, the namespace is registered and every search
// attribute is visible. Stop it with the returned Temporal's Stop.
func StartTemporalServer(ctx context.Context, opts TemporalServerOptions) (*Temporal, error) {
	bins, err := FindTemporalServer()
	if err != nil {
		return nil, err
	}
	attrs, err := parseSearchAttributes(opts.SearchAttributes)
	if err != nil {
		return nil, err
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.Database == "" {
		opts.Database = "temporal"
	}
	if opts.Shards == 0 {
		opts.Shards = DefaultHistoryShards
	}
	if opts.SQLPlugin == "" {
		opts.SQLPlugin = DefaultSQLPlugin
	}
	removeDir := false
	if opts.Dir == "" {
		if opts.Dir, err = os.MkdirTemp("", "devenv-temporal-server-"); err != nil {
			return nil, err
		}
		removeDir = true
	}
	if opts.Dir, err = filepath.Abs(opts.Dir); err != nil {
		return nil, err
	}
	logFile, created, err := openLog(opts.LogFile, "devenv-temporal-server-*.log")
	if err != nil {
		return nil, fmt.Errorf("open temporal server log: %w", err)
	}
	defer logFile.Close()
	t := &Temporal{namespace: opts.Namespace, logPath: logFile.Name(), removeLog: created, register: true, kind: "temporal server"}
	if opts.MetricsPort != 0 {
		t.metricsURL = "http://127.0.0.1:" + strconv.Itoa(opts.MetricsPort) + "/metrics"
	}
	if removeDir {
		t.removeDir = opts.Dir
	}
	fail := func(err error) (*Temporal, error) {
		err = withLog(err, t.logPath)
		if t.removeLog {
			os.Remove(t.logPath)
		}
		if removeDir {
			os.RemoveAll(opts.Dir)
		}
		return nil, err
	}
	if err := setupSchemas(ctx, bins, opts, logFile); err != nil {
		return fail(err)
	}
	attempts := 1
	if opts.Port == 0 {
		attempts = 3 // ports picked for us may be taken before the server binds them
	}
	for i := 0; i < attempts; i++ {
		if err = t.startServer(ctx, bins, opts, attrs, logFile); err == nil {
			return t, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return fail(err)
}

// TemporalServerBinaries are the paths of the server and its SQL tool.
type TemporalServerBinaries struct{ Server, SQL string }

// FindTemporalServer looks for TemporalServerDirName under $GOBIN,
// $(go env GOPATH)/bin and ~/go/bin, where `make temporal-server` installs it.
func FindTemporalServer() (TemporalServerBinaries, error) {
	dirs := goBinDirs()
	for _, dir := range dirs {
		b := TemporalServerBinaries{
			Server: filepath.Join(dir, TemporalServerDirName, "server"),
			SQL:    filepath.Join(dir, TemporalServerDirName, "sql"),
		}
		if isExecutable(b.Server) && isExecutable(b.SQL) {
			return b, nil
		}
	}
	return TemporalServerBinaries{}, fmt.Errorf("Temporal server %s (server and sql) not found in %s under %s; install it with `%s` (many minutes the first time)",
		TemporalServerVersion, TemporalServerDirName, strings.Join(dirs, ", "), TemporalServerInstallCommand)
}

// setupSchemas creates the persistence and visibility databases and brings their
// schemas to the versions the SQL tool embeds; both steps are no-ops when done.
func setupSchemas(ctx context.Context, bins TemporalServerBinaries, opts TemporalServerOptions, logFile *os.File) error {
	for _, db := range []struct{ name, schema string }{
		{opts.Database, "postgresql/v12/temporal"},
		{opts.Database + "_visibility", "postgresql/v12/visibility"},
	} {
		if err := opts.Postgres.CreateDatabase(ctx, db.name); err != nil {
			return err
		}
		for _, args := range [][]string{
			{"setup-schema", "-v", "0.0"},
			{"update-schema", "--schema-name", db.schema},
		} {
			full := append([]string{"--plugin", opts.SQLPlugin, "--endpoint", "127.0.0.1",
				"--port", strconv.Itoa(opts.Postgres.Port()), "--user", "postgres", "--db", db.name}, args...)
			cmd := exec.CommandContext(ctx, bins.SQL, full...)
			cmd.Stdout, cmd.Stderr = logFile, logFile
			cmd.Env = serverEnv()
			fmt.Fprintf(logFile, "--- %s %s\n", bins.SQL, strings.Join(full, " "))
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("temporal-sql-tool %s on %s: %w", args[0], db.name, err)
			}
		}
	}
	return nil
}

func (t *Temporal) startServer(ctx context.Context, bins TemporalServerBinaries, opts TemporalServerOptions, attrs map[string]enumspb.IndexedValueType, logFile *os.File) error {
	var err error
	if t.port = opts.Port; t.port == 0 {
		if t.port, err = freePortBlock(serviceOffsets); err != nil {
			return err
		}
	}
	membership, err := freePortBlock(serviceOffsets[:4])
	if err != nil {
		return err
	}
	for _, off := range serviceOffsets {
		if err := checkPortFree("temporal server", t.port+off); err != nil {
			return err
		}
	}
	if opts.MetricsPort != 0 {
		if err := checkPortFree("temporal server metrics", opts.MetricsPort); err != nil {
			return err
		}
	}
	if opts.PprofPort != 0 {
		if err := checkPortFree("temporal server pprof", opts.PprofPort); err != nil {
			return err
		}
	}
	if err := writeServerConfig(opts, t.port, membership); err != nil {
		return err
	}
	// --root with a relative --config: an absolute --config is silently made
	// relative to the default root "." (recipe, pitfall 1).
	args := []string{"--root", opts.Dir, "--config", "config", "--env", "complaintflow", "--allow-no-auth", "start"}
	cmd := exec.Command(bins.Server, args...)
	cmd.Dir = opts.Dir // the dynamic config path is read relative to the working directory
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = serverEnv()
	fmt.Fprintf(logFile, "--- %s %s\n", bins.Server, strings.Join(args, " "))
	proc, err := StartProcess(cmd)
	if err != nil {
		return fmt.Errorf("start temporal server: %w", err)
	}
	t.proc = proc
	if err := t.waitReady(ctx, attrs); err != nil {
		_ = proc.Stop(syscall.SIGKILL, 0)
		t.proc = nil
		return err
	}
	return nil
}

// serviceOffsets are the ports the server uses above its base: frontend, history,
// matching, worker service, then the frontend's HTTP port (gRPC ports only for
// membership, which uses the first four).
var serviceOffsets = []int{0, 1, 2, 6, 10}

// freePortBlock finds a base port whose offsets are all free. The server records
// membership ports in a smallint column, so the block stays below 32768, under
// the kernel's ephemeral range where FreePort's ports come from.
func freePortBlock(offsets []int) (int, error) {
	const low, high = 20000, 32767 - 10
	for range 100 {
		base := low + rand.IntN(high-low)
		free := true
		for _, off := range offsets {
			if checkPortFree("", base+off) != nil {
				free = false
				break
			}
		}
		if free {
			return base, nil
		}
	}
	return 0, fmt.Errorf("no free block of ports between %d and %d", low, high)
}

func writeServerConfig(opts TemporalServerOptions, port, membership int) error {
	dir := filepath.Join(opts.Dir, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "complaintflow.yaml"))
	if err != nil {
		return err
	}
	err = serverConfig.Execute(f, map[string]any{
		"Shards": opts.Shards, "DBPort": opts.Postgres.Port(), "Database": opts.Database,
		"Port": port, "Membership": membership, "MetricsPort": opts.MetricsPort, "PprofPort": opts.PprofPort,
		"Plugin": opts.SQLPlugin,
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write temporal server config: %w", err)
	}
	dynamic := dynamicConfig
	if opts.HistoryCacheSize > 0 {
		if !historyCacheSetting.MatchString(dynamic) {
			return fmt.Errorf("temporal-dynamicconfig.yaml sets no history.hostLevelCacheMaxSize to replace")
		}
		dynamic = historyCacheSetting.ReplaceAllString(dynamic, "${1}"+strconv.Itoa(opts.HistoryCacheSize))
	}
	return os.WriteFile(filepath.Join(dir, "dynamicconfig.yaml"), []byte(dynamic), 0o644)
}

// historyCacheSetting is the cache bound's value in temporal-dynamicconfig.yaml.
var historyCacheSetting = regexp.MustCompile(`(?m)(^history\.hostLevelCacheMaxSize:\n  - value: )[0-9]+`)

// serverConfig is the recipe's (../shared/recipes/temporal-server.md, tested on
// 1.29.1) with ports, shards and databases filled in by us rather than by the
// server's own template, and smaller pools: four services each open their own, and
// complaintflow's processes share the same PostgreSQL (max_connections=300).
var serverConfig = template.Must(template.New("temporal").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
}).Parse(`# Written by complaintflow's internal/devenv at every start.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  # Fixed when the database is first set up; later values are ignored.
  numHistoryShards: {{.Shards}}
  datastores:
    postgres-default:
      sql:
        pluginName: {{.Plugin}}
        databaseName: {{.Database}}
        connectAddr: "127.0.0.1:{{.DBPort}}"
        connectProtocol: tcp
        user: postgres
        maxConns: 12
        maxIdleConns: 12
        maxConnLifetime: 1h
    postgres-visibility:
      sql:
        pluginName: {{.Plugin}}
        databaseName: {{.Database}}_visibility
        connectAddr: "127.0.0.1:{{.DBPort}}"
        connectProtocol: tcp
        user: postgres
        maxConns: 6
        maxIdleConns: 6
        maxConnLifetime: 1h
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
{{- if .MetricsPort}}
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "127.0.0.1:{{.MetricsPort}}"
{{- end}}
{{- if .PprofPort}}
  pprof:
    port: {{.PprofPort}}
{{- end}}
services:
  frontend:
    rpc: {grpcPort: {{.Port}}, membershipPort: {{.Membership}}, bindOnLocalHost: true, httpPort: {{add .Port 10}}}
  history:
    rpc: {grpcPort: {{add .Port 1}}, membershipPort: {{add .Membership 1}}, bindOnLocalHost: true}
  matching:
    rpc: {grpcPort: {{add .Port 2}}, membershipPort: {{add .Membership 2}}, bindOnLocalHost: true}
  worker:
    rpc: {grpcPort: {{add .Port 6}}, membershipPort: {{add .Membership 6}}, bindOnLocalHost: true}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:{{.Port}}"
      httpAddress: "127.0.0.1:{{add .Port 10}}"
dcRedirectionPolicy:
  policy: noop
archival:
  history: {state: disabled}
  visibility: {state: disabled}
namespaceDefaults:
  archival:
    history: {state: disabled}
    visibility: {state: disabled}
dynamicConfigClient:
  filepath: config/dynamicconfig.yaml
  pollInterval: 10s
`))

// dynamicConfig is the server's dynamic configuration, one file for every shape
// (docker-compose.yml mounts it too); its comments say why each setting.
//
//go:embed temporal-dynamicconfig.yaml
var dynamicConfig string
