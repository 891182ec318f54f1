package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Classification rules (admin) and the classification preview.

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
	w.Header().Set("ETag", TimeETag(store.RulesVersion(rows)))
	writeItems(w, rows, ruleViewOf)
}

// maxRules bounds a rule set; every intake matches every rule.
const maxRules = 500

type rulesRequest struct {
	Rules []classify.Rule `json:"rules"`
}

// validate names every bad rule's fields and returns the rules as stored.
func (req rulesRequest) validate(v *validator) []store.ClassificationRule {
	switch {
	case len(req.Rules) == 0:
		v.reject("rules", FieldOutOfRange, "must hold at least one rule; without rules everything is other, low urgency, individual")
	case len(req.Rules) > maxRules:
		v.reject("rules", FieldOutOfRange, fmt.Sprintf("must hold at most %d rules", maxRules))
	}
	rows := make([]store.ClassificationRule, len(req.Rules))
	for i, rule := range req.Rules {
		for _, e := range rule.Check() {
			v.reject(fmt.Sprintf("rules[%d].%s", i, e.Field), codeOfReason(e.Detail), e.Detail)
		}
		rows[i] = store.ClassificationRule{Dimension: string(rule.Dimension), Value: rule.Value, Keywords: rule.Keywords, Priority: rule.Priority}
	}
	return rows
}

// putRules replaces the whole rule set. Every rule is checked first and every bad
// field named ("rules[3].dimension"); nothing changes unless all are valid.
func (s *Server) putRules(w http.ResponseWriter, r *http.Request) {
	var req rulesRequest
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	rows := req.validate(&v)
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		for i, e := range p.Errors { // JSON pointers: /rules/3/dimension
			p.Errors[i].Pointer = "/" + strings.NewReplacer("[", "/", "]", "", ".", "/").Replace(e.Field)
		}
		writeProblem(w, r, p)
		return
	}
	stored, err := s.store.ReplaceClassificationRules(r.Context(), rows, principalFrom(r.Context()).Actor(), version)
	if errors.Is(err, store.ErrStale) {
		by := ""
		if len(stored) > 0 {
			by = stored[0].UpdatedBy
		}
		writeStale(w, r, "the classification rule set", *version, by, store.RulesVersion(stored), fmt.Sprintf("%d rules", len(stored)))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.useRules(r.Context(), stored)
	s.log.InfoContext(r.Context(), "classification rules replaced", "rules", len(stored), "by", principalFrom(r.Context()).Actor())
	w.Header().Set("ETag", TimeETag(store.RulesVersion(stored)))
	writeItems(w, stored, ruleViewOf)
}

type classifyRequest struct {
	Text   string `json:"text"`
	Kind   string `json:"kind,omitempty"`
	Rating *int   `json:"rating,omitempty"`
}

type classifyResponse struct {
	classify.Result
	Disposition       string `json:"disposition,omitempty"`
	DispositionReason string `json:"disposition_reason,omitempty"`
	// CountsAs is what the metrics would count the feedback as; Sentiment is the text's.
	CountsAs string `json:"counts_as,omitempty"`
}

// previewClassification classifies text without writing anything; with a kind it
// also tells what POST /v1/feedback would do with it.
func (s *Server) previewClassification(w http.ResponseWriter, r *http.Request) {
	var req classifyRequest
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
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
		d := classify.Dispose(classify.Feedback{Kind: req.Kind, Rating: null.Value(req.Rating), HasText: true, Sentiment: &res.Sentiment}, res.Urgency)
		res.Urgency, res.Disposition, res.DispositionReason = d.Urgency, string(d.Disposition), d.Reason
		res.CountsAs = classify.CountsAs(null.Value(req.Rating), d.Disposition, res.Sentiment)
	}
	writeJSON(w, http.StatusOK, res)
}
