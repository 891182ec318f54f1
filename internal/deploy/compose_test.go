// Package deploy_test checks the deployment files at the repository root
// (docker-compose.yml, Dockerfile) without a Docker engine: the compose file is
// loaded, interpolated and validated with compose-go, the same library the
// docker compose CLI uses, and its wiring is asserted.
package deploy_test

import (
	"context"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/workflows"
)

const (
	composeFile = "../../docker-compose.yml"
	dockerfile  = "../../Dockerfile"

	searchAttributeJob = "temporal-create-search-attributes"
)

// loadProject loads docker-compose.yml with env as the only source of
// variables (the process environment is ignored, so the test is hermetic).
func loadProject(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	path, err := filepath.Abs(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read compose file: %v", err)
	}
	if env == nil {
		env = map[string]string{}
	}
	details := types.ConfigDetails{
		WorkingDir:  filepath.Dir(path),
		ConfigFiles: []types.ConfigFile{{Filename: path, Content: content}},
		Environment: types.Mapping(env),
	}
	project, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("complaintflow", true)
	})
	if err != nil {
		t.Fatalf("load %s: %v", composeFile, err)
	}
	return project
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("service %q: not defined; services are %v", name, slices.Sorted(maps.Keys(p.Services)))
	}
	return s
}

func envValue(t *testing.T, s types.ServiceConfig, key string) string {
	t.Helper()
	v, ok := s.Environment[key]
	if !ok || v == nil {
		t.Fatalf("service %q: environment %s is not set", s.Name, key)
	}
	return *v
}

func TestComposeServices(t *testing.T) {
	p := loadProject(t, nil)
	got := slices.Sorted(maps.Keys(p.Services))
	want := []string{"migrate", "postgres", searchAttributeJob, "starter", "temporal", "temporal-ui", "worker"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("services: got %v, want %v", got, want)
	}
	if p.Name != "complaintflow" {
		t.Errorf("project name: got %q, want %q", p.Name, "complaintflow")
	}
}

func TestComposeDependencies(t *testing.T) {
	p := loadProject(t, nil)
	tests := []struct {
		service, dependsOn, condition string
	}{
		{"temporal", "postgres", types.ServiceConditionHealthy},
		{searchAttributeJob, "temporal", types.ServiceConditionHealthy},
		{"temporal-ui", "temporal", types.ServiceConditionHealthy},
		{"migrate", "postgres", types.ServiceConditionHealthy},
		{"worker", "migrate", types.ServiceConditionCompletedSuccessfully},
		{"worker", searchAttributeJob, types.ServiceConditionCompletedSuccessfully},
		{"starter", "migrate", types.ServiceConditionCompletedSuccessfully},
		{"starter", "temporal", types.ServiceConditionHealthy},
	}
	for _, tc := range tests {
		t.Run(tc.service+"->"+tc.dependsOn, func(t *testing.T) {
			s := service(t, p, tc.service)
			dep, ok := s.DependsOn[tc.dependsOn]
			if !ok {
				t.Fatalf("%s depends_on: got %v, want it to include %s", tc.service, slices.Sorted(maps.Keys(s.DependsOn)), tc.dependsOn)
			}
			if dep.Condition != tc.condition {
				t.Errorf("%s depends_on %s condition: got %q, want %q", tc.service, tc.dependsOn, dep.Condition, tc.condition)
			}
		})
	}
}

func TestComposeHealthchecks(t *testing.T) {
	p := loadProject(t, nil)
	tests := []struct {
		service  string
		contains string // a word the healthcheck test command must contain
	}{
		{"postgres", "pg_isready"},
		{"temporal", "cluster health"},
	}
	for _, tc := range tests {
		t.Run(tc.service, func(t *testing.T) {
			hc := service(t, p, tc.service).HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) == 0 {
				t.Fatalf("%s healthcheck: got %+v, want an enabled healthcheck", tc.service, hc)
			}
			if got := strings.Join(hc.Test, " "); !strings.Contains(got, tc.contains) {
				t.Errorf("%s healthcheck test: got %q, want it to contain %q", tc.service, got, tc.contains)
			}
		})
	}
}

func TestComposeAppServices(t *testing.T) {
	p := loadProject(t, nil)
	tests := []struct {
		service string
		command []string
		restart string
	}{
		{"migrate", []string{"starter", "migrate"}, types.RestartPolicyNo},
		{"worker", []string{"worker"}, types.RestartPolicyUnlessStopped},
		{"starter", []string{"starter", "serve"}, types.RestartPolicyUnlessStopped},
	}
	for _, tc := range tests {
		t.Run(tc.service, func(t *testing.T) {
			s := service(t, p, tc.service)
			if got := []string(s.Command); !slices.Equal(got, tc.command) {
				t.Errorf("%s command: got %q, want %q", tc.service, got, tc.command)
			}
			if s.Restart != tc.restart {
				t.Errorf("%s restart: got %q, want %q", tc.service, s.Restart, tc.restart)
			}
			// Docker kills after 10 s unless told; the processes drain for SHUTDOWN_TIMEOUT's 20.
			if tc.restart != types.RestartPolicyNo && (s.StopGracePeriod == nil || time.Duration(*s.StopGracePeriod) <= 20*time.Second) {
				t.Errorf("%s stop_grace_period %v, want more than SHUTDOWN_TIMEOUT's 20s", tc.service, s.StopGracePeriod)
			}
			if s.Image != "complaintflow:local" {
				t.Errorf("%s image: got %q, want %q", tc.service, s.Image, "complaintflow:local")
			}
			if s.Build == nil {
				t.Fatalf("%s build: got none, want the repository root", tc.service)
			}
			root, err := filepath.Abs("../..")
			if err != nil {
				t.Fatal(err)
			}
			if got := filepath.Clean(s.Build.Context); got != root {
				t.Errorf("%s build context: got %q, want %q", tc.service, got, root)
			}
			if got := filepath.Base(s.Build.Dockerfile); got != "Dockerfile" {
				t.Errorf("%s build dockerfile: got %q, want %q", tc.service, got, "Dockerfile")
			}
		})
	}
}

func TestComposeAppEnvironment(t *testing.T) {
	p := loadProject(t, nil)
	postgres := service(t, p, "postgres")
	wantUser := envValue(t, postgres, "POSTGRES_USER")
	wantPassword := envValue(t, postgres, "POSTGRES_PASSWORD")
	wantDB := envValue(t, postgres, "POSTGRES_DB")

	for _, name := range []string{"migrate", "worker", "starter"} {
		t.Run(name, func(t *testing.T) {
			s := service(t, p, name)

			dsn := envValue(t, s, "DATABASE_URL")
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatalf("DATABASE_URL %q: %v", dsn, err)
			}
			pw, _ := u.User.Password()
			checks := []struct{ what, got, want string }{
				{"DATABASE_URL scheme", u.Scheme, "postgres"},
				{"DATABASE_URL host", u.Host, "postgres:5432"},
				{"DATABASE_URL user", u.User.Username(), wantUser},
				{"DATABASE_URL password", pw, wantPassword},
				{"DATABASE_URL database", strings.TrimPrefix(u.Path, "/"), wantDB},
				{"DATABASE_URL sslmode", u.Query().Get("sslmode"), "disable"},
				{"TEMPORAL_ADDRESS", envValue(t, s, "TEMPORAL_ADDRESS"), "temporal:7233"},
				{"TEMPORAL_NAMESPACE", envValue(t, s, "TEMPORAL_NAMESPACE"), "default"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s %s: got %q, want %q", name, c.what, c.got, c.want)
				}
			}
			// The hosts named must be services of this project.
			for _, host := range []string{u.Hostname(), strings.Split(envValue(t, s, "TEMPORAL_ADDRESS"), ":")[0]} {
				if _, ok := p.Services[host]; !ok {
					t.Errorf("%s: host %q is not a compose service", name, host)
				}
			}
		})
	}

	t.Run("app database differs from Temporal's", func(t *testing.T) {
		temporal := service(t, p, "temporal")
		for _, key := range []string{"DBNAME", "VISIBILITY_DBNAME"} {
			if v, ok := temporal.Environment[key]; ok && v != nil && *v == wantDB {
				t.Errorf("temporal %s: got %q, want a database other than the app's %q", key, *v, wantDB)
			}
		}
		if got := envValue(t, temporal, "POSTGRES_SEEDS"); got != "postgres" {
			t.Errorf("temporal POSTGRES_SEEDS: got %q, want %q", got, "postgres")
		}
		// The driver make cluster runs the server with (devenv.DefaultSQLPlugin).
		if got := envValue(t, temporal, "DB"); got != devenv.DefaultSQLPlugin {
			t.Errorf("temporal DB: got %q, want %q", got, devenv.DefaultSQLPlugin)
		}
	})

	// The shape make cluster runs (docs/cluster.md): the shard count
	// devenv.DefaultHistoryShards and two workers.
	t.Run("production shape", func(t *testing.T) {
		if got, want := envValue(t, service(t, p, "temporal"), "NUM_HISTORY_SHARDS"), strconv.Itoa(devenv.DefaultHistoryShards); got != want {
			t.Errorf("temporal NUM_HISTORY_SHARDS: got %q, want %q", got, want)
		}
		// The server's dynamic configuration is the file make cluster embeds
		// (internal/devenv), mounted where DYNAMIC_CONFIG_FILE_PATH points.
		tp := service(t, p, "temporal")
		target := path.Join("/etc/temporal", envValue(t, tp, "DYNAMIC_CONFIG_FILE_PATH"))
		var source string
		for _, v := range tp.Volumes {
			if v.Target == target {
				source = v.Source
			}
		}
		if want, _ := filepath.Abs("../devenv/temporal-dynamicconfig.yaml"); source != want {
			t.Errorf("temporal: the dynamic config %s is mounted from %q, want %q", target, source, want)
		} else if b, err := os.ReadFile(source); err != nil {
			t.Error(err)
		} else {
			for _, key := range []string{"limit.maxIDLength:", "history.hostLevelCacheMaxSize:"} {
				if !strings.Contains(string(b), "\n"+key) {
					t.Errorf("%s: no %s", source, key)
				}
			}
		}
		w := service(t, p, "worker")
		if w.Deploy == nil || w.Deploy.Replicas == nil || *w.Deploy.Replicas != 2 {
			t.Errorf("worker deploy: got %+v, want 2 replicas", w.Deploy)
		}
	})

	t.Run("starter listen address and admin token", func(t *testing.T) {
		s := service(t, p, "starter")
		if got, want := envValue(t, s, "HTTP_ADDR"), "0.0.0.0:8080"; got != want {
			t.Errorf("starter HTTP_ADDR: got %q, want %q", got, want)
		}
		if got, want := envValue(t, s, "BOOTSTRAP_ADMIN_TOKEN"), "change-me"; got != want {
			t.Errorf("starter BOOTSTRAP_ADMIN_TOKEN default: got %q, want %q", got, want)
		}
	})
}

// TestComposeInterpolation checks that variables given to compose reach the
// containers: the admin token and the database credentials.
func TestComposeInterpolation(t *testing.T) {
	p := loadProject(t, map[string]string{
		"BOOTSTRAP_ADMIN_TOKEN": "s3cret-token",
		"POSTGRES_USER":         "alice",
		"POSTGRES_PASSWORD":     "pw",
		"POSTGRES_DB":           "cf",
	})
	tests := []struct{ service, key, want string }{
		{"starter", "BOOTSTRAP_ADMIN_TOKEN", "s3cret-token"},
		{"starter", "DATABASE_URL", "postgres://alice:pw@postgres:5432/cf?sslmode=disable"},
		{"worker", "DATABASE_URL", "postgres://alice:pw@postgres:5432/cf?sslmode=disable"},
		{"migrate", "DATABASE_URL", "postgres://alice:pw@postgres:5432/cf?sslmode=disable"},
		{"postgres", "POSTGRES_USER", "alice"},
		{"postgres", "POSTGRES_PASSWORD", "pw"},
		{"temporal", "POSTGRES_USER", "alice"},
		{"temporal", "POSTGRES_PWD", "pw"},
	}
	for _, tc := range tests {
		t.Run(tc.service+"/"+tc.key, func(t *testing.T) {
			if got := envValue(t, service(t, p, tc.service), tc.key); got != tc.want {
				t.Errorf("%s %s: got %q, want %q", tc.service, tc.key, got, tc.want)
			}
		})
	}
}

func TestComposeStarterPublishes8080(t *testing.T) {
	p := loadProject(t, nil)
	s := service(t, p, "starter")
	var found bool
	for _, port := range s.Ports {
		if port.Target == 8080 && port.Published == "8080" && port.Protocol == "tcp" {
			found = true
		}
	}
	if !found {
		t.Errorf("starter ports: got %+v, want 8080:8080/tcp published", s.Ports)
	}

	ui := service(t, p, "temporal-ui")
	found = false
	for _, port := range ui.Ports {
		if port.Target == 8080 && port.Published == "8233" {
			found = true
		}
	}
	if !found {
		t.Errorf("temporal-ui ports: got %+v, want 8233:8080", ui.Ports)
	}
	if got, want := envValue(t, ui, "TEMPORAL_ADDRESS"), "temporal:7233"; got != want {
		t.Errorf("temporal-ui TEMPORAL_ADDRESS: got %q, want %q", got, want)
	}
}

// TestComposeImagesPinned keeps third-party images on explicit tags, and the
// Temporal server and its admin tools on the same server release.
func TestComposeImagesPinned(t *testing.T) {
	p := loadProject(t, nil)
	tagOf := func(name string) string {
		image := service(t, p, name).Image
		i := strings.LastIndex(image, ":")
		if i < 0 || strings.Contains(image[i:], "/") {
			t.Fatalf("%s image %q: got no tag, want a pinned tag", name, image)
		}
		return image[i+1:]
	}
	for _, name := range []string{"postgres", "temporal", searchAttributeJob, "temporal-ui"} {
		if tag := tagOf(name); tag == "latest" {
			t.Errorf("%s image tag: got %q, want a pinned version", name, tag)
		}
	}
	server := tagOf("temporal")
	if !strings.HasPrefix(server, "1.29.") {
		t.Errorf("temporal image tag: got %q, want 1.29.x", server)
	}
	if tools := tagOf(searchAttributeJob); tools != server && !strings.HasPrefix(tools, server+"-") {
		t.Errorf("admin-tools tag: got %q, want the server's %q", tools, server)
	}
}

// saCreate matches one `temporal operator search-attribute create` invocation.
var saCreate = regexp.MustCompile(`temporal\s+operator\s+search-attribute\s+create\s+([^\n]*)`)

// searchAttributes parses the search attributes created by a command line
// (entrypoint and command joined) into name -> type, failing on duplicates and
// on a namespace other than default.
func searchAttributes(t *testing.T, command []string) map[string]string {
	t.Helper()
	script := strings.Join(command, "\n")
	got := map[string]string{}
	for _, m := range saCreate.FindAllStringSubmatch(script, -1) {
		args := strings.Fields(m[1])
		var name, typ, ns string
		for i := 0; i+1 < len(args); i++ {
			switch args[i] {
			case "--name":
				name = args[i+1]
			case "--type":
				typ = args[i+1]
			case "--namespace", "-n":
				ns = args[i+1]
			}
		}
		if name == "" || typ == "" {
			t.Errorf("search-attribute create %q: got name %q type %q, want both", m[0], name, typ)
			continue
		}
		if ns != "default" {
			t.Errorf("search-attribute create %s: got namespace %q, want %q", name, ns, "default")
		}
		if prev, dup := got[name]; dup {
			t.Errorf("search attribute %s: created twice (%s, %s)", name, prev, typ)
		}
		got[name] = typ
	}
	return got
}

func TestComposeSearchAttributes(t *testing.T) {
	p := loadProject(t, nil)
	s := service(t, p, searchAttributeJob)
	if !strings.HasPrefix(s.Image, "temporalio/admin-tools:") {
		t.Errorf("%s image: got %q, want temporalio/admin-tools", searchAttributeJob, s.Image)
	}
	if s.Restart != types.RestartPolicyNo {
		t.Errorf("%s restart: got %q, want %q", searchAttributeJob, s.Restart, types.RestartPolicyNo)
	}
	if got, want := envValue(t, s, "TEMPORAL_ADDRESS"), "temporal:7233"; got != want {
		t.Errorf("%s TEMPORAL_ADDRESS: got %q, want %q", searchAttributeJob, got, want)
	}

	got := searchAttributes(t, append(slices.Clone([]string(s.Entrypoint)), s.Command...))
	// The workflows' own list, so a new attribute cannot be forgotten here.
	want := map[string]string{}
	for _, def := range workflows.SearchAttributeDefinitions() {
		name, typ, _ := strings.Cut(def, "=")
		want[name] = typ
	}
	if !maps.Equal(got, want) {
		t.Errorf("search attributes: got %v, want %v", got, want)
	}
	script := strings.Join(s.Command, "\n")
	if !strings.Contains(script, "already exists") {
		t.Errorf("%s command: got no handling of %q, want re-runs to succeed", searchAttributeJob, "already exists")
	}
	// The job ends only when the server resolves every alias (its namespace cache
	// lags the create), so the workers' first start may set them all.
	served := waitQuery.FindStringSubmatch(script)
	if served == nil {
		t.Fatalf("%s command: no `until temporal workflow count --query ...` loop, want one waiting until the attributes are served", searchAttributeJob)
	}
	named := map[string]string{}
	for _, m := range isNullTerm.FindAllStringSubmatch(served[1], -1) {
		named[m[1]] = want[m[1]]
	}
	if !maps.Equal(named, want) {
		t.Errorf("%s wait query names %v, want every attribute of %v", searchAttributeJob, slices.Sorted(maps.Keys(named)), slices.Sorted(maps.Keys(want)))
	}
}

// waitQuery matches the job's wait for served aliases; isNullTerm one attribute in it.
var (
	waitQuery  = regexp.MustCompile(`until temporal workflow count [^\n]*--query "([^"]*)"`)
	isNullTerm = regexp.MustCompile(`(\w+) IS NULL`)
)

// TestSearchAttributeParser makes sure the parser used above can fail.
func TestSearchAttributeParser(t *testing.T) {
	tests := []struct {
		name    string
		command []string
		want    map[string]string
	}{
		{
			name:    "none",
			command: []string{"echo hello"},
			want:    map[string]string{},
		},
		{
			name: "two across lines",
			command: []string{"set -e\n" +
				"temporal operator search-attribute create --namespace default --name A --type Keyword || true\n" +
				"sa temporal operator search-attribute create --namespace default --name B --type Bool\n"},
			want: map[string]string{"A": "Keyword", "B": "Bool"},
		},
		{
			name:    "flag order",
			command: []string{"temporal", "operator", "search-attribute", "create --type Int --name C --namespace default"},
			want:    map[string]string{"C": "Int"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := searchAttributes(t, tc.command)
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatalf("read Dockerfile: %v", err)
	}
	text := string(b)
	tests := []struct {
		what string
		re   string
	}{
		{"build stage on golang:1.27", `(?m)^FROM\s+golang:1\.27\S*\s+AS\s+\w+`},
		{"runtime stage", `(?m)^FROM\s+(gcr\.io/distroless/static-debian12:nonroot|debian:bookworm-slim)\b`},
		{"static builds", `CGO_ENABLED=0`},
		{"builds ./worker", `go build [^\n]*-trimpath[^\n]*-o\s+\S*/worker\s+\./worker\b`},
		{"builds ./starter", `go build [^\n]*-trimpath[^\n]*-o\s+\S*/starter\s+\./starter\b`},
		{"stripped binaries", `-ldflags="?-s -w"?`},
		{"installs both binaries", `(?m)^COPY\s+--from=\w+\s+\S*/worker\s+\S*/starter\s+/usr/local/bin/`},
	}
	for _, tc := range tests {
		t.Run(tc.what, func(t *testing.T) {
			if !regexp.MustCompile(tc.re).MatchString(text) {
				t.Errorf("Dockerfile: got no match for %s, want one for /%s/", tc.what, tc.re)
			}
		})
	}
}
