package api_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/api"
)

// IDs are read in their canonical form only: the other forms uuid.Parse takes would
// reach PostgreSQL, which refuses some of them (a 500), or name one row two ways.
func TestParseIDTakesTheCanonicalFormOnly(t *testing.T) {
	const id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	if got, err := api.ParseID(id); err != nil || got.String() != id {
		t.Fatalf("ParseID(%q) = %v, %v", id, got, err)
	}
	for _, bad := range []string{
		"urn:uuid:" + id, "{" + id + "}", "6ba7b8109dad11d180b400c04fd430c8", id + "%00", "../" + id[3:],
		"6ba7b810-9dad-11d1-80b4-00c04fd430cg", "",
	} {
		if _, err := api.ParseID(bad); err == nil {
			t.Errorf("ParseID(%q) accepted", bad)
		}
	}
}
