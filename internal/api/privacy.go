package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// Personal data on a need-to-know basis (seed 002 §1.4, docs/privacy.md): every
// read masks the customer's name, phone, e-mail and address, except for the token
// that filed the record; the owner, managers in the owner's reporting chain and
// admins see them in full only through a reveal, which is recorded.

func (s *Server) registerPrivacyRoutes(mux *serveMux) {
	// Every role may ask; who is entitled depends on the record, so a refusal is
	// the handler's 403, naming the rule.
	everyone := []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	mux.Handle("POST /v1/complaints/{id}/reveal", s.authorize(s.revealComplaint, everyone...))
	mux.Handle("POST /v1/feedback/{id}/reveal", s.authorize(s.revealFeedback, everyone...))
}

// viewer is the caller as the privacy rule sees it.
func viewer(p auth.Principal) privacy.Viewer {
	return privacy.Viewer{Role: string(p.Role), TokenID: p.TokenID, PersonID: p.PersonID}
}

func complaintContacts(c store.Complaint) privacy.Contacts {
	return privacy.Contacts{Name: c.CustomerName, Phone: null.Value(c.CustomerPhone),
		Email: null.Value(c.CustomerEmail), Address: null.Value(c.CustomerAddress)}
}

func feedbackContacts(f store.Feedback) privacy.Contacts {
	return privacy.Contacts{Name: null.Value(f.CustomerName), Phone: null.Value(f.CustomerPhone),
		Email: null.Value(f.CustomerEmail), Address: null.Value(f.CustomerAddress)}
}

// customerView is the customer with the personal fields in full or masked.
func customerView(id, tier string, c privacy.Contacts, full bool) customer {
	if !full {
		c = c.Masked()
	}
	return customer{ID: id, Name: c.Name, Tier: tier, Phone: c.Phone, Email: c.Email, Address: c.Address}
}

// personalText is free text with the customer's own contacts redacted unless the
// caller reads them in full.
func personalText(s string, c privacy.Contacts, full bool) string {
	if full {
		return s
	}
	return privacy.Redact(s, c)
}

// The values of personal_data in complaint and feedback views.
const (
	personalFull   = "full"
	personalMasked = "masked"
)

func personalData(full bool) string {
	if full {
		return personalFull
	}
	return personalMasked
}

// revealView is the answer to a reveal: the customer in full and the record of it.
type revealView struct {
	ID          string    `json:"id"`
	ComplaintID *string   `json:"complaint_id"`
	FeedbackID  *string   `json:"feedback_id"`
	Customer    customer  `json:"customer"`
	Fields      []string  `json:"fields"`
	RevealedBy  string    `json:"revealed_by"`
	RevealedAt  time.Time `json:"revealed_at"`
	// SurveyLink is the path of the complaint's open survey: the customer's
	// credential, kept out of logs and stored notices, so that whoever may see the
	// customer's contacts can also hand them their link (a call centre, the quick start).
	SurveyLink *string `json:"survey_link"`
}

// complaintRecord is what entitlement to a complaint's personal data depends on:
// who filed it, its owner and the owner's managers (read only when the caller is a
// manager, the only role they matter to).
func (s *Server) complaintRecord(ctx context.Context, c store.Complaint, caller auth.Principal) (privacy.Record, error) {
	r := privacy.Record{FiledBy: null.Value(c.FiledBy), Owner: null.Value(c.Owner)}
	if r.Owner == "" || caller.Role != auth.RoleManager || caller.PersonID == "" {
		return r, nil
	}
	chain, err := s.store.Chain(ctx, r.Owner)
	if errors.Is(err, store.ErrNotFound) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	for _, m := range chain {
		if m.ID != r.Owner {
			r.Managers = append(r.Managers, m.ID)
		}
	}
	return r, nil
}

// revealComplaint answers the customer's personal data in full to an entitled
// caller and appends a personal_data_revealed event to the complaint's log; every
// call is one reveal, recorded once.
func (s *Server) revealComplaint(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	caller := principalFrom(ctx)
	rec, err := s.complaintRecord(ctx, c, caller)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if privacy.AccessOf(viewer(caller), rec) == privacy.Masked {
		writeProblem(w, r, problem(http.StatusForbidden, caller.Actor()+" may not see complaint "+c.ID+
			"'s personal data: "+privacy.WhoMayReveal))
		return
	}
	link, err := s.openSurveyLink(r, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.reveal(w, r, store.Reveal{ComplaintID: &c.ID}, c.CustomerID, string(c.CustomerTier), complaintContacts(c), link)
}

// openSurveyLink signs the link of the complaint's open survey as the worker does
// (the same survey always gets the same link); nil when no survey is open.
func (s *Server) openSurveyLink(r *http.Request, complaintID string) (*string, error) {
	svs, err := s.store.Surveys(r.Context(), complaintID)
	if err != nil {
		return nil, err
	}
	for i := len(svs) - 1; i >= 0; i-- {
		if svs[i].Status != "open" {
			continue
		}
		key, err := s.surveySigningKey(r)
		if err != nil {
			return nil, err
		}
		link := "/v1/surveys/" + survey.Sign(key, survey.Token{SurveyID: svs[i].ID, ExpiresAt: svs[i].ExpiresAt})
		return &link, nil
	}
	return nil, nil
}

// revealFeedback is revealComplaint for feedback: admins and the sending token may
// reveal it and, once it became a complaint, whoever may reveal that complaint.
func (s *Server) revealFeedback(w http.ResponseWriter, r *http.Request) {
	fb, ok := fromPath(s, w, r, "feedback", true, s.store.Feedback)
	if !ok {
		return
	}
	if fb.CustomerID == nil {
		writeProblem(w, r, problem(http.StatusNotFound, "feedback "+fb.ID+" names no customer: it holds no personal data"))
		return
	}
	ctx := r.Context()
	caller := principalFrom(ctx)
	rec := privacy.Record{FiledBy: null.Value(fb.FiledBy)}
	if fb.ComplaintID != nil {
		c, err := s.store.Complaint(ctx, *fb.ComplaintID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if rec, err = s.complaintRecord(ctx, c, caller); err != nil {
			s.serverError(w, r, err)
			return
		}
		rec.FiledBy = null.Value(fb.FiledBy)
	}
	if privacy.AccessOf(viewer(caller), rec) == privacy.Masked {
		writeProblem(w, r, problem(http.StatusForbidden, caller.Actor()+" may not see feedback "+fb.ID+
			"'s personal data: "+privacy.WhoMayRevealFeedback))
		return
	}
	s.reveal(w, r, store.Reveal{FeedbackID: &fb.ID}, *fb.CustomerID, null.Value(fb.CustomerTier), feedbackContacts(fb), nil)
}

// reveal records the reveal, then answers the full values.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, rv store.Reveal, customerID, tier string, c privacy.Contacts, surveyLink *string) {
	ctx := r.Context()
	caller := principalFrom(ctx)
	rv.ID, rv.Actor, rv.TokenID, rv.Fields = newID(), caller.Actor(), caller.TokenID, c.Fields()
	rec, err := s.store.RecordReveal(ctx, rv)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(ctx, "personal data revealed", "reveal_id", rec.ID, "complaint_id", null.Value(rec.ComplaintID),
		"feedback_id", null.Value(rec.FeedbackID), "actor", rec.Actor, "token_id", rec.TokenID, "fields", []string(rec.Fields))
	writeJSON(w, http.StatusOK, revealView{
		ID: rec.ID, ComplaintID: rec.ComplaintID, FeedbackID: rec.FeedbackID,
		Customer: customerView(customerID, tier, c, true), Fields: append([]string{}, rec.Fields...),
		RevealedBy: rec.Actor, RevealedAt: rec.RevealedAt.UTC(), SurveyLink: surveyLink,
	})
}
