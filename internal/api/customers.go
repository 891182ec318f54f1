package api

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/store"
)

// A customer's history (seed 002 §3.2): the complaints and the feedback filed under
// one customer ID, from every channel. Customers are not a table of their own; the
// ID is the one intake systems send as customer.id.

func (s *Server) registerCustomerRoutes(mux *serveMux) {
	// As for complaints and feedback, which this shows together.
	everyone := []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	mux.Handle("GET /v1/customers/{id}", s.authorize(s.getCustomer, everyone...))
}

// customerHistoryView is GET /v1/customers/{id}: the customer as last seen at
// intake and the first page of each list, newest first, with where the next page is.
type customerHistoryView struct {
	Customer   customer                      `json:"customer"`
	Complaints historySection[complaintView] `json:"complaints"`
	Feedback   historySection[feedbackView]  `json:"feedback"`
}

// historySection is one list of a history: a page, its cursor and, when there may be
// more, the listing that continues it.
type historySection[V any] struct {
	Items      []V     `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Next       *string `json:"next"`
}

func section[T, V any](xs []T, limit int, view func(T) V, key func(T) (time.Time, string), listing string) historySection[V] {
	out := historySection[V]{Items: make([]V, len(xs))}
	for i, x := range xs {
		out.Items[i] = view(x)
	}
	if len(xs) > 0 && len(xs) == limit {
		cur := encodeCursor(key(xs[len(xs)-1]))
		next := fmt.Sprintf("%s&limit=%d&cursor=%s", listing, limit, cur)
		out.NextCursor, out.Next = &cur, &next
	}
	return out
}

// getCustomer answers a customer's complaints and feedback. Views are the same as
// GET /v1/complaints and /v1/feedback give the caller. 404 when nothing was ever
// filed under the ID.
func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || utf8.RuneCountInString(id) > 200 {
		writeProblem(w, r, problem(http.StatusNotFound, "no customer "+id))
		return
	}
	var v validator
	// No cursor: the document declares none (a history has two lists, paged on by
	// the links in complaints.next and feedback.next), so declaredQuery refuses one.
	limit, _, _ := page(&v, r.URL.Query())
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ctx := r.Context()
	cs, err := s.store.Complaints(ctx, store.ComplaintFilter{CustomerID: id, Limit: limit})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fbs, err := s.store.FeedbackList(ctx, store.FeedbackFilter{CustomerID: id, Limit: limit})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(cs) == 0 && len(fbs) == 0 {
		writeProblem(w, r, problem(http.StatusNotFound, "no customer "+id+": nothing was filed under this ID"))
		return
	}
	esc := url.QueryEscape(id)
	caller := principalFrom(ctx)
	viewOf := func(c store.Complaint) complaintView { return viewOf(c, caller) }
	feedbackViewOf := func(fb store.Feedback) feedbackView { return feedbackViewOf(fb, caller) }
	out := customerHistoryView{
		Complaints: section(cs, limit, viewOf, func(c store.Complaint) (time.Time, string) { return c.CreatedAt, c.ID },
			"/v1/complaints?customer_id="+esc),
		Feedback: section(fbs, limit, feedbackViewOf, func(fb store.Feedback) (time.Time, string) { return fb.ReceivedAt, fb.ID },
			"/v1/feedback?customer_id="+esc),
	}
	// The customer as the newest record names them.
	switch {
	case len(fbs) == 0 || (len(cs) > 0 && !fbs[0].ReceivedAt.After(cs[0].CreatedAt)):
		out.Customer = out.Complaints.Items[0].Customer
	default:
		out.Customer = *out.Feedback.Items[0].Customer
	}
	writeJSON(w, http.StatusOK, out)
}
