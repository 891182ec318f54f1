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

// Parameters is what the document declares of one operation's query parameters:
// each name, and whether it takes a list (`type: array`: it may repeat or hold
// comma-separated values) or a single value.
type Parameters map[string]bool

// QueryParameters is every operation's query parameters, keyed by method and path
// as the API's ServeMux patterns are ("GET /v1/complaints/{id}"), read from the
// document once: the API refuses a query parameter its operation does not declare,
// and the repetition of one that takes a single value. An operation marked
// x-query-open (a link a person opens from a message, to which mail and tracking
// tools add utm_source and the like) has nil Parameters: any query is let be.
var QueryParameters = sync.OnceValues(func() (map[string]Parameters, error) {
	doc, err := Load(context.Background())
	if err != nil {
		return nil, err
	}
	ops := map[string]Parameters{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			params := Parameters{}
			for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, ref := range list {
					if p := ref.Value; p != nil && p.In == openapi3.ParameterInQuery {
						params[p.Name] = p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type.Is(openapi3.TypeArray)
					}
				}
			}
			if open, _ := op.Extensions["x-query-open"].(bool); open {
				params = nil
			}
			ops[method+" "+path] = params
		}
	}
	return ops, nil
})
