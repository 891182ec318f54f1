package workflows

import (
	"errors"
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
