package e2e_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// The walkthroughs under docs/ run as written, each against a fresh stack, so
// their examples cannot rot: a renamed field, a missing header or a step out of
// order fails the script (every curl uses -f), and each test then checks in the
// store that the walkthrough did what its prose says.

// complaintByExternalID is the complaint a walkthrough filed.
func (s *stack) complaintByExternalID(externalID string) store.Complaint {
	s.t.Helper()
	var id string
	if err := s.store.DB().Get(&id, `SELECT id FROM complaints WHERE external_id = $1`, externalID); err != nil {
		s.t.Fatalf("complaint %s: %v", externalID, err)
	}
	c, err := s.store.Complaint(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// hasInOrder reports whether want appears in got as a subsequence.
func hasInOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func TestAPIGuideRunsAsWritten(t *testing.T) {
	blocks := bashBlocks(t, "docs/api-guide.md", "", 16)
	s := newStack(t)
	s.runBlocks("docs/api-guide.md", blocks, 4*time.Minute)

	first := s.complaintByExternalID("callcentre-20261123-0042")
	if first.Status != complaint.StatusClosed {
		t.Errorf("the first complaint is %s, want closed", first.Status)
	}
	if got, want := s.eventKinds(first.ID), []string{"opened", "acknowledged", "resolved", "reopened", "paused", "resumed", "resolved", "closed"}; !hasInOrder(got, want) {
		t.Errorf("the first complaint's events %v, want %v in order", got, want)
	}
	second := s.complaintByExternalID("web-7731")
	if second.Status != complaint.StatusInProgress || second.Urgency != "high" || second.Owner == nil || *second.Owner != "lee" {
		t.Errorf("the escalated complaint: status %s, urgency %s, owner %v; want in_progress, high, lee", second.Status, second.Urgency, second.Owner)
	}
	if got, want := s.eventKinds(second.ID), []string{"escalation_requested", "escalation_decided", "resolved", "survey_answered", "reopened"}; !hasInOrder(got, want) {
		t.Errorf("the escalated complaint's events %v, want %v in order", got, want)
	}
	// The bad examples changed nothing: two complaints, one calendar the policy uses.
	if n := s.countWhere("complaints", "true"); n != 2 {
		t.Errorf("%d complaints, want the walkthrough's 2", n)
	}
	if n := s.countWhere("sla_policies", "urgency = 'high' AND tier = 'high' AND calendar_id = 'shanghai-office'"); n != 1 {
		t.Errorf("the high/high policy does not use the calendar")
	}
	if s.countWhere("people", "id = 'dora' AND manager_id IS NULL") != 1 {
		t.Errorf("the refused reporting cycle changed dora")
	}
	if s.countWhere("message_templates", "key = 'progress' AND locale = 'en' AND subject LIKE 'Your complaint%'") != 1 {
		t.Errorf("the customer text is not the one changed against its version, or the refused change changed it")
	}
}

func TestFeedbackGuideRunsAsWritten(t *testing.T) {
	blocks := bashBlocks(t, "docs/feedback.md", "", 9)
	s := newStack(t)
	s.runBlocks("docs/feedback.md", blocks, 3*time.Minute)

	// The suggestion, sent twice, is one piece of feedback and one backlog item, planned.
	if n := s.countWhere("feedback", "external_id = 'app-123'"); n != 1 {
		t.Errorf("%d feedback rows for app-123, want 1", n)
	}
	if n := s.countWhere("improvement_backlog", "status = 'planned'"); n != 1 {
		t.Errorf("%d planned backlog items, want the suggestion's", n)
	}
	// The mention and the 2-star rating became complaints with workflows; the bad
	// feedback left no row.
	if n := s.countWhere("feedback", "true"); n != 3 {
		t.Errorf("%d feedback rows, want 3", n)
	}
	mention := s.complaintByExternalID("feedback:weibo-987") // the feedback's own ID
	if mention.Urgency != "high" || mention.Category != "product" {
		t.Errorf("the mention's complaint: urgency %s, category %s; want high product", mention.Urgency, mention.Category)
	}
	eventually(t, 30*time.Second, "the mention's complaint acknowledged by its workflow", func() bool {
		return slices.Contains(s.eventKinds(mention.ID), "opened")
	})
	if n := s.countWhere("complaints", "external_id LIKE 'feedback:%'"); n != 2 {
		t.Errorf("%d complaints from feedback, want the mention's and the rating's", n)
	}
	// The added rule is part of the set.
	if n := s.countWhere("classification_rules", "dimension = 'urgency' AND value = 'high' AND 'swollen battery' = ANY(keywords)"); n != 1 {
		t.Errorf("%d rules with the added keyword, want 1", n)
	}
}

func TestQualityGuideRunsAsWritten(t *testing.T) {
	blocks := bashBlocks(t, "docs/quality.md", "", 10)
	s := newStack(t)
	// Schedule IDs are global in the shared dev server's namespace: the walkthrough
	// deletes its own, and should it fail half-way, so does the test.
	t.Cleanup(func() {
		for _, id := range []string{"monthly", "weekly", "risk-now"} {
			_ = s.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(id)).Delete(context.Background())
		}
	})
	s.runBlocks("docs/quality.md", blocks, 4*time.Minute)

	if n := s.countWhere("reviews", "finished_at IS NOT NULL AND schedule_id <> 'on-demand'"); n != 2 {
		t.Errorf("%d finished scheduled reviews, want the monthly and the weekly one", n)
	}
	if n := s.countWhere("improvement_backlog", "status = 'done' AND owner = 'quinn' AND done_at IS NOT NULL"); n != 1 {
		t.Errorf("%d backlog items done by quinn, want the guide's one", n)
	}
	var stage string
	if err := s.store.DB().Get(&stage, `SELECT stage FROM pdca_cycles WHERE title = 'Logistics resolution'`); err != nil || stage != "do" {
		t.Errorf("the cycle's stage %q (%v), want do", stage, err)
	}
	if n := s.countWhere("risk_alerts", "condition = 'sla_compliance' AND grade = 'red' AND status = 'closed' AND root_cause IS NOT NULL"); n != 1 {
		t.Errorf("%d closed red SLA alerts with a ledger entry, want 1", n)
	}
	if n := s.countWhere("risk_alerts", "condition = 'manual' AND grade = 'red' AND status = 'closed' AND opened_by = 'qin'"); n != 1 {
		t.Errorf("%d closed manual red alerts opened by qin, want 1", n)
	}
	if n := s.countWhere("notifications", "recipient = 'dora' AND subject LIKE '[RED] Risk alert: Ticket system down%'"); n != 1 {
		t.Errorf("%d notices of the manual red alert to the director, want 1", n)
	}
	if n := s.countWhere("review_schedules", "true"); n != 0 {
		t.Errorf("%d review schedules left, want the walkthrough to delete its own", n)
	}
}
