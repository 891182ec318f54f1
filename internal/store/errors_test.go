package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/complaintflow/complaintflow/internal/store"
)

// Packages that do not import the store recognise its sentinels by behaviour; the
// store's other callers still use errors.Is.
func TestSentinelsSayWhatTheyAre(t *testing.T) {
	for _, tc := range []struct {
		err                error
		notFound, conflict bool
	}{
		{fmt.Errorf("cycle x: %w", store.ErrNotFound), true, false},
		{fmt.Errorf("review schedule y: %w", store.ErrConflict), false, true},
	} {
		var nf interface{ NotFound() bool }
		var cf interface{ Conflict() bool }
		if !errors.As(tc.err, &nf) || nf.NotFound() != tc.notFound {
			t.Errorf("%v: NotFound should be %v", tc.err, tc.notFound)
		}
		if !errors.As(tc.err, &cf) || cf.Conflict() != tc.conflict {
			t.Errorf("%v: Conflict should be %v", tc.err, tc.conflict)
		}
		if errors.Is(tc.err, store.ErrNotFound) != tc.notFound || errors.Is(tc.err, store.ErrConflict) != tc.conflict {
			t.Errorf("%v: errors.Is disagrees", tc.err)
		}
	}
	if store.ErrNotFound.Error() != "not found" || store.ErrConflict.Error() != "conflict" {
		t.Errorf("messages changed: %q, %q", store.ErrNotFound, store.ErrConflict)
	}
}
