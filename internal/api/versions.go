package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/store"
)

// Optimistic concurrency: whatever a PUT or PATCH changes is versioned by its
// updated_at (a set replaced whole: its latest). Its answers carry that as the
// ETag; a change sent with If-Match is made only if the resource is still that
// version, checked by the store's write itself, else 412 precondition_failed and
// nothing changes — so two people editing the same thing never overwrite each
// other unseen (TestEveryChangeTakesIfMatch holds the document to it).

// SeedETag is the entity tag of a resource with no version yet: a customer text
// still the seeded one, or what is not created yet (If-Match "seed": create it only
// if nobody did meanwhile).
const SeedETag = `"seed"`

// TimeETag is the entity tag of a resource versioned by its updated_at: the time,
// quoted, as the API writes it (the console's forms send it back as If-Match);
// SeedETag for the zero time.
func TimeETag(t time.Time) string {
	if t.IsZero() {
		return SeedETag
	}
	return `"` + t.UTC().Format(time.RFC3339Nano) + `"`
}

// ifMatchTime reads an If-Match naming a TimeETag: nil without one or for "*" (any
// version), the zero time for SeedETag; a tag that is no such time is named in v.
func ifMatchTime(r *http.Request, v *validator) *time.Time {
	tag := strings.TrimSpace(r.Header.Get("If-Match"))
	switch tag {
	case "", "*":
		return nil
	case SeedETag:
		return &time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, strings.Trim(tag, `"`))
	if err != nil || !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) {
		v.reject("If-Match", FieldInvalidFormat, `must be the entity tag the API gave (the updated_at in double quotes, or "seed"), or *`)
		return nil
	}
	return &t
}

// A PUT that changes only the fields it names is a read-merge-write. Made against
// the If-Match, a change between is the client's 412; without one it is made
// against the version read (mergedAgainst), and when another change came between
// it is read and merged again (retryMerge) — so two changes of different fields
// sent at once both apply, neither undone by the other's earlier read.

// mergedAgainst is the version a read-merge-write is written against: the
// If-Match, or the version read.
func mergedAgainst(ifMatch *time.Time, read time.Time) *time.Time {
	if ifMatch != nil {
		return ifMatch
	}
	return &read
}

// retryMerge reports whether a read-merge-write refused as stale is read and
// merged again: only without an If-Match, a few times.
func retryMerge(err error, ifMatch *time.Time, tries int) bool {
	return errors.Is(err, store.ErrStale) && ifMatch == nil && tries < 5
}

// deleteAt runs a delete (or deactivation) against the request's If-Match — it
// removes only the version named: a bad If-Match (400) or a version changed since
// (412, with who and when, read by now) is answered here (answered true); any
// other result of del is the caller's to answer.
func deleteAt(w http.ResponseWriter, r *http.Request, what string, del func(version *time.Time) error,
	now func() (by string, at time.Time, err error)) (answered bool, err error) {
	var v validator
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return true, nil
	}
	if err := del(version); !errors.Is(err, store.ErrStale) {
		return false, err
	}
	by, at, _ := now()
	writeStale(w, r, what, *version, by, at, "")
	return true, nil
}

// writeStale refuses a change to what made against the version sent: 412, with
// the version it is now as the ETag and who made it when (now, if not empty, says
// what it is now).
func writeStale(w http.ResponseWriter, r *http.Request, what string, sent time.Time, by string, at time.Time, now string) {
	w.Header().Set("ETag", TimeETag(at))
	var detail string
	switch {
	case at.IsZero():
		detail = fmt.Sprintf("%s has no version %s: it is not created yet, or still seeded", what, TimeETag(sent))
	case sent.IsZero():
		detail = fmt.Sprintf("%s is no longer new or seeded: %s changed it at %s", what, by, at.UTC().Format(time.RFC3339Nano))
	default:
		detail = fmt.Sprintf("%s changed since %s: %s changed it at %s", what, sent.UTC().Format(time.RFC3339Nano), by, at.UTC().Format(time.RFC3339Nano))
	}
	if now != "" {
		detail += " (now " + now + ")"
	}
	writeProblem(w, r, problemWithCode(http.StatusPreconditionFailed, CodePreconditionFailed,
		detail+"; read it again and send the change against that"))
}
