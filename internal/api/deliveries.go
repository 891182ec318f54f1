package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
)

// integrationDeliveries lists the callbacks to an integration, deleted or not,
// newest first, a keyset page at a time, filtered by status: how an intake system
// back from an outage finds what it missed (status=failed). Admins read every
// integration's; an intake token its own integration's (auth.MayReadDeliveries).
func (s *Server) integrationDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.DeliveryFilter{IntegrationID: r.PathValue("id")}
	// Delivery IDs are numbers, not the UUIDs page's cursor check expects.
	rest := make(map[string][]string, len(q))
	for k, vs := range q {
		if k != "cursor" {
			rest[k] = vs
		}
	}
	f.Limit, _, _ = page(&v, rest)
	if cur := q.Get("cursor"); cur != "" {
		var ok bool
		if f.AfterID, ok = decodeDeliveryCursor(cur); !ok {
			v.reject("cursor", FieldInvalidFormat, "is not a cursor this API returned for deliveries")
		}
	}
	f.Statuses = typed[notify.NotificationStatus](anyOf(&v, q, "status", stringsOf(notify.NotificationStatuses)))
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	if why := principalFrom(r.Context()).MayReadDeliveries(f.IntegrationID); why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return
	}
	ns, err := s.store.Deliveries(r.Context(), f)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no integration "+f.IntegrationID))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	plain := make([]notify.Notification, len(ns))
	for i, n := range ns {
		plain[i] = n.Notification
	}
	items, err := s.deliveryViews(r.Context(), principalFrom(r.Context()), plain)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var next *string
	if len(ns) > 0 && len(ns) == f.Limit {
		cur := encodeDeliveryCursor(ns[len(ns)-1].ID)
		next = &cur
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// redeliverBody names the delivery to send again by its key in the log.
type redeliverBody struct {
	Key string `json:"key"`
}

// redeliverDelivery asks for a callback delivery in a final state (sent, failed,
// uncertain) to be sent again: the same event, to the integration's URL and
// under its secret as they are now, by the worker (activities.Redeliver); the
// API process never calls an intake system. It answers 202 with the delivery,
// pending again. Whoever may read an integration's log may ask
// (auth.MayReadDeliveries). A delivery pending or sending — a second request
// while the first is not settled — is a 409: one request, one send. The key is
// in the body: keys hold slashes, which a path segment carries only encoded, and
// proxies often refuse or decode.
func (s *Server) redeliverDelivery(w http.ResponseWriter, r *http.Request) {
	var body redeliverBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	v.required("key", body.Key, 500)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	id, by := r.PathValue("id"), principalFrom(r.Context())
	if why := by.MayReadDeliveries(id); why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return
	}
	n, err := s.store.RequestRedelivery(r.Context(), id, body.Key, by.Actor())
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, fieldProblem(http.StatusNotFound, FieldError{Field: "key", Code: FieldNotFound,
			Message: "no delivery " + body.Key + " to integration " + id}))
	case errors.Is(err, store.ErrConflict) && n.Status == "":
		writeProblem(w, r, problem(http.StatusConflict, "integration "+id+" is deleted: its callbacks are no longer sent"))
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, r, fieldProblem(http.StatusConflict, FieldError{Field: "key", Code: FieldConflict,
			Message: "delivery " + body.Key + " is " + string(n.Status) + ": it is being delivered; ask again once it is sent or failed"}))
	case err != nil:
		s.serverError(w, r, err)
	default:
		views, err := s.deliveryViews(r.Context(), by, []notify.Notification{n})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusAccepted, views[0])
	}
}

// The cursor of a deliveries page is the last delivery's row ID, marked so no
// other listing's cursor passes for one.
func encodeDeliveryCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("delivery|" + strconv.FormatInt(id, 10)))
}

func decodeDeliveryCursor(cur string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	id, ok := strings.CutPrefix(string(b), "delivery|")
	n, err := strconv.ParseInt(id, 10, 64)
	return n, ok && err == nil && n > 0
}
