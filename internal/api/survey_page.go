package api

import (
	"errors"
	"net/http"

	"golang.org/x/text/language"

	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// The survey page in the customer's browser: what it says when the link cannot be
// used, and the words its script shows when an answer is refused or cannot be sent.

// writeSurveyLinkPage answers a browser that opened a survey link which cannot be
// used with a small page saying why, in the customer's language, with the status
// API clients get (401 not valid, 404 no longer exists, 410 expired).
func (s *Server) writeSurveyLinkPage(w http.ResponseWriter, r *http.Request, refusal *surveyLinkRefusal) {
	locale := s.refusedLinkLocale(r, refusal)
	words := message.SurveyPageWords(locale)
	text := words.Invalid
	switch {
	case refusal.expired:
		text = message.SurveyLinkExpired(locale, refusal.token.ExpiresAt, s.zone)
	case refusal.problem.Status == http.StatusNotFound:
		text = words.Unknown
	}
	nonce := newNonce()
	writeHTMLHeaders(w, "style-src 'nonce-"+nonce+"'")
	w.WriteHeader(refusal.problem.Status)
	err := surveyPage.ExecuteTemplate(w, "link", map[string]any{
		"Lang": string(locale), "Title": words.Title, "Text": text, "Nonce": nonce,
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "rendering the survey link page", "error", err)
	}
}

// refusedLinkLocale is the language of the page for a link that cannot be used:
// the customer's, when the link is genuine (expired) and names a survey whose
// complaint can be read; else the browser's (Accept-Language) when it is one of
// ours; else the configured default.
func (s *Server) refusedLinkLocale(r *http.Request, refusal *surveyLinkRefusal) message.Locale {
	if refusal.expired {
		if l, ok := s.expiredLinkLocale(r, refusal.token); ok {
			return l
		}
	}
	if l, ok := acceptedLocale(r); ok {
		return l
	}
	return s.customerLocale()
}

// expiredLinkLocale is the customer locale of the complaint an expired link's
// survey belongs to, when both can be read.
func (s *Server) expiredLinkLocale(r *http.Request, token survey.Token) (message.Locale, bool) {
	sv, err := s.store.Survey(r.Context(), token.SurveyID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(r.Context(), "survey link page: reading the survey", "error", err)
		}
		return "", false
	}
	l, _, ok := s.complaintLocale(r, sv.ComplaintID)
	return l, ok
}

// acceptedLocale is the most preferred supported locale of Accept-Language.
func acceptedLocale(r *http.Request) (message.Locale, bool) {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil {
		return "", false
	}
	for _, tag := range tags {
		if l, ok := message.ParseLocale(tag.String()); ok {
			return l, true
		}
	}
	return "", false
}

// surveyClosedText is what the page of a survey that is no longer open says.
func (s *Server) surveyClosedText(locale message.Locale, sv survey.Survey, words message.SurveyWords) string {
	switch sv.Status {
	case "answered":
		return words.Answered
	case "expired":
		return message.SurveyLinkExpired(locale, sv.ExpiresAt, s.zone)
	}
	return words.Closed
}

// surveyScriptWords are the words the page's script shows, by what became of the
// answer it sent; Fields names each question by its label. ExpiresAt (Unix
// milliseconds) tells the script whether a 410 is the link's expiry or the
// survey's withdrawal.
type surveyScriptWords struct {
	Sending   string            `json:"sending"`
	Answered  string            `json:"answered"`
	Expired   string            `json:"expired"`
	Closed    string            `json:"closed"`
	Invalid   string            `json:"invalid"`
	Check     string            `json:"check"`
	CheckAll  string            `json:"check_all"`
	Separator string            `json:"separator"`
	Failed    string            `json:"failed"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt int64             `json:"expires_at"`
}

func (s *Server) surveyScriptWords(locale message.Locale, token survey.Token, words message.SurveyWords) surveyScriptWords {
	fields := map[string]string{}
	for _, q := range message.SurveyQuestions(locale) {
		fields[q.Field] = q.Label
	}
	return surveyScriptWords{
		Sending: words.Sending, Answered: words.Answered,
		Expired: message.SurveyLinkExpired(locale, token.ExpiresAt, s.zone), Closed: words.Closed,
		Invalid: words.Invalid, Check: words.Check, CheckAll: words.CheckAll, Separator: words.Separator,
		Failed: words.Failed, Fields: fields, ExpiresAt: token.ExpiresAt.UnixMilli(),
	}
}
