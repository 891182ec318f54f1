package api

import "net/http"

func (s *Server) registerSurveyRoutes(mux *http.ServeMux) {}
