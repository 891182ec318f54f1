package workflows

import (
	"errors"
	"math"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// The workflow completes once closed, so a closed complaint is only reachable in
// state between the close and the end of the run; check the validators directly.
func TestValidatorsRejectEveryActionOnAClosedComplaint(t *testing.T) {
	w := &complaintWorkflow{state: ComplaintState{Status: complaint.StatusClosed}}
	tests := []struct {
		action string
		err    error
	}{
		{"acknowledge", w.validateAcknowledge(nil, AcknowledgeRequest{Actor: "a", Message: "m"})},
		{"resolve", w.validateResolve(nil, ResolveRequest{Actor: "a", Summary: "s", RootCause: "r"})},
		{"close", w.validateClose(nil, CloseRequest{Actor: "a"})},
	}
	for _, tt := range tests {
		want := "cannot " + tt.action + ": the complaint is closed"
		var appErr *temporal.ApplicationError
		if !errors.As(tt.err, &appErr) || appErr.Message() != want || appErr.Type() != ErrTypeInvalidAction {
			t.Errorf("%s on a closed complaint: got %v, want %q", tt.action, tt.err, want)
		}
	}
}

// The workflow refuses a decision complaint.CheckDecision faults in its own words,
// one reason, an owner or urgency that does not apply first; it leaves the API's
// wire-form rules (lengths, currency, the amount's upper bound) alone.
func TestDecisionRefusalWordsTheWorkflowsReason(t *testing.T) {
	long := strings.Repeat("字", 2001)
	comp := func(kind string, amount float64, currency string) *complaint.Compensation {
		return &complaint.Compensation{Kind: kind, Amount: amount, Currency: currency}
	}
	type D = complaint.Decision
	tests := []struct {
		d    D
		want string // "" accepted
	}{
		{D{Kind: "ignore"}, `decision "ignore" is not one of [approve reject reassign extend compensate]`},
		{D{}, `decision "" is not one of [approve reject reassign extend compensate]`},
		{D{Kind: "ignore", Owner: "lee", Urgency: "urgent"}, "owner applies only to approve and reassign"},
		{D{Kind: complaint.DecisionReject, Reason: "x", Urgency: "urgent"}, "urgency applies only to approve"},
		{D{Kind: complaint.DecisionApprove}, "approve needs a raised urgency, a senior owner, or both"},
		{D{Kind: complaint.DecisionApprove, Urgency: "urgent"}, `urgency "urgent" is not one of high, medium, low`},
		{D{Kind: complaint.DecisionApprove, Urgency: complaint.High, Reason: long}, ""},
		{D{Kind: complaint.DecisionReject, Reason: " "}, "reason is required"},
		{D{Kind: complaint.DecisionReject, Reason: long}, ""},
		{D{Kind: complaint.DecisionReassign}, "owner is required"},
		{D{Kind: complaint.DecisionReassign, Owner: strings.Repeat("x", 65)}, ""},
		{D{Kind: complaint.DecisionExtend}, "extension must be positive"},
		{D{Kind: complaint.DecisionExtend, ExtensionSeconds: 1}, ""},
		{D{Kind: complaint.DecisionCompensate}, "compensation is required"},
		{D{Kind: complaint.DecisionCompensate, Compensation: comp("cash", -1, "")},
			`compensation kind "cash" is not one of [coupon voucher refund upgrade gift points other]`},
		{D{Kind: complaint.DecisionCompensate, Compensation: comp("coupon", math.NaN(), "")}, "compensation amount must be zero or more"},
		{D{Kind: complaint.DecisionCompensate, Compensation: comp("coupon", 2e9, "cny")}, ""},
	}
	for _, tt := range tests {
		err := decisionRefusal(tt.d)
		var appErr *temporal.ApplicationError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: got %v, want accepted", tt.d, err)
		case tt.want != "" && (!errors.As(err, &appErr) || appErr.Message() != tt.want || appErr.Type() != ErrTypeInvalidAction):
			t.Errorf("%+v: got %v, want %q", tt.d, err, tt.want)
		}
	}
}
