package activities

import (
	"errors"
	"fmt"
	"testing"
)

type kindError struct{ missing, clash bool }

func (e kindError) Error() string  { return "kind" }
func (e kindError) NotFound() bool { return e.missing }
func (e kindError) Conflict() bool { return e.clash }

func TestNotFoundAndConflictGoByBehaviour(t *testing.T) {
	for _, tc := range []struct {
		err                error
		notFound, conflict bool
	}{
		{nil, false, false},
		{errors.New("not found"), false, false}, // the words are not enough
		{fmt.Errorf("read: %w", kindError{missing: true}), true, false},
		{fmt.Errorf("write: %w", kindError{clash: true}), false, true},
	} {
		if got := notFound(tc.err); got != tc.notFound {
			t.Errorf("notFound(%v) = %v", tc.err, got)
		}
		if got := conflict(tc.err); got != tc.conflict {
			t.Errorf("conflict(%v) = %v", tc.err, got)
		}
	}
}
