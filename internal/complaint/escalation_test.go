package complaint_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Every rule of CheckDecision, per kind: what passes and what each bad field gives,
// as "rule field detail", in order.
func TestCheckDecisionNamesEveryBadField(t *testing.T) {
	const (
		kinds    = "approve, reject, reassign, extend, compensate"
		levels   = "high, medium, low"
		compKind = "coupon, voucher, refund, upgrade, gift, points, other"
	)
	long := func(n int) string { return strings.Repeat("字", n) }
	comp := func(kind string, amount float64) *complaint.Compensation {
		return &complaint.Compensation{Kind: kind, Amount: amount}
	}
	type D = complaint.Decision
	tests := []struct {
		name string
		d    D
		want []string
	}{
		// The kind.
		{"no kind", D{}, []string{"kind decision is required; one of " + kinds}},
		{"unknown kind", D{Kind: "ignore"}, []string{`kind decision "ignore" is not one of ` + kinds}},
		{"kind in the wrong case", D{Kind: "Approve", Urgency: complaint.High}, []string{
			`kind decision "Approve" is not one of ` + kinds, "applies urgency applies only to approve"}},

		// approve: a raised urgency, a new owner, or both.
		{"approve with urgency", D{Kind: complaint.DecisionApprove, Urgency: complaint.High}, nil},
		{"approve with owner", D{Kind: complaint.DecisionApprove, Owner: "lee"}, nil},
		{"approve with both and a reason", D{Kind: complaint.DecisionApprove, Urgency: complaint.Low, Owner: "lee", Reason: "x"}, nil},
		{"approve with neither", D{Kind: complaint.DecisionApprove, Reason: "please"}, []string{
			"approve_changes urgency approve needs urgency, owner, or both"}},
		{"approve with an unknown urgency", D{Kind: complaint.DecisionApprove, Urgency: "urgent"}, []string{
			`urgency urgency "urgent" is not one of ` + levels}},
		{"approve with a long owner", D{Kind: complaint.DecisionApprove, Owner: long(65)}, nil},
		{"approve with a blank owner", D{Kind: complaint.DecisionApprove, Owner: " "}, nil},

		// reject: a reason.
		{"reject with reason", D{Kind: complaint.DecisionReject, Reason: "not our fault"}, nil},
		{"reject with a reason of 2000 characters", D{Kind: complaint.DecisionReject, Reason: long(2000)}, nil},
		{"reject without reason", D{Kind: complaint.DecisionReject}, []string{"reason reason is required"}},
		{"reject with a blank reason", D{Kind: complaint.DecisionReject, Reason: " \t"}, []string{"reason reason is required"}},
		{"reject with a reason too long", D{Kind: complaint.DecisionReject, Reason: long(2001)}, []string{
			"reason_length reason must be at most 2000 characters", "reason_length reason must be at most 2000 characters"}},
		{"reject with owner and urgency", D{Kind: complaint.DecisionReject, Reason: "x", Owner: "lee", Urgency: complaint.High}, []string{
			"applies owner applies only to approve and reassign", "applies urgency applies only to approve"}},
		{"reject with an unknown urgency", D{Kind: complaint.DecisionReject, Reason: "x", Urgency: "urgent"}, []string{
			`urgency urgency "urgent" is not one of ` + levels, "applies urgency applies only to approve"}},
		{"reject ignores the other kinds' fields", D{Kind: complaint.DecisionReject, Reason: "x",
			ExtensionSeconds: -1, Compensation: comp("cash", -1)}, nil},

		// reassign: an owner.
		{"reassign", D{Kind: complaint.DecisionReassign, Owner: "lee"}, nil},
		{"reassign to an owner of 64 characters", D{Kind: complaint.DecisionReassign, Owner: long(64)}, nil},
		{"reassign without owner", D{Kind: complaint.DecisionReassign, Reason: "x"}, []string{"owner owner is required"}},
		{"reassign to a blank owner", D{Kind: complaint.DecisionReassign, Owner: "  "}, []string{"owner owner is required"}},
		{"reassign to an owner too long", D{Kind: complaint.DecisionReassign, Owner: long(65)}, []string{
			"owner_length owner must be at most 64 characters"}},
		{"reassign with urgency", D{Kind: complaint.DecisionReassign, Owner: "lee", Urgency: complaint.High}, []string{
			"applies urgency applies only to approve"}},

		// extend: a positive whole number of seconds.
		{"extend", D{Kind: complaint.DecisionExtend, ExtensionSeconds: 1}, nil},
		{"extend by nothing", D{Kind: complaint.DecisionExtend}, []string{"extension extend_by must be a positive whole number of seconds"}},
		{"extend backwards", D{Kind: complaint.DecisionExtend, ExtensionSeconds: -60}, []string{
			"extension extend_by must be a positive whole number of seconds"}},
		{"extend with an owner", D{Kind: complaint.DecisionExtend, ExtensionSeconds: 3600, Owner: "lee"}, []string{
			"applies owner applies only to approve and reassign"}},

		// compensate: a known kind, an amount from 0 to 1e9, an ISO 4217 currency, a short note.
		{"compensate", D{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{
			Kind: "coupon", Amount: 50, Currency: "CNY", Note: long(500)}}, nil},
		{"compensate nothing", D{Kind: complaint.DecisionCompensate, Compensation: comp("points", 0)}, nil},
		{"compensate the most", D{Kind: complaint.DecisionCompensate, Compensation: comp("refund", 1e9)}, nil},
		{"compensate without compensation", D{Kind: complaint.DecisionCompensate}, []string{
			"compensation compensation is required: kind, amount and optionally currency and note"}},
		{"compensation without kind", D{Kind: complaint.DecisionCompensate, Compensation: comp("", 5)}, []string{
			"compensation_kind compensation.kind is required; one of " + compKind}},
		{"compensation of an unknown kind", D{Kind: complaint.DecisionCompensate, Compensation: comp("cash", 5)}, []string{
			`compensation_kind compensation.kind "cash" is not one of ` + compKind}},
		{"negative amount", D{Kind: complaint.DecisionCompensate, Compensation: comp("gift", -0.01)}, []string{
			"amount compensation.amount must be between 0 and 1e9"}},
		{"amount that is not a number", D{Kind: complaint.DecisionCompensate, Compensation: comp("gift", math.NaN())}, []string{
			"amount compensation.amount must be between 0 and 1e9"}},
		{"infinite amount", D{Kind: complaint.DecisionCompensate, Compensation: comp("gift", math.Inf(1))}, []string{
			"amount compensation.amount must be between 0 and 1e9"}},
		{"amount above 1e9", D{Kind: complaint.DecisionCompensate, Compensation: comp("gift", 1e9+1)}, []string{
			"amount_limit compensation.amount must be between 0 and 1e9"}},
		{"currency in lower case", D{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{
			Kind: "coupon", Amount: 5, Currency: "cny"}}, []string{"currency compensation.currency must be an ISO 4217 code such as CNY"}},
		{"currency of four letters", D{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{
			Kind: "coupon", Amount: 5, Currency: "EURO"}}, []string{"currency compensation.currency must be an ISO 4217 code such as CNY"}},
		{"note too long", D{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{
			Kind: "coupon", Amount: 5, Note: long(501)}}, []string{"note_length compensation.note must be at most 500 characters"}},
		{"everything wrong with the compensation", D{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{
			Kind: "cash", Amount: -1, Currency: "C1Y", Note: long(501)}}, []string{
			`compensation_kind compensation.kind "cash" is not one of ` + compKind,
			"amount compensation.amount must be between 0 and 1e9",
			"currency compensation.currency must be an ISO 4217 code such as CNY",
			"note_length compensation.note must be at most 500 characters"}},

		// Several problems come in the API's order: kind, reason, urgency, what does not
		// apply, then the kind's own fields.
		{"everything wrong", D{Kind: "ignore", Reason: long(2001), Urgency: "urgent", Owner: "lee"}, []string{
			`kind decision "ignore" is not one of ` + kinds,
			"reason_length reason must be at most 2000 characters",
			`urgency urgency "urgent" is not one of ` + levels,
			"applies owner applies only to approve and reassign",
			"applies urgency applies only to approve"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range complaint.CheckDecision(tt.d) {
			got = append(got, string(p.Rule)+" "+p.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Only the eligible approvers decide; the refusal says where the actor stands.
func TestDeciderRefusal(t *testing.T) {
	chain := []complaint.Member{{ID: "ann", Role: complaint.RoleAgent}, {ID: "lee", Role: complaint.RoleTeamLead},
		{ID: "max", Role: complaint.RoleManager}, {ID: "dan", Role: complaint.RoleDirector}}
	e := complaint.EscalationRecord{Seq: 2, Level: 2, Eligible: []string{"dan"}}
	tests := []struct{ actor, want string }{
		{"dan", ""},
		{"", "actor is required"},
		{"lee", "lee is a team_lead; only a manager or higher in the owner's chain may decide"},
		{"max", "escalation 2 has moved up to level 2; only [dan] may decide"},
		{"tom", "tom is not a manager in the reporting chain of ann"},
	}
	for _, tt := range tests {
		if got := e.DeciderRefusal(tt.actor, chain, "ann"); got != tt.want {
			t.Errorf("DeciderRefusal(%q) = %q, want %q", tt.actor, got, tt.want)
		}
	}
}
