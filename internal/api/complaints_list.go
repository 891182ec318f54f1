package api

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// maxBreachingWithin bounds breaching_within: a week ahead is a plan, not a shift.
const maxBreachingWithin = 168

// breachingWithin reads breaching_within, whole hours from 1 to a week: the window
// from now in which a complaint's nearest running deadline falls ("breaching
// soon"); nil, nil when absent or empty.
func breachingWithin(v *validator, q url.Values, now time.Time) (from, to *time.Time) {
	val := once(v, q, "breaching_within", 10)
	if val == "" {
		return nil, nil
	}
	h, err := strconv.Atoi(val)
	if err != nil || h < 1 || h > maxBreachingWithin {
		v.reject("breaching_within", FieldOutOfRange, fmt.Sprintf("%q is not a whole number of hours from 1 to %d", val, maxBreachingWithin))
		return nil, nil
	}
	return &now, new(now.Add(time.Duration(h) * time.Hour))
}

// personParam reads a parameter naming a person of the directory: an id, or me
// for the person the caller's token acts for (refused when it acts for none).
func personParam(v *validator, q url.Values, name string, caller auth.Principal) string {
	val := once(v, q, name, 200)
	if val != "me" {
		return val
	}
	if caller.PersonID == "" {
		v.reject(name, FieldNotApplicable, "is me, but this token acts for no person of the directory")
	}
	return caller.PersonID
}

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// complaintOrders are the values of the listing's sort parameter, the default first.
var complaintOrders = []string{string(store.ComplaintsNewestFirst), string(store.ComplaintsDueFirst),
	string(store.ComplaintsChangedFirst)}

// listComplaints lists complaints newest first, nearest deadline first or oldest
// change first (sort), filtered by every parameter given (AND; a parameter with several values matches
// any of them).
func (s *Server) listComplaints(w http.ResponseWriter, r *http.Request) {
	f, p := complaintFilter(r.URL.Query(), principalFrom(r.Context()))
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	cs, err := s.store.Complaints(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	caller := principalFrom(r.Context())
	view := func(c store.Complaint) complaintView { return viewOf(c, caller) }
	if f.Order != store.ComplaintsNewestFirst {
		items := make([]complaintView, len(cs))
		for i, c := range cs {
			items[i] = view(c)
		}
		var next *string
		if len(cs) > 0 && len(cs) == f.Limit {
			last := cs[len(cs)-1]
			at := last.NextDueAt
			if f.Order == store.ComplaintsChangedFirst {
				at = &last.UpdatedAt
			}
			cur := encodeOrderCursor(string(f.Order), at, last.ID)
			next = &cur
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
		return
	}
	writePage(w, cs, f.Limit, view, func(c store.Complaint) (time.Time, string) { return c.CreatedAt, c.ID })
}

// complaintFilter reads the listing's parameters; the problem names every bad one.
// owner=me and reports_to=me are the person the caller's token acts for.
func complaintFilter(q url.Values, caller auth.Principal) (store.ComplaintFilter, *Problem) {
	var v validator
	f := store.ComplaintFilter{Order: store.ComplaintsNewestFirst}
	if sort := once(&v, q, "sort", 20); sort != "" {
		if !slices.Contains(complaintOrders, sort) {
			v.reject("sort", FieldNotAllowed, fmt.Sprintf("%q is not one of %s", sort, strings.Join(complaintOrders, ", ")))
		}
		f.Order = store.ComplaintOrder(sort)
	}
	f.DueFrom, f.DueTo = breachingWithin(&v, q, time.Now())
	if f.DueTo != nil && first(q, "sort") == "" {
		f.Order = store.ComplaintsDueFirst // what breaches first comes first
	}
	// The cursor is the order's: a newest-first cursor means nothing in deadline order.
	var cursor string
	paging := q
	if f.Order != store.ComplaintsNewestFirst {
		cursor, paging = first(q, "cursor"), maps.Clone(q)
		delete(paging, "cursor")
	}
	f.Limit, f.AfterCreatedAt, f.AfterID = page(&v, paging)
	if cursor != "" {
		at, id, err := decodeOrderCursor(string(f.Order), cursor)
		switch {
		case err != nil || (f.Order == store.ComplaintsChangedFirst && at == nil):
			v.reject("cursor", FieldInvalidFormat, "is not a cursor this API returned for sort="+string(f.Order))
		case f.Order == store.ComplaintsChangedFirst:
			f.AfterUpdatedAt, f.AfterID = *at, id
		default:
			f.AfterDueAt, f.AfterID = at, id
		}
	}
	f.ExternalID = once(&v, q, "external_id", 200)
	f.CustomerID = once(&v, q, "customer_id", 200)
	f.IntegrationID = once(&v, q, "integration_id", 200)
	f.Owner = personParam(&v, q, "owner", caller)
	f.ReportsTo = personParam(&v, q, "reports_to", caller)
	f.TeamID = once(&v, q, "team_id", 200)
	f.Statuses = typed[complaint.Status](anyOf(&v, q, "status", stringsOf(complaint.Statuses)))
	f.Urgencies = typed[complaint.Level](anyOf(&v, q, "urgency", levelNames))
	f.Categories = anyOf(&v, q, "category", complaint.Categories)
	f.Channels = anyOf(&v, q, "channel", complaint.Channels)
	f.Breached = boolean(&v, q, "breached")
	f.EscalationPending = boolean(&v, q, "escalation_pending")
	f.CreatedFrom, f.CreatedTo = instant(&v, q, "created_from"), instant(&v, q, "created_to")
	if f.CreatedFrom != nil && f.CreatedTo != nil && !f.CreatedTo.After(*f.CreatedFrom) {
		v.reject("created_to", FieldOutOfRange, "must be after created_from")
	}
	f.UpdatedFrom, f.UpdatedTo = instant(&v, q, "updated_from"), instant(&v, q, "updated_to")
	if f.UpdatedFrom != nil && f.UpdatedTo != nil && !f.UpdatedTo.After(*f.UpdatedFrom) {
		v.reject("updated_to", FieldOutOfRange, "must be after updated_from")
	}
	f.Text = strings.TrimSpace(once(&v, q, "q", 200))
	return f, v.problem()
}
