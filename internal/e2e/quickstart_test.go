package e2e_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// bashBlock matches a fenced bash block of Markdown. Only ```bash blocks run;
// ```sh blocks are for reading (an SLA that takes hours, a server's setting).
var bashBlock = regexp.MustCompile("(?s)```bash\n(.*?)```")

// section is the text of the Markdown section under heading, up to the next heading
// of the same level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("no section %q", heading)
	}
	rest := doc[start+len(heading)+2:]
	level := heading[:strings.Index(heading, " ")+1]
	if end := strings.Index(rest, "\n"+level); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// bashBlocks is every ```bash block of a Markdown file of the repository (a path
// from its root), in order; with a heading, only those of that section. It fails
// the test when there are fewer than min: a walkthrough that lost its blocks
// would otherwise pass by running nothing.
func bashBlocks(t *testing.T, file, heading string, min int) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	if heading != "" {
		doc = section(t, doc, heading)
	}
	var blocks []string
	for _, m := range bashBlock.FindAllStringSubmatch(doc, -1) {
		blocks = append(blocks, m[1])
	}
	if len(blocks) < min {
		t.Fatalf("%s %s: %d bash blocks, want at least %d (the whole walkthrough)", file, heading, len(blocks), min)
	}
	return blocks
}

// runBlocks pastes blocks, in order, into one bash under set -euo pipefail against
// the stack, as a reader would paste them into a terminal: CF is the API, ADMIN
// the bootstrap admin token. Every curl of a walkthrough uses -f, so an error
// status fails the script and the test. It returns the script's output.
func (s *stack) runBlocks(name string, blocks []string, timeout time.Duration) string {
	s.t.Helper()
	if _, err := exec.LookPath("jq"); err != nil {
		s.t.Fatal("the walkthroughs need jq (Debian package jq): ", err)
	}
	script := "set -euo pipefail\n" + strings.Join(blocks, "")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(), "CF="+s.url, "ADMIN="+adminToken)
	out, err := cmd.CombinedOutput()
	s.t.Logf("%s output:\n%s", name, out)
	if err != nil {
		s.t.Fatalf("%s failed: %v", name, err)
	}
	return string(out)
}

// TestReadmeQuickStartRunsAsWritten pastes the README's quick start into bash
// against a real stack (API, worker, Temporal dev server, PostgreSQL), as a new
// user would, twice — a reader pastes it again on the stack they have — and checks
// that it did what the README says each time: every curl succeeds (-f fails the
// script on an error status) and each paste's complaint ends closed and verified by
// the customer's answer.
func TestReadmeQuickStartRunsAsWritten(t *testing.T) {
	blocks := bashBlocks(t, "README.md", "## Quick start", 8)
	s := newStack(t)
	s.runBlocks("the quick start", blocks, 3*time.Minute)
	time.Sleep(time.Second) // a second paste is at least a second later
	s.runBlocks("the quick start pasted again", blocks, 3*time.Minute)

	ctx := context.Background()
	var ids []string
	if err := s.store.DB().SelectContext(ctx, &ids, `SELECT id FROM complaints WHERE external_id LIKE 'web-%' ORDER BY created_at`); err != nil || len(ids) != 2 {
		t.Fatalf("the quick start's complaints: %v %v, want one per paste", ids, err)
	}
	for _, id := range ids {
		eventually(t, 30*time.Second, "the complaint closes verified", func() bool {
			c, err := s.store.Complaint(ctx, id)
			return err == nil && c.Status == complaint.StatusClosed
		})
		kinds := strings.Join(s.eventKinds(id), " ")
		for _, want := range []string{"acknowledged", "escalation_requested", "escalation_decided", "resolved", "survey_answered", "closed"} {
			if !strings.Contains(kinds, want) {
				t.Errorf("%s: events %q lack %s", id, kinds, want)
			}
		}
	}
}
