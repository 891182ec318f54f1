// Package openapi holds complaintflow's OpenAPI 3.1 document, the single source of
// truth for the HTTP API: the API serves it (as JSON and as a reference page), the
// tests hold every request and response to it, the Go client in internal/apiclient
// is generated from it and CI lints it.
package openapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// Source is the document as authored, in YAML.
//
//go:embed openapi.yaml
var Source []byte

var (
	jsonOnce sync.Once
	jsonDoc  []byte
	jsonErr  error
)

// JSON is the document converted to JSON once: YAML anchors and merge keys written
// out, nothing else changed.
func JSON() ([]byte, error) {
	jsonOnce.Do(func() {
		var tree any
		if jsonErr = yaml.Unmarshal(Source, &tree); jsonErr != nil {
			jsonErr = fmt.Errorf("openapi: parsing the document: %w", jsonErr)
			return
		}
		jsonDoc, jsonErr = json.Marshal(tree)
	})
	return jsonDoc, jsonErr
}

// Load parses and validates the document. Each call returns a fresh copy, which the
// caller may change.
func Load(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(Source)
	if err != nil {
		return nil, fmt.Errorf("openapi: loading the document: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi: the document is invalid: %w", err)
	}
	return doc, nil
}
