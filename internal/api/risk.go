package api

import "net/http"

func (s *Server) registerRiskRoutes(mux *http.ServeMux) {}
