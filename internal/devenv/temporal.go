package devenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TemporalCLIVersion is the Temporal CLI release whose `server start-dev` we run,
// built by tools/temporal-cli with a newer SQLite driver than its own (see
// tools/temporal-cli/tools.go).
const TemporalCLIVersion = "v1.5.1"

// TemporalInstallCommand builds the pinned Temporal CLI into $(go env GOPATH)/bin;
// run it in the repository.
const TemporalInstallCommand = "make temporal-cli"

// TemporalOptions configures StartTemporal.
type TemporalOptions struct {
	Port      int    // gRPC frontend port on 127.0.0.1; 0 picks a free one
	UIPort    int    // Web UI port; 0 picks a free one; ignored when Headless
	Headless  bool   // no Web UI
	DBFile    string // SQLite file for persistent state; "" keeps everything in memory
	Namespace string // created at start; "" means "default"
	// SearchAttributes to register, as NAME=TYPE (e.g. "ComplaintStatus=Keyword").
	SearchAttributes []string
	LogFile          string // server output; "" means a temp file removed by Stop
}

// Temporal is a running Temporal server: `temporal server start-dev` started by
// StartTemporal, or the real server started by StartTemporalServer.
type Temporal struct {
	port, uiPort int
	namespace    string
	logPath      string
	removeLog    bool
	proc         *Process
	// cli, opts and attrs start the same server again (Restart).
	cli       string
	opts      TemporalOptions
	attrs     map[string]enumspb.IndexedValueType
	kind      string // "temporal dev server" or "temporal server", for messages
	register  bool   // register the namespace when missing (start-dev does it itself)
	removeDir string // a temporary directory of ours, removed by Stop
	// metricsURL is the real server's Prometheus endpoint when asked for one.
	metricsURL string
}

const temporalStartTimeout = 60 * time.Second

// StartTemporal starts a Temporal dev server and waits until it is healthy, the
// namespace is registered and every search attribute is visible.
func StartTemporal(ctx context.Context, opts TemporalOptions) (*Temporal, error) {
	cli, err := FindTemporalCLI()
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
	if opts.DBFile != "" {
		if opts.DBFile, err = filepath.Abs(opts.DBFile); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(opts.DBFile), 0o755); err != nil {
			return nil, err
		}
	}
	logFile, created, err := openLog(opts.LogFile, "devenv-temporal-*.log")
	if err != nil {
		return nil, fmt.Errorf("open temporal log: %w", err)
	}
	defer logFile.Close() // the child holds its own copy
	t := &Temporal{namespace: opts.Namespace, logPath: logFile.Name(), removeLog: created, cli: cli, attrs: attrs, kind: "temporal dev server"}

	// Ports picked for us may be taken before the server binds them; try again.
	attempts := 1
	if opts.Port == 0 && (opts.UIPort == 0 || opts.Headless) {
		attempts = 3
	}
	for i := 0; i < attempts; i++ {
		if err = t.start(ctx, cli, opts, attrs, logFile); err == nil {
			t.opts = opts
			t.opts.Port, t.opts.UIPort = t.port, t.uiPort
			return t, nil
		}
		if ctx.Err() != nil || opts.DBFile != "" {
			break // a persistent store failing is not about ports
		}
	}
	err = withLog(err, t.logPath)
	if t.removeLog {
		os.Remove(t.logPath)
	}
	return nil, err
}

func (t *Temporal) start(ctx context.Context, cli string, opts TemporalOptions, attrs map[string]enumspb.IndexedValueType, logFile *os.File) error {
	var err error
	if t.port = opts.Port; t.port == 0 {
		if t.port, err = FreePort(); err != nil {
			return err
		}
	}
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(t.port)}
	if opts.Headless {
		t.uiPort = 0
		args = append(args, "--headless")
	} else {
		if t.uiPort = opts.UIPort; t.uiPort == 0 {
			if t.uiPort, err = FreePort(); err != nil {
				return err
			}
		}
		args = append(args, "--ui-port", strconv.Itoa(t.uiPort))
	}
	if opts.DBFile != "" {
		args = append(args, "--db-filename", opts.DBFile)
		for _, p := range sqlitePragmas {
			args = append(args, "--sqlite-pragma", p)
		}
	}
	// CLI v1.5.1 accepts --namespace and --search-attribute for ones that already
	// exist in a persistent store, so we can pass them all on every start.
	args = append(args, "--namespace", t.namespace, "--log-level", "warn", "--color", "never")
	for _, def := range opts.SearchAttributes {
		args = append(args, "--search-attribute", def)
	}
	if err := checkPortFree("temporal", t.port); err != nil {
		return err
	}
	if t.uiPort != 0 {
		if err := checkPortFree("temporal UI", t.uiPort); err != nil {
			return err
		}
	}
	cmd := exec.Command(cli, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = serverEnv()
	fmt.Fprintf(logFile, "--- %s %s\n", cli, strings.Join(args, " "))
	proc, err := StartProcess(cmd)
	if err != nil {
		return fmt.Errorf("start temporal: %w", err)
	}
	t.proc = proc
	if err := t.waitReady(ctx, attrs); err != nil {
		_ = proc.Stop(syscall.SIGKILL, 0)
		t.proc = nil
		return err
	}
	return nil
}

// sqlitePragmas for a file-backed dev server (make run). The server gives SQLite a
// single connection, so every operation queues behind the one before; in the
// default rollback journal with synchronous=FULL each commit waits for fsyncs.
// WAL with synchronous=NORMAL commits with one sequential write and no fsync per
// transaction (durable across a process crash, not an OS crash — right for a dev
// stack); busy_timeout makes a lock held by a checkpoint wait instead of failing.
// They shorten the queue; what wedged the server for good under load (issue 18,
// "interrupted (9)" on everything until a restart) was the CLI's SQLite driver,
// which tools/temporal-cli replaces.
var sqlitePragmas = []string{"journal_mode=wal", "synchronous=normal", "busy_timeout=10000"}

// serverEnv is our environment without TEMPORAL_* variables, which the CLI reads
// as client settings (address, namespace, TLS) and which describe the stack we
// are starting, not the server's own configuration.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEMPORAL_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady retries until the server is healthy and the namespace and search
// attributes are usable, the process exits, or the start timeout passes.
func (t *Temporal) waitReady(ctx context.Context, attrs map[string]enumspb.IndexedValueType) error {
	ctx, cancel := context.WithTimeout(ctx, temporalStartTimeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		err := t.checkReady(ctx, attrs)
		if err == nil && !exited(t.proc) {
			return nil
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		select {
		case <-t.proc.Done():
			return exitError(t.kind, t.proc)
		case <-ctx.Done():
			return fmt.Errorf("%s on %s not ready within %s: %w", t.kind, t.Address(), temporalStartTimeout, err)
		case <-tick.C:
		}
	}
}

// fatalError marks a readiness failure that waiting will not fix.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

func (t *Temporal) checkReady(ctx context.Context, attrs map[string]enumspb.IndexedValueType) error {
	dialCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := client.DialContext(dialCtx, client.Options{
		HostPort:  t.Address(),
		Namespace: t.namespace,
		Logger:    quietLogger(),
	})
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer c.Close()
	if _, err := c.CheckHealth(dialCtx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	if _, err := c.WorkflowService().DescribeNamespace(dialCtx,
		&workflowservice.DescribeNamespaceRequest{Namespace: t.namespace}); err != nil {
		var notFound *serviceerror.NamespaceNotFound
		if t.register && errors.As(err, &notFound) {
			return t.registerNamespace(dialCtx, c)
		}
		return fmt.Errorf("namespace %s: %w", t.namespace, err)
	}
	if err := ensureSearchAttributes(dialCtx, c, t.namespace, attrs); err != nil {
		return err
	}
	if t.register {
		return probeShards(ctx, c, t.namespace)
	}
	return nil
}

// probeShards asks every history shard of a real server about a workflow that does
// not exist: healthy as the frontend is, a shard still being acquired answers
// slowly or not at all, and the first complaints filed after the start timed out
// (a bench warm-up saw 503s). 256 IDs hash onto every one of up to 16 shards with
// near certainty, and onto most of more.
func probeShards(ctx context.Context, c client.Client, namespace string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	const probes, parallel = 256, 16
	errs := make(chan error, probes)
	sem := make(chan struct{}, parallel)
	for i := range probes {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			_, err := c.WorkflowService().DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
				Namespace: namespace,
				Execution: &commonpb.WorkflowExecution{WorkflowId: "devenv-shard-probe-" + strconv.Itoa(i)},
			})
			var notFound *serviceerror.NotFound
			if err == nil || errors.As(err, &notFound) {
				err = nil
			}
			errs <- err
		}()
	}
	var first error
	for range probes {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return fmt.Errorf("history shards not all serving yet: %w", first)
	}
	return nil
}

// registerNamespace creates the namespace on a real server (start-dev creates its
// own); the next readiness check sees whether the server has it yet.
func (t *Temporal) registerNamespace(ctx context.Context, c client.Client) error {
	_, err := c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        t.namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(namespaceRetention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %s: %w", t.namespace, err)
	}
	return fmt.Errorf("namespace %s just registered, waiting until visible", t.namespace)
}

// namespaceRetention keeps closed workflows three days, as the docker-compose setup does.
const namespaceRetention = 72 * time.Hour

// ensureSearchAttributes adds the attributes the server does not list yet (the
// CLI registers them at start, this is the safety net) and reports whether all
// are visible with the expected type.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) error {
	if len(want) == 0 {
		return nil
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	have := resp.GetCustomAttributes()
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range want {
		got, ok := have[name]
		switch {
		case !ok:
			missing[name] = typ
		case got != typ:
			return &fatalError{fmt.Errorf("search attribute %s exists as %s, want %s (a persistent Temporal DB from an older schema? delete it)",
				name, got, typ)}
		}
	}
	if len(missing) == 0 {
		return aliasesServed(ctx, c, namespace, want)
	}
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	}); err != nil {
		return fmt.Errorf("add search attributes %s: %w", strings.Join(sortedKeys(missing), ", "), err)
	}
	return fmt.Errorf("search attributes %s just added, waiting until visible", strings.Join(sortedKeys(missing), ", "))
}

// aliasesServed reports whether the frontend resolves every attribute in a
// visibility query. With SQL visibility an attribute is an alias kept in the
// namespace, which the services cache and refresh every 2 s: listed is not yet
// usable, and a start that sets an unknown attribute is refused.
func aliasesServed(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) error {
	names := sortedKeys(want)
	terms := make([]string, len(names))
	for i, name := range names {
		terms[i] = name + " IS NULL"
	}
	if _, err := c.WorkflowService().CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: namespace, Query: strings.Join(terms, " AND "),
	}); err != nil {
		return fmt.Errorf("search attributes %s listed but not yet served: %w", strings.Join(names, ", "), err)
	}
	return nil
}

func sortedKeys(m map[string]enumspb.IndexedValueType) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var searchAttributeTypes = map[string]enumspb.IndexedValueType{
	"text":        enumspb.INDEXED_VALUE_TYPE_TEXT,
	"keyword":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"int":         enumspb.INDEXED_VALUE_TYPE_INT,
	"double":      enumspb.INDEXED_VALUE_TYPE_DOUBLE,
	"bool":        enumspb.INDEXED_VALUE_TYPE_BOOL,
	"datetime":    enumspb.INDEXED_VALUE_TYPE_DATETIME,
	"keywordlist": enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}

// parseSearchAttributes turns NAME=TYPE definitions into the API's types, so a
// typo fails before a server starts.
func parseSearchAttributes(defs []string) (map[string]enumspb.IndexedValueType, error) {
	out := make(map[string]enumspb.IndexedValueType, len(defs))
	for _, def := range defs {
		name, typ, ok := strings.Cut(def, "=")
		t, known := searchAttributeTypes[strings.ToLower(typ)]
		if !ok || name == "" || !known {
			return nil, fmt.Errorf("search attribute %q: want NAME=TYPE with TYPE one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList", def)
		}
		out[name] = t
	}
	return out, nil
}

func quietLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// Address is the gRPC host:port for client.Options.HostPort.
func (t *Temporal) Address() string { return "127.0.0.1:" + strconv.Itoa(t.port) }

// UIURL is the Web UI's URL, or "" when headless.
func (t *Temporal) UIURL() string {
	if t.uiPort == 0 {
		return ""
	}
	return "http://127.0.0.1:" + strconv.Itoa(t.uiPort)
}

// MetricsURL is the Prometheus endpoint of a real server started with a
// MetricsPort, else "" (the dev server names its own in its log).
func (t *Temporal) MetricsURL() string { return t.metricsURL }

// LogFile is the path of the server log.
func (t *Temporal) LogFile() string { return t.logPath }

// Done is closed when the server process has exited.
func (t *Temporal) Done() <-chan struct{} { return doneOf(t.proc) }

// Kill ends the server with SIGKILL, as a crash would, and waits for it to exit.
// With a DBFile, Restart brings it back with its state.
func (t *Temporal) Kill() {
	if t.proc != nil {
		_ = t.proc.Stop(syscall.SIGKILL, 10*time.Second)
		t.proc = nil
	}
}

// Restart starts a killed server again on the same ports with the same options
// and waits until it is ready.
func (t *Temporal) Restart(ctx context.Context) error {
	if t.proc != nil {
		return errors.New("temporal is running")
	}
	logFile, err := os.OpenFile(t.logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	if err := t.start(ctx, t.cli, t.opts, t.attrs, logFile); err != nil {
		return withLog(err, t.logPath)
	}
	return nil
}

// Stop sends SIGTERM, kills the server if it is still running after 10 s, and
// removes the log file if it was a temp file of ours.
func (t *Temporal) Stop() error {
	var err error
	if t.proc != nil {
		err = t.proc.Stop(syscall.SIGTERM, 10*time.Second)
		t.proc = nil
	}
	if t.removeLog {
		os.Remove(t.logPath)
	}
	if t.removeDir != "" {
		os.RemoveAll(t.removeDir)
	}
	return err
}

// FindTemporalCLI returns the path of the `temporal` binary: $PATH, then $GOBIN,
// $(go env GOPATH)/bin and $HOME/go/bin, where `go install` puts it.
func FindTemporalCLI() (string, error) {
	if path, err := exec.LookPath("temporal"); err == nil {
		return path, nil
	}
	dirs := goBinDirs()
	for _, dir := range dirs {
		if path := filepath.Join(dir, "temporal"); isExecutable(path) {
			return path, nil
		}
	}
	return "", fmt.Errorf("temporal CLI not found in $PATH or %s; install it with `%s` (takes a few minutes the first time)",
		strings.Join(dirs, ", "), TemporalInstallCommand)
}

// goBinDirs are where `go install` may have put a tool: $GOBIN, `go env GOBIN`,
// each $(go env GOPATH)/bin and ~/go/bin.
func goBinDirs() []string {
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) > 0 && strings.TrimSpace(lines[0]) != "" {
			dirs = append(dirs, strings.TrimSpace(lines[0]))
		}
		if len(lines) > 1 {
			for _, p := range filepath.SplitList(strings.TrimSpace(lines[1])) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	return dirs
}
