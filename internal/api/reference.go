package api

import (
	"net/http"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
)

// The API describes itself: its OpenAPI document as JSON, and the same document as a
// reference page rendered here, offline. Neither needs a token.

func (s *Server) registerReferenceRoutes(mux *serveMux) {
	mux.HandleFunc("GET /v1/openapi.json", s.openAPIDocument)
	mux.HandleFunc("GET /v1/docs", s.reference)
}

func (s *Server) openAPIDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := openapi.JSON()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}

func (s *Server) reference(w http.ResponseWriter, r *http.Request) {
	page, err := openapi.ReferenceHTML()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeHTMLHeaders(w, "style-src"+styleHashes(page))
	_, _ = w.Write(page)
}
