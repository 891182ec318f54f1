package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/store"
)

// registerIntegrationRoutes adds intake integrations, whose callback URL is told of
// every customer-visible change of the complaints their intake tokens file, and the
// delivery log of those callbacks (docs/callbacks.md). Admins manage integrations;
// whoever may read a complaint may read its callbacks; an integration's own intake
// tokens may read its delivery log (auth.MayReadDeliveries).
func (s *Server) registerIntegrationRoutes(mux *serveMux) {
	everyone := []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	mux.Handle("PUT /v1/integrations/{id}", s.authorize(s.putIntegration, auth.RoleAdmin))
	mux.Handle("GET /v1/integrations", s.authorize(s.listIntegrations, auth.RoleAdmin))
	mux.Handle("GET /v1/integrations/{id}", s.authorize(s.getIntegration, auth.RoleAdmin))
	mux.Handle("DELETE /v1/integrations/{id}", s.authorize(s.deleteIntegration, auth.RoleAdmin))
	mux.Handle("GET /v1/integrations/{id}/deliveries", s.authorize(s.integrationDeliveries, auth.RoleAdmin, auth.RoleIntake))
	mux.Handle("POST /v1/integrations/{id}/deliveries/redeliver", s.authorize(s.redeliverDelivery, auth.RoleAdmin, auth.RoleIntake))
	mux.Handle("GET /v1/complaints/{id}/callbacks", s.authorize(s.listCallbacks, everyone...))
}

type putIntegrationBody struct {
	Name        string `json:"name"`
	CallbackURL string `json:"callback_url"`
	// RotateSecret replaces the signing secret; the answer shows the new one, once.
	RotateSecret bool `json:"rotate_secret,omitempty"`
	// GraceSeconds is how long the replaced secret keeps signing beside the new
	// one (keyGrace); with rotate_secret only.
	GraceSeconds *int64 `json:"grace_seconds,omitempty"`
}

type integrationView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	CallbackURL string    `json:"callback_url"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   string    `json:"updated_by"`
	// PreviousKeyValidUntil is until when the secret the last rotation replaced
	// still signs beside the current one: nil once it no longer does.
	PreviousKeyValidUntil *time.Time `json:"previous_key_valid_until"`
	// Secret signs the callbacks. Only the answer that creates or rotates it shows
	// it; it is never shown again.
	Secret string `json:"secret,omitempty"`
}

func integrationViewOf(in store.Integration) integrationView {
	v := integrationView{
		ID: in.ID, Name: in.Name, CallbackURL: in.CallbackURL, CreatedAt: in.CreatedAt.UTC(), CreatedBy: in.CreatedBy,
		UpdatedAt: in.UpdatedAt.UTC(), UpdatedBy: in.UpdatedBy,
	}
	// The store keeps a window's end after it passes; the reader learns only of a
	// secret that still signs.
	if u := in.PreviousUntil; u != nil && time.Now().Before(*u) {
		v.PreviousKeyValidUntil = new(u.UTC())
	}
	return v
}

// newCallbackSecret returns a fresh signing secret for an integration.
func newCallbackSecret() string {
	return newSigningSecret("cbsec_")
}

// putIntegration creates an integration (201, with its secret, shown once) or
// updates its name and callback URL (200, without the secret unless rotated). A
// rotation keeps the replaced secret signing for grace_seconds, as a person's
// webhook key rotation does (keyGrace).
func (s *Server) putIntegration(w http.ResponseWriter, r *http.Request) {
	var v validator
	var body putIntegrationBody
	id, ok := decodePut(w, r, &v, &body)
	if !ok {
		return
	}
	v.required("name", body.Name, 200)
	if body.CallbackURL == "" {
		v.reject("callback_url", FieldRequired, "is required")
	} else {
		v.webhookURL("callback_url", body.CallbackURL, s.egress)
	}
	grace := keyGrace(body.GraceSeconds, &v)
	if body.GraceSeconds != nil && !body.RotateSecret {
		v.reject("grace_seconds", FieldNotApplicable, "applies only with rotate_secret: true")
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	in, created, issued, err := s.store.PutIntegration(r.Context(), store.Integration{
		ID: id, Name: body.Name, CallbackURL: body.CallbackURL, Secret: newCallbackSecret(),
		UpdatedBy: principalFrom(r.Context()).Actor(),
	}, body.RotateSecret, grace, version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "integration "+id, *version, in.UpdatedBy, in.UpdatedAt, "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := integrationViewOf(in)
	if issued {
		view.Secret = in.Secret
	}
	w.Header().Set("ETag", TimeETag(in.UpdatedAt))
	writePut(w, r, created, view)
}

func (s *Server) listIntegrations(w http.ResponseWriter, r *http.Request) {
	ins, err := s.store.Integrations(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, ins, integrationViewOf)
}

func (s *Server) getIntegration(w http.ResponseWriter, r *http.Request) {
	in, ok := fromPath(s, w, r, "integration", false, s.store.Integration)
	if !ok {
		return
	}
	w.Header().Set("ETag", TimeETag(in.UpdatedAt))
	writeJSON(w, http.StatusOK, integrationViewOf(in))
}

// deleteIntegration stops the integration's callbacks; its tokens keep filing
// complaints, without callbacks.
func (s *Server) deleteIntegration(w http.ResponseWriter, r *http.Request) {
	in, ok := fromPath(s, w, r, "integration", false, s.store.Integration)
	if !ok {
		return
	}
	answered, err := deleteAt(w, r, "integration "+in.ID, func(version *time.Time) error {
		return s.store.DeleteIntegration(r.Context(), in.ID, principalFrom(r.Context()).Actor(), version)
	}, func() (string, time.Time, error) {
		in, err := s.store.Integration(r.Context(), in.ID)
		return in.UpdatedBy, in.UpdatedAt, err
	})
	if answered {
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// callbackView is one callback delivery: an event posted (or being posted) to an
// intake integration, with its attempts and last error.
type callbackView struct {
	Key         string     `json:"key"`
	ComplaintID *string    `json:"complaint_id"`
	EventKind   string     `json:"event_kind"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastError   *string    `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SentAt      *time.Time `json:"sent_at"`
	// Payload is the JSON document posted, byte for byte on every attempt.
	Payload rawJSON `json:"payload"`
	// Redeliveries counts the requests to send it again; the last was asked by
	// RedeliveryRequestedBy at RedeliveryRequestedAt (nil: never).
	Redeliveries          int        `json:"redeliveries"`
	RedeliveryRequestedBy *string    `json:"redelivery_requested_by"`
	RedeliveryRequestedAt *time.Time `json:"redelivery_requested_at"`
}

// rawJSON is a stored JSON document shown as JSON, not as a string.
type rawJSON string

// MarshalJSON writes the document as it is.
func (j rawJSON) MarshalJSON() ([]byte, error) { return []byte(j), nil }

func callbackViewOf(n notify.Notification) callbackView {
	return callbackView{
		Key: n.IdempotencyKey, ComplaintID: n.ComplaintID, EventKind: n.EventKind, Status: string(n.Status),
		Attempts: n.Attempts, LastError: n.LastError, CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC(),
		SentAt: utc(n.SentAt), Payload: rawJSON(n.Body), Redeliveries: n.Redeliveries,
		RedeliveryRequestedBy: n.RedeliveryRequestedBy, RedeliveryRequestedAt: utc(n.RedeliveryRequestedAt),
	}
}

// listCallbacks lists a complaint's callbacks. Their payloads carry the customer's
// notices ("Dear 张伟, …"): in full for the token that filed the complaint (its
// intake system received them), with the customer's name and contacts masked for
// everyone else, as every read masks them (docs/privacy.md).
func (s *Server) listCallbacks(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	ns, err := s.store.Callbacks(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	caller := principalFrom(r.Context())
	if privacy.AccessOf(viewer(caller), privacy.Record{FiledBy: null.Value(c.FiledBy)}) == privacy.Full {
		writeItems(w, ns, callbackViewOf)
		return
	}
	contacts := complaintContacts(c)
	writeItems(w, ns, func(n notify.Notification) callbackView {
		v := callbackViewOf(n)
		v.Payload = maskedPayload(v.Payload, contacts)
		return v
	})
}

// deliveryViews are callbacks of an integration's delivery log as caller may read
// them: by listCallbacks' rule, each payload in full for the token that filed its
// complaint, its customer's name and contacts masked for everyone else — an admin
// or another token of the integration included (docs/privacy.md).
func (s *Server) deliveryViews(ctx context.Context, caller auth.Principal, ns []notify.Notification) ([]callbackView, error) {
	complaints := map[string]store.Complaint{}
	out := make([]callbackView, len(ns))
	for i, n := range ns {
		out[i] = callbackViewOf(n)
		id := null.Value(n.ComplaintID)
		c, ok := complaints[id]
		if !ok {
			var err error
			if c, err = s.store.Complaint(ctx, id); err != nil {
				return nil, fmt.Errorf("read complaint %s of delivery %s: %w", id, n.IdempotencyKey, err)
			}
			complaints[id] = c
		}
		if privacy.AccessOf(viewer(caller), privacy.Record{FiledBy: null.Value(c.FiledBy)}) != privacy.Full {
			out[i].Payload = maskedPayload(out[i].Payload, complaintContacts(c))
		}
	}
	return out, nil
}

// maskedPayload is a stored callback document with every text in it masked as a
// customer's notice is for staff (privacy.OwnNotice); a document that does not parse
// (none is written so) is shown as nothing rather than in full.
func maskedPayload(doc rawJSON, c privacy.Contacts) rawJSON {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return "null"
	}
	var mask func(any) any
	mask = func(v any) any {
		switch t := v.(type) {
		case string:
			return privacy.OwnNotice(t, c)
		case map[string]any:
			for k, e := range t {
				t[k] = mask(e)
			}
		case []any:
			for i, e := range t {
				t[i] = mask(e)
			}
		}
		return v
	}
	out, err := json.Marshal(mask(v))
	if err != nil {
		return "null"
	}
	return rawJSON(out)
}
