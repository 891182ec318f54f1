package devenv

import (
	"context"
	"database/sql"
	"debug/buildinfo"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestPostgresKeepsDataDir restarts a server on the same directory, as `make run`
// does with .data/postgres, and expects the data to survive without a new initdb.
func TestPostgresKeepsDataDir(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dataDir := filepath.Join(traversableTempDir(t), "pg")

	pg := startPG(ctx, t, dataDir)
	if err := pg.CreateDatabase(ctx, "keep"); err != nil {
		t.Fatal(err)
	}
	if err := pg.CreateDatabase(ctx, "keep"); err != nil {
		t.Fatalf("CreateDatabase is not idempotent: %v", err)
	}
	mustExec(t, pg.DSN("keep"), `CREATE TABLE marker (id int); INSERT INTO marker VALUES (42)`)
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		t.Fatalf("Stop removed a caller's data dir: %v", err)
	}

	pg = startPG(ctx, t, dataDir)
	defer pg.Stop()
	db, err := sql.Open("postgres", pg.DSN("keep"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int
	if err := db.QueryRow(`SELECT id FROM marker`).Scan(&id); err != nil || id != 42 {
		t.Fatalf("marker after restart: %d, %v", id, err)
	}
}

func TestPostgresTempDirRemoved(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pg, err := StartPostgres(ctx, PostgresOptions{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := pg.DataDir()
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("temp data dir %s still there after Stop (%v)", dir, err)
	}
}

// TestTemporalPersistentRestart starts a dev server with a UI and a SQLite file
// twice: the second start finds the search attributes already registered, and the
// file is in WAL mode.
func TestTemporalPersistentRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := TemporalOptions{
		DBFile:           filepath.Join(t.TempDir(), "temporal.db"),
		Namespace:        "devenv-test",
		SearchAttributes: []string{"DevenvKeyword=Keyword", "DevenvFlag=Bool"},
	}
	for i := 0; i < 2; i++ {
		tmp, err := StartTemporal(ctx, opts)
		if err != nil {
			t.Fatalf("start %d: %v", i+1, err)
		}
		if !strings.HasPrefix(tmp.UIURL(), "http://127.0.0.1:") {
			t.Errorf("UIURL = %q", tmp.UIURL())
		}
		// The SQLite pragmas reached the server: the file is in WAL mode.
		if _, err := os.Stat(opts.DBFile + "-wal"); err != nil {
			t.Errorf("no write-ahead log beside %s (journal_mode=wal not applied): %v", opts.DBFile, err)
		}
		if err := tmp.Stop(); err != nil {
			t.Fatalf("stop %d: %v", i+1, err)
		}
	}
}

func TestTemporalRejectsBadSearchAttribute(t *testing.T) {
	_, err := StartTemporal(context.Background(), TemporalOptions{Headless: true, SearchAttributes: []string{"X=Bogus"}})
	if err == nil || !strings.Contains(err.Error(), "X=Bogus") {
		t.Fatalf("err = %v, want a complaint about X=Bogus", err)
	}
}

func TestFindTemporalCLIExplainsInstall(t *testing.T) {
	t.Setenv("PATH", "")
	t.Setenv("GOBIN", "")
	t.Setenv("HOME", t.TempDir())
	_, err := FindTemporalCLI()
	if err == nil || !strings.Contains(err.Error(), TemporalInstallCommand) {
		t.Fatalf("err = %v, want the install command", err)
	}
}

func TestFindTemporalServerExplainsInstall(t *testing.T) {
	t.Setenv("GOBIN", t.TempDir())
	t.Setenv("GOPATH", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	// No go command: with GOPATH and HOME moved, `go env` fetched the go1.27.3
	// toolchain into the temporary module cache (read-only files) and its telemetry
	// child wrote under HOME after it returned, so TempDir could not remove either.
	t.Setenv("PATH", "")
	_, err := FindTemporalServer()
	if err == nil || !strings.Contains(err.Error(), TemporalServerInstallCommand) || !strings.Contains(err.Error(), TemporalServerDirName) {
		t.Fatalf("err = %v, want the install command and the directory", err)
	}
}

// The Makefile installs the release, into the directory, that FindTemporalServer
// looks for: the version is written in both, so a test keeps them together.
func TestMakefilePinsTheTemporalServerWeRun(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	mk := string(raw)
	if !strings.Contains(mk, "\nTEMPORAL_SERVER_VERSION := "+TemporalServerVersion+"\n") ||
		!strings.Contains(mk, "TEMPORAL_SERVER_DIR := $(GOBIN)/temporal-server-$(TEMPORAL_SERVER_VERSION)") {
		t.Fatalf("the Makefile does not install Temporal server %s into GOBIN/%s", TemporalServerVersion, TemporalServerDirName)
	}
}

func startPG(ctx context.Context, t *testing.T, dataDir string) *Postgres {
	t.Helper()
	pg, err := StartPostgres(ctx, PostgresOptions{DataDir: dataDir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	return pg
}

func mustExec(t *testing.T, dsn, query string) {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

// traversableTempDir is a t.TempDir the postgres user can reach when we are root
// (t.TempDir's directories are 0700).
func traversableTempDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The real server serves Prometheus metrics only when asked, as histograms (the
// bench reads its timer queue's _count and _sum series), on the port asked for;
// its Go profiles likewise.
func TestServerConfigMetrics(t *testing.T) {
	for _, port := range []int{0, 23456} {
		dir := t.TempDir()
		opts := TemporalServerOptions{Postgres: &Postgres{port: 5432}, Dir: dir, Database: "temporal", Shards: 16, MetricsPort: port}
		if port != 0 {
			opts.PprofPort = port + 1
		}
		if err := writeServerConfig(opts, 20000, 21000); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "config", "complaintflow.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cfg := string(raw)
		hasMetrics := strings.Contains(cfg, "prometheus:")
		if port == 0 && hasMetrics {
			t.Errorf("MetricsPort 0 configured metrics:\n%s", cfg)
		}
		if port != 0 && (!hasMetrics || !strings.Contains(cfg, `listenAddress: "127.0.0.1:23456"`) || !strings.Contains(cfg, "timerType: histogram")) {
			t.Errorf("MetricsPort %d: no histogram metrics on it:\n%s", port, cfg)
		}
		var parsed struct {
			Global struct {
				Pprof struct{ Port int }
			}
		}
		if err := yaml.Unmarshal(raw, &parsed); err != nil {
			t.Fatal(err)
		}
		if parsed.Global.Pprof.Port != opts.PprofPort {
			t.Errorf("PprofPort %d: global.pprof.port is %d:\n%s", opts.PprofPort, parsed.Global.Pprof.Port, cfg)
		}
	}
}

// The server reads the dynamic configuration docker-compose.yml mounts too, with the
// history cache bounded (docs/cluster.md, "Sizing the Temporal server"): the file
// the server config names is the embedded one, byte for byte.
func TestServerDynamicConfig(t *testing.T) {
	dir := t.TempDir()
	opts := TemporalServerOptions{Postgres: &Postgres{port: 5432}, Dir: dir, Database: "temporal", Shards: 16}
	if err := writeServerConfig(opts, 20000, 21000); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "config", "complaintflow.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "filepath: config/dynamicconfig.yaml") {
		t.Fatalf("server config names no config/dynamicconfig.yaml:\n%s", cfg)
	}
	written, err := os.ReadFile(filepath.Join(dir, "config", "dynamicconfig.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("temporal-dynamicconfig.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(written) != string(source) {
		t.Errorf("dynamicconfig.yaml written differs from temporal-dynamicconfig.yaml")
	}
	if !regexp.MustCompile(`(?m)^history\.hostLevelCacheMaxSize:\n  - value: [1-9][0-9]*\n`).Match(written) {
		t.Errorf("dynamicconfig.yaml does not bound history.hostLevelCacheMaxSize:\n%s", written)
	}
	// Measured: breaches that fall together are recorded 2-7x later without it
	// (docs/performance.md, "The search-attribute flag").
	if !regexp.MustCompile(`(?m)^system\.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n`).Match(written) {
		t.Errorf("dynamicconfig.yaml does not set system.forceSearchAttributesCacheRefreshOnRead to true:\n%s", written)
	}

	// Measured: at 1, writes waited on their shard and lost workflow-task starts
	// under a burst (docs/performance.md, "One write per history shard").
	if !regexp.MustCompile(`(?m)^history\.shardIOConcurrency:\n  - value: ([2-9]|[1-9][0-9]+)\n`).Match(written) {
		t.Errorf("dynamicconfig.yaml does not let a shard's writes run together (history.shardIOConcurrency > 1):\n%s", written)
	}

	// A benchmark's smaller cache replaces the bound's value and nothing else.
	opts.HistoryCacheSize = 500
	if err := writeServerConfig(opts, 20000, 21000); err != nil {
		t.Fatal(err)
	}
	sized, err := os.ReadFile(filepath.Join(dir, "config", "dynamicconfig.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^(history\.hostLevelCacheMaxSize:\n  - value: )[0-9]+`).ReplaceAllString(string(source), "${1}500")
	if !strings.Contains(string(sized), "history.hostLevelCacheMaxSize:\n  - value: 500\n") || string(sized) != want {
		t.Errorf("HistoryCacheSize 500 wrote:\n%s\nwant:\n%s", sized, want)
	}
}

// The dev server we run is the CLI tools/temporal-cli builds: the pinned release,
// with the SQLite driver its go.mod names (the release's own wedges the
// file-backed server for good, tools/temporal-cli/tools.go). A CLI installed
// otherwise fails here until `make temporal-cli` rebuilds it.
func TestTheTemporalCLIWeRunHasThePinnedSQLiteDriver(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "tools", "temporal-cli", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"github.com/temporalio/cli": TemporalCLIVersion, "modernc.org/sqlite": ""}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "modernc.org/sqlite" {
			want["modernc.org/sqlite"] = f[1]
		}
	}
	if want["modernc.org/sqlite"] == "" {
		t.Fatal("tools/temporal-cli/go.mod names no modernc.org/sqlite")
	}
	cli, err := FindTemporalCLI()
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(cli)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{info.Main.Path: info.Main.Version}
	for _, dep := range info.Deps {
		if dep.Replace != nil {
			dep = dep.Replace
		}
		got[dep.Path] = dep.Version
	}
	for path, version := range want {
		if got[path] != version {
			t.Errorf("%s is built with %s %q, want %s; run `%s`", cli, path, got[path], version, TemporalInstallCommand)
		}
	}
}
