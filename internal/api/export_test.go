package api

import (
	"time"

	dto "github.com/prometheus/client_model/go"
)

// ActionOf and RouteActions let the external tests see the 403 wording.
var ActionOf = actionOf

// RouteActions is routeActions, for the external tests.
func RouteActions() map[string]string { return routeActions }

// SetWarmup replaces the dictionary load a server starts when its handler is built,
// so a test can hold readiness back and release it. Call it before Handler.
func (s *Server) SetWarmup(f func() (time.Duration, error)) { s.warmup = f }

// TokenLookups is how many bearer tokens the server has looked up in PostgreSQL.
func (s *Server) TokenLookups() float64 {
	var n float64
	for _, result := range []string{"found", "unknown", "error"} {
		var m dto.Metric
		if err := s.lookups.WithLabelValues(result).Write(&m); err != nil {
			panic(err)
		}
		n += m.GetCounter().GetValue()
	}
	return n
}
