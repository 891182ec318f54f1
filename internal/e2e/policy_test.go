package e2e_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/workflows"
)

// 001 "实时反馈机制": a 1-star touch-point rating files a complaint due in 15 minutes,
// under the seeded negative-feedback policy, and says so; an admin's shorter source
// policy is breached on the real workflow.
func TestOneStarRatingFilesAComplaintDueIn15Minutes(t *testing.T) {
	s := newStack(t)
	ctx, admin := context.Background(), s.api(adminToken)
	rate := func(externalID string) apiclient.Complaint {
		t.Helper()
		fb, err := s.api(s.token("intake")).PostFeedbackWithResponse(ctx, apiclient.FeedbackRequest{
			ExternalId: ptr(externalID), Kind: apiclient.FeedbackKindRating, Channel: apiclient.ChannelApp, Rating: ptr(1),
			Customer: &apiclient.Customer{Id: "cust-7", Name: "李雷", Tier: apiclient.Low},
		})
		s.want(201, fb, err)
		id := null.Value(fb.JSON201.ComplaintId)
		if id == "" {
			t.Fatalf("a 1-star rating filed no complaint: %s", fb.Body)
		}
		c, err := admin.GetComplaintWithResponse(ctx, uuid.MustParse(id))
		s.want(200, c, err)
		return *c.JSON200
	}

	c := rate("star-1")
	if got := c.FirstResponseDueAt.Sub(c.CreatedAt); got != 15*time.Minute {
		t.Errorf("first response due after %s, want 15m", got)
	}
	p := c.Sla.Policy
	if c.Source != apiclient.ComplaintSourceNegativeFeedback || p == nil || p.Id != "negative_feedback/*/*" ||
		c.Sla.FirstResponse != "15m0s" || null.Value(c.Sla.Resolution) != "24h0m0s" ||
		!strings.Contains(p.Reason, "outranks the urgency × tier matrix") {
		t.Fatalf("1-star complaint: source %s sla %+v policy %+v", c.Source, c.Sla, p)
	}

	// An admin tightens the source policy; the next 1-star complaint breaches it.
	put, err := admin.PutSourcePolicyWithResponse(ctx, apiclient.ComplaintSourceNegativeFeedback, apiclient.PolicyAny,
		apiclient.PolicyAny, nil, apiclient.PutPolicyRequest{FirstResponse: "2s", Resolution: ptr("1h")})
	s.want(200, put, err)
	c = rate("star-2")
	if c.Sla.FirstResponse != "2s" {
		t.Fatalf("the changed source policy was not applied: %+v", c.Sla)
	}
	id := c.Id.String()
	eventually(t, 30*time.Second, "the 2-second first-response clock to breach", func() bool {
		return s.count(id, "sla_breached") == 1
	})
	got, err := admin.GetComplaintWithResponse(ctx, c.Id)
	s.want(200, got, err)
	if !got.JSON200.Sla.FirstResponseBreached {
		t.Errorf("breach not on the complaint: %s", got.Body)
	}
}

// 002 §3.2: an angry customer's complaint is raised one urgency level at intake,
// the raise recorded as an event with its reason, and escalated to a manager; the
// high-value customer is routed to the team of their tier (002 §2.3).
func TestAngryCustomerIsRaisedAndEscalated(t *testing.T) {
	s := newStack(t)
	s.directory("http://127.0.0.1:1/hooks") // lee and max's webhooks go nowhere: only events matter here
	ctx, admin := context.Background(), s.api(adminToken)
	vip, err := admin.PutTeamWithResponse(ctx, "vip", nil, apiclient.PutTeamRequest{Name: "VIP desk"})
	s.want(201, vip, err)
	route, err := admin.PutRouteWithResponse(ctx, apiclient.RouteCategoryAsterisk,
		&apiclient.PutRouteParams{Tier: ptr(apiclient.PolicyHigh)}, apiclient.PutRouteRequest{TeamId: "vip"})
	s.want(201, route, err)

	req := complaintRequest("angry-1", apiclient.Medium, apiclient.Low)
	req.Description = "I am furious: the parcel is a week late"
	res, err := s.api(adminToken).FileComplaintWithResponse(ctx, req)
	s.want(201, res, err)
	c := *res.JSON201
	if c.Urgency != apiclient.High || c.Anger == nil || c.Anger.RaisedFrom == nil ||
		string(*c.Anger.RaisedFrom) != "medium" || c.Anger.Reason != "anger words in the text: furious" {
		t.Fatalf("angry complaint: urgency %s anger %+v", c.Urgency, c.Anger)
	}
	if null.Value(c.Owner) != "ann" {
		t.Errorf("a low-tier logistics complaint routed to %v, want ann", c.Owner)
	}
	id := c.Id.String()
	eventually(t, 30*time.Second, "the raise and the escalation to be recorded", func() bool {
		return s.count(id, "urgency_raised") == 1 && s.count(id, "escalation_requested") == 1
	})
	events, err := admin.ListComplaintEventsWithResponse(ctx, c.Id)
	s.want(200, events, err)
	for _, e := range events.JSON200.Items {
		data, _ := e.Data.(map[string]any)
		if e.Kind == "urgency_raised" && (data["reason"] != "urgency raised from medium to high: anger words in the text: furious" || data["urgency"] != "high") {
			t.Errorf("raise event without its reason: %s", e.Data)
		}
	}

	high := complaintRequest("vip-1", apiclient.Medium, apiclient.High)
	res, err = s.api(adminToken).FileComplaintWithResponse(ctx, high)
	s.want(201, res, err)
	if team := null.Value(res.JSON201.TeamId); team != "vip" {
		t.Errorf("a high-tier complaint routed to team %q, want vip: the tier rule outranks the category's", team)
	}
	if res.JSON201.Anger != nil {
		t.Errorf("a calm complaint marked angry: %+v", res.JSON201.Anger)
	}
	s.checkHistory(workflows.ComplaintWorkflowID(id), "rev1_policy_angry_raised_escalated")
}

// An angry customer whose complaint lands in a queue no manager stands above (a
// team with nobody in it) is escalated all the same (002 §3.2): the escalation is
// recorded pending, awaiting a manager, in PostgreSQL as in the workflow — and
// nothing behind it waits: the manager max acknowledging it becomes its owner, and
// the escalation goes to the first above him (director dora) with a decision deadline.
func TestAngryCustomerWithNoManagerAboveIsEscalatedOnceOneIsNamed(t *testing.T) {
	s := newStack(t)
	s.directory("http://127.0.0.1:1/hooks")
	ctx, admin := context.Background(), s.api(adminToken)
	nobody, err := admin.PutTeamWithResponse(ctx, "night", nil, apiclient.PutTeamRequest{Name: "Night desk"})
	s.want(201, nobody, err)
	route, err := admin.PutRouteWithResponse(ctx, apiclient.RouteCategoryAsterisk,
		&apiclient.PutRouteParams{Tier: ptr(apiclient.PolicyHigh)}, apiclient.PutRouteRequest{TeamId: "night"})
	s.want(201, route, err)

	req := complaintRequest("angry-unrouted", apiclient.Medium, apiclient.High)
	req.Description = "I am furious: nobody has answered for a week"
	res, err := admin.FileComplaintWithResponse(ctx, req)
	s.want(201, res, err)
	c := *res.JSON201
	id := c.Id.String()
	eventually(t, 30*time.Second, "the escalation to be recorded", func() bool {
		return s.count(id, "escalation_requested") == 1
	})
	es, err := admin.ListComplaintEscalationsWithResponse(ctx, c.Id)
	s.want(200, es, err)
	if len(es.JSON200.Items) != 1 || es.JSON200.Items[0].Status != apiclient.EscalationStatusPending ||
		es.JSON200.Items[0].Level != 0 || len(es.JSON200.Items[0].Eligible) != 0 {
		t.Fatalf("escalations %s: want one pending, awaiting a manager", es.Body)
	}

	ack, err := s.api(s.personToken("manager", "max")).AcknowledgeComplaintWithResponse(ctx, c.Id, nil,
		apiclient.AcknowledgeRequest{Message: "I am on it"})
	s.want(200, ack, err)
	eventually(t, 30*time.Second, "the escalation to reach dora", func() bool {
		es, err := admin.ListComplaintEscalationsWithResponse(ctx, c.Id)
		if err != nil || es.JSON200 == nil || len(es.JSON200.Items) != 1 {
			return false
		}
		e := es.JSON200.Items[0]
		return e.Level == 1 && slices.Equal(e.Eligible, []string{"dora"}) && e.DecisionDueAt != nil
	})
}
