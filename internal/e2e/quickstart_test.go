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

// bashBlock matches a fenced bash block of Markdown.
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

// TestReadmeQuickStartRunsAsWritten pastes the README's quick start into bash
// against a real stack (API, worker, Temporal dev server, PostgreSQL), as a new
// user would, and checks that it did what the README says: every curl succeeds
// (-f fails the script on an error status) and the complaint ends closed and
// verified by the customer's answer.
func TestReadmeQuickStartRunsAsWritten(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("the quick start needs jq (Debian package jq): ", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := bashBlock.FindAllStringSubmatch(section(t, string(readme), "## Quick start"), -1)
	if len(blocks) < 8 {
		t.Fatalf("found %d bash blocks in the quick start, want the whole walk-through", len(blocks))
	}
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for _, b := range blocks {
		script.WriteString(b[1])
	}

	s := newStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Env = append(os.Environ(), "CF="+s.url, "ADMIN="+adminToken)
	out, err := cmd.CombinedOutput()
	t.Logf("quick start output:\n%s", out)
	if err != nil {
		t.Fatalf("the quick start failed: %v", err)
	}

	var id string
	if err := s.store.DB().GetContext(ctx, &id, `SELECT id FROM complaints WHERE external_id = 'web-1001'`); err != nil {
		t.Fatalf("the quick start's complaint: %v", err)
	}
	eventually(t, 30*time.Second, "the complaint closes verified", func() bool {
		c, err := s.store.Complaint(ctx, id)
		return err == nil && c.Status == complaint.StatusClosed
	})
	kinds := strings.Join(s.eventKinds(id), " ")
	for _, want := range []string{"acknowledged", "escalation_requested", "escalation_decided", "resolved", "survey_answered", "closed"} {
		if !strings.Contains(kinds, want) {
			t.Errorf("events %q lack %s", kinds, want)
		}
	}
}
