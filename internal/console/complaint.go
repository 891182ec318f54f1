package console

import (
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
)

// actions are the complaint forms: the form fields each sends as its JSON body, and
// the generated client's call.
var actions = map[string]struct {
	fields []string
	call   func(c *apiclient.Client, r *http.Request, id uuid.UUID, body io.Reader) (*http.Response, error)
}{
	"acknowledge": {[]string{"message"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.AcknowledgeComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"progress": {[]string{"message", "reason", "expected_by"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.SendProgressWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"pause": {[]string{"reason"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.PauseComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"resume": {[]string{"note"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.ResumeComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"resolve": {[]string{"summary", "root_cause"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.ResolveComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"reopen": {[]string{"reason"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.ReopenComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"close": {[]string{"reason"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.CloseComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"escalate": {[]string{"reason"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.RequestEscalationWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"compensate": {[]string{"kind", "amount", "currency", "note"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.CompensateWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"handover": {[]string{"to_person_id", "reason"}, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.HandoverComplaintWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
}

// actionForm is a complaint form as the page draws it (template "actionform"): its
// legend, button and fields, which are the fields its action sends.
type actionForm struct {
	Action, Legend, Button string
	Hint                   string // a note under the legend that a Hinted field is described by
	Fields                 []actionField
}

// actionField is one labelled control of an action form: an input (of Type, if
// set) unless Area (a textarea), Options (a select of value and label pairs) or
// Person (a select of the page's HandoverTo, when it lists anyone). Default is its
// value when the form was not the one sent.
type actionField struct {
	Name, ID, Label          string
	Area, Hinted, Person     bool
	Options                  [][2]string
	Default, InputMode, Type string
}

// actionForms are the complaint page's forms, in the page's order. Their control
// ids are the browser tests' and the accessibility tree's: keep them.
var actionForms = []actionForm{
	{Action: "acknowledge", Legend: "c.ack", Button: "c.ack", Fields: []actionField{
		{Name: "message", ID: "ack-message", Label: "c.ack.message", Area: true}}},
	{Action: "progress", Legend: "c.progress", Button: "c.progress.btn", Hint: "c.progress.hint", Fields: []actionField{
		{Name: "message", ID: "progress-message", Label: "c.progress.message", Area: true},
		{Name: "reason", ID: "progress-reason", Label: "c.progress.reason"},
		{Name: "expected_by", ID: "progress-expected-by", Label: "c.progress.expected", Type: "datetime-local"}}},
	{Action: "pause", Legend: "c.pause", Button: "c.pause.btn", Fields: []actionField{
		{Name: "reason", ID: "pause-reason", Label: "c.reason"}}},
	{Action: "resume", Legend: "c.resume", Button: "c.resume", Fields: []actionField{
		{Name: "note", ID: "resume-note", Label: "c.note"}}},
	{Action: "resolve", Legend: "c.resolve", Button: "c.resolve", Fields: []actionField{
		{Name: "summary", ID: "resolve-summary", Label: "c.summary", Area: true},
		{Name: "root_cause", ID: "resolve-root-cause", Label: "c.rootcause"}}},
	{Action: "escalate", Legend: "c.escalate", Button: "c.escalate", Fields: []actionField{
		{Name: "reason", ID: "escalate-reason", Label: "c.reason", Area: true}}},
	{Action: "compensate", Legend: "comp.form", Button: "comp.btn", Hint: "comp.hint", Fields: []actionField{
		{Name: "kind", ID: "compensate-kind", Label: "comp.kind", Hinted: true,
			Options: [][2]string{{"compensation", "comp.comp"}, {"refund", "comp.refund"}}},
		{Name: "amount", ID: "compensate-amount", Label: "comp.amount", InputMode: "decimal"},
		{Name: "currency", ID: "compensate-currency", Label: "comp.currency", Default: "CNY"},
		{Name: "note", ID: "compensate-note", Label: "comp.note"}}},
	{Action: "handover", Legend: "ho.form", Button: "ho.btn", Fields: []actionField{
		{Name: "to_person_id", ID: "handover-to", Label: "ho.to", Person: true},
		{Name: "reason", ID: "handover-reason", Label: "c.reason"}}},
	{Action: "reopen", Legend: "c.reopen", Button: "c.reopen", Fields: []actionField{
		{Name: "reason", ID: "reopen-reason", Label: "c.reason", Area: true}}},
	{Action: "close", Legend: "c.close", Button: "c.close", Fields: []actionField{
		{Name: "reason", ID: "close-reason", Label: "c.reason.opt"}}},
}

// Takes reports whether the complaint's status takes action (a form of
// actionForms) by the workflow's rule (complaint.Allows): a form the workflow would
// refuse for the status is not offered.
func (c complaint) Takes(action string) bool {
	return domain.Allows(domain.Status(c.Status), domain.Action(action), c.awaitingResponse())
}

// awaitingResponse reports whether a round the customer's dissatisfied answer
// reopened awaits its first response: a first-response clock runs again after a
// reopening (an agent's reopening starts none).
func (c complaint) awaitingResponse() bool { return c.ReopenedCount > 0 && c.Sla.FirstResponseRunning }

// ActionsNote is the message id of the line saying which actions the complaint's
// status leaves out.
func (c complaint) ActionsNote() string {
	if c.Status == apiclient.ComplaintStatusInProgress && c.awaitingResponse() {
		return "act.round"
	}
	return "act." + string(c.Status)
}

// optionalFields are the form fields left out of the API call when empty; any
// other empty field is sent, for the API to name.
var optionalFields = map[string]bool{"resume.note": true, "close.reason": true, "compensate.note": true,
	"progress.reason": true, "progress.expected_by": true}

// timeFields are date-and-time pickers, sent as RFC 3339 in the browser's zone.
var timeFields = map[string]bool{"progress.expected_by": true}

// numberFields are sent as JSON numbers when they read as one; otherwise as typed,
// for the API to name.
var numberFields = map[string]bool{"compensate.amount": true}

func (c *Console) complaint(w http.ResponseWriter, r *http.Request) {
	c.showComplaint(w, r, http.StatusOK, "", nil, nil)
}

// showComplaint renders the complaint page; form, ref and input are the refused
// form, the API's refusal and what the person typed, to show again.
func (c *Console) showComplaint(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal, input map[string]string) {
	c.showComplaintRevealed(w, r, status, form, ref, input, nil)
}

// reveal asks the API for the customer's personal data in full (docs/privacy.md)
// and shows the page with it, this once: the values are in this answer only, never
// in the session or a redirect, and the API records the reveal in the timeline. A
// refusal comes back inline next to the button.
func (c *Console) reveal(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such complaint", http.StatusNotFound)
		return
	}
	var rv apiclient.PersonalDataReveal
	ref, err := into(&rv)(c.client.RevealComplaintPersonalData(r.Context(), id))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showComplaint(w, r, ref.Status, "reveal", ref, nil)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	c.showComplaintRevealed(w, r, http.StatusOK, "", nil, nil, &rv)
}

// showComplaintRevealed is showComplaint with the personal data a reveal answered.
func (c *Console) showComplaintRevealed(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal,
	input map[string]string, rv *apiclient.PersonalDataReveal) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such complaint", http.StatusNotFound)
		return
	}
	var cm complaint
	var events page[apiclient.ComplaintEvent]
	var escs page[apiclient.Escalation]
	var comps page[apiclient.Compensation]
	for _, get := range []func() (*refusal, error){
		func() (*refusal, error) { return into(&cm.Complaint)(c.client.GetComplaint(r.Context(), id)) },
		func() (*refusal, error) { return into(&events)(c.client.ListComplaintEvents(r.Context(), id)) },
		func() (*refusal, error) { return into(&escs)(c.client.ListComplaintEscalations(r.Context(), id)) },
		func() (*refusal, error) { return into(&comps)(c.client.ListCompensations(r.Context(), id)) },
	} {
		if pageRef, err := get(); c.refusedPage(w, r, "complaint", pageRef, err) {
			return
		}
	}
	cm.Run = runOf(events.Items)
	rec, err := c.complaintRecord(r, id, events.Items)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	m := c.may(viewerFrom(r.Context()))
	if m.acting, err = c.acting(r.Context(), m.viewer, auth.Assignment{Owner: deref(cm.Owner), Team: deref(cm.TeamId)}); err != nil {
		c.fail(w, r, err)
		return
	}
	var limits *ownLimits
	if m.Use("compensate") {
		if limits, err = c.ownLimits(r, m.viewer.PersonID); err != nil {
			c.fail(w, r, err)
			return
		}
	}
	var handoverTo []apiclient.Person
	if m.Use("handover") && cm.Takes("handover") {
		if handoverTo, err = c.handoverTo(r, cm, m.viewer); err != nil {
			// The form asks for the ID instead (handoverTo); the page still shows.
			c.log.ErrorContext(r.Context(), "console request: hand-over picker not read", "path", r.URL.Path, "error", err)
			handoverTo = nil
		}
	}
	c.render(w, r, status, "complaint", map[string]any{
		"May": m, "C": cm, "Events": events.Items, "Escalations": escs.Items, "Compensations": comps.Items, "Record": rec,
		"Form": form, "Refusal": ref, "Input": input, "Revealed": rv, "WorkflowLink": c.workflowLink(cm.WorkflowId),
		"Knowledge": c.knowledgeFor(r, cm.Complaint), "Limits": limits, "HandoverTo": handoverTo,
	})
}

// ownLimits are the viewer's own compensation limits, which the compensation form
// names so the agent knows before sending what is granted at once.
type ownLimits struct{ Items []apiclient.CompensationLimit }

// ownLimits reads the limits of the viewer's role in the directory, as the API
// applies them (api.Server.limitOf): none for a token acting for no person, a person
// not in the directory or one made inactive. Nil when the API does not say (it is
// unavailable): the form then names no limit rather than a wrong one.
func (c *Console) ownLimits(r *http.Request, person string) (*ownLimits, error) {
	if person == "" {
		return &ownLimits{}, nil
	}
	var p apiclient.Person
	ref, err := into(&p)(c.client.GetPerson(r.Context(), person))
	switch {
	case err != nil:
		return nil, err
	case ref != nil && ref.Status == http.StatusNotFound:
		return &ownLimits{}, nil
	case ref != nil:
		return nil, nil
	case !p.Active:
		return &ownLimits{}, nil
	}
	var all apiclient.CompensationLimitList
	if ref, err := into(&all)(c.client.ListCompensationLimits(r.Context())); err != nil || ref != nil {
		return nil, err
	}
	own := &ownLimits{}
	for _, l := range all.Items {
		if l.Role == p.Role {
			own.Items = append(own.Items, l)
		}
	}
	return own, nil
}

// complaintEvents answers the open complaint page's watch (eventKinds).
func (c *Console) complaintEvents(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such complaint", http.StatusNotFound)
		return
	}
	res, err := c.client.ListComplaintEvents(r.Context(), id)
	eventKinds(c, w, r, res, err, func(e apiclient.ComplaintEvent) string { return e.Kind })
}

// eventKinds answers a page's watch with the kinds of its object's events, oldest
// first: the page knows how many it drew, so it can say what happened since (a
// breach, a decision, the customer's answer, a check) without being redrawn under
// the form someone is typing in.
func eventKinds[E any](c *Console, w http.ResponseWriter, r *http.Request, res *http.Response, err error, kind func(E) string) {
	var events page[E]
	ref, err := into(&events)(res, err)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	kinds := make([]string, len(events.Items))
	for i, e := range events.Items {
		kinds[i] = kind(e)
	}
	c.pollAnswer(w, r, map[string][]string{"kinds": kinds})
}

// act sends a complaint form to the API; a refusal comes back inline on the form.
func (c *Console) act(w http.ResponseWriter, r *http.Request) {
	action, ok := actions[r.PathValue("action")]
	id, err := api.ParseID(r.PathValue("id"))
	if !ok || err != nil {
		http.Error(w, "no such action", http.StatusNotFound)
		return
	}
	input := map[string]string{}
	body := map[string]any{}
	for _, f := range action.fields {
		input[f] = r.PostFormValue(f)
		name := r.PathValue("action") + "." + f
		v := strings.TrimSpace(input[f])
		switch {
		case numberFields[name] && v != "":
			number(body, f, v)
		case timeFields[name] && v != "":
			body[f] = zonedTime(v, r.PostFormValue(zoneField))
		case v != "" || !optionalFields[name]:
			body[f] = v
		}
	}
	keepKey(r, input)
	ref, err := into(nil)(action.call(c.client, r, id, jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showComplaint(w, r, ref.Status, r.PathValue("action"), ref, input)
		return
	}
	http.Redirect(w, r, "/console/complaints/"+id.String(), http.StatusSeeOther)
}
