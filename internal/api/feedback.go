package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Feedback (DOMAIN.md §2): suggestions, ratings and social-media mentions are
// classified by keyword rules; low urgency goes to the improvement backlog, medium
// and high urgency become complaints through the complaint intake path.

func (s *Server) registerFeedbackRoutes(mux *http.ServeMux) {
	everyone := []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	analysts := []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	improvers := []auth.Role{auth.RoleQuality, auth.RoleManager, auth.RoleAdmin}

	mux.Handle("GET /v1/classification-rules", s.authorize(s.listRules, analysts...))
	mux.Handle("PUT /v1/classification-rules", s.authorize(s.putRules, auth.RoleAdmin))
	mux.Handle("POST /v1/classify", s.authorize(s.previewClassification, everyone...))
	mux.Handle("POST /v1/feedback", s.authorize(s.postFeedback, auth.RoleIntake, auth.RoleAgent, auth.RoleAdmin))
	mux.Handle("GET /v1/feedback", s.authorize(s.listFeedback, everyone...))
	mux.Handle("GET /v1/feedback/{id}", s.authorize(s.getFeedback, everyone...))
	mux.Handle("GET /v1/improvement-backlog", s.authorize(s.listBacklog, improvers...))
	mux.Handle("PATCH /v1/improvement-backlog/{id}", s.authorize(s.patchBacklog, improvers...))
	mux.Handle("GET /v1/heatmap", s.authorize(s.heatmap, analysts...))

	// Load the Chinese dictionary now, off the request path: the first intake after
	// a start would otherwise wait for it.
	go func() {
		took, err := classify.Warm()
		if err != nil {
			s.log.Error("loading the Chinese dictionary failed; Chinese keywords degrade", "error", err)
			return
		}
		s.log.Info("Chinese dictionary loaded", "duration", took)
	}()
}

// --- the classifier ---------------------------------------------------------

// rulesTTL bounds how long another API process keeps using a rule set an admin
// replaced; the process that took the PUT switches at once.
const rulesTTL = 30 * time.Second

type loadedRules struct {
	c     *classify.Classifier
	until time.Time
}

type ruleCache struct {
	reload sync.Mutex
	cur    atomic.Pointer[loadedRules]
}

// classifier returns the current rule set, reloading it from PostgreSQL when it is
// older than rulesTTL. Intake calls it on every request: the fast path is two atomic
// loads. While one request reloads, the others keep using the previous set.
func (s *Server) classifier(ctx context.Context) (*classify.Classifier, error) {
	rc := &s.rules
	cur := rc.cur.Load()
	if cur != nil && time.Now().Before(cur.until) {
		return cur.c, nil
	}
	if cur != nil {
		if !rc.reload.TryLock() {
			return cur.c, nil
		}
	} else {
		rc.reload.Lock()
	}
	defer rc.reload.Unlock()
	if cur = rc.cur.Load(); cur != nil && time.Now().Before(cur.until) {
		return cur.c, nil
	}
	rows, err := s.store.ClassificationRules(ctx)
	if err != nil {
		if cur != nil {
			s.log.WarnContext(ctx, "reloading classification rules failed; keeping the previous set", "error", err)
			return cur.c, nil
		}
		return nil, err
	}
	return s.useRules(ctx, rows), nil
}

// useRules compiles rows and makes them the current set. A stored rule that no
// longer passes the checks (written past the API) is skipped, not fatal to intake.
func (s *Server) useRules(ctx context.Context, rows []store.ClassificationRule) *classify.Classifier {
	var rules []classify.Rule
	for _, row := range rows {
		r := ruleOf(row)
		if errs := r.Check(); len(errs) > 0 {
			s.log.WarnContext(ctx, "skipping an invalid classification rule", "rule_id", row.ID, "problem", errs[0].Field+" "+errs[0].Detail)
			continue
		}
		rules = append(rules, r)
	}
	c, err := classify.New(rules)
	if err != nil { // cannot happen: every rule passed Check
		s.log.ErrorContext(ctx, "compiling classification rules failed", "error", err)
		c, _ = classify.New(nil)
	}
	s.rules.cur.Store(&loadedRules{c: c, until: time.Now().Add(rulesTTL)})
	return c
}

func ruleOf(row store.ClassificationRule) classify.Rule {
	return classify.Rule{Dimension: classify.Dimension(row.Dimension), Value: row.Value, Keywords: row.Keywords, Priority: row.Priority}
}

// --- classification rules -----------------------------------------------------

type ruleView struct {
	classify.Rule
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func ruleViewOf(row store.ClassificationRule) ruleView {
	return ruleView{Rule: ruleOf(row), UpdatedAt: row.UpdatedAt.UTC(), UpdatedBy: row.UpdatedBy}
}

func (s *Server) listRules(w http.ResponseWriter, r *http.Request) {
	rows, err := s.store.ClassificationRules(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, rows, ruleViewOf)
}

// maxRules bounds a rule set; every intake matches every rule.
const maxRules = 500

type rulesRequest struct {
	Rules []classify.Rule `json:"rules"`
}

// putRules replaces the whole rule set. Every rule is checked first and every bad
// field named ("rules[3].dimension"); nothing changes unless all are valid.
func (s *Server) putRules(w http.ResponseWriter, r *http.Request) {
	var req rulesRequest
	if p := decodeJSON(w, r, &req); p != nil {
		writeProblem(w, r, p)
		return
	}
	var v validator
	switch {
	case len(req.Rules) == 0:
		v.add("rules", "must hold at least one rule; without rules everything is other, low urgency, individual")
	case len(req.Rules) > maxRules:
		v.add("rules", fmt.Sprintf("must hold at most %d rules", maxRules))
	}
	rows := make([]store.ClassificationRule, len(req.Rules))
	for i, rule := range req.Rules {
		for _, e := range rule.Check() {
			v.add(fmt.Sprintf("rules[%d].%s", i, e.Field), e.Detail)
		}
		rows[i] = store.ClassificationRule{Dimension: string(rule.Dimension), Value: rule.Value, Keywords: rule.Keywords, Priority: rule.Priority}
	}
	if p := v.problem(); p != nil {
		for i, e := range p.Errors { // JSON pointers: /rules/3/dimension
			p.Errors[i].Pointer = "/" + strings.NewReplacer("[", "/", "]", "", ".", "/").Replace(e.Field)
		}
		writeProblem(w, r, p)
		return
	}
	stored, err := s.store.ReplaceClassificationRules(r.Context(), rows, principalFrom(r.Context()).Actor())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.useRules(r.Context(), stored)
	s.log.InfoContext(r.Context(), "classification rules replaced", "rules", len(stored), "by", principalFrom(r.Context()).Actor())
	writeItems(w, stored, ruleViewOf)
}

// --- preview ------------------------------------------------------------------

type classifyRequest struct {
	Text   string `json:"text"`
	Kind   string `json:"kind,omitempty"`
	Rating *int   `json:"rating,omitempty"`
}

type classifyResponse struct {
	classify.Result
	Disposition       string `json:"disposition,omitempty"`
	DispositionReason string `json:"disposition_reason,omitempty"`
}

// previewClassification classifies text without writing anything; with a kind it
// also tells what POST /v1/feedback would do with it.
func (s *Server) previewClassification(w http.ResponseWriter, r *http.Request) {
	var req classifyRequest
	if p := decodeJSON(w, r, &req); p != nil {
		writeProblem(w, r, p)
		return
	}
	var v validator
	v.required("text", req.Text, maxFeedbackRunes)
	if req.Kind != "" {
		v.oneOf("kind", req.Kind, feedbackKinds)
	}
	checkRating(&v, req.Rating)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	cl, err := s.classifier(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	res := classifyResponse{Result: cl.Classify(req.Text)}
	if req.Kind != "" {
		d := classify.Dispose(classify.Feedback{Kind: req.Kind, Rating: deref(req.Rating), HasText: true}, res.Urgency)
		res.Urgency, res.Disposition, res.DispositionReason = d.Urgency, string(d.Disposition), d.Reason
	}
	writeJSON(w, http.StatusOK, res)
}

// --- feedback -----------------------------------------------------------------

var feedbackKinds = []string{"suggestion", "rating", "social_mention", "other"}

const maxFeedbackRunes = 10000

// feedbackRequest is the body of POST /v1/feedback. Text is required except for a
// rating; the customer is optional (a social-media mention seldom names one).
type feedbackRequest struct {
	ExternalID string    `json:"external_id,omitempty"`
	Kind       string    `json:"kind"`
	Channel    string    `json:"channel"`
	Text       string    `json:"text,omitempty"`
	Rating     *int      `json:"rating,omitempty"`
	Customer   *customer `json:"customer,omitempty"`
}

func (req *feedbackRequest) validate() *Problem {
	var v validator
	v.optional("external_id", req.ExternalID, 200)
	if req.ExternalID != "" && strings.TrimSpace(req.ExternalID) == "" {
		v.add("external_id", "must not be blank")
	}
	v.oneOf("kind", req.Kind, feedbackKinds)
	v.oneOf("channel", req.Channel, complaint.Channels)
	if req.Kind == "rating" {
		v.optional("text", req.Text, maxFeedbackRunes)
		if req.Rating == nil {
			v.add("rating", "is required for kind rating; 1 to 5")
		}
	} else {
		v.required("text", req.Text, maxFeedbackRunes)
	}
	checkRating(&v, req.Rating)
	if c := req.Customer; c != nil {
		v.required("customer.id", c.ID, 200)
		v.required("customer.name", c.Name, 200)
		v.oneOf("customer.tier", c.Tier, levelNames)
		v.optional("customer.phone", c.Phone, 40)
		if c.Phone != "" && strings.Trim(c.Phone, "+0123456789 -().") != "" {
			v.add("customer.phone", "may hold only digits, spaces, +, -, ( ) and .")
		}
		v.optional("customer.email", c.Email, 254)
		if c.Email != "" {
			if addr, err := mail.ParseAddress(c.Email); err != nil || addr.Address != c.Email {
				v.add("customer.email", "is not an e-mail address")
			}
		}
		v.optional("customer.address", c.Address, 500)
	}
	return v.problem()
}

func checkRating(v *validator, rating *int) {
	if rating != nil && (*rating < 1 || *rating > 5) {
		v.add("rating", "must be an integer from 1 to 5")
	}
}

// hash fingerprints the request, as for complaints: the same external_id with a
// different body is a conflict, not a retry.
func (req *feedbackRequest) hash() string {
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

type feedbackView struct {
	ID                string             `json:"id"`
	ExternalID        *string            `json:"external_id"`
	Kind              string             `json:"kind"`
	Channel           string             `json:"channel"`
	Text              string             `json:"text"`
	Rating            *int64             `json:"rating"`
	Customer          *customer          `json:"customer"`
	Classification    classificationView `json:"classification"`
	Keywords          []string           `json:"keywords"`
	Disposition       string             `json:"disposition"`
	DispositionReason string             `json:"disposition_reason"`
	ComplaintID       *string            `json:"complaint_id"`
	BacklogID         *string            `json:"backlog_id"`
	ReceivedAt        time.Time          `json:"received_at"`
}

type classificationView struct {
	ProblemType  string          `json:"problem_type"`
	Urgency      string          `json:"urgency"`
	Scope        string          `json:"scope"`
	MatchedRules json.RawMessage `json:"matched_rules"`
}

func feedbackViewOf(f store.Feedback) feedbackView {
	v := feedbackView{
		ID: f.ID, ExternalID: f.ExternalID, Kind: f.Kind, Channel: f.Channel, Text: f.Text,
		Classification: classificationView{
			ProblemType: f.ProblemType, Urgency: f.Urgency, Scope: f.Scope, MatchedRules: json.RawMessage(f.MatchedRules),
		},
		Keywords: f.Keywords, Disposition: f.Disposition, DispositionReason: f.DispositionReason,
		ComplaintID: f.ComplaintID, BacklogID: f.BacklogID, ReceivedAt: f.ReceivedAt.UTC(),
	}
	if v.Keywords == nil {
		v.Keywords = []string{}
	}
	v.Rating = f.Rating
	if f.CustomerID != nil {
		v.Customer = &customer{
			ID: *f.CustomerID, Name: deref(f.CustomerName), Tier: deref(f.CustomerTier),
			Phone: deref(f.CustomerPhone), Email: deref(f.CustomerEmail), Address: deref(f.CustomerAddress),
		}
	}
	return v
}

// postFeedback records classified feedback and acts on it: a backlog item (written
// with the feedback), or a complaint filed through the complaint intake path with
// external_id "feedback:<feedback id>". Idempotent on external_id: a retry returns
// the first result and completes a complaint a failed attempt left unfiled.
func (s *Server) postFeedback(w http.ResponseWriter, r *http.Request) {
	var req feedbackRequest
	if p := decodeJSON(w, r, &req); p != nil {
		writeProblem(w, r, p)
		return
	}
	if p := req.validate(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ctx := r.Context()
	cl, err := s.classifier(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	res := cl.Classify(req.Text)
	d := classify.Dispose(classify.Feedback{Kind: req.Kind, Rating: deref(req.Rating), HasText: strings.TrimSpace(req.Text) != ""}, res.Urgency)
	matched, _ := json.Marshal(res.Matched)
	nf := store.NewFeedback{
		ID: newID(), ExternalID: nonEmpty(req.ExternalID), RequestHash: req.hash(),
		Kind: req.Kind, Channel: req.Channel, Text: req.Text,
		ProblemType: res.ProblemType, Urgency: d.Urgency, Scope: res.Scope, MatchedRules: string(matched),
		Keywords: res.Keywords, Disposition: string(d.Disposition), DispositionReason: d.Reason,
		BacklogID: newID(), BacklogTitle: backlogTitle(req.Text),
	}
	if req.Rating != nil {
		nf.Rating = new(int64(*req.Rating))
	}
	if c := req.Customer; c != nil {
		nf.CustomerID, nf.CustomerName, nf.CustomerTier = new(c.ID), new(c.Name), new(c.Tier)
		nf.CustomerPhone, nf.CustomerEmail, nf.CustomerAddress = nonEmpty(c.Phone), nonEmpty(c.Email), nonEmpty(c.Address)
	}
	fb, created, err := s.store.CreateFeedback(ctx, nf)
	switch {
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, r, problem(http.StatusConflict,
			"external_id "+req.ExternalID+" was already sent with a different body (feedback "+fb.ID+")"))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if fb.Disposition == string(classify.DispositionComplaint) && fb.ComplaintID == nil {
		c, err := s.fileFeedbackComplaint(ctx, fb)
		var p *Problem
		switch {
		case errors.As(err, &p):
			s.log.ErrorContext(ctx, "filing feedback as a complaint failed", "feedback_id", fb.ID, "problem", p.Detail)
			writeProblem(w, r, problem(p.Status, "the feedback was recorded (id "+fb.ID+
				") but its complaint could not be filed: "+p.Detail+"; a retry with the same external_id files it"))
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		fb.ComplaintID = &c.ID
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/feedback/"+fb.ID)
		s.log.InfoContext(ctx, "feedback received", "feedback_id", fb.ID, "kind", fb.Kind, "channel", fb.Channel,
			"problem_type", fb.ProblemType, "urgency", fb.Urgency, "disposition", fb.Disposition)
	}
	writeJSON(w, status, feedbackViewOf(fb))
}

// anonymousTier is the tier of a complaint filed from feedback that names no
// customer: its value is unknown, so neither the top nor the bottom of the matrix.
const anonymousTier = string(complaint.Medium)

// fileFeedbackComplaint files the complaint for feedback through the one complaint
// intake path, built from the stored feedback only, so every retry sends the same
// request. Feedback without a customer gets a customer of its own
// ("anonymous:<feedback id>"): unrelated authors never share one history.
func (s *Server) fileFeedbackComplaint(ctx context.Context, fb store.Feedback) (store.Complaint, error) {
	req := fileRequest{
		ExternalID: "feedback:" + fb.ID, Channel: fb.Channel,
		Customer: customer{ID: "anonymous:" + fb.ID, Name: "Anonymous (" + fb.Channel + ")", Tier: anonymousTier},
		Category: fb.ProblemType, Urgency: fb.Urgency,
		Subject: backlogTitle(fb.Text), Description: fb.Text,
		// The complaint carries the feedback's keywords: counted once, from its text.
		analysed: true, keywords: fb.Keywords, scope: fb.Scope,
	}
	if fb.CustomerID != nil {
		req.Customer = customer{
			ID: *fb.CustomerID, Name: deref(fb.CustomerName), Tier: deref(fb.CustomerTier),
			Phone: deref(fb.CustomerPhone), Email: deref(fb.CustomerEmail), Address: deref(fb.CustomerAddress),
		}
	}
	if fb.Rating != nil {
		rated := fmt.Sprintf("Rating %d of 5", *fb.Rating)
		if strings.TrimSpace(fb.Text) == "" {
			req.Subject, req.Description = rated, rated+", no comment."
		}
		if *fb.Rating <= 2 {
			req.Sentiment = "negative"
		}
	}
	if p := req.validate(); p != nil {
		return store.Complaint{}, fmt.Errorf("feedback %s makes an invalid complaint: %s", fb.ID, p.Detail)
	}
	c, _, err := s.file(ctx, req)
	if err != nil {
		return c, err
	}
	if err := s.store.SetFeedbackComplaint(ctx, fb.ID, c.ID); err != nil {
		return c, err
	}
	return c, nil
}

// backlogTitle is the first line of the text, at most 120 characters.
func backlogTitle(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 120 {
		line = string([]rune(line)[:119]) + "…"
	}
	if line == "" {
		return "(no text)"
	}
	return line
}

func (s *Server) getFeedback(w http.ResponseWriter, r *http.Request) {
	fb, ok := fromPath(s, w, r, "feedback", true, s.store.Feedback)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, feedbackViewOf(fb))
}

func (s *Server) listFeedback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.FeedbackFilter{}
	f.Limit, f.AfterReceivedAt, f.AfterID = page(&v, q, "kind", "disposition")
	if k := q.Get("kind"); k != "" {
		v.oneOf("kind", k, feedbackKinds)
		f.Kind = k
	}
	if d := q.Get("disposition"); d != "" {
		names := make([]string, len(classify.Dispositions))
		for i, x := range classify.Dispositions {
			names[i] = string(x)
		}
		v.oneOf("disposition", d, names)
		f.Disposition = d
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	fbs, err := s.store.FeedbackList(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, fbs, f.Limit, feedbackViewOf, func(fb store.Feedback) (time.Time, string) { return fb.ReceivedAt, fb.ID })
}

// --- improvement backlog --------------------------------------------------------

type backlogView struct {
	ID          string    `json:"id"`
	FeedbackID  string    `json:"feedback_id"`
	Title       string    `json:"title"`
	ProblemType string    `json:"problem_type"`
	Keywords    []string  `json:"keywords"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   string    `json:"updated_by"`
}

func backlogViewOf(b store.BacklogItem) backlogView {
	kw := []string(b.Keywords)
	if kw == nil {
		kw = []string{}
	}
	return backlogView{ID: b.ID, FeedbackID: b.FeedbackID, Title: b.Title, ProblemType: b.ProblemType, Keywords: kw,
		Status: b.Status, CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(), UpdatedBy: b.UpdatedBy}
}

func (s *Server) listBacklog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.BacklogFilter{}
	f.Limit, f.AfterCreatedAt, f.AfterID = page(&v, q, "status", "problem_type")
	if st := q.Get("status"); st != "" {
		v.oneOf("status", st, store.BacklogStatuses)
		f.Status = st
	}
	if pt := q.Get("problem_type"); pt != "" {
		v.oneOf("problem_type", pt, complaint.Categories)
		f.ProblemType = pt
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	items, err := s.store.BacklogItems(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, items, f.Limit, backlogViewOf, func(b store.BacklogItem) (time.Time, string) { return b.CreatedAt, b.ID })
}

type backlogPatch struct {
	Status string `json:"status"`
}

// patchBacklog moves an item through new → planned → done, or to rejected. Any
// status may follow any other: a rejected idea may come back when it recurs.
func (s *Server) patchBacklog(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := uuid.Parse(id); err != nil {
		writeProblem(w, r, problem(http.StatusNotFound, "no backlog item "+id))
		return
	}
	var req backlogPatch
	if p := decodeJSON(w, r, &req); p != nil {
		writeProblem(w, r, p)
		return
	}
	var v validator
	v.oneOf("status", req.Status, store.BacklogStatuses)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	it, err := s.store.SetBacklogStatus(r.Context(), id, req.Status, principalFrom(r.Context()).Actor())
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no backlog item "+id))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, backlogViewOf(it))
}

// --- heat map -------------------------------------------------------------------

const (
	defaultHeatmapKeywords = 20
	defaultHeatmapPeriod   = 30 * 24 * time.Hour
	maxHeatmapPeriod       = 366 * 24 * time.Hour
)

type heatRow struct {
	Keyword string         `json:"keyword"`
	Total   int            `json:"total"`
	Counts  map[string]int `json:"counts"`
}

// heatmap counts keyword × category over [from, to): how many complaints (by
// category) and feedback (by problem type) mention each of the top keywords.
// from and to are RFC 3339 times or dates (midnight UTC); the default period is the
// last 30 days.
func (s *Server) heatmap(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	for name := range q {
		if !slices.Contains([]string{"from", "to", "source", "limit"}, name) {
			v.add(name, "unknown query parameter; use from, to, source, limit")
		}
	}
	hq := store.HeatmapQuery{Source: store.HeatmapAll, Limit: defaultHeatmapKeywords, To: time.Now().UTC()}
	toGiven := q.Get("to") != ""
	if t, ok := parseInstant(&v, "to", q.Get("to")); ok && toGiven {
		hq.To = t
	}
	hq.From = hq.To.Add(-defaultHeatmapPeriod)
	if t, ok := parseInstant(&v, "from", q.Get("from")); ok && q.Get("from") != "" {
		hq.From = t
	}
	if src := q.Get("source"); src != "" {
		v.oneOf("source", src, []string{store.HeatmapComplaints, store.HeatmapFeedback, store.HeatmapAll})
		hq.Source = src
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPageSize {
			v.add("limit", fmt.Sprintf("must be an integer from 1 to %d", maxPageSize))
		}
		hq.Limit = n
	}
	if len(v.errs) == 0 {
		switch {
		case !hq.From.Before(hq.To):
			v.add("to", "must be after from")
		case hq.To.Sub(hq.From) > maxHeatmapPeriod:
			v.add("from", "the period may span at most 366 days")
		}
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	cells, err := s.store.Heatmap(r.Context(), hq)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := []heatRow{}
	for _, c := range cells {
		if len(rows) == 0 || rows[len(rows)-1].Keyword != c.Keyword {
			counts := make(map[string]int, len(complaint.Categories))
			for _, cat := range complaint.Categories {
				counts[cat] = 0
			}
			rows = append(rows, heatRow{Keyword: c.Keyword, Total: c.Total, Counts: counts})
		}
		rows[len(rows)-1].Counts[c.Category] += c.Count
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": hq.From, "to": hq.To, "source": hq.Source, "categories": complaint.Categories, "items": rows,
	})
}

// parseInstant reads an RFC 3339 time or a date; ok is false (and v names the
// parameter) when it is neither. An empty value is ok and zero.
func parseInstant(v *validator, name, value string) (time.Time, bool) {
	if value == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, value); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, value); err == nil {
		return t, true
	}
	v.add(name, "must be an RFC 3339 time (2026-11-01T00:00:00Z) or a date (2026-11-01)")
	return time.Time{}, false
}
