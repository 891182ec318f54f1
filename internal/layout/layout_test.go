// Package layout holds fitness tests for the architecture docs/ARCHITECTURE.md
// draws: they fail when a change lets the layers blur again.
package layout_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/complaintflow/complaintflow/"

// root is the module's root: two folders up from this package.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestWorkflowCodeSeesNoDatabase: workflow code works with the vocabulary packages
// and the activities' contract, never with the store, SQL drivers or the API.
func TestWorkflowCodeSeesNoDatabase(t *testing.T) {
	forbidden := []string{module + "internal/store", module + "internal/api", "github.com/lib/pq", "github.com/jmoiron/sqlx", "database/sql"}
	for _, pkg := range []string{"./workflows", "./activities"} {
		for _, d := range deps(t, pkg) {
			for _, f := range forbidden {
				if d == f {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
}

// TestVocabularyPackagesSeeNoDatabase: the stateless packages both the API and the
// workflows use know nothing of the store or SQL. (quality converts cron specs to
// Temporal's schedule types, which are data, so Temporal's SDK is allowed.)
func TestVocabularyPackagesSeeNoDatabase(t *testing.T) {
	for _, pkg := range []string{"./internal/complaint", "./internal/quality", "./internal/calendar", "./internal/classify"} {
		for _, d := range deps(t, pkg) {
			if d == module+"internal/store" || d == "database/sql" || d == "github.com/lib/pq" || d == "github.com/jmoiron/sqlx" {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}

// TestAPIStartsWorkflowsNotActivities: the API imports workflows (names, update
// payloads) and the vocabulary packages, never the activities' implementation.
func TestAPIStartsWorkflowsNotActivities(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", "./internal/api")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./internal/api: %v", err)
	}
	imports := strings.Fields(string(out))
	if len(imports) == 0 {
		t.Fatal("go list printed no imports for ./internal/api")
	}
	for _, d := range imports {
		if d == module+"activities" {
			t.Errorf("internal/api imports %s", d)
		}
	}
}

// goFiles lists the module's tracked .go files.
func goFiles(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "*.go")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 50 {
		t.Fatalf("only %d Go files found; is this the module root?", len(files))
	}
	return files
}

// eachFile calls check with the path and text of every tracked .go file that keep
// accepts.
func eachFile(t *testing.T, keep func(path string) bool, check func(path, text string)) {
	t.Helper()
	for _, f := range goFiles(t) {
		if !keep(f) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root(t), f))
		if err != nil {
			t.Fatal(err)
		}
		check(f, string(b))
	}
}

// nullTypes is spelled in two parts so that this file does not find itself.
const nullTypes = "sql." + "Null"

// TestOneNullConvention: nullable columns are pointers everywhere; database/sql's
// null types may appear only inside the store.
func TestOneNullConvention(t *testing.T) {
	outsideStore := func(f string) bool { return !strings.HasPrefix(f, "internal/store/") }
	eachFile(t, outsideStore, func(f, text string) {
		if strings.Contains(text, nullTypes) {
			t.Errorf("%s uses %s*; use a pointer", f, nullTypes)
		}
	})
}

// maxLines is the size past which a product file is split by concern.
const maxLines = 600

// generated matches the header Go marks generated code with (go help generate).
var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// TestNoProductFileOverMaxLines keeps files small enough to read as one concern;
// generated code (the API client) is read as its source, the OpenAPI document.
func TestNoProductFileOverMaxLines(t *testing.T) {
	product := func(f string) bool { return !strings.HasSuffix(f, "_test.go") }
	eachFile(t, product, func(f, text string) {
		if generated.MatchString(text) {
			return
		}
		if n := strings.Count(text, "\n"); n > maxLines {
			t.Errorf("%s has %d lines; split it by concern (at most %d)", f, n, maxLines)
		}
	})
}
