package quality_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// docs/quality.md's table of default KPI targets lists exactly DefaultKPITargets,
// in order, with each one's direction and number: the two cannot drift apart.
func TestTheDocsListTheDefaultKPITargets(t *testing.T) {
	raw, err := os.ReadFile("../../docs/quality.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Standing KPI targets\n")
	if !ok {
		t.Fatal(`docs/quality.md has no "## Standing KPI targets" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	// The table's rows: those after its |---| line, up to its first line without "|".
	_, table, _ := strings.Cut(section, "\n|---")
	_, table, _ = strings.Cut(table, "\n")
	table, _, _ = strings.Cut(table, "\n\n")
	var documented []string
	for line := range strings.SplitSeq(table, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 2 {
			t.Fatalf("docs/quality.md: KPI table row %q has too few cells", line)
		}
		documented = append(documented, strings.Trim(strings.TrimSpace(cells[0]), "`")+" "+strings.TrimSpace(cells[1]))
	}
	var seeded []string
	for _, k := range quality.DefaultKPITargets().Targets {
		op := "≤"
		if k.KPI.HigherIsBetter() {
			op = "≥"
		}
		seeded = append(seeded, fmt.Sprintf("%s %s %v", k.KPI, op, k.Target))
	}
	if fmt.Sprint(documented) != fmt.Sprint(seeded) {
		t.Errorf("docs/quality.md's default KPI targets:\n%q\nDefaultKPITargets:\n%q", documented, seeded)
	}
}
