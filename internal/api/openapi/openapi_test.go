package openapi_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
)

func TestTheDocumentLoadsAndValidates(t *testing.T) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := doc.OpenAPI, "3.1.0"; got != want {
		t.Errorf("openapi: got %q, want %q", got, want)
	}
	raw, err := openapi.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	if got, want := len(tree["paths"].(map[string]any)), doc.Paths.Len(); got != want {
		t.Errorf("paths in the JSON: got %d, want %d", got, want)
	}
}
