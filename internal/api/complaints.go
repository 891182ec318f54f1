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

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// fileRequest is the body of POST /v1/complaints.
type fileRequest struct {
	ExternalID  string   `json:"external_id"`
	Channel     string   `json:"channel"`
	Customer    customer `json:"customer"`
	Category    string   `json:"category"`
	Urgency     string   `json:"urgency"`
	Subject     string   `json:"subject"`
	Description string   `json:"description"`
	// Sentiment is optional (e.g. call-centre emotion detection); "angry" may escalate at once.
	Sentiment string `json:"sentiment,omitempty"`
	// CustomerLocale is the language the customer is told in (zh-CN, en); empty
	// takes the configured default (UseCustomerLocale).
	CustomerLocale string `json:"customer_locale,omitempty"`
	// WaitSeconds is how long the customer queued before reaching a person (002
	// §7.1 wait time); only for channels with a queue (complaint.Waits). Left out
	// of the hash when absent, so a retry filed before the field existed still matches.
	WaitSeconds *int64 `json:"wait_seconds,omitempty"`

	// Set when the text was classified already (feedback filed as a complaint);
	// unexported, so not part of the body or its hash.
	analysed bool
	keywords []string
	scope    string
	// source selects a source policy (complaint.PickPolicy); empty is direct.
	source complaint.Source
	// integrationID is the intake integration of the filing token, told of the
	// complaint's changes (see docs/callbacks.md).
	integrationID string
	// filedBy is the ID of the filing token, which reads the complaint's personal
	// data in full (docs/privacy.md).
	filedBy string
}

type customer struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Tier    string `json:"tier"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
}

func (c customer) contacts() privacy.Contacts {
	return privacy.Contacts{Name: c.Name, Phone: c.Phone, Email: c.Email, Address: c.Address}
}

var levelNames = []string{string(complaint.High), string(complaint.Medium), string(complaint.Low)}

func (req *fileRequest) validate(v *validator) {
	v.required("external_id", req.ExternalID, 200)
	v.oneOf("channel", req.Channel, complaint.Channels)
	v.required("customer.id", req.Customer.ID, 200)
	v.required("customer.name", req.Customer.Name, 200)
	v.oneOf("customer.tier", req.Customer.Tier, levelNames)
	v.optional("customer.phone", req.Customer.Phone, 40)
	if p := req.Customer.Phone; p != "" && strings.Trim(p, "+0123456789 -().") != "" {
		v.reject("customer.phone", FieldInvalidFormat, "may hold only digits, spaces, +, -, ( ) and .")
	}
	v.optional("customer.email", req.Customer.Email, 254)
	if e := req.Customer.Email; e != "" {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e {
			v.reject("customer.email", FieldInvalidFormat, "is not an e-mail address")
		}
	}
	v.optional("customer.address", req.Customer.Address, 500)
	v.oneOf("category", req.Category, complaint.Categories)
	v.oneOf("urgency", req.Urgency, levelNames)
	v.required("subject", req.Subject, 200)
	v.required("description", req.Description, 10000)
	if req.Sentiment != "" {
		v.oneOf("sentiment", req.Sentiment, complaint.Sentiments)
	}
	if req.CustomerLocale != "" {
		v.oneOf("customer_locale", req.CustomerLocale, localeNames)
	}
	switch w := req.WaitSeconds; {
	case w == nil:
	case *w < 0 || *w > complaint.MaxWaitSeconds:
		v.reject("wait_seconds", FieldOutOfRange, fmt.Sprintf("must be whole seconds from 0 to %d", complaint.MaxWaitSeconds))
	case !complaint.Waits(req.Channel):
		v.reject("wait_seconds", FieldNotAllowed, "is a queue's wait; channel "+req.Channel+
			" has none (taken for "+strings.Join(complaint.WaitChannels(), ", ")+")")
	}
}

// hash fingerprints the request so a retry can be told from a different complaint
// reusing an external_id. Struct encoding has a fixed field order.
func (req *fileRequest) hash() string {
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// complaintView is the API representation of a complaint.
type complaintView struct {
	ID                 string        `json:"id"`
	ExternalID         string        `json:"external_id"`
	WorkflowID         string        `json:"workflow_id"`
	Status             string        `json:"status"`
	Channel            string        `json:"channel"`
	Customer           customer      `json:"customer"`
	CustomerLocale     string        `json:"customer_locale"`
	Category           string        `json:"category"`
	Urgency            string        `json:"urgency"`
	Subject            string        `json:"subject"`
	Description        string        `json:"description"`
	Owner              *string       `json:"owner"`
	SLA                slaView       `json:"sla"`
	Resolution         *resolutionVw `json:"resolution,omitempty"`
	CreatedAt          time.Time     `json:"created_at"`
	UpdatedAt          time.Time     `json:"updated_at"`
	ClosedAt           *time.Time    `json:"closed_at,omitempty"`
	FirstResponseDueAt time.Time     `json:"first_response_due_at"`
	ResolutionDueAt    *time.Time    `json:"resolution_due_at"`
	Sentiment          *string       `json:"sentiment"`
	TeamID             *string       `json:"team_id"`
	EscalationLevel    int           `json:"escalation_level"`
	WaitingSince       *time.Time    `json:"waiting_since"`
	PausedSeconds      float64       `json:"paused_seconds"`
	ReopenedCount      int           `json:"reopened_count"`
	ExtendedSeconds    int64         `json:"extended_seconds"`
	// How the closing was verified (verified | unverified); null while open.
	Verification *string  `json:"verification"`
	Scope        string   `json:"scope"`
	Keywords     []string `json:"keywords"`
	// The intake integration told of the complaint's changes; null for none.
	IntegrationID *string `json:"integration_id"`
	// PersonalData says whether the customer's personal fields are shown in full or
	// masked (docs/privacy.md).
	PersonalData string `json:"personal_data"`
	// Source is where the complaint came from: direct, negative_feedback,
	// social_mention or feedback.
	Source string `json:"source"`
	// Anger is why intake took the customer as angry and raised the urgency; null
	// when it did not.
	Anger *angerView `json:"anger"`
	// WaitSeconds is the customer's wait before reaching a person; null when not filed.
	WaitSeconds *int64 `json:"wait_seconds"`
}

// angerView is an angry customer's treatment at intake (002 §3.2).
type angerView struct {
	Reason string `json:"reason"`
	// RaisedFrom is the urgency asked for; null when it was already the highest.
	RaisedFrom *string `json:"raised_from"`
}

// appliedPolicyView names the SLA policy a complaint was filed under and why that
// one was chosen (docs/policies.md).
type appliedPolicyView struct {
	ID      string `json:"id"`
	Source  string `json:"source"`
	Urgency string `json:"urgency"`
	Tier    string `json:"tier"`
	Reason  string `json:"reason"`
}

// slaView is the policy the complaint was filed under and how it is doing.
type slaView struct {
	FirstResponse         string     `json:"first_response"`
	Resolution            *string    `json:"resolution"`
	FirstResponseAt       *time.Time `json:"first_response_at"`
	FirstResponseBreached bool       `json:"first_response_breached"`
	ResolvedAt            *time.Time `json:"resolved_at"`
	ResolutionBreached    bool       `json:"resolution_breached"`
	// FirstResponseRunning: the first-response clock of first_response_due_at runs
	// — the complaint's first response, or a reopened round's (docs/workflows.md).
	FirstResponseRunning bool `json:"first_response_running"`
	// WarningPercents are the shares of each clock's budget at which the policy
	// warns (the workflow's sla_warning marks), so a countdown can show the level
	// reached without knowing the policy.
	WarningPercents []int `json:"warning_percents"`
	// Policy is the policy applied; null for complaints filed before policies had
	// sources.
	Policy *appliedPolicyView `json:"policy"`
	// Round is the SLA of a round the customer's dissatisfied answer reopened.
	Round *roundSLAView `json:"round"`
}

// complaintDetailView is the complaint as GET /v1/complaints/{id} answers it: its
// SLA with the business time left to each clock's deadline.
type complaintDetailView struct {
	complaintView
	SLA slaDetailView `json:"sla"` // over complaintView's
}

// slaDetailView adds the business time left to each clock's deadline, in seconds,
// on the complaint's calendar (see businessLeft): null, as the document says, once
// the clock has stopped or without one.
type slaDetailView struct {
	slaView
	FirstResponseBusinessLeft *int64 `json:"first_response_business_left_seconds"`
	ResolutionBusinessLeft    *int64 `json:"resolution_business_left_seconds"`
}

type resolutionVw struct {
	Summary   string `json:"summary"`
	RootCause string `json:"root_cause"`
}

// viewOf is the complaint as the caller may read it: the customer's personal data
// in full for the token that filed it, masked for everyone else (docs/privacy.md).
func viewOf(c store.Complaint, caller auth.Principal) complaintView {
	contacts := complaintContacts(c)
	full := privacy.AccessOf(viewer(caller), privacy.Record{FiledBy: null.Value(c.FiledBy)}) == privacy.Full
	v := complaintView{
		ID: c.ID, ExternalID: c.ExternalID, WorkflowID: c.WorkflowID, Status: string(c.Status), Channel: c.Channel,
		Customer: customerView(c.CustomerID, string(c.CustomerTier), contacts, full),
		Category: c.Category, Urgency: string(c.Urgency),
		Subject: personalText(c.Subject, contacts, full), Description: personalText(c.Description, contacts, full),
		PersonalData:   personalData(full),
		CustomerLocale: c.CustomerLocale,
		Owner:          c.Owner,
		CreatedAt:      c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), ClosedAt: utc(c.ClosedAt),
		FirstResponseDueAt: c.FirstResponseDueAt.UTC(),
		ResolutionDueAt:    utc(c.ResolutionDueAt),
		Sentiment:          c.Sentiment, TeamID: c.TeamID,
		EscalationLevel: c.EscalationLevel, WaitingSince: utc(c.PausedAt), PausedSeconds: c.PausedSeconds,
		ReopenedCount: c.ReopenedCount, ExtendedSeconds: c.ExtendedSeconds,
		Verification: c.Verification, Scope: c.Scope, Keywords: append([]string{}, c.Keywords...),
		IntegrationID: c.IntegrationID, Source: string(c.Source), WaitSeconds: c.WaitSeconds,
		SLA: slaView{
			FirstResponse:         (time.Duration(c.SLAFirstResponseSeconds) * time.Second).String(),
			FirstResponseAt:       utc(c.FirstResponseAt),
			FirstResponseBreached: c.FirstResponseBreached,
			FirstResponseRunning:  c.FirstResponseRunning,
			ResolvedAt:            utc(c.ResolvedAt),
			ResolutionBreached:    c.ResolutionBreached,
			WarningPercents:       complaint.WarningMarks(c.SLAWarningPercents),
			Round:                 roundSLAOf(c),
		},
	}
	if c.SLAResolutionSeconds != nil {
		d := (time.Duration(*c.SLAResolutionSeconds) * time.Second).String()
		v.SLA.Resolution = &d
	}
	if c.PolicySource != nil {
		k := complaint.PolicyKey{Source: *c.PolicySource, Urgency: null.Value(c.PolicyUrgency), Tier: null.Value(c.PolicyTier)}
		v.SLA.Policy = &appliedPolicyView{ID: k.ID(), Source: k.Source, Urgency: k.Urgency, Tier: k.Tier, Reason: null.Value(c.PolicyReason)}
	}
	if c.AngerReason != nil {
		v.Anger = &angerView{Reason: *c.AngerReason, RaisedFrom: c.UrgencyRaisedFrom}
	}
	if c.ResolutionSummary != nil {
		v.Resolution = &resolutionVw{Summary: *c.ResolutionSummary, RootCause: null.Value(c.RootCause)}
	}
	return v
}

// fileComplaint is intake: idempotent on external_id. The row is written first and
// the workflow started after; a retry after a failed start starts it then, and
// starting an existing workflow is a no-op, so a complaint is never left without its
// SLA clocks once the caller has seen a success.
func (s *Server) fileComplaint(w http.ResponseWriter, r *http.Request) {
	var req fileRequest
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	req.validate(&v)
	if strings.HasPrefix(req.ExternalID, feedbackComplaint) {
		// The complaints feedback becomes are named so in the system's namespace: its
		// own complaint under one would turn that feedback's filing into a 409.
		v.reject("external_id", FieldNotAllowed, `must not start with "feedback:", which names the complaints feedback becomes`)
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	req.integrationID = principalFrom(r.Context()).IntegrationID
	req.filedBy = principalFrom(r.Context()).TokenID
	c, created, err := s.file(r.Context(), req)
	var p *Problem
	switch {
	case errors.As(err, &p):
		writeProblem(w, r, p)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/complaints/"+c.ID)
	}
	writeJSON(w, status, viewOf(c, principalFrom(r.Context())))
}

// file is the one intake path for a validated complaint, shared by POST
// /v1/complaints and feedback that becomes a complaint: keywords and scope from the
// text, the row, then the workflow. Errors the caller can act on are *Problem.
func (s *Server) file(ctx context.Context, req fileRequest) (store.Complaint, bool, error) {
	cl, err := s.classifier(ctx)
	if err != nil {
		return store.Complaint{}, false, err
	}
	// Segmentation only: the dictionary is loaded once per process. The keywords are
	// read by every role: the customer's contacts are left out of what is analysed.
	res := cl.Classify(privacy.ForAnalysis(req.Subject+"\n"+req.Description, req.Customer.contacts()))
	if !req.analysed {
		req.keywords, req.scope = res.Keywords, res.Scope
	}
	// An angry customer (002 §3.2) is raised one urgency level here, before the
	// policy is chosen; the workflow records the raise and escalates.
	urgency := complaint.Level(req.Urgency)
	var anger, raisedFrom *string
	// Anger words are the rules' and the sentiment model's (threats, 12315 …).
	var words []string
	if res.Sentiment.Anger {
		words = res.Sentiment.AngerReasons
	}
	// Feedback's "angry" is its own text's anger, whose words say why; only a
	// sentiment sent with the complaint is the intake system's.
	reported := req.Sentiment
	if req.analysed {
		reported = ""
	}
	if why := complaint.AngerReason(reported, words); why != "" {
		anger = &why
		if up, ok := urgency.Raised(); ok {
			raisedFrom, urgency = new(string(urgency)), up
		}
	}
	id := newID()
	c, created, err := s.store.CreateComplaint(ctx, store.NewComplaint{
		ID: id, ExternalID: req.ExternalID, RequestHash: req.hash(), WorkflowID: workflows.ComplaintWorkflowID(id),
		Channel: req.Channel, CustomerID: req.Customer.ID, CustomerName: req.Customer.Name,
		CustomerTier:    complaint.Level(req.Customer.Tier),
		CustomerPhone:   null.IfEmpty(req.Customer.Phone),
		CustomerEmail:   null.IfEmpty(req.Customer.Email),
		CustomerAddress: null.IfEmpty(req.Customer.Address),
		Category:        req.Category, Urgency: urgency,
		Source: req.source, AngerReason: anger, UrgencyRaisedFrom: raisedFrom,
		Subject: req.Subject, Description: req.Description,
		Sentiment: null.IfEmpty(req.Sentiment),
		Keywords:  req.keywords, Scope: req.scope,
		IntegrationID:  null.IfEmpty(req.integrationID),
		FiledBy:        null.IfEmpty(req.filedBy),
		CustomerLocale: cmp.Or(req.CustomerLocale, string(s.customerLocale())),
		WaitSeconds:    req.WaitSeconds,
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return c, false, problem(http.StatusConflict,
			"external_id "+req.ExternalID+" was already filed with a different body (complaint "+c.ID+")")
	case errors.Is(err, store.ErrNotFound):
		return c, false, fieldProblem(http.StatusUnprocessableEntity,
			FieldError{Field: "urgency", Code: FieldNotFound, Message: "no SLA policy for urgency " + req.Urgency + " and tier " + req.Customer.Tier})
	case err != nil:
		return c, false, err
	}
	if err := s.startComplaintWorkflow(ctx, c); err != nil {
		// The row stays marked: the reconciler starts the workflow once Temporal
		// is back, whether or not the caller retries.
		s.log.ErrorContext(ctx, "starting complaint workflow failed", "complaint_id", c.ID, "error", err)
		return c, false, problem(http.StatusServiceUnavailable,
			"the complaint was recorded but its workflow could not be started; retry the same request")
	}
	s.markStarted(c.ID)
	if created {
		s.log.InfoContext(ctx, "complaint filed", "complaint_id", c.ID, "channel", c.Channel,
			"urgency", c.Urgency, "tier", c.CustomerTier, "category", c.Category)
	}
	return c, created, nil
}

// StartComplaintWorkflow starts the complaint's workflow unless Temporal already
// holds it (its ID is the complaint's, so a second start is a no-op) and clears the
// row's pending mark: the reconciler's call for rows whose start failed at intake
// (intake clears its marks in batches, started.go). Like intake's start it gives up
// after temporalCallWait, so a caller is never held by an outage.
func (s *Server) StartComplaintWorkflow(ctx context.Context, c store.Complaint) error {
	if err := s.startComplaintWorkflow(ctx, c); err != nil {
		return err
	}
	if err := s.store.WorkflowsStarted(ctx, c.ID); err != nil {
		// The workflow runs; the mark left behind costs the reconciler one no-op start.
		s.log.WarnContext(ctx, "workflow started but not recorded so", "complaint_id", c.ID, "error", err)
	}
	return nil
}

func (s *Server) startComplaintWorkflow(ctx context.Context, c store.Complaint) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallWait)
	defer cancel()
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                  c.WorkflowID,
		TaskQueue:           s.taskQueue,
		WorkflowTaskTimeout: s.workflowTaskTimeout,
		// A retried intake joins the running workflow; a finished one stays finished.
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes:    workflows.StartSearchAttributes(c.Urgency, c.CustomerTier, c.Category, null.Value(c.Owner)),
	}, workflows.ComplaintWorkflow, workflows.ComplaintInput{ComplaintID: c.ID, Revision: workflows.CurrentRevision})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

func (s *Server) getComplaint(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	v := complaintDetailView{complaintView: viewOf(c, principalFrom(r.Context()))}
	cal, err := s.store.ComplaintCalendar(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.SLA.slaView = v.complaintView.SLA
	v.SLA.FirstResponseBusinessLeft, v.SLA.ResolutionBusinessLeft = businessLeft(cal, c, time.Now())
	writeJSON(w, http.StatusOK, v)
}

// businessLeft is the working time from now to each running SLA deadline on the
// complaint's calendar (nil: around the clock): what an agent really has, since a
// deadline at 10:00 on Monday leaves one hour at 17:00 on Friday. A clock that has
// stopped (met) has none; one past its deadline has 0. While the complaint waits on
// the customer its clocks stand still, so the time left is counted from the pause.
func businessLeft(cal *calendar.Calendar, c store.Complaint, now time.Time) (first, resolution *int64) {
	from := now
	if c.PausedAt != nil {
		from = *c.PausedAt
	}
	left := func(due time.Time) *int64 {
		s := int64(cal.Between(from, due) / time.Second)
		return &s
	}
	if c.FirstResponseRunning {
		first = left(c.FirstResponseDueAt)
	}
	if c.ResolvedAt == nil && c.ResolutionDueAt != nil {
		resolution = left(*c.ResolutionDueAt)
	}
	return first, resolution
}

func (s *Server) complaintFromPath(w http.ResponseWriter, r *http.Request) (store.Complaint, bool) {
	return fromPath(s, w, r, "complaint", true, s.store.Complaint)
}

type eventView struct {
	ID int64 `json:"id"`
	// Key is the event's idempotency key, a callback's event_id.
	Key        string          `json:"key"`
	Kind       string          `json:"kind"`
	Actor      string          `json:"actor"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	Data       json.RawMessage `json:"data"`
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	events, err := s.store.Events(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]eventView, len(events))
	for i, e := range events {
		out[i] = eventView{ID: e.ID, Key: e.IdempotencyKey, Kind: e.Kind, Actor: e.Actor, OccurredAt: e.OccurredAt.UTC(), RecordedAt: e.RecordedAt.UTC(), Data: e.Data}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
