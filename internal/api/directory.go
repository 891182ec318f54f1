package api

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// registerDirectoryRoutes adds the directory (people, teams, routing) and calendar
// admin routes. Admins write; everyone who works complaints may read, except intake
// systems, which have no use for the organisation chart.
func (s *Server) registerDirectoryRoutes(mux *serveMux) {
	readers := []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}

	mux.Handle("PUT /v1/teams/{id}", s.authorize(s.putTeam, auth.RoleAdmin))
	mux.Handle("GET /v1/teams", s.authorize(s.listTeams, readers...))
	mux.Handle("GET /v1/teams/{id}", s.authorize(s.getTeam, readers...))

	mux.Handle("PUT /v1/people/{id}", s.authorize(s.putPerson, auth.RoleAdmin))
	mux.Handle("GET /v1/people", s.authorize(s.listPeople, readers...))
	mux.Handle("GET /v1/people/{id}", s.authorize(s.getPerson, readers...))
	mux.Handle("DELETE /v1/people/{id}", s.authorize(s.deactivatePerson, auth.RoleAdmin))
	mux.Handle("POST /v1/people/{id}/webhook-secret", s.authorize(s.rotateWebhookSecret, auth.RoleAdmin))

	mux.Handle("PUT /v1/routing/{category}", s.authorize(s.putRoute, auth.RoleAdmin))
	mux.Handle("GET /v1/routing", s.authorize(s.listRoutes, readers...))
	mux.Handle("DELETE /v1/routing/{category}", s.authorize(s.deleteRoute, auth.RoleAdmin))

	mux.Handle("PUT /v1/calendars/{id}", s.authorize(s.putCalendar, auth.RoleAdmin))
	mux.Handle("GET /v1/calendars", s.authorize(s.listCalendars, readers...))
	mux.Handle("GET /v1/calendars/{id}", s.authorize(s.getCalendar, readers...))
	mux.Handle("DELETE /v1/calendars/{id}", s.authorize(s.deleteCalendar, auth.RoleAdmin))
}

// directoryID is the form of team, person and calendar IDs (the tables check it too).
var directoryID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

const idRule = "must be 1–64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"

func (v *validator) id(field, value string) {
	if value == "" {
		v.reject(field, FieldRequired, "is required")
		return
	}
	v.optionalID(field, value)
}

func (v *validator) optionalID(field, value string) {
	if value != "" && !directoryID.MatchString(value) {
		v.reject(field, FieldInvalidFormat, idRule)
	}
}

func (v *validator) email(field, value string) {
	v.optional(field, value, 254)
	if value == "" {
		return
	}
	if addr, err := mail.ParseAddress(value); err != nil || addr.Address != value {
		v.reject(field, FieldInvalidFormat, "is not an e-mail address")
	}
}

// webhookURL accepts absolute http(s) URLs the worker may post to: one whose host
// the egress rule refuses (an internal address or name OUTBOUND_ALLOW_CIDRS does
// not allow) would only fail at delivery. Names are not resolved here; the worker
// checks the address it dials.
func (v *validator) webhookURL(field, value string, egress notify.Egress) {
	v.optional(field, value, 2000)
	if value == "" {
		return
	}
	u, err := url.Parse(value)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "":
		v.reject(field, FieldInvalidFormat, "must be an absolute http or https URL")
	case !egress.PermitsHost(u.Hostname()):
		v.reject(field, FieldInvalid, "must not name this machine or an internal network, "+
			"unless OUTBOUND_ALLOW_CIDRS allows it: the worker does not post there")
	}
}

// storeError answers a write the store refused because of a field (400, or 409
// when it clashes with other rows or a rule the database holds) or because other
// rows still use the target (409).
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *store.FieldError
	var inUse *store.InUseError
	if cv := store.CheckViolation(err); cv != nil {
		err = cv // a row written before a rule the database holds (a NOT VALID check)
	}
	switch {
	case errors.As(err, &fe) && errors.Is(err, store.ErrInvalid):
		// Every field the store found wrong (it joins them), a conflict among them too.
		var fields []FieldError
		for _, fe := range store.FieldErrors(err) {
			code := codeOfReason(fe.Reason)
			if errors.Is(fe, store.ErrConflict) {
				code = FieldConflict
			}
			fields = append(fields, FieldError{Field: fe.Field, Code: code, Message: fe.Reason})
		}
		writeProblem(w, r, fieldProblem(http.StatusBadRequest, fields...))
	case errors.As(err, &fe) && errors.Is(err, store.ErrConflict) && fe.Field == "":
		writeProblem(w, r, problem(http.StatusConflict, fe.Reason))
	case errors.As(err, &fe) && errors.Is(err, store.ErrConflict):
		p := fieldProblem(http.StatusConflict, FieldError{Field: fe.Field, Code: FieldConflict, Message: fe.Reason})
		p.Type, p.Title = "https://complaintflow.dev/problems/conflict", "Conflict"
		writeProblem(w, r, p)
	case errors.As(err, &inUse):
		writeProblem(w, r, problem(http.StatusConflict, inUse.Error()))
	default:
		s.serverError(w, r, err)
	}
}

// unusablePerson says why id may not be referenced ("" when it may): it must name
// an active person.
func (s *Server) unusablePerson(ctx context.Context, id string) (string, error) {
	p, err := s.store.Person(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "no person " + id, nil
	case err != nil:
		return "", err
	case !p.Active:
		return "person " + id + " is not active", nil
	}
	return "", nil
}

// writePut answers a create-or-replace: 201 with Location when created, 200 when replaced.
func writePut(w http.ResponseWriter, r *http.Request, created bool, v any) {
	if created {
		w.Header().Set("Location", r.URL.Path)
		writeJSON(w, http.StatusCreated, v)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// --- teams

type putTeamBody struct {
	Name   string `json:"name"`
	LeadID string `json:"lead_id,omitempty"`
}

type teamView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	LeadID    *string   `json:"lead_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func teamViewOf(t store.Team) teamView {
	return teamView{
		ID: t.ID, Name: t.Name, LeadID: t.LeadID,
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), UpdatedBy: t.UpdatedBy,
	}
}

func (s *Server) putTeam(w http.ResponseWriter, r *http.Request) {
	var v validator
	var body putTeamBody
	id, ok := decodePut(w, r, &v, &body)
	if !ok {
		return
	}
	v.required("name", body.Name, 200)
	v.optionalID("lead_id", body.LeadID)
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	t, created, err := s.store.PutTeam(r.Context(), store.Team{
		ID: id, Name: body.Name, LeadID: null.IfEmpty(body.LeadID), UpdatedBy: principalFrom(r.Context()).Actor(),
	}, version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "team "+id, *version, t.UpdatedBy, t.UpdatedAt, "")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(t.UpdatedAt))
	writePut(w, r, created, teamViewOf(t))
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	ts, err := s.store.Teams(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, ts, teamViewOf)
}

// getTeam shows a team with its active members.
func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t, err := s.store.Team(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no team "+id))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	active := true
	people, err := s.store.People(r.Context(), store.PeopleFilter{TeamID: id, Active: &active})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(t.UpdatedAt))
	writeJSON(w, http.StatusOK, struct {
		teamView
		Members []personView `json:"members"`
	}{teamViewOf(t), personViewsFor(principalFrom(r.Context()), people)})
}

// --- people

type putPersonBody struct {
	Name       string `json:"name"`
	Role       string `json:"role"`
	TeamID     string `json:"team_id,omitempty"`
	ManagerID  string `json:"manager_id,omitempty"`
	Email      string `json:"email,omitempty"`
	WebhookURL string `json:"webhook_url,omitempty"`
	// Active defaults to true; false keeps the person out of every chain.
	Active *bool `json:"active,omitempty"`
}

var personRoles = func() []string {
	names := make([]string, len(complaint.Roles))
	for i, r := range complaint.Roles {
		names[i] = string(r)
	}
	return names
}()

func (b *putPersonBody) validate(v *validator, egress notify.Egress) {
	v.required("name", b.Name, 200)
	v.oneOf("role", b.Role, personRoles)
	v.optionalID("team_id", b.TeamID)
	v.optionalID("manager_id", b.ManagerID)
	v.email("email", b.Email)
	v.webhookURL("webhook_url", b.WebhookURL, egress)
}

type personView struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	TeamID     *string   `json:"team_id"`
	ManagerID  *string   `json:"manager_id"`
	Email      *string   `json:"email"`
	WebhookURL *string   `json:"webhook_url"`
	Active     bool      `json:"active"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by"`
	// WebhookPreviousKeyUntil is until when the key the last rotation replaced
	// still signs beside the current one: nil once it no longer does.
	WebhookPreviousKeyUntil *time.Time `json:"webhook_previous_key_until"`
	// WebhookSecret signs the person's webhooks. Only the answer that issues or
	// rotates it shows it; it is never shown again.
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// PreviousKeyValidUntil is when the key a rotation replaced stops signing beside
	// the new one; only in the rotation's answer, and only with a grace.
	PreviousKeyValidUntil *time.Time `json:"previous_key_valid_until,omitempty"`
}

func personViewOf(p store.Person) personView {
	v := personView{
		ID: p.ID, Name: p.Name, Role: string(p.Role), TeamID: p.TeamID, ManagerID: p.ManagerID,
		Email: p.Email, WebhookURL: p.WebhookURL, Active: p.Active,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), UpdatedBy: p.UpdatedBy,
	}
	// The store keeps a window's end after it passes (the notifier compares it with
	// now); the person's reader learns only of a key that still signs.
	if u := p.WebhookPreviousUntil; u != nil && time.Now().Before(*u) {
		v.WebhookPreviousKeyUntil = new(u.UTC())
	}
	return v
}

// personViewFor is the person as reader may see them: a webhook URL may carry its
// receiver's credential in its query, so only admins, who set it, read it back.
func personViewFor(reader auth.Principal, p store.Person) personView {
	v := personViewOf(p)
	if reader.Role != auth.RoleAdmin {
		v.WebhookURL, v.WebhookPreviousKeyUntil = nil, nil
	}
	return v
}

func personViewsFor(reader auth.Principal, ps []store.Person) []personView {
	views := make([]personView, len(ps))
	for i, p := range ps {
		views[i] = personViewFor(reader, p)
	}
	return views
}

func (s *Server) putPerson(w http.ResponseWriter, r *http.Request) {
	var v validator
	var body putPersonBody
	id, ok := decodePut(w, r, &v, &body)
	if !ok {
		return
	}
	reserveActor(&v, "id", id)
	body.validate(&v, s.egress)
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	secret := newWebhookSecret() // taken only by a person given a webhook they had not
	p, created, err := s.store.PutPerson(r.Context(), store.Person{
		ID: id, Name: body.Name, Role: complaint.Role(body.Role),
		TeamID: null.IfEmpty(body.TeamID), ManagerID: null.IfEmpty(body.ManagerID),
		Email: null.IfEmpty(body.Email), WebhookURL: null.IfEmpty(body.WebhookURL), WebhookSecret: &secret,
		Active: body.Active == nil || *body.Active, UpdatedBy: principalFrom(r.Context()).Actor(),
	}, version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "person "+id, *version, p.UpdatedBy, p.UpdatedAt, "")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	view := personViewOf(p)
	view.WebhookSecret = issuedWebhookSecret(p, secret)
	w.Header().Set("ETag", TimeETag(p.UpdatedAt))
	writePut(w, r, created, view)
}

// listPeople filters by ?team=, ?role= and ?active=true|false; all people by default.
func (s *Server) listPeople(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.PeopleFilter{TeamID: q.Get("team"), Role: complaint.Role(q.Get("role"))}
	v.optionalID("team", f.TeamID)
	if f.Role != "" {
		v.oneOf("role", string(f.Role), personRoles)
	}
	if a := q.Get("active"); a != "" {
		v.oneOf("active", a, []string{"true", "false"})
		active := a == "true"
		f.Active = &active
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ps, err := s.store.People(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": personViewsFor(principalFrom(r.Context()), ps)})
}

// getPerson shows a person with their reporting chain: themselves (when active)
// and every active manager above them, lowest first.
func (s *Server) getPerson(w http.ResponseWriter, r *http.Request) {
	p, ok := s.personFromPath(w, r)
	if !ok {
		return
	}
	chain, err := s.store.Chain(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(p.UpdatedAt))
	writeJSON(w, http.StatusOK, struct {
		personView
		Chain []complaint.Member `json:"chain"`
	}{personViewFor(principalFrom(r.Context()), p), chain})
}

// deactivatePerson is DELETE: people stay in the directory, inactive, because past
// events and escalations name them.
func (s *Server) deactivatePerson(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var p store.Person
	answered, err := deleteAt(w, r, "person "+id, func(version *time.Time) (err error) {
		p, err = s.store.DeactivatePerson(r.Context(), id, principalFrom(r.Context()).Actor(), version)
		return err
	}, func() (string, time.Time, error) {
		p, err := s.store.Person(r.Context(), id)
		return p.UpdatedBy, p.UpdatedAt, err
	})
	if answered {
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no person "+id))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(p.UpdatedAt))
	writeJSON(w, http.StatusOK, personViewOf(p))
}

func (s *Server) personFromPath(w http.ResponseWriter, r *http.Request) (store.Person, bool) {
	return fromPath(s, w, r, "person", false, s.store.Person)
}

// --- routing

type putRouteBody struct {
	TeamID  string `json:"team_id"`
	OwnerID string `json:"owner_id,omitempty"`
}

type routeView struct {
	Category  string    `json:"category"`
	Tier      string    `json:"tier"`
	Channel   string    `json:"channel"`
	TeamID    string    `json:"team_id"`
	OwnerID   *string   `json:"owner_id"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func routeViewOf(rt store.Route) routeView {
	return routeView{
		Category: rt.Category, Tier: rt.Tier, Channel: rt.Channel, TeamID: rt.TeamID, OwnerID: rt.OwnerID,
		UpdatedAt: rt.UpdatedAt.UTC(), UpdatedBy: rt.UpdatedBy,
	}
}

// routeCategories are the categories a rule may name: each complaint category and
// the default route.
var routeCategories = append(slices.Clone(complaint.Categories), store.DefaultRoute)

// routeKeyOf reads a rule's key: the category from the path, the tier and the
// channel from the query (absent or "*": every one). Precedence between rules is
// complaint.PickRoute's: tier, then channel, then category.
func routeKeyOf(v *validator, r *http.Request) complaint.RouteKey {
	q := r.URL.Query()
	k := complaint.RouteKey{
		Category: r.PathValue("category"),
		Tier:     cmp.Or(once(v, q, "tier", 20), complaint.Any),
		Channel:  cmp.Or(once(v, q, "channel", 40), complaint.Any),
	}
	v.oneOf("category", k.Category, routeCategories)
	v.oneOf("tier", k.Tier, append(slices.Clone(levelNames), complaint.Any))
	v.oneOf("channel", k.Channel, append(slices.Clone(complaint.Channels), complaint.Any))
	return k
}

func (s *Server) putRoute(w http.ResponseWriter, r *http.Request) {
	var v validator
	key := routeKeyOf(&v, r) // its problems are named with the body's, below
	var body putRouteBody
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	v.id("team_id", body.TeamID)
	v.optionalID("owner_id", body.OwnerID)
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	rt, created, err := s.store.PutRoute(r.Context(), store.Route{
		Category: key.Category, Tier: key.Tier, Channel: key.Channel, TeamID: body.TeamID, OwnerID: null.IfEmpty(body.OwnerID),
		UpdatedBy: principalFrom(r.Context()).Actor(),
	}, version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "routing rule "+key.Category+"/"+key.Tier+"/"+key.Channel, *version, rt.UpdatedBy, rt.UpdatedAt, "")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(rt.UpdatedAt))
	writePut(w, r, created, routeViewOf(rt))
}

func (s *Server) listRoutes(w http.ResponseWriter, r *http.Request) {
	rs, err := s.store.Routes(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, rs, routeViewOf)
}

func (s *Server) deleteRoute(w http.ResponseWriter, r *http.Request) {
	var v validator
	key := routeKeyOf(&v, r)
	if v.problem() != nil {
		ifMatchTime(r, &v) // named with the key's problems
		writeProblem(w, r, v.problem())
		return
	}
	answered, err := deleteAt(w, r, "routing rule "+key.Category+"/"+key.Tier+"/"+key.Channel, func(version *time.Time) error {
		return s.store.DeleteRoute(r.Context(), key, version)
	}, func() (string, time.Time, error) {
		rs, err := s.store.Routes(r.Context())
		for _, rt := range rs {
			if rt.Category == key.Category && rt.Tier == key.Tier && rt.Channel == key.Channel {
				return rt.UpdatedBy, rt.UpdatedAt, nil
			}
		}
		return "", time.Time{}, err
	})
	if answered {
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no routing rule for category "+key.Category+
			", tier "+key.Tier+" and channel "+key.Channel))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// reserveActor refuses field when it would make its holder's actor ID one the event
// log records for no staff member (complaint.ReservedActor): a person's ID, or the
// name a token for no person acts under (auth.Principal.Actor). Its steps would pass
// for the customer's (a reopening for their verdict on a fix) or the system's.
func reserveActor(v *validator, field, actor string) {
	if complaint.ReservedActor(actor) {
		v.reject(field, FieldInvalid, "is reserved, in any case or spacing: the event log records the customer's own steps and the system's as "+
			complaint.ActorCustomer+" and "+complaint.ActorSystem)
	}
}
