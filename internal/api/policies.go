package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// policyView shows durations in Go's duration syntax ("2h0m0s") and in seconds.
type policyView struct {
	// Source is left out for the urgency × tier matrix.
	Source               string      `json:"source,omitempty"`
	Urgency              string      `json:"urgency"`
	Tier                 string      `json:"tier"`
	FirstResponse        string      `json:"first_response"`
	FirstResponseSeconds int64       `json:"first_response_seconds"`
	Resolution           *string     `json:"resolution"`
	ResolutionSeconds    *int64      `json:"resolution_seconds"`
	WarningPercents      []int       `json:"warning_percents"`
	EscalationLevels     []levelView `json:"escalation_levels"`
	FollowUp             string      `json:"follow_up"`
	DecisionTime         string      `json:"decision_time"`
	MaxExtension         string      `json:"max_extension"`
	AutoEscalateAngry    bool        `json:"auto_escalate_angry"`
	AutoEscalateHighTier bool        `json:"auto_escalate_high_tier"`
	CalendarID           *string     `json:"calendar_id"`
	SurveyReminder       string      `json:"survey_reminder"`
	SurveyTimeout        string      `json:"survey_timeout"`
	UpdatedAt            time.Time   `json:"updated_at"`
	UpdatedBy            string      `json:"updated_by"`
}

// levelView is one breach level: after the breach (on the policy's calendar), the
// nearest person of rank notify or higher above the owner is told.
type levelView struct {
	Level  int    `json:"level"`
	After  string `json:"after"`
	Notify string `json:"notify"`
}

func seconds(n int64) string { return (time.Duration(n) * time.Second).String() }

func policyViewOf(p store.Policy) policyView {
	v := policyView{
		Urgency: string(p.Urgency), Tier: string(p.Tier),
		FirstResponse:        seconds(p.FirstResponseSeconds),
		FirstResponseSeconds: p.FirstResponseSeconds,
		WarningPercents:      p.WarningPercents,
		EscalationLevels:     []levelView{},
		FollowUp:             seconds(p.FollowUpSeconds),
		DecisionTime:         seconds(p.DecisionSeconds),
		MaxExtension:         seconds(p.MaxExtensionSeconds),
		AutoEscalateAngry:    p.AutoEscalateAngry, AutoEscalateHighTier: p.AutoEscalateHighTier,
		CalendarID:     p.CalendarID,
		SurveyReminder: seconds(p.SurveyReminderSeconds), SurveyTimeout: seconds(p.SurveyTimeoutSeconds),
		UpdatedAt: p.UpdatedAt.UTC(), UpdatedBy: p.UpdatedBy,
	}
	if p.Source != complaint.Any {
		v.Source = p.Source
	}
	for _, l := range p.EscalationLevels {
		v.EscalationLevels = append(v.EscalationLevels, levelView{Level: l.Level, After: seconds(l.AfterSeconds), Notify: string(l.Notify)})
	}
	if p.ResolutionSeconds != nil {
		d := seconds(*p.ResolutionSeconds)
		v.Resolution, v.ResolutionSeconds = &d, p.ResolutionSeconds
	}
	return v
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.Policies(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, ps, policyViewOf)
}

// putPolicyBody sets one cell of the SLA matrix. Durations use Go syntax ("90s",
// "2h", "48h"); a null resolution means no resolution clock (the backlog). The
// escalation fields are optional: left out, they keep their current value.
type putPolicyBody struct {
	FirstResponse        *string      `json:"first_response"`
	Resolution           *string      `json:"resolution"`
	WarningPercents      *[]int       `json:"warning_percents"`
	EscalationLevels     *[]levelView `json:"escalation_levels"`
	FollowUp             *string      `json:"follow_up"`
	DecisionTime         *string      `json:"decision_time"`
	MaxExtension         *string      `json:"max_extension"`
	AutoEscalateAngry    *bool        `json:"auto_escalate_angry"`
	AutoEscalateHighTier *bool        `json:"auto_escalate_high_tier"`
	CalendarID           *string      `json:"calendar_id"`
	SurveyReminder       *string      `json:"survey_reminder"`
	SurveyTimeout        *string      `json:"survey_timeout"`
}

const maxSLA = 366 * 24 * time.Hour

func parseSLA(v *validator, field string, value *string, required bool) *int64 {
	return parseSeconds(v, field, value, required, time.Second)
}

// parseSeconds reads a duration in Go syntax, from least to maxSLA and whole
// seconds, as a number of seconds; nil when it is absent, or wrong (told to v).
func parseSeconds(v *validator, field string, value *string, required bool, least time.Duration) *int64 {
	if value == nil {
		if required {
			v.reject(field, FieldRequired, "is required, e.g. \"2h\"")
		}
		return nil
	}
	d, err := time.ParseDuration(*value)
	switch {
	case err != nil:
		v.reject(field, FieldInvalidFormat, fmt.Sprintf("%q is not a duration like \"90s\", \"2h\" or \"48h\"", *value))
	case d < least || d > maxSLA:
		v.reject(field, FieldOutOfRange, fmt.Sprintf("must be between %s and 8784h", least))
	case d%time.Second != 0:
		v.reject(field, FieldInvalidFormat, "must be a whole number of seconds")
	default:
		return new(int64(d / time.Second))
	}
	return nil
}

// apply merges the body into the current policy, validating as it goes.
func (b *putPolicyBody) apply(v *validator, p *store.Policy) {
	first := parseSLA(v, "first_response", b.FirstResponse, true)
	resolution := parseSLA(v, "resolution", b.Resolution, false)
	if resolution != nil && *resolution < null.Value(first) {
		v.reject("resolution", FieldOutOfRange, "must not be shorter than first_response")
	}
	p.FirstResponseSeconds, p.ResolutionSeconds = null.Value(first), resolution
	if b.WarningPercents != nil {
		p.WarningPercents = *b.WarningPercents
		for i, w := range p.WarningPercents {
			field := fmt.Sprintf("warning_percents[%d]", i)
			switch {
			case w < 1 || w > 99:
				v.reject(field, FieldOutOfRange, "must be from 1 to 99")
			case i > 0 && w <= p.WarningPercents[i-1]:
				v.reject(field, FieldOutOfRange, "must be larger than the one before")
			}
		}
	}
	if b.EscalationLevels != nil {
		p.EscalationLevels = nil
		roles := make([]string, len(complaint.Roles))
		for i, r := range complaint.Roles {
			roles[i] = string(r)
		}
		var last int64
		for i, l := range *b.EscalationLevels {
			field := fmt.Sprintf("escalation_levels[%d]", i)
			if l.Level != i+1 {
				v.reject(field+".level", FieldOutOfRange, fmt.Sprintf("must be %d: levels count up from 1", i+1))
			}
			v.oneOf(field+".notify", l.Notify, roles)
			after := parseSeconds(v, field+".after", &l.After, true, 0)
			if after != nil && *after < last {
				v.reject(field+".after", FieldOutOfRange, "must not be earlier than the level before")
			}
			last = null.Value(after)
			p.EscalationLevels = append(p.EscalationLevels, complaint.LadderLevel{
				Level: l.Level, AfterSeconds: null.Value(after), Notify: complaint.Role(l.Notify)})
		}
	}
	for _, d := range []struct {
		field string
		value *string
		least time.Duration
		dst   *int64
	}{
		{"follow_up", b.FollowUp, time.Second, &p.FollowUpSeconds},
		{"decision_time", b.DecisionTime, time.Second, &p.DecisionSeconds},
		{"max_extension", b.MaxExtension, 0, &p.MaxExtensionSeconds},
		{"survey_reminder", b.SurveyReminder, time.Second, &p.SurveyReminderSeconds},
		{"survey_timeout", b.SurveyTimeout, time.Second, &p.SurveyTimeoutSeconds},
	} {
		if n := parseSeconds(v, d.field, d.value, false, d.least); n != nil {
			*d.dst = *n
		}
	}
	if p.SurveyReminderSeconds >= p.SurveyTimeoutSeconds {
		v.reject("survey_reminder", FieldOutOfRange, "must be shorter than survey_timeout ("+seconds(p.SurveyTimeoutSeconds)+")")
	}
	if b.AutoEscalateAngry != nil {
		p.AutoEscalateAngry = *b.AutoEscalateAngry
	}
	if b.AutoEscalateHighTier != nil {
		p.AutoEscalateHighTier = *b.AutoEscalateHighTier
	}
	if b.CalendarID != nil {
		p.CalendarID = null.IfEmpty(*b.CalendarID)
	}
}

// putPolicy changes a cell of the matrix. A path naming no cell is named in the
// same 400 as the body's bad fields (writePolicy).
func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request) {
	var v validator
	urgency, tier := r.PathValue("urgency"), r.PathValue("tier")
	v.oneOf("urgency", urgency, levelNames)
	v.oneOf("tier", tier, levelNames)
	named := len(v.errs) == 0
	var body putPolicyBody
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	p, _, ok := s.writePolicy(w, r, "SLA policy "+urgency+"/"+tier, &v, &body, func() (store.Policy, bool, error) {
		if !named {
			return s.unnamedPolicy(r)
		}
		p, err := s.store.Policy(r.Context(), complaint.Level(urgency), complaint.Level(tier))
		return p, false, err
	})
	if !ok {
		return
	}
	s.log.InfoContext(r.Context(), "SLA policy changed", "urgency", urgency, "tier", tier, "by", p.UpdatedBy)
	w.Header().Set("ETag", TimeETag(p.UpdatedAt))
	writeJSON(w, http.StatusOK, policyViewOf(p))
}

// unnamedPolicy is what a body is checked against when the path names no policy:
// the medium × medium cell, so the 400 that names the path names the body's bad
// fields too (nothing is written: v holds the path's problem).
func (s *Server) unnamedPolicy(r *http.Request) (store.Policy, bool, error) {
	p, err := s.store.Policy(r.Context(), complaint.Medium, complaint.Medium)
	return p, false, err
}

// writePolicy merges the body into the policy read and writes it (a
// read-merge-write, see retryMerge). read answers created for a policy not there
// yet (its fields where it starts from). false: the answer (a refusal) is written.
func (s *Server) writePolicy(w http.ResponseWriter, r *http.Request, what string, v *validator, body *putPolicyBody,
	read func() (store.Policy, bool, error)) (store.Policy, bool, bool) {
	ifMatch := ifMatchTime(r, v)
	for tries := 1; ; tries++ {
		current, created, err := read()
		if err != nil {
			s.serverError(w, r, err)
			return current, false, false
		}
		read := current.UpdatedAt
		if created {
			read = time.Time{}
		}
		version := mergedAgainst(ifMatch, read)
		body.apply(v, &current)
		if p := v.problem(); p != nil {
			writeProblem(w, r, p)
			return current, false, false
		}
		current.UpdatedBy = principalFrom(r.Context()).Actor()
		p, err := s.store.PutPolicy(r.Context(), current, version)
		switch {
		case retryMerge(err, ifMatch, tries):
			continue
		case errors.Is(err, store.ErrStale):
			writeStale(w, r, what, *version, p.UpdatedBy, p.UpdatedAt, "")
		case errors.Is(err, store.ErrNotFound):
			writeProblem(w, r, fieldProblem(http.StatusBadRequest, FieldError{Field: "calendar_id", Code: FieldNotFound, Message: "no calendar " + null.Value(current.CalendarID)}))
		case err != nil:
			s.serverError(w, r, err)
		default:
			return p, created, true
		}
		return p, false, false
	}
}
