package api

import "net/http"

func (s *Server) registerMetricsRoutes(mux *http.ServeMux) {}
