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
	"github.com/complaintflow/complaintflow/internal/message"
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
	// 002 §10.1's dimensions, 1–5.
	ResponseSpeed   *int `json:"response_speed,omitempty"`
	ProblemSolved   *int `json:"problem_solved,omitempty"`
	ServiceAttitude *int `json:"service_attitude,omitempty"`
	// CommentSentiment is the comment's sentiment, analysed when read: the model
	// is stateless and fast, and the answer's record in the survey workflow stays
	// as it is.
	CommentSentiment *classify.Sentiment `json:"comment_sentiment,omitempty"`
}

func intOf(p *int16) *int {
	if p == nil {
		return nil
	}
	return new(int(*p))
}

func surveyViewOf(sv survey.Survey) surveyView {
	v := surveyView{
		ID: sv.ID, ComplaintID: sv.ComplaintID, Round: sv.Round, Status: sv.Status,
		SentAt: sv.SentAt.UTC(), RemindedAt: utc(sv.RemindedAt), ExpiresAt: sv.ExpiresAt.UTC(),
		AnsweredAt: utc(sv.AnsweredAt),
	}
	if sv.CSAT != nil {
		v.Answer = &answerDTO{CSAT: int(*sv.CSAT), Solved: null.Value(sv.Solved), Comment: null.Value(sv.Comment)}
		v.Answer.NPS, v.Answer.CES = intOf(sv.NPS), intOf(sv.CES)
		v.Answer.ResponseSpeed, v.Answer.ProblemSolved = intOf(sv.ResponseSpeed), intOf(sv.ProblemSolved)
		v.Answer.ServiceAttitude = intOf(sv.ServiceAttitude)
		if strings.TrimSpace(v.Answer.Comment) != "" {
			s := classify.AnalyseSentiment(v.Answer.Comment)
			v.Answer.CommentSentiment = &s
		}
	}
	return v
}

// surveyQuestions describe the answer POST /v1/surveys/{token} takes (DOMAIN.md §2,
// 002 §10.1), in the customer's locale.
func surveyQuestions(locale message.Locale) []map[string]any {
	var out []map[string]any
	for _, q := range message.SurveyQuestions(locale) {
		m := map[string]any{"field": q.Field, "question": q.Text, "type": q.Kind, "required": q.Required}
		switch q.Kind {
		case "integer":
			m["min"], m["max"] = q.Min, q.Max
		case "string":
			m["max_length"] = q.Max
		}
		out = append(out, m)
	}
	return out
}

// surveyLocale is the locale of the survey's customer; the default when the
// complaint cannot be read.
func (s *Server) surveyLocale(r *http.Request, sv survey.Survey) (message.Locale, store.Complaint) {
	l, c, ok := s.complaintLocale(r, sv.ComplaintID)
	if !ok {
		l = s.customerLocale()
	}
	return l, c
}

// complaintLocale is the customer locale of a survey's complaint; ok false when the
// complaint cannot be read or names none.
func (s *Server) complaintLocale(r *http.Request, complaintID string) (message.Locale, store.Complaint, bool) {
	c, err := s.store.Complaint(r.Context(), complaintID)
	if err != nil {
		s.log.WarnContext(r.Context(), "survey page: reading the complaint", "error", err)
		return "", c, false
	}
	l, ok := message.ParseLocale(c.CustomerLocale)
	return l, c, ok
}

// surveyLinkRefusal is why a survey link cannot be used: the problem API clients
// get, and for an expired link its token (the survey it names, when it expired).
type surveyLinkRefusal struct {
	problem *Problem
	token   survey.Token
	expired bool
}

// resolveSurveyLink checks the link's token and loads its survey. A forged token is
// refused 401 and an expired one 410, both before any lookup; a genuine token of a
// survey the database does not hold is 404. err is a failure to answer at all.
func (s *Server) resolveSurveyLink(r *http.Request) (survey.Survey, survey.Token, *surveyLinkRefusal, error) {
	key, err := s.surveySigningKey(r)
	if err != nil {
		return survey.Survey{}, survey.Token{}, nil, err
	}
	token, err := survey.Verify(key, r.PathValue("token"), time.Now())
	switch {
	case errors.Is(err, survey.ErrForged):
		return survey.Survey{}, token, &surveyLinkRefusal{problem: problem(http.StatusUnauthorized, "the survey link is not valid")}, nil
	case errors.Is(err, survey.ErrExpired):
		return survey.Survey{}, token, &surveyLinkRefusal{token: token, expired: true,
			problem: problem(http.StatusGone, "the survey link expired at "+token.ExpiresAt.Format(time.RFC3339))}, nil
	}
	sv, err := s.store.Survey(r.Context(), token.SurveyID)
	if errors.Is(err, store.ErrNotFound) {
		// Signed by us but unknown: the database was reset under the link.
		return sv, token, &surveyLinkRefusal{problem: problem(http.StatusNotFound, "the survey no longer exists")}, nil
	}
	if err != nil {
		return sv, token, nil, err
	}
	return sv, token, nil, nil
}

// surveyFromToken is resolveSurveyLink answering a refused link with its problem.
func (s *Server) surveyFromToken(w http.ResponseWriter, r *http.Request) (survey.Survey, bool) {
	sv, _, refusal, err := s.resolveSurveyLink(r)
	switch {
	case err != nil:
		s.serverError(w, r, err)
		return sv, false
	case refusal != nil:
		writeProblem(w, r, refusal.problem)
		return sv, false
	}
	return sv, true
}

// wantsHTML reports whether the request is a browser's asking for a page.
func wantsHTML(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "text/html") }

// getSurvey describes the survey and its questions: JSON for apps, or a small form
// for a customer who opened the e-mailed link in a browser. A browser opening a
// link that cannot be used gets a page saying so in the customer's language, with
// the status the JSON answer has.
func (s *Server) getSurvey(w http.ResponseWriter, r *http.Request) {
	sv, token, refusal, err := s.resolveSurveyLink(r)
	switch {
	case err != nil:
		s.serverError(w, r, err)
		return
	case refusal != nil && wantsHTML(r):
		s.writeSurveyLinkPage(w, r, refusal)
		return
	case refusal != nil:
		writeProblem(w, r, refusal.problem)
		return
	}
	locale, c := s.surveyLocale(r, sv)
	if !wantsHTML(r) {
		writeJSON(w, http.StatusOK, map[string]any{"survey": surveyViewOf(sv), "questions": surveyQuestions(locale)})
		return
	}
	page, err := s.surveyPageText(r, locale, sv, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// The form's script and style run by this answer's nonce; its script posts the
	// answer back to this URL (connect-src 'self').
	nonce := newNonce()
	writeHTMLHeaders(w, "script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+"'; connect-src 'self'")
	var questions []surveyPageQuestion
	for _, q := range message.SurveyQuestions(locale) {
		pq := surveyPageQuestion{Question: q}
		for n := q.Min; q.Kind == "integer" && n <= q.Max; n++ {
			pq.Scale = append(pq.Scale, n)
		}
		questions = append(questions, pq)
	}
	words := message.SurveyPageWords(locale)
	err = surveyPage.Execute(w, map[string]any{
		"Lang": string(locale), "Title": page.Subject, "Intro": page.Body, "Status": sv.Status,
		"Questions": questions, "Words": words, "Nonce": nonce,
		"Closed": s.surveyClosedText(locale, sv, words),
		"Script": s.surveyScriptWords(locale, token, words),
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "rendering the survey page", "error", err)
	}
}

// surveyPageQuestion is a question with the choices of its scale.
type surveyPageQuestion struct {
	message.Question
	Scale []int
}

// surveyPageText is the page's title and introduction: the admins' survey_page
// text in the customer's locale, else the seeded one.
func (s *Server) surveyPageText(r *http.Request, locale message.Locale, sv survey.Survey, c store.Complaint) (message.Text, error) {
	t, found, err := s.store.MessageTemplateText(r.Context(), message.SurveyPage, locale)
	if err != nil {
		return t, err
	}
	if !found {
		t, _ = message.Seed(message.SurveyPage, locale)
	}
	return message.Render(message.SurveyPage, locale, t, map[string]string{
		"complaint_id": sv.ComplaintID, "customer_name": c.CustomerName, "expires_at": message.Time(sv.ExpiresAt),
	}, s.zone)
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
	// 002 §10.1's dimensions, 1–5, optional.
	ResponseSpeed   *int `json:"response_speed"`
	ProblemSolved   *int `json:"problem_solved"`
	ServiceAttitude *int `json:"service_attitude"`
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
	scale("response_speed", b.ResponseSpeed, 1, 5, false)
	scale("problem_solved", b.ProblemSolved, 1, 5, false)
	scale("service_attitude", b.ServiceAttitude, 1, 5, false)
	if b.Solved == nil {
		v.reject("solved", FieldRequired, "is required: true or false")
	}
	a := complaint.SurveyAnswer{NPS: b.NPS, CES: b.CES,
		ResponseSpeed: b.ResponseSpeed, ProblemSolved: b.ProblemSolved, ServiceAttitude: b.ServiceAttitude}
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
	locale, _ := s.surveyLocale(r, sv)
	words := message.SurveyPageWords(locale)
	thanks := words.Verified
	if state.Outcome == workflows.OutcomeDissatisfied {
		thanks = words.Dissatisfied
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"survey_id": sv.ID, "complaint_id": sv.ComplaintID, "status": "answered",
		"outcome": state.Outcome, "message": thanks,
	})
}

func answerDigest(a complaint.SurveyAnswer) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d|%v|%v|%t|%s|%v|%v|%v", a.CSAT, orDash(a.NPS), orDash(a.CES), a.Solved, a.Comment,
		orDash(a.ResponseSpeed), orDash(a.ProblemSolved), orDash(a.ServiceAttitude)))
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
