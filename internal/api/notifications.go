package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The notices the system sent (or tried to), so a manager sees what reached whom
// without reading logs. Subjects and errors are masked as the log masks them; bodies
// and addresses are not shown.

func (s *Server) registerNotificationRoutes(mux *serveMux) {
	// Agents see only their own notices (listNotifications); intake systems none.
	mux.Handle("GET /v1/notifications", s.authorize(s.listNotifications,
		auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin))
	// What the customer was told, whoever may read the complaint may read: the agent
	// on the customer's phone call must know what they already read.
	mux.Handle("GET /v1/complaints/{id}/customer-notices", s.authorize(s.listCustomerNotices,
		auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin))
}

type notificationView struct {
	ID          int64      `json:"id"`
	ComplaintID *string    `json:"complaint_id"`
	EventKind   string     `json:"event_kind"`
	Recipient   string     `json:"recipient"`
	Channel     string     `json:"channel"`
	Subject     string     `json:"subject"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastError   *string    `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SentAt      *time.Time `json:"sent_at"`
	// Body is shown to admins only; a customer's survey link, their credential, is
	// masked in it (survey.MaskLinks) as in every stored notice.
	Body *string `json:"body,omitempty"`
}

func notificationViewOf(n store.SentNotification) notificationView {
	v := notificationView{
		ID: n.ID, ComplaintID: n.ComplaintID, EventKind: n.EventKind, Recipient: n.Recipient, Channel: n.Channel,
		Subject: privacy.Text(n.Subject), Status: string(n.Status), Attempts: n.Attempts,
		CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC(), SentAt: utc(n.SentAt),
	}
	if n.LastError != nil {
		v.LastError = new(privacy.Text(*n.LastError))
	}
	return v
}

// listNotifications lists notices newest first, filtered by complaint_id,
// recipient (a person ID, "customer", "me" for the caller's person) and status.
// An agent sees only notices to the person its token acts for.
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	caller := principalFrom(r.Context())
	var v validator
	f := store.NotificationFilter{}
	// Notification IDs are numbers, not the UUIDs page's cursor check expects.
	rest := make(map[string][]string, len(q))
	for k, vs := range q {
		if k != "cursor" {
			rest[k] = vs
		}
	}
	f.Limit, _, _ = page(&v, rest)
	if cur := q.Get("cursor"); cur != "" {
		at, id, ok := decodeReviewCursor(cur)
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || n < 1 {
			v.reject("cursor", FieldInvalidFormat, "is not a cursor this API returned")
		}
		f.AfterCreatedAt, f.AfterID = at, n
	}
	if f.ComplaintID = once(&v, q, "complaint_id", 36); f.ComplaintID != "" {
		if !isUUID(f.ComplaintID) {
			v.reject("complaint_id", FieldInvalidFormat, "is not a complaint ID (a UUID)")
		}
	}
	f.Recipient = once(&v, q, "recipient", 200)
	if f.Recipient == "me" {
		if f.Recipient = caller.PersonID; f.Recipient == "" {
			v.reject("recipient", FieldNotApplicable, "is me, but this token acts for no person of the directory")
		}
	}
	f.Statuses = typed[notify.NotificationStatus](anyOf(&v, q, "status", stringsOf(notify.NotificationStatuses)))
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	recipient, why := caller.NoticesListed(f.Recipient)
	if why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return
	}
	f.Recipient = recipient
	ns, err := s.store.NotificationPage(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := notificationViewOf
	if caller.Role == auth.RoleAdmin {
		view = func(n store.SentNotification) notificationView {
			v := notificationViewOf(n)
			v.Body = new(privacy.Text(n.Body))
			return v
		}
	}
	writePage(w, ns, f.Limit, view, func(n store.SentNotification) (time.Time, string) {
		return n.CreatedAt, strconv.FormatInt(n.ID, 10)
	})
}

// customerRecipient is the recipient of the notices to a complaint's customer
// (activities.CustomerRecipient).
const customerRecipient = "customer"

// customerNoticeView is a notice to the customer as it was rendered for them, in
// their locale.
type customerNoticeView struct {
	EventKind string     `json:"event_kind"`
	Channel   string     `json:"channel"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// listCustomerNotices lists the notices sent (or tried) to a complaint's customer,
// oldest first, with their text: in full for the token that filed the complaint,
// with the customer's name and contacts masked for everyone else, as its callbacks
// (listCallbacks). A survey link's token, the customer's credential, is masked in
// every stored notice (survey.MaskLinks).
func (s *Server) listCustomerNotices(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	all, err := s.store.Notifications(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ns := make([]notify.Notification, 0, len(all))
	for _, n := range all {
		if n.Recipient == customerRecipient && n.Channel != notify.ChannelCallback {
			ns = append(ns, n)
		}
	}
	full := privacy.AccessOf(viewer(principalFrom(r.Context())), privacy.Record{FiledBy: null.Value(c.FiledBy)}) == privacy.Full
	contacts := complaintContacts(c)
	writeItems(w, ns, func(n notify.Notification) customerNoticeView {
		v := customerNoticeView{EventKind: n.EventKind, Channel: n.Channel, Subject: n.Subject, Body: n.Body,
			Status: string(n.Status), CreatedAt: n.CreatedAt.UTC(), SentAt: utc(n.SentAt)}
		if !full {
			v.Subject, v.Body = privacy.OwnNotice(v.Subject, contacts), privacy.OwnNotice(v.Body, contacts)
		}
		return v
	})
}
