// Package apiclient is a typed Go client of complaintflow's HTTP API, generated from
// the OpenAPI document (internal/api/openapi/openapi.yaml) by oapi-codegen; the e2e
// tests drive the API through it, so the document is what a client really gets.
// Regenerate with `make generate` after changing the document; never edit
// client.gen.go by hand (TestTheClientIsGeneratedFromTheDocument fails when it
// differs from what the pinned generator makes of the document).
package apiclient

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -generate types,client -package apiclient -o client.gen.go ../api/openapi/openapi.yaml
