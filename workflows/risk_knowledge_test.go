package workflows_test

import (
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// Stale knowledge's notice tells the articles' owner — ann — which articles are
// past their review date, and the update rates, and asks for a rectification plan
// within 24 h.
func (s *RiskAlertSuite) TestStaleKnowledgeTellsTheOwnerTheArticles() {
	s.opened(quality.Blue, "ann")
	s.acts.chains["ann"] = []complaint.Member{{ID: "ann", Role: complaint.RoleAgent}}
	a := &s.acts.alert
	a.Condition, a.Subject, a.Observed, a.Baseline, a.Threshold = quality.StaleKnowledge, "agent:ann", 1, 2, 1
	a.Details = quality.RiskDetails{From: s.start.Add(-24 * time.Hour), To: s.start,
		Counts: map[string]int64{"stale": 1, "live": 2},
		Knowledge: &quality.KnowledgeEvidence{Owner: "ann", OwnerActive: true, UpdateRatePct: 50, OverallUpdateRatePct: 66.67,
			Articles: []quality.StaleArticle{{ID: "kb-1", Title: "物流慢怎么办", ReviewedAt: s.start.Add(-91 * 24 * time.Hour),
				DueAt: s.start.Add(-24 * time.Hour)}}}}
	s.closeAt(time.Hour)
	s.run()

	s.Require().Len(s.acts.notices, 1)
	n := s.acts.notices[0]
	s.Equal("ann", n.Recipient)
	s.Equal("[BLUE] Risk alert: knowledge base articles past their review, kept by ann", n.Subject)
	for _, want := range []string{"1 of the 2 live knowledge base articles kept by ann were past their review date",
		"their update rate is 50% (everyone's 66.67%)", `"物流慢怎么办" (kb-1, due 2026-`, "a rectification plan"} {
		s.True(strings.Contains(n.Body, want), "notice %q lacks %q", n.Body, want)
	}
}
