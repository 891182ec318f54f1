package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// localeNames are the customer locales the API accepts.
var localeNames = func() []string {
	out := make([]string, len(message.Locales))
	for i, l := range message.Locales {
		out[i] = string(l)
	}
	return out
}()

// UseCustomerLocale sets the locale of complaints filed without one (without it,
// message.DefaultLocale, zh-CN) and the time zone times are shown to customers in
// (without it, UTC).
func (s *Server) UseCustomerLocale(l message.Locale, zone *time.Location) { s.locale, s.zone = l, zone }

func (s *Server) customerLocale() message.Locale {
	if s.locale == "" {
		return message.DefaultLocale
	}
	return s.locale
}

// registerMessageRoutes adds the customer texts per locale (docs/messages.md), which
// admins read and change, and the agents' progress update to the customer.
func (s *Server) registerMessageRoutes(mux *serveMux) {
	mux.Handle("GET /v1/message-templates", s.authorize(s.listMessageTemplates, auth.RoleAdmin))
	mux.Handle("GET /v1/message-templates/{key}/{locale}", s.authorize(s.getMessageTemplate, auth.RoleAdmin))
	mux.Handle("PUT /v1/message-templates/{key}/{locale}", s.authorize(s.putMessageTemplate, auth.RoleAdmin))
	mux.Handle("POST /v1/complaints/{id}/progress", s.authorize(s.sendProgress, auth.RoleAgent, auth.RoleManager, auth.RoleAdmin))
}

// messageTemplateView is a customer text in one locale: the admins' version, or the
// seeded one (customized false, no updated_by/at).
type messageTemplateView struct {
	Key         string           `json:"key"`
	Locale      string           `json:"locale"`
	Description string           `json:"description"`
	Variables   []messageVarView `json:"variables"`
	Subject     string           `json:"subject"`
	Body        string           `json:"body"`
	Customized  bool             `json:"customized"`
	UpdatedBy   *string          `json:"updated_by"`
	UpdatedAt   *time.Time       `json:"updated_at"`
}

type messageVarView struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

func messageTemplateViewOf(d message.Definition, locale message.Locale, t *message.Template) messageTemplateView {
	v := messageTemplateView{Key: string(d.Key), Locale: string(locale), Description: d.Description, Variables: []messageVarView{}}
	for _, x := range d.Vars {
		v.Variables = append(v.Variables, messageVarView{Name: x.Name, Kind: string(x.Kind), Description: x.Description})
	}
	if t != nil {
		v.Subject, v.Body, v.Customized = t.Subject, t.Body, true
		v.UpdatedBy, v.UpdatedAt = &t.UpdatedBy, utc(&t.UpdatedAt)
		return v
	}
	seed, _ := message.Seed(d.Key, locale)
	v.Subject, v.Body = seed.Subject, seed.Body
	return v
}

// listMessageTemplates lists every customer text in every locale, in a stable order.
func (s *Server) listMessageTemplates(w http.ResponseWriter, r *http.Request) {
	stored, err := s.store.MessageTemplates(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var items []messageTemplateView
	for _, d := range message.Definitions() {
		for _, l := range message.Locales {
			var t *message.Template
			for i := range stored {
				if stored[i].Key == d.Key && stored[i].Locale == l {
					t = &stored[i]
				}
			}
			items = append(items, messageTemplateViewOf(d, l, t))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// messageTemplateFromPath resolves {key}/{locale}: 404 for an unknown key or locale.
func (s *Server) messageTemplateFromPath(w http.ResponseWriter, r *http.Request) (message.Definition, message.Locale, bool) {
	d, ok := message.Lookup(message.Key(r.PathValue("key")))
	if !ok {
		writeProblem(w, r, problem(http.StatusNotFound, "no customer text "+r.PathValue("key")))
		return d, "", false
	}
	locale := message.Locale(r.PathValue("locale"))
	if _, ok := d.Seeds[locale]; !ok {
		writeProblem(w, r, problem(http.StatusNotFound, "no locale "+r.PathValue("locale")+"; customer texts are in zh-CN and en"))
		return d, "", false
	}
	return d, locale, true
}

func (s *Server) getMessageTemplate(w http.ResponseWriter, r *http.Request) {
	d, locale, ok := s.messageTemplateFromPath(w, r)
	if !ok {
		return
	}
	t, err := s.store.MessageTemplate(r.Context(), d.Key, locale)
	switch {
	case errors.Is(err, store.ErrNotFound):
		w.Header().Set("ETag", SeedETag)
		writeJSON(w, http.StatusOK, messageTemplateViewOf(d, locale, nil))
	case err != nil:
		s.serverError(w, r, err)
	default:
		w.Header().Set("ETag", TimeETag(t.UpdatedAt))
		writeJSON(w, http.StatusOK, messageTemplateViewOf(d, locale, &t))
	}
}

type putMessageTemplateBody struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// putMessageTemplate replaces a customer text in one locale. A template that does
// not parse, or uses a variable its key does not offer, is a 400 naming it; the
// next notice of that key renders the new text.
func (s *Server) putMessageTemplate(w http.ResponseWriter, r *http.Request) {
	d, locale, ok := s.messageTemplateFromPath(w, r)
	if !ok {
		return
	}
	var body putMessageTemplateBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	v.required("subject", body.Subject, 500)
	v.required("body", body.Body, 10000)
	// Checked even when the other is missing (an empty text parses), so one 400
	// names every bad field.
	for _, e := range message.Check(d.Key, message.Text{Subject: body.Subject, Body: body.Body}) {
		code := FieldInvalidFormat
		if e.Variable != "" {
			code = FieldNotFound // the variable does not exist for this key
		}
		v.reject(e.Field, code, e.Reason)
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	t, created, err := s.store.PutMessageTemplate(r.Context(), message.Template{
		Key: d.Key, Locale: locale, Subject: body.Subject, Body: body.Body, UpdatedBy: principalFrom(r.Context()).Actor(),
	}, version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "customer text "+string(d.Key)+" ("+string(locale)+")", *version, t.UpdatedBy, t.UpdatedAt, "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(t.UpdatedAt))
	writePut(w, r, created, messageTemplateViewOf(d, locale, &t))
}

type progressBody struct {
	Message    string     `json:"message"`
	Reason     string     `json:"reason"`
	ExpectedBy *time.Time `json:"expected_by"`
}

// sendProgress sends the customer an agent's progress update (001 LESCANT
// "Notify"), recorded as a progress_sent event; the customer hears it in their
// language with the resolution time still committed to or, once it has passed,
// that we are late, why and when we now expect to resolve (002 §9.3). The workflow
// judges expected_by again in its own time, and against the committed time.
func (s *Server) sendProgress(w http.ResponseWriter, r *http.Request) {
	var body progressBody
	s.act(w, r, &body, func(v *validator) {
		v.required("message", body.Message, 5000)
		v.optional("reason", body.Reason, 2000)
		if now := time.Now(); body.ExpectedBy != nil && (!body.ExpectedBy.After(now) || body.ExpectedBy.After(now.Add(workflows.MaxExpectedAhead))) {
			v.add("expected_by", fmt.Sprintf("must be in the future and within %d days", workflows.MaxExpectedAhead/(24*time.Hour)))
		}
	}, workflows.UpdateSendProgress, func(actor string) any {
		return workflows.CustomerProgressRequest{Actor: actor, Message: body.Message, Reason: body.Reason, ExpectedBy: body.ExpectedBy}
	})
}
