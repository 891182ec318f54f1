package api

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
	"github.com/complaintflow/complaintflow/workflows"
)

// surveyKey is the survey-link signing key: configured, or the one the service keeps
// in PostgreSQL (the worker signs with the same).
type surveyKey struct {
	configured string
	mu         sync.Mutex
	key        []byte
}

// UseSurveySecret sets the configured survey signing secret (SURVEY_SIGNING_SECRET);
// without it the key kept in PostgreSQL is used.
func (s *Server) UseSurveySecret(secret string) { s.surveyKey.configured = secret }

func (s *Server) surveySigningKey(r *http.Request) ([]byte, error) {
	k := &s.surveyKey
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		key, err := s.store.SurveySigningKey(r.Context(), k.configured)
		if err != nil {
			return nil, err
		}
		k.key = key
	}
	return k.key, nil
}

func (s *Server) registerSurveyRoutes(mux *serveMux) {
	// Public: the signed token in the link is the customer's credential.
	mux.HandleFunc("GET /v1/surveys/{token}", s.getSurvey)
	mux.HandleFunc("POST /v1/surveys/{token}", s.answerSurvey)
	mux.Handle("GET /v1/complaints/{id}/surveys", s.authorize(s.listSurveys,
		auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin))
}

// surveyView is a survey as the customer and staff see it; never the token.
type surveyView struct {
	ID          string     `json:"id"`
	ComplaintID string     `json:"complaint_id"`
	Round       int        `json:"round"`
	Status      string     `json:"status"`
	SentAt      time.Time  `json:"sent_at"`
	RemindedAt  *time.Time `json:"reminded_at,omitempty"`
	ExpiresAt   time.Time  `json:"expires_at"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
	Answer      *answerDTO `json:"answer,omitempty"`
}

type answerDTO struct {
	CSAT    int    `json:"csat"`
	NPS     *int   `json:"nps,omitempty"`
	CES     *int   `json:"ces,omitempty"`
	Solved  bool   `json:"solved"`
	Comment string `json:"comment,omitempty"`
	// CommentSentiment is the comment's sentiment, analysed when read: the model
	// is stateless and fast, and the answer's record in the survey workflow stays
	// as it is.
	CommentSentiment *classify.Sentiment `json:"comment_sentiment,omitempty"`
}

func surveyViewOf(sv survey.Survey) surveyView {
	v := surveyView{
		ID: sv.ID, ComplaintID: sv.ComplaintID, Round: sv.Round, Status: sv.Status,
		SentAt: sv.SentAt.UTC(), RemindedAt: utc(sv.RemindedAt), ExpiresAt: sv.ExpiresAt.UTC(),
		AnsweredAt: utc(sv.AnsweredAt),
	}
	if sv.CSAT != nil {
		v.Answer = &answerDTO{CSAT: int(*sv.CSAT), Solved: null.Value(sv.Solved), Comment: null.Value(sv.Comment)}
		if strings.TrimSpace(v.Answer.Comment) != "" {
			s := classify.AnalyseSentiment(v.Answer.Comment)
			v.Answer.CommentSentiment = &s
		}
		if sv.NPS != nil {
			v.Answer.NPS = new(int(*sv.NPS))
		}
		if sv.CES != nil {
			v.Answer.CES = new(int(*sv.CES))
		}
	}
	return v
}

// surveyQuestions describe the answer POST /v1/surveys/{token} takes (DOMAIN.md §2).
var surveyQuestions = []map[string]any{
	{"field": "solved", "question": "Is your problem solved?", "type": "boolean", "required": true},
	{"field": "csat", "question": "How satisfied are you with how we handled it?", "type": "integer", "min": 1, "max": 5, "required": true},
	{"field": "nps", "question": "How likely are you to recommend us to a friend?", "type": "integer", "min": 0, "max": 10},
	{"field": "ces", "question": "How much effort did it take to get your problem handled? (1 = very little)", "type": "integer", "min": 1, "max": 7},
	{"field": "comment", "question": "Anything else you want to tell us?", "type": "string", "max_length": 2000},
}

// surveyFromToken checks the link's token and loads its survey. A forged token is
// 401 and an expired one 410, both before any lookup.
func (s *Server) surveyFromToken(w http.ResponseWriter, r *http.Request) (survey.Survey, bool) {
	key, err := s.surveySigningKey(r)
	if err != nil {
		s.serverError(w, r, err)
		return survey.Survey{}, false
	}
	token, err := survey.Verify(key, r.PathValue("token"), time.Now())
	switch {
	case errors.Is(err, survey.ErrForged):
		writeProblem(w, r, problem(http.StatusUnauthorized, "the survey link is not valid"))
		return survey.Survey{}, false
	case errors.Is(err, survey.ErrExpired):
		writeProblem(w, r, problem(http.StatusGone, "the survey link expired at "+token.ExpiresAt.Format(time.RFC3339)))
		return survey.Survey{}, false
	}
	sv, err := s.store.Survey(r.Context(), token.SurveyID)
	if errors.Is(err, store.ErrNotFound) {
		// Signed by us but unknown: the database was reset under the link.
		writeProblem(w, r, problem(http.StatusNotFound, "the survey no longer exists"))
		return sv, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return sv, false
	}
	return sv, true
}

// getSurvey describes the survey and its questions: JSON for apps, or a small form
// for a customer who opened the e-mailed link in a browser.
func (s *Server) getSurvey(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.surveyFromToken(w, r)
	if !ok {
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		writeJSON(w, http.StatusOK, map[string]any{"survey": surveyViewOf(sv), "questions": surveyQuestions})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'")
	err := surveyPage.Execute(w, map[string]any{
		"ComplaintID": sv.ComplaintID, "Status": sv.Status, "ExpiresAt": sv.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"),
		"CSAT": []int{1, 2, 3, 4, 5}, "NPS": []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "CES": []int{1, 2, 3, 4, 5, 6, 7},
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "rendering the survey page", "error", err)
	}
}

//go:embed templates/survey.html
var surveyPageSource string

var surveyPage = template.Must(template.New("survey").Parse(surveyPageSource))

// surveyAnswerBody is the customer's answer. csat and solved are required.
type surveyAnswerBody struct {
	CSAT    *int    `json:"csat"`
	NPS     *int    `json:"nps"`
	CES     *int    `json:"ces"`
	Solved  *bool   `json:"solved"`
	Comment *string `json:"comment"`
}

func (b surveyAnswerBody) check(v *validator) complaint.SurveyAnswer {
	scale := func(field string, value *int, lo, hi int, required bool) {
		switch {
		case value == nil && required:
			v.reject(field, FieldRequired, fmt.Sprintf("is required: an integer from %d to %d", lo, hi))
		case value != nil && (*value < lo || *value > hi):
			v.reject(field, FieldOutOfRange, fmt.Sprintf("%d is not from %d to %d", *value, lo, hi))
		}
	}
	scale("csat", b.CSAT, 1, 5, true)
	scale("nps", b.NPS, 0, 10, false)
	scale("ces", b.CES, 1, 7, false)
	if b.Solved == nil {
		v.reject("solved", FieldRequired, "is required: true or false")
	}
	a := complaint.SurveyAnswer{NPS: b.NPS, CES: b.CES}
	if b.Comment != nil {
		v.optional("comment", *b.Comment, 2000)
		a.Comment = *b.Comment
	}
	if b.CSAT != nil {
		a.CSAT = *b.CSAT
	}
	if b.Solved != nil {
		a.Solved = *b.Solved
	}
	return a
}

// answerSurvey takes the customer's one answer and hands it to the feedback loop,
// which verifies or reopens the complaint. A second answer is 409, an expired or
// withdrawn survey 410; neither changes anything. The same answer sent twice at
// once (a client retry racing the first) is one update with one result.
func (s *Server) answerSurvey(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.surveyFromToken(w, r)
	if !ok {
		return
	}
	var body surveyAnswerBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	answer := body.check(&v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	switch sv.Status {
	case "answered":
		writeProblem(w, r, problem(http.StatusConflict, "the survey was already answered"))
		return
	case "expired", "cancelled":
		writeProblem(w, r, problem(http.StatusGone, "the survey is "+sv.Status))
		return
	}
	var state workflows.SurveyState
	if !s.runUpdate(w, r, client.UpdateWorkflowOptions{
		WorkflowID: sv.WorkflowID,
		// The same answer retried is one update; a different one is a second update,
		// which the loop's validator refuses.
		UpdateID:   "survey:" + sv.ID + ":" + answerDigest(answer),
		UpdateName: workflows.UpdateAnswerSurvey,
		Args:       []any{workflows.SurveyAnswerRequest{SurveyID: sv.ID, Answer: answer}},
	}, &state, problem(http.StatusGone, "the survey is closed")) {
		return
	}
	message := "Thank you: your answer confirms the fix and your complaint will be closed."
	if state.Outcome == workflows.OutcomeDissatisfied {
		message = "Thank you. We are sorry the problem is not solved: your complaint is open again and its owner's manager has been told."
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"survey_id": sv.ID, "complaint_id": sv.ComplaintID, "status": "answered",
		"outcome": state.Outcome, "message": message,
	})
}

func answerDigest(a complaint.SurveyAnswer) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d|%v|%v|%t|%s", a.CSAT, orDash(a.NPS), orDash(a.CES), a.Solved, a.Comment))
	return hex.EncodeToString(sum[:8])
}

func orDash(p *int) any {
	if p == nil {
		return "-"
	}
	return *p
}

func (s *Server) listSurveys(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	svs, err := s.store.Surveys(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, svs, surveyViewOf)
}
