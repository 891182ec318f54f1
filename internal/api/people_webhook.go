package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/store"
)

// A person's webhooks are signed with a key of their own, as an integration's
// callbacks are: issued when the person is given a webhook, shown in that answer
// only, rotated on request, never read back. Webhooks set before people had keys
// have none and are signed with WEBHOOK_SIGNING_SECRET until an admin rotates.

// newSigningSecret returns a fresh key to sign posts with, named by prefix so a
// leaked one tells what it signs.
func newSigningSecret(prefix string) string {
	return prefix + strings.TrimPrefix(auth.NewSecret(), "cf_")
}

// newWebhookSecret returns a fresh signing key for a person's webhooks.
func newWebhookSecret() string { return newSigningSecret("whsec_") }

// issuedWebhookSecret is the key p holds if it is the one just offered to the store
// (it was issued by this write), else "": a key is shown once, when issued.
func issuedWebhookSecret(p store.Person, offered string) string {
	if p.WebhookSecret != nil && *p.WebhookSecret == offered {
		return offered
	}
	return ""
}

// WebhookKeyGrace is how long a rotated webhook key keeps signing beside the new
// one when the rotation names no grace_seconds: a day for the receiver's owner to
// deploy the new key. MaxWebhookKeyGrace bounds what it may name.
const (
	WebhookKeyGrace    = 24 * time.Hour
	MaxWebhookKeyGrace = 7 * 24 * time.Hour
)

// keyGrace is how long a rotated key keeps signing beside the new one, by a
// rotation's grace_seconds (nil: WebhookKeyGrace), for people's webhook keys and
// integrations' callback secrets alike; out of range, it is rejected to v.
func keyGrace(seconds *int64, v *validator) time.Duration {
	if seconds == nil {
		return WebhookKeyGrace
	}
	if most := int64(MaxWebhookKeyGrace / time.Second); *seconds < 0 || *seconds > most {
		v.reject("grace_seconds", FieldOutOfRange, fmt.Sprintf("must be from 0 to %d", most))
	}
	return time.Duration(*seconds) * time.Second
}

// rotateWebhookSecret gives a person with a webhook a new signing key, shown in
// this answer only. The old key (or the shared one) signs beside it for the
// optional body's grace_seconds (WebhookKeyGrace if none; 0: it signs nothing
// more, as after a leak one may want), so their receiver keeps verifying until it
// holds the new key; the answer says until when. A person without a webhook is a
// 409 naming webhook_url. With If-Match, only if the person is still that version.
func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) {
	var body struct {
		GraceSeconds *int64 `json:"grace_seconds"`
	}
	var v validator
	// No body, an empty one (even chunked) or one of whitespace: no grace given.
	if p := decodeOptionalBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	grace := keyGrace(body.GraceSeconds, &v)
	version := ifMatchTime(r, &v)
	if version != nil && version.IsZero() {
		// "seed" names a thing not created yet; a rotation needs a person who is.
		v.reject("If-Match", FieldInvalidFormat, `must be the person's entity tag (their updated_at in double quotes), or *: `+
			`"seed" names no version of a person who exists`)
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	id := r.PathValue("id")
	secret := newWebhookSecret()
	p, err := s.store.RotateWebhookSecret(r.Context(), id, secret, principalFrom(r.Context()).Actor(), grace, version)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, problem(http.StatusNotFound, "no person "+id))
		return
	case errors.Is(err, store.ErrStale):
		writeStale(w, r, "person "+id, *version, p.UpdatedBy, p.UpdatedAt, "")
		return
	case err != nil:
		s.storeError(w, r, err)
		return
	}
	view := personViewOf(p)
	view.WebhookSecret = secret
	if u := p.WebhookPreviousUntil; u != nil {
		view.PreviousKeyValidUntil = new(u.UTC())
	}
	w.Header().Set("ETag", TimeETag(p.UpdatedAt))
	writeJSON(w, http.StatusOK, view)
}
