package api

import "time"

// ActionOf and RouteActions let the external tests see the 403 wording.
var ActionOf = actionOf

// RouteActions is routeActions, for the external tests.
func RouteActions() map[string]string { return routeActions }

// SetWarmup replaces the dictionary load a server starts when its handler is built,
// so a test can hold readiness back and release it. Call it before Handler.
func (s *Server) SetWarmup(f func() (time.Duration, error)) { s.warmup = f }
