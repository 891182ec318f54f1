package api

import "net/http"

func (s *Server) registerReviewRoutes(mux *http.ServeMux) {}
