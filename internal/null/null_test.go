package null_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/null"
)

func TestIfEmptyAndValueRoundTrip(t *testing.T) {
	if got := null.IfEmpty(""); got != nil {
		t.Errorf("IfEmpty(\"\") = %q, want nil", *got)
	}
	if got := null.IfEmpty("ann"); got == nil || *got != "ann" {
		t.Errorf("IfEmpty(\"ann\") = %v, want a pointer to ann", got)
	}
	if got := null.Value[string](nil); got != "" {
		t.Errorf("Value(nil) = %q, want \"\"", got)
	}
	n := 42
	if got := null.Value(&n); got != 42 {
		t.Errorf("Value(&42) = %d, want 42", got)
	}
}
