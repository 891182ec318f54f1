package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The knowledge base (001 「建立集中化的知识库和学习平台,支持员工即时获取所需信息,促进经验分享」,
// its 「常见问题库」 and 「标准化解决方案」): every staff role looks articles up; quality,
// managers and admins write them, and an article's owner keeps it current whatever
// their role (auth.Principal.MayKeepArticle). An article past its review date is
// stale knowledge, a blue risk for its owner (internal/quality/knowledge.go).

const (
	maxKnowledgeBody     = 20000
	maxKnowledgeKeywords = 20
	maxReviewEveryDays   = 3650
)

func (s *Server) registerKnowledgeRoutes(mux *serveMux) {
	readers := []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	// An edit or a review is also the owner's: the role admits every reader, and
	// knowledgeToKeep refuses one who neither owns the article nor keeps them all.
	mux.Handle("GET /v1/knowledge", s.authorize(s.listKnowledge, readers...))
	mux.Handle("POST /v1/knowledge", s.authorize(s.createKnowledge, auth.KnowledgeKeepers...))
	mux.Handle("GET /v1/knowledge/{id}", s.authorize(s.getKnowledge, readers...))
	mux.Handle("PATCH /v1/knowledge/{id}", s.authorize(s.patchKnowledge, readers...))
	mux.Handle("POST /v1/knowledge/{id}/review", s.authorize(s.reviewKnowledge, readers...))
	mux.Handle("POST /v1/knowledge/{id}/retire", s.authorize(s.retireKnowledge, auth.KnowledgeKeepers...))
}

type knowledgeView struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Body            string     `json:"body"`
	Category        string     `json:"category"`
	Keywords        []string   `json:"keywords"`
	Owner           string     `json:"owner"`
	ReviewEveryDays int        `json:"review_every_days"`
	ReviewedAt      time.Time  `json:"reviewed_at"`
	ReviewedBy      string     `json:"reviewed_by"`
	ReviewDueAt     time.Time  `json:"review_due_at"`
	Stale           bool       `json:"stale"` // live and past review_due_at
	CreatedAt       time.Time  `json:"created_at"`
	CreatedBy       string     `json:"created_by"`
	UpdatedAt       time.Time  `json:"updated_at"`
	UpdatedBy       string     `json:"updated_by"`
	RetiredAt       *time.Time `json:"retired_at"`
	RetiredBy       *string    `json:"retired_by"`
}

func knowledgeViewOf(a store.KnowledgeArticle) knowledgeView {
	kw := []string(a.Keywords)
	if kw == nil {
		kw = []string{}
	}
	due := a.DueAt().UTC()
	return knowledgeView{ID: a.ID, Title: a.Title, Body: a.Body, Category: a.Category, Keywords: kw, Owner: a.Owner,
		ReviewEveryDays: a.ReviewEveryDays, ReviewedAt: a.ReviewedAt.UTC(), ReviewedBy: a.ReviewedBy, ReviewDueAt: due,
		Stale:     a.RetiredAt == nil && !due.After(time.Now()),
		CreatedAt: a.CreatedAt.UTC(), CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt.UTC(), UpdatedBy: a.UpdatedBy,
		RetiredAt: utc(a.RetiredAt), RetiredBy: a.RetiredBy}
}

// knowledgeBody creates an article or, in a PATCH, changes the fields it holds; in
// an edit's history it is what the changed fields held before.
type knowledgeBody struct {
	Title           *string   `json:"title,omitempty"`
	Body            *string   `json:"body,omitempty"`
	Category        *string   `json:"category,omitempty"`
	Keywords        *[]string `json:"keywords,omitempty"`
	Owner           *string   `json:"owner,omitempty"`
	ReviewEveryDays *int      `json:"review_every_days,omitempty"`
}

// check names every bad field; creating, the title, body, category and owner are
// required. An article is read by every staff member: it holds no personal data.
func (b *knowledgeBody) check(v *validator, creating bool) {
	impersonal := func(field, value string) {
		if privacy.Text(value) != value {
			v.reject(field, FieldInvalid, "must not hold personal data (a phone number or an e-mail address): every staff member reads it")
		}
	}
	text := func(field string, value *string, maxRunes int) {
		switch {
		case value == nil && creating:
			v.reject(field, FieldRequired, "is required")
		case value == nil:
		default:
			v.required(field, *value, maxRunes)
			impersonal(field, *value)
		}
	}
	text("title", b.Title, 200)
	text("body", b.Body, maxKnowledgeBody)
	if b.Category != nil || creating {
		v.oneOf("category", null.Value(b.Category), complaint.Categories)
	}
	if b.Owner != nil || creating {
		v.required("owner", null.Value(b.Owner), 64)
	}
	if b.Keywords != nil {
		if len(*b.Keywords) > maxKnowledgeKeywords {
			v.reject("keywords", FieldTooLong, fmt.Sprintf("must hold at most %d keywords", maxKnowledgeKeywords))
		}
		for i, k := range *b.Keywords {
			v.required(fmt.Sprintf("keywords[%d]", i), k, 50)
			impersonal(fmt.Sprintf("keywords[%d]", i), k) // searched and shown as the text is
			if slices.Index(*b.Keywords, k) < i {
				v.reject(fmt.Sprintf("keywords[%d]", i), FieldConflict, fmt.Sprintf("%q is listed twice", k))
			}
		}
	}
	if b.ReviewEveryDays != nil && (*b.ReviewEveryDays < 1 || *b.ReviewEveryDays > maxReviewEveryDays) {
		v.reject("review_every_days", FieldOutOfRange, fmt.Sprintf("must be from 1 to %d", maxReviewEveryDays))
	}
}

// createKnowledge creates an article, reviewed now. Without review_every_days its
// interval is the risk thresholds' knowledge_review_days. With an Idempotency-Key
// it is created once under the key (as a PDCA cycle opened by hand).
func (s *Server) createKnowledge(w http.ResponseWriter, r *http.Request) {
	var body knowledgeBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	body.check(&v, true)
	key := openingKey(r, &v)
	// A refused body names its owner with the other bad fields (looked up once well
	// formed). A valid one's owner is the store's to check, after the replay under
	// its key: a retry is answered the article it created though the owner left the
	// directory since.
	if v.problem() != nil && body.Owner != nil && v.ok("owner") {
		s.checkOwner(r, &v, *body.Owner)
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	// Keyed on the body as sent: a retry after the default interval changed is still
	// the same request.
	opening := keyedOpening(r, key, body)
	if body.ReviewEveryDays == nil {
		t, err := s.store.RiskThresholds(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		body.ReviewEveryDays = &t.KnowledgeReviewDays
	}
	var keywords []string
	if body.Keywords != nil {
		keywords = *body.Keywords
	}
	a, created, err := s.store.CreateKnowledgeArticle(r.Context(), store.NewKnowledgeArticle{
		ID: newID(), Title: strings.TrimSpace(*body.Title), Body: *body.Body, Category: *body.Category, Keywords: keywords,
		Owner: *body.Owner, ReviewEveryDays: *body.ReviewEveryDays, By: principalFrom(r.Context()).Actor(), At: time.Now(),
	}, opening)
	switch {
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, r, problem(http.StatusConflict,
			"Idempotency-Key "+key+" was already used with a different body (knowledge article "+a.ID+")"))
		return
	case errors.Is(err, store.ErrInvalid):
		s.storeError(w, r, err) // the owner is not an active person
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/knowledge/"+a.ID)
	}
	w.Header().Set("ETag", TimeETag(a.UpdatedAt))
	writeJSON(w, status, knowledgeViewOf(a))
}

// anyWord is the words of a list parameter (repeated or comma-separated, as
// anyOf reads them), each trimmed and at most maxRunes long as q, at most
// maxKnowledgeKeywords of them, each once.
func anyWord(v *validator, q url.Values, name string, maxRunes int) []string {
	var out []string
	for _, raw := range q[name] {
		for w := range strings.SplitSeq(raw, ",") {
			if w = strings.TrimSpace(w); w != "" && !slices.Contains(out, w) {
				v.optional(name, w, maxRunes)
				out = append(out, w)
			}
		}
	}
	if len(out) > maxKnowledgeKeywords {
		v.reject(name, FieldTooLong, fmt.Sprintf("must hold at most %d words", maxKnowledgeKeywords))
	}
	return out
}

// listKnowledge lists live articles (retired ones with retired=true), newest
// first: of a category or an owner, holding q in the title, body or keywords, and
// any= at least one of several words there (the complaint page's suggestions: a
// complaint's keywords), and with stale=true only those past their review date.
func (s *Server) listKnowledge(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.KnowledgeFilter{}
	f.Limit, f.AfterCreatedAt, f.AfterID = page(&v, q)
	if c := q.Get("category"); c != "" {
		v.oneOf("category", c, complaint.Categories)
		f.Category = c
	}
	f.Owner = once(&v, q, "owner", 64)
	f.Text = strings.TrimSpace(once(&v, q, "q", 200))
	f.Any = anyWord(&v, q, "any", 200)
	if stale := boolean(&v, q, "stale"); stale != nil && *stale {
		now := time.Now()
		f.StaleAt = &now
	}
	if retired := boolean(&v, q, "retired"); retired != nil {
		f.Retired = *retired
	}
	if f.Retired && f.StaleAt != nil {
		// Only a live article is stale: a retired one is reviewed by no one.
		v.reject("stale", FieldConflict, "only live articles are stale: leave it out with retired=true")
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	articles, err := s.store.KnowledgeArticles(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, articles, f.Limit, knowledgeViewOf, func(a store.KnowledgeArticle) (time.Time, string) { return a.CreatedAt, a.ID })
}

func (s *Server) getKnowledge(w http.ResponseWriter, r *http.Request) {
	a, ok := fromPath(s, w, r, "knowledge article", true, s.store.KnowledgeArticle)
	if !ok {
		return
	}
	history, err := s.store.KnowledgeHistory(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	detail := knowledgeDetailView{knowledgeViewOf(a), make([]knowledgeEventView, len(history))}
	for i, e := range history {
		detail.Events[i] = knowledgeEventView{Kind: e.Kind, At: e.At.UTC(), Actor: e.Actor}
		if err := json.Unmarshal(e.Data, &detail.Events[i]); err != nil {
			s.serverError(w, r, fmt.Errorf("knowledge article %s history: %w", a.ID, err))
			return
		}
	}
	w.Header().Set("ETag", TimeETag(a.UpdatedAt))
	writeJSON(w, http.StatusOK, detail)
}

// knowledgeDetailView is an article with its history (migration 00040), oldest
// first, as an alert comes with its events.
type knowledgeDetailView struct {
	knowledgeView
	Events []knowledgeEventView `json:"events"`
}

// knowledgeEventView is a change of an article: created, edited, reviewed or
// retired; an edit names the fields it changed and what they held before (a
// handover is an edit of owner).
type knowledgeEventView struct {
	Kind    string         `json:"kind"`
	At      time.Time      `json:"at"`
	Actor   string         `json:"actor"`
	Changed []string       `json:"changed,omitempty"`
	Before  *knowledgeBody `json:"before,omitempty"`
}

// knowledgeToKeep reads the article the path names and checks the caller may keep
// it (auth.Principal.MayKeepArticle); on failure it has written the problem. It
// refuses early; changeKnowledge judges again on the article as it is changed.
func (s *Server) knowledgeToKeep(w http.ResponseWriter, r *http.Request) (store.KnowledgeArticle, bool) {
	a, ok := fromPath(s, w, r, "knowledge article", true, s.store.KnowledgeArticle)
	if !ok {
		return a, false
	}
	if why := principalFrom(r.Context()).MayKeepArticle(a.Owner); why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return a, false
	}
	return a, true
}

// patchKnowledge edits an article: the fields given change, the others are kept,
// and the edit counts as a review. Only a keeper (not the owner alone) hands the
// article to another owner.
func (s *Server) patchKnowledge(w http.ResponseWriter, r *http.Request) {
	a, ok := s.knowledgeToKeep(w, r)
	if !ok {
		return
	}
	var body knowledgeBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	if body == (knowledgeBody{}) && len(v.errs) == 0 {
		v.reject("title", FieldRequired, "give at least one of title, body, category, keywords, owner, review_every_days; "+
			"POST /v1/knowledge/{id}/review marks the article reviewed without a change")
	}
	body.check(&v, false)
	if body.Owner != nil && *body.Owner != a.Owner && !principalFrom(r.Context()).Allowed(auth.KnowledgeKeepers...) {
		v.reject("owner", FieldNotAllowed, "only quality, manager or admin hands an article to another owner")
	}
	if body.Owner != nil && v.ok("owner") { // looked up once well formed, so one 400 names it with the others
		s.checkOwner(r, &v, *body.Owner)
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	if body.Title != nil {
		body.Title = new(strings.TrimSpace(*body.Title))
	}
	s.changeKnowledge(w, r, a.ID, store.KnowledgeChange{Title: body.Title, Body: body.Body, Category: body.Category,
		Keywords: body.Keywords, Owner: body.Owner, ReviewEveryDays: body.ReviewEveryDays, Version: version})
}

// reviewKnowledge marks an article reviewed now, unchanged: its owner (or a keeper)
// read it and found it current. The body is empty or {}.
func (s *Server) reviewKnowledge(w http.ResponseWriter, r *http.Request) {
	a, ok := s.knowledgeToKeep(w, r)
	if !ok {
		return
	}
	var v validator
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	s.changeKnowledge(w, r, a.ID, store.KnowledgeChange{Version: version})
}

// changeKnowledge applies an edit or a review, by the caller, now — if the caller
// may keep the article as it is in the change's transaction: an owner replaced
// since knowledgeToKeep read it gets a 403, not a 412, since no If-Match need be
// sent and the refusal is of who they are, not of what they saw.
func (s *Server) changeKnowledge(w http.ResponseWriter, r *http.Request, id string, c store.KnowledgeChange) {
	p := principalFrom(r.Context())
	c.By, c.At = p.Actor(), time.Now()
	c.May = func(a store.KnowledgeArticle) error {
		if why := p.MayKeepArticle(a.Owner); why != "" {
			return mayNotKeep(why)
		}
		return nil
	}
	was, a, err := s.store.ChangeKnowledgeArticle(r.Context(), id, c)
	var refused mayNotKeep
	switch {
	case errors.As(err, &refused):
		writeProblem(w, r, problem(http.StatusForbidden, string(refused)))
		return
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, problem(http.StatusNotFound, "no knowledge article "+id))
		return
	case errors.Is(err, store.ErrRetired):
		writeProblem(w, r, problem(http.StatusConflict, "knowledge article "+id+" is retired: it is kept as it was"))
		return
	case errors.Is(err, store.ErrStale):
		writeStale(w, r, "knowledge article "+id, *c.Version, was.UpdatedBy, was.UpdatedAt, "")
		return
	case errors.Is(err, store.ErrInvalid):
		s.storeError(w, r, err)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(a.UpdatedAt))
	writeJSON(w, http.StatusOK, knowledgeViewOf(a))
}

// mayNotKeep is why the caller may not keep an article (auth.Principal.MayKeepArticle).
type mayNotKeep string

func (e mayNotKeep) Error() string { return string(e) }

// retireKnowledge retires an article: it leaves the lists and the risk monitor and
// stays readable by its ID. Retiring it again answers it as it is.
func (s *Server) retireKnowledge(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !isUUID(id) {
		writeProblem(w, r, problem(http.StatusNotFound, "no knowledge article "+id))
		return
	}
	a, err := s.store.RetireKnowledgeArticle(r.Context(), id, principalFrom(r.Context()).Actor(), time.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, problem(http.StatusNotFound, "no knowledge article "+id))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(a.UpdatedAt))
	writeJSON(w, http.StatusOK, knowledgeViewOf(a))
}

// knowledgeThresholds are the stale-knowledge settings among the risk thresholds
// (GET/PUT /v1/risk-thresholds): a field left out of a PUT keeps its value.
type knowledgeThresholds struct {
	KnowledgeStaleMin   *int64 `json:"knowledge_stale_min"`
	KnowledgeReviewDays *int   `json:"knowledge_review_days"`
}

func knowledgeThresholdsOf(t quality.RiskThresholds) knowledgeThresholds {
	return knowledgeThresholds{KnowledgeStaleMin: &t.KnowledgeStaleMin, KnowledgeReviewDays: &t.KnowledgeReviewDays}
}

// apply merges the fields given into t, naming every value out of range.
func (k knowledgeThresholds) apply(v *validator, t *quality.RiskThresholds) {
	if k.KnowledgeStaleMin != nil {
		t.KnowledgeStaleMin = *k.KnowledgeStaleMin
	}
	if k.KnowledgeReviewDays != nil {
		t.KnowledgeReviewDays = *k.KnowledgeReviewDays
	}
	if t.KnowledgeStaleMin < 1 || t.KnowledgeStaleMin > 1e6 {
		v.reject("knowledge_stale_min", FieldOutOfRange, "must be from 1 up to 1e+06")
	}
	if t.KnowledgeReviewDays < 1 || t.KnowledgeReviewDays > maxReviewEveryDays {
		v.reject("knowledge_review_days", FieldOutOfRange, fmt.Sprintf("must be from 1 up to %d", maxReviewEveryDays))
	}
}
