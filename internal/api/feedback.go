package api

import "net/http"

func (s *Server) registerFeedbackRoutes(mux *http.ServeMux) {}
