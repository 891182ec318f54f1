package api

import "net/http"

// registerDirectoryRoutes adds the directory (people, teams, routing) and calendar
// admin routes.
func (s *Server) registerDirectoryRoutes(mux *http.ServeMux) {}
