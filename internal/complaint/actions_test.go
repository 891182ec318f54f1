package complaint_test

import (
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Each status takes the actions of its place in the life cycle: an open complaint
// is acknowledged, an acknowledged one paused, a waiting one resumed, a resolved
// one reopened or closed, a closed one nothing; a round the customer's answer
// reopened is acknowledged in progress instead, and not paused until it is.
func TestAllows(t *testing.T) {
	active := []complaint.Action{complaint.ActionProgress, complaint.ActionResolve, complaint.ActionEscalate,
		complaint.ActionCompensate, complaint.ActionHandover}
	with := func(a ...complaint.Action) []complaint.Action { return append(slices.Clone(active), a...) }
	tests := []struct {
		status   complaint.Status
		awaiting bool
		want     []complaint.Action
	}{
		{complaint.StatusOpen, false, with(complaint.ActionAcknowledge)},
		{complaint.StatusInProgress, false, with(complaint.ActionPause)},
		{complaint.StatusInProgress, true, with(complaint.ActionAcknowledge)},
		{complaint.StatusWaitingOnCustomer, false, with(complaint.ActionResume)},
		{complaint.StatusBacklog, false, active},
		{complaint.StatusResolved, false, []complaint.Action{complaint.ActionReopen, complaint.ActionClose}},
		{complaint.StatusClosed, false, nil},
	}
	all := []complaint.Action{complaint.ActionAcknowledge, complaint.ActionProgress, complaint.ActionPause,
		complaint.ActionResume, complaint.ActionResolve, complaint.ActionEscalate, complaint.ActionCompensate,
		complaint.ActionHandover, complaint.ActionReopen, complaint.ActionClose, "unknown"}
	for _, tt := range tests {
		for _, a := range all {
			if got, want := complaint.Allows(tt.status, a, tt.awaiting), slices.Contains(tt.want, a); got != want {
				t.Errorf("Allows(%s, %s, awaiting response %v) = %v, want %v", tt.status, a, tt.awaiting, got, want)
			}
		}
	}
}
