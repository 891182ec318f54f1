package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
)

// Front-line authority on the real stack with the seeded limits (002 §3.1): ann (an
// agent) compensates 150 CNY at once; 300 CNY goes to max's inbox as an escalation
// and his "compensate" decision grants it; his "compensate" decision on an escalation
// ann asks without a compensation grants one of its own. Then lee, the team lead, hands the
// complaint to bob without an escalation, and the clocks keep their due times.
func TestAgentCompensates150AtOnceAnd300GoesToTheManager(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ctx := context.Background()
	bob, err := s.api(adminToken).PutPersonWithResponse(ctx, "bob", nil, apiclient.PutPersonRequest{
		Name: "Bob", Role: apiclient.PersonRoleAgent, TeamId: ptr("care"), ManagerId: ptr("lee"), Email: ptr("bob@example.com")})
	s.want(201, bob, err)
	filed := s.file(adminToken, "comp-1", apiclient.Medium, apiclient.Medium)
	id := filed.Id.String()
	ann := s.api(s.personToken("agent", "ann"))

	compensate := func(amount float64, key string) *apiclient.Compensation {
		t.Helper()
		res, err := ann.CompensateWithResponse(ctx, filed.Id, &apiclient.CompensateParams{IdempotencyKey: &key},
			apiclient.CompensateRequest{Kind: apiclient.RecoveryKindCompensation, Amount: amount, Currency: "CNY", Note: ptr("parcel a week late")})
		s.want(201, res, err)
		return res.JSON201
	}
	if c := compensate(150, "comp-150"); c.Status != apiclient.CompensationStatusGranted || null.Value(c.Limit) != 200 {
		t.Fatalf("150 CNY: %+v, want granted under the limit of 200", c)
	}
	over := compensate(300, "comp-300")
	if over.Status != apiclient.CompensationStatusRequested || null.Value(over.EscalationSeq) != 1 {
		t.Fatalf("300 CNY: %+v, want requested through escalation 1", over)
	}
	if again := compensate(300, "comp-300"); again.Seq != over.Seq { // a retried request
		t.Fatalf("the retry recorded compensation %d, want %d", again.Seq, over.Seq)
	}

	max := s.api(s.personToken("manager", "max"))
	inbox, err := max.EscalationInboxWithResponse(ctx, nil)
	s.want(200, inbox, err)
	if items := inbox.JSON200.Items; len(items) != 1 || !strings.Contains(items[0].Reason, "compensation of 300 CNY") || !items[0].Automatic {
		t.Fatalf("max's inbox: %s", inbox.Body)
	}
	decision := apiclient.DecisionRequest{Decision: apiclient.DecisionRequestDecisionCompensate}
	decision.Compensation = &struct {
		Amount   float64                                   `json:"amount"`
		Currency *string                                   `json:"currency,omitempty"`
		Kind     apiclient.DecisionRequestCompensationKind `json:"kind"`
		Note     *string                                   `json:"note,omitempty"`
	}{Amount: 300, Currency: ptr("CNY"), Kind: apiclient.DecisionRequestCompensationKindOther}
	decided, err := max.DecideEscalationWithResponse(ctx, filed.Id, 1, nil, decision)
	s.want(200, decided, err)

	// A "compensate" decision on an escalation that asked for none grants a
	// compensation of its own (revision 8): listed, and in the cost of recovery.
	asked, err := ann.RequestEscalationWithResponse(ctx, filed.Id, nil, apiclient.ReasonRequest{Reason: "the customer asks for more"})
	s.want(201, asked, err)
	decision.Compensation.Amount, decision.Compensation.Kind = 12, apiclient.DecisionRequestCompensationKindCoupon
	decided, err = max.DecideEscalationWithResponse(ctx, filed.Id, 2, nil, decision)
	s.want(200, decided, err)

	list, err := ann.ListCompensationsWithResponse(ctx, filed.Id)
	s.want(200, list, err)
	var got []string
	for _, c := range list.JSON200.Items {
		got = append(got, fmt.Sprintf("%s %s %g %s %d", c.Status, null.Value(c.DecidedBy), c.Amount, c.Kind, null.Value(c.EscalationSeq)))
	}
	if want := []string{"granted ann 150 compensation 0", "granted max 300 compensation 1", "granted max 12 compensation 2"}; !slices.Equal(got, want) {
		t.Fatalf("compensations %v, want %v", got, want)
	}

	// The hand-over: bob (neither the owner nor the lead) may not; lee, the lead, may.
	before, _ := s.store.Complaint(ctx, id)
	bobTok := s.api(s.personToken("agent", "bob"))
	refused, err := bobTok.HandoverComplaintWithResponse(ctx, filed.Id, nil, apiclient.HandoverRequest{ToPersonId: "bob", Reason: "mine now"})
	s.want(409, refused, err)
	lee := s.api(s.personToken("agent", "lee"))
	handed, err := lee.HandoverComplaintWithResponse(ctx, filed.Id, nil, apiclient.HandoverRequest{ToPersonId: "bob", Reason: "ann is on leave"})
	s.want(200, handed, err)
	after, _ := s.store.Complaint(ctx, id)
	if null.Value(after.Owner) != "bob" || !after.FirstResponseDueAt.Equal(before.FirstResponseDueAt) ||
		!null.Value(after.ResolutionDueAt).Equal(null.Value(before.ResolutionDueAt)) {
		t.Fatalf("after the hand-over: owner %v, due %v / %v; before %v / %v", after.Owner,
			after.FirstResponseDueAt, after.ResolutionDueAt, before.FirstResponseDueAt, before.ResolutionDueAt)
	}

	resolved, err := bobTok.ResolveComplaintWithResponse(ctx, filed.Id, nil, apiclient.ResolveRequest{Summary: "parcel found", RootCause: "depot"})
	s.want(200, resolved, err)
	closed, err := bobTok.CloseComplaintWithResponse(ctx, filed.Id, nil, apiclient.CloseRequest{})
	s.want(200, closed, err)

	want := []string{"opened", "compensation_granted", "compensation_requested", "escalation_requested",
		"escalation_decided", "compensation_granted", "escalation_requested", "escalation_decided", "compensation_granted",
		"handed_over", "resolved"}
	kinds := slices.DeleteFunc(s.eventKinds(id), func(k string) bool { return strings.HasPrefix(k, "survey_") || k == "closed" })
	if !slices.Equal(kinds, want) {
		t.Errorf("events %v, want %v", kinds, want)
	}
	// The customer heard of each grant once; bob of the hand-over, with the console link.
	eventually(t, 15*time.Second, "the notices", func() bool {
		var grants, handover int
		for _, n := range s.notifications(id) {
			switch {
			case n.EventKind == "compensation_granted" && n.Recipient == "customer":
				grants++
			case n.EventKind == "handed_over" && n.Recipient == "bob" && strings.Contains(n.Body, s.url+"/console/complaints/"+id):
				handover++
			}
		}
		if grants != 3 || handover != 1 {
			t.Logf("grants %d, hand-over notices %d", grants, handover)
			for _, n := range s.notifications(id) {
				t.Logf("%s %s %s %q", n.EventKind, n.Recipient, n.Channel, n.Body)
			}
		}
		return grants == 3 && handover == 1
	})

	// The period's end is explicit: the default ends at now truncated to the second,
	// which can fall before a complaint filed in the same second.
	to := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	metrics := s.must(200, s.do("GET", "/v1/metrics?group_by=category&to="+to, adminToken, nil)).body
	cost := metrics["total"].(map[string]any)["recovery_cost"].([]any)
	if len(cost) != 1 || cost[0].(map[string]any)["amount"] != 462.0 || cost[0].(map[string]any)["granted"] != 3.0 {
		cs, _ := s.store.Compensations(ctx, id)
		r, err := s.store.Metrics(ctx, time.Now().Add(-time.Hour), time.Now(), "category")
		t.Errorf("cost of recovery %v, want 462 CNY in 3 grants; rows %+v; store %+v %v; %v", cost, cs, r.Total.RecoveryCost, err, metrics)
	}
	eventually(t, 20*time.Second, "the workflow to complete", func() bool {
		desc, err := s.temporal.DescribeWorkflowExecution(ctx, filed.WorkflowId, "")
		return err == nil && desc.WorkflowExecutionInfo.GetCloseTime() != nil
	})
	s.checkHistory(filed.WorkflowId, "rev1_comp_frontline_compensated_handed_over")
	// Revision 8's: the decisions' compensations recorded with them.
	s.checkHistory(filed.WorkflowId, "complaint_decisions_compensations_recorded")
}
