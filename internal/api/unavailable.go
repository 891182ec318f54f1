package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// Bounds on how long a request waits for Temporal (issue 17, defects 2 and 3): a
// caller gets an answer it can act on — a 503 with Retry-After — instead of
// hanging while the server or every worker is away.
const (
	// temporalCallWait bounds a call Temporal's frontend answers by itself
	// (starting a workflow, a query).
	temporalCallWait = 5 * time.Second
	// updateWait bounds an action's wait for a worker to run its update.
	updateWait = 10 * time.Second
	// retryAfter is what a caller is told to wait before retrying after an outage.
	retryAfter = 5 * time.Second
)

// unavailable reports whether err means a dependency — PostgreSQL or Temporal —
// is down or did not answer in time, so the request may succeed when retried.
func unavailable(err error) bool {
	var down *serviceerror.Unavailable
	var late *serviceerror.DeadlineExceeded
	return store.Unavailable(err) || errors.As(err, &down) || errors.As(err, &late) ||
		errors.Is(err, context.DeadlineExceeded)
}

// writeUnavailable answers 503 unavailable: nothing was done; writeProblem adds
// Retry-After.
func (s *Server) writeUnavailable(w http.ResponseWriter, r *http.Request, err error, detail string) {
	s.write503(w, r, err, CodeUnavailable, detail)
}

// writeUnconfirmed answers 503 unconfirmed: an action handed to its workflow that
// no worker confirmed in time, which may still be applied.
func (s *Server) writeUnconfirmed(w http.ResponseWriter, r *http.Request, err error, detail string) {
	s.write503(w, r, err, CodeUnconfirmed, detail)
}

func (s *Server) write503(w http.ResponseWriter, r *http.Request, err error, code, detail string) {
	s.log.WarnContext(r.Context(), "dependency unavailable", "code", code, "method", r.Method, "path", survey.MaskLinks(r.URL.Path), "error", err)
	writeProblem(w, r, problemWithCode(http.StatusServiceUnavailable, code, detail))
}

// RetryAfterHeader is the Retry-After value every 503 carries (RFC 9110 §10.2.3),
// the console's too.
var RetryAfterHeader = strconv.Itoa(int(retryAfter / time.Second))
