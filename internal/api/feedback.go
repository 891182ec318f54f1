package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Feedback (DOMAIN.md §2): suggestions, ratings and social-media mentions are
// classified by keyword rules; low urgency goes to the improvement backlog, medium
// and high urgency become complaints through the complaint intake path.

func (s *Server) registerFeedbackRoutes(mux *serveMux) {
	everyone := []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	analysts := []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	improvers := []auth.Role{auth.RoleQuality, auth.RoleManager, auth.RoleAdmin}

	mux.Handle("GET /v1/classification-rules", s.authorize(s.listRules, analysts...))
	mux.Handle("PUT /v1/classification-rules", s.authorize(s.putRules, auth.RoleAdmin))
	mux.Handle("POST /v1/classify", s.authorize(s.previewClassification, everyone...))
	mux.Handle("POST /v1/feedback", s.authorize(s.rateLimited(s.postFeedback), auth.RoleIntake, auth.RoleAgent, auth.RoleAdmin))
	mux.Handle("GET /v1/feedback", s.authorize(s.listFeedback, everyone...))
	mux.Handle("GET /v1/feedback/{id}", s.authorize(s.getFeedback, everyone...))
	mux.Handle("GET /v1/improvement-backlog", s.authorize(s.listBacklog, improvers...))
	mux.Handle("PATCH /v1/improvement-backlog/{id}", s.authorize(s.patchBacklog, improvers...))
	mux.Handle("GET /v1/heatmap", s.authorize(s.heatmap, analysts...))
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

// feedbackComplaint prefixes the external_id of the complaint feedback becomes
// (fileFeedbackComplaint); a feedback's own external_id leaves it room within a
// complaint's 200 characters.
const feedbackComplaint = "feedback:"

func (req *feedbackRequest) validate(v *validator) {
	v.optional("external_id", req.ExternalID, 200-len(feedbackComplaint))
	if req.ExternalID != "" && strings.TrimSpace(req.ExternalID) == "" {
		v.reject("external_id", FieldRequired, "must not be blank")
	}
	v.oneOf("kind", req.Kind, feedbackKinds)
	v.oneOf("channel", req.Channel, complaint.Channels)
	if req.Kind == "rating" {
		v.optional("text", req.Text, maxFeedbackRunes)
		if req.Rating == nil {
			v.reject("rating", FieldRequired, "is required for kind rating; 1 to 5")
		}
	} else {
		v.required("text", req.Text, maxFeedbackRunes)
	}
	checkRating(v, req.Rating)
	if c := req.Customer; c != nil {
		v.required("customer.id", c.ID, 200)
		v.required("customer.name", c.Name, 200)
		v.oneOf("customer.tier", c.Tier, levelNames)
		v.optional("customer.phone", c.Phone, 40)
		if c.Phone != "" && strings.Trim(c.Phone, "+0123456789 -().") != "" {
			v.reject("customer.phone", FieldInvalidFormat, "may hold only digits, spaces, +, -, ( ) and .")
		}
		v.optional("customer.email", c.Email, 254)
		if c.Email != "" {
			if addr, err := mail.ParseAddress(c.Email); err != nil || addr.Address != c.Email {
				v.reject("customer.email", FieldInvalidFormat, "is not an e-mail address")
			}
		}
		v.optional("customer.address", c.Address, 500)
	}
}

func checkRating(v *validator, rating *int) {
	if rating != nil && (*rating < 1 || *rating > 5) {
		v.reject("rating", FieldOutOfRange, "must be an integer from 1 to 5")
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
	// PersonalData says whether the customer's personal fields are shown in full or
	// masked (docs/privacy.md); "full" when there is no customer.
	PersonalData string `json:"personal_data"`
}

type classificationView struct {
	ProblemType  string          `json:"problem_type"`
	Urgency      string          `json:"urgency"`
	Scope        string          `json:"scope"`
	MatchedRules json.RawMessage `json:"matched_rules"`
	// Sentiment as analysed at intake; feedback recorded before sentiment analysis
	// reads neutral, score 0.
	Sentiment classify.Sentiment `json:"sentiment"`
}

// feedbackViewOf is the feedback as the caller may read it: personal data in full
// for the token that sent it, masked for everyone else (docs/privacy.md).
func feedbackViewOf(f store.Feedback, caller auth.Principal) feedbackView {
	contacts := feedbackContacts(f)
	full := f.CustomerID == nil || privacy.AccessOf(viewer(caller), privacy.Record{FiledBy: null.Value(f.FiledBy)}) == privacy.Full
	v := feedbackView{
		ID: f.ID, ExternalID: f.ExternalID, Kind: f.Kind, Channel: f.Channel, Text: personalText(f.Text, contacts, full),
		PersonalData: personalData(full),
		Classification: classificationView{
			ProblemType: f.ProblemType, Urgency: f.Urgency, Scope: f.Scope, MatchedRules: json.RawMessage(f.MatchedRules),
			Sentiment: classify.Sentiment{
				Label: f.Sentiment, Score: f.SentimentScore, Anger: f.Anger,
				AngerReasons: nonNil(f.AngerReasons), Failures: nonNil(f.Failures),
			},
		},
		Keywords: f.Keywords, Disposition: f.Disposition, DispositionReason: f.DispositionReason,
		ComplaintID: f.ComplaintID, BacklogID: f.BacklogID, ReceivedAt: f.ReceivedAt.UTC(),
	}
	if v.Keywords == nil {
		v.Keywords = []string{}
	}
	v.Rating = f.Rating
	if f.CustomerID != nil {
		c := customerView(*f.CustomerID, null.Value(f.CustomerTier), contacts, full)
		v.Customer = &c
	}
	return v
}

// postFeedback records classified feedback and acts on it: a backlog item (written
// with the feedback), or a complaint filed through the complaint intake path
// (fileFeedbackComplaint). Idempotent on external_id within the token's intake
// system: a retry returns the first result and completes a complaint a failed
// attempt left unfiled.
func (s *Server) postFeedback(w http.ResponseWriter, r *http.Request) {
	var req feedbackRequest
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	req.validate(&v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ctx := r.Context()
	cl, err := s.classifier(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var contacts privacy.Contacts
	if req.Customer != nil {
		contacts = req.Customer.contacts()
	}
	res := cl.Classify(privacy.ForAnalysis(req.Text, contacts)) // as a complaint's: no contacts in the keywords
	hasText := strings.TrimSpace(req.Text) != ""
	f := classify.Feedback{Kind: req.Kind, Rating: null.Value(req.Rating), HasText: hasText}
	if hasText {
		f.Sentiment = &res.Sentiment
	}
	d := classify.Dispose(f, res.Urgency)
	matched, _ := json.Marshal(res.Matched)
	nf := store.NewFeedback{
		ID: newID(), ExternalID: null.IfEmpty(req.ExternalID), RequestHash: req.hash(),
		Kind: req.Kind, Channel: req.Channel, Text: req.Text,
		ProblemType: res.ProblemType, Urgency: d.Urgency, Scope: res.Scope, MatchedRules: string(matched),
		Keywords: res.Keywords, Disposition: string(d.Disposition), DispositionReason: d.Reason,
		BacklogID: newID(), BacklogTitle: store.ItemTitle(contacts, req.Text),
		FeedbackSentiment: store.FeedbackSentiment{
			Sentiment: res.Sentiment.Label, SentimentScore: res.Sentiment.Score, Anger: res.Sentiment.Anger,
			AngerReasons: res.Sentiment.AngerReasons, Failures: res.Sentiment.Failures,
		},
	}
	if req.Rating != nil {
		nf.Rating = new(int64(*req.Rating))
	}
	nf.FiledBy = null.IfEmpty(principalFrom(ctx).TokenID)
	nf.IntegrationID = null.IfEmpty(principalFrom(ctx).IntegrationID)
	if c := req.Customer; c != nil {
		nf.CustomerID, nf.CustomerName, nf.CustomerTier = new(c.ID), new(c.Name), new(c.Tier)
		nf.CustomerPhone, nf.CustomerEmail, nf.CustomerAddress = null.IfEmpty(c.Phone), null.IfEmpty(c.Email), null.IfEmpty(c.Address)
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
	writeJSON(w, status, feedbackViewOf(fb, principalFrom(ctx)))
}

// anonymousTier is the tier of a complaint filed from feedback that names no
// customer: its value is unknown, so neither the top nor the bottom of the matrix.
const anonymousTier = string(complaint.Medium)

// fileFeedbackComplaint files the complaint for feedback through the one complaint
// intake path, built from the stored feedback only, so every retry sends the same
// request. The complaint is the sending token's intake system's, called back like
// the ones it files, under external_id "feedback:" and the feedback's own
// external_id, or its ID when it has none: the system finds it, and reads its
// callbacks, by the ID it sent. Feedback without a customer gets a customer of its
// own ("anonymous:<feedback id>"): unrelated authors never share one history.
func (s *Server) fileFeedbackComplaint(ctx context.Context, fb store.Feedback) (store.Complaint, error) {
	req := fileRequest{
		ExternalID: feedbackComplaint + cmp.Or(null.Value(fb.ExternalID), fb.ID), Channel: fb.Channel,
		Customer: customer{ID: "anonymous:" + fb.ID, Name: "Anonymous (" + fb.Channel + ")", Tier: anonymousTier},
		Category: fb.ProblemType, Urgency: fb.Urgency,
		Subject: store.BacklogTitle(fb.Text), Description: fb.Text,
		// The complaint carries the feedback's keywords: counted once, from its text.
		analysed: true, keywords: fb.Keywords, scope: fb.Scope,
		// Filed by the token that sent the feedback: it supplied the personal data.
		filedBy: null.Value(fb.FiledBy), integrationID: null.Value(fb.IntegrationID),
		source: classify.Source(classify.Feedback{Kind: fb.Kind, Rating: int(null.Value(fb.Rating)),
			Sentiment: &classify.Sentiment{Label: fb.Sentiment, Anger: fb.Anger}}),
	}
	if fb.CustomerID != nil {
		req.Customer = customer{
			ID: *fb.CustomerID, Name: null.Value(fb.CustomerName), Tier: null.Value(fb.CustomerTier),
			Phone: null.Value(fb.CustomerPhone), Email: null.Value(fb.CustomerEmail), Address: null.Value(fb.CustomerAddress),
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
	// The complaint carries what the text said: an angry author ("angry", which the
	// SLA policy may escalate at once, 002 §3.2) or a negative one.
	switch {
	case fb.Anger:
		req.Sentiment = "angry"
	case fb.Sentiment == classify.SentimentNegative:
		req.Sentiment = "negative"
	}
	var v validator
	req.validate(&v)
	if p := v.problem(); p != nil {
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

// nonNil is the slice, or an empty one: JSON arrays, never null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) getFeedback(w http.ResponseWriter, r *http.Request) {
	fb, ok := fromPath(s, w, r, "feedback", true, s.store.Feedback)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, feedbackViewOf(fb, principalFrom(r.Context())))
}

func (s *Server) listFeedback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.FeedbackFilter{}
	f.Limit, f.AfterReceivedAt, f.AfterID = page(&v, q)
	f.CustomerID = once(&v, q, "customer_id", 200)
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
	caller := principalFrom(r.Context())
	writePage(w, fbs, f.Limit, func(fb store.Feedback) feedbackView { return feedbackViewOf(fb, caller) }, func(fb store.Feedback) (time.Time, string) { return fb.ReceivedAt, fb.ID })
}
