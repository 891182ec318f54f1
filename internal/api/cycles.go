package api

import "net/http"

func (s *Server) registerCycleRoutes(mux *http.ServeMux) {}
