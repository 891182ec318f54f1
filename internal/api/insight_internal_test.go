package api

import (
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// Text people typed reaches the insight CSV as text: a suggestion titled like a
// formula, a root cause or an owner starting with = + - @ is prefixed so a
// spreadsheet shows it; figures, negative gaps too, stay numbers.
func TestInsightCSVWritesTypedTextAsText(t *testing.T) {
	owner, gap := "@owner", -2.5
	w := httptest.NewRecorder()
	writeInsightCSV(w, insightReport{Period: "2026-10",
		Suggestions:      []backlogView{{Title: `=HYPERLINK("http://x","click")`, ProblemType: "logistics", Status: "open", Owner: &owner}},
		FeedbackKeywords: []quality.KeywordTrend{{Keyword: "+cmd", Now: 2}},
		RootCauses:       []quality.RootCauseCount{{RootCause: "-1+1", Category: "logistics", Complaints: 3}},
		KPIGaps:          []quality.KPIGap{{KPI: "nps", Target: 45, Gap: &gap}},
	})
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]bool{}
	for _, row := range rows {
		for _, c := range row {
			cells[c] = true
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://x","click")`, "'@owner", "'+cmd", "'-1+1", "-2.5"} {
		if !cells[want] {
			t.Errorf("no cell %q in %q", want, rows)
		}
	}
}
