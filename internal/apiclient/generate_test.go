package apiclient_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTheClientIsGeneratedFromTheDocument runs the go:generate line of generate.go
// (the one pin of the generator) into a temporary file and compares it with the
// committed client: a document changed without `make generate` fails here.
func TestTheClientIsGeneratedFromTheDocument(t *testing.T) {
	src, err := os.ReadFile("generate.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^//go:generate (.+)$`).FindSubmatch(src)
	if m == nil {
		t.Fatal("generate.go has no go:generate line")
	}
	args := strings.Fields(string(m[1]))
	out := slices.Index(args, "-o")
	if out < 0 || out+1 >= len(args) || args[out+1] != "client.gen.go" {
		t.Fatalf("the go:generate line must write -o client.gen.go: %q", m[1])
	}
	fresh := filepath.Join(t.TempDir(), "client.gen.go")
	args[out+1] = fresh
	cmd := exec.Command(args[0], args[1:]...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", m[1], err, msg)
	}
	want, err := os.ReadFile(fresh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("client.gen.go is not what the generator makes of the OpenAPI document; run `make generate` and commit it")
	}
}
