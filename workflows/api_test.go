package workflows_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// A new complaint is listed by every search attribute from its start: a definition
// added without its start value would leave new workflows unlisted by it (and the
// bench's bare start, which takes the same set, cheaper than the API's).
func TestStartSearchAttributesSetEveryDefinition(t *testing.T) {
	sa := workflows.StartSearchAttributes(complaint.High, complaint.Low, "delivery", "ann")
	if got, want := sa.Size(), len(workflows.SearchAttributeDefinitions()); got != want {
		t.Errorf("StartSearchAttributes sets %d search attributes, %d are defined", got, want)
	}
	if status, _ := sa.GetKeyword(workflows.SearchAttrStatus); status != string(complaint.StatusOpen) {
		t.Errorf("status %q, want %q", status, complaint.StatusOpen)
	}
	if owner, _ := sa.GetKeyword(workflows.SearchAttrOwner); owner != "ann" {
		t.Errorf("owner %q, want ann", owner)
	}
}
