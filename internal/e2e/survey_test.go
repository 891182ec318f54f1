package e2e_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
	"github.com/complaintflow/complaintflow/workflows"
)

const customerEmail = "zhang.wei@example.com"

var surveyLink = regexp.MustCompile(`https?://\S+/v1/surveys/[A-Za-z0-9_.-]+`)

// mailsTo returns the customer's mails whose subject starts with prefix.
func mailsTo(server *notifytest.SMTPServer, prefix string) []notifytest.Mail {
	var out []notifytest.Mail
	for _, m := range server.Mails() {
		if len(m.To) == 1 && m.To[0] == customerEmail && strings.HasPrefix(m.Subject, prefix) {
			out = append(out, m)
		}
	}
	return out
}

// awaitSurveyPath waits for the round's survey mail and returns its link's path.
func (s *stack) awaitSurveyPath(mails *notifytest.SMTPServer, round int) string {
	s.t.Helper()
	eventually(s.t, 30*time.Second, "the survey mail", func() bool { return len(mailsTo(mails, "How did we do?")) > round })
	link := surveyLink.FindString(mailsTo(mails, "How did we do?")[round].Body)
	if !strings.HasPrefix(link, s.url+"/v1/surveys/") {
		s.t.Fatalf("survey mail without a link to this API (%s): %q", s.url, mailsTo(mails, "How did we do?")[round].Body)
	}
	return strings.TrimPrefix(link, s.url)
}

// fileAndResolve files a complaint for the customer and resolves it through the API.
func (s *stack) fileAndResolve(externalID, agent string) string {
	s.t.Helper()
	ctx, api := context.Background(), s.api(agent)
	c := s.file(adminToken, externalID, apiclient.Medium, apiclient.Medium)
	ack, err := api.AcknowledgeComplaintWithResponse(ctx, c.Id, nil, apiclient.AcknowledgeRequest{Message: "非常抱歉，我们马上处理"})
	s.want(200, ack, err)
	res, err := api.ResolveComplaintWithResponse(ctx, c.Id, nil,
		apiclient.ResolveRequest{Summary: "Reshipped by express", RootCause: "Parcel lost at the depot"})
	s.want(200, res, err)
	return c.Id.String()
}

// metricsSince returns the total of GET /v1/metrics over complaints filed since from.
func (s *stack) metricsSince(from time.Time) map[string]any {
	s.t.Helper()
	q := "/v1/metrics?from=" + from.UTC().Format(time.RFC3339) + "&to=" + time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	return s.must(200, s.do("GET", q, adminToken, nil)).body["total"].(map[string]any)
}

// expectMetrics compares the named metrics (JSON numbers, or nil for null).
func expectMetrics(t *testing.T, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("metric %s = %v, want %v", k, got[k], w)
		}
	}
}

func (s *stack) surveyRow(complaintID string, round int) survey.Survey {
	s.t.Helper()
	svs, err := s.store.Surveys(context.Background(), complaintID)
	if err != nil || len(svs) <= round {
		s.t.Fatalf("surveys of %s: %d, %v", complaintID, len(svs), err)
	}
	return svs[round]
}

// Resolve → the survey reaches the customer by e-mail → the answer through the
// token endpoint verifies the fix and the complaint closes; a forged token, a bad
// answer and a reused token are refused and change nothing.
func TestSurveyAnswerVerifiesTheFixAndTokensCannotBeReusedOrForged(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	agent := s.token("agent")
	start := time.Now().Add(-time.Second)
	id := s.fileAndResolve("survey-verified", agent)
	path := s.awaitSurveyPath(mails, 0)

	ctx, customer := context.Background(), s.api("")
	token := strings.TrimPrefix(path, "/v1/surveys/")
	questions, err := customer.GetSurveyWithResponse(ctx, token)
	s.want(200, questions, err)
	if q := questions.JSON200; q.Survey.Status != apiclient.SurveyStatusOpen || len(q.Questions) != 8 {
		t.Fatalf("survey page: %s", questions.Body)
	}

	// A customer opening the link in a browser gets the form.
	req, _ := http.NewRequest("GET", s.url+path, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	page, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(html), `name="csat" value="5"`) || !strings.Contains(string(html), id) {
		t.Errorf("survey page: %d %s", page.StatusCode, html)
	}

	// In a real browser the page's own style and script run under its CSP (by
	// nonce, no 'unsafe-inline'), and the browser reports no violation.
	b := newBrowser(t, s.url)
	errs := b.watchErrors()
	b.navigate(s.url + path)
	if got := get(b, "the survey page's style", chromedp.Evaluate[string](`getComputedStyle(document.body).maxWidth`)); got != "576px" {
		t.Errorf("the survey page's own style did not apply: body max-width %q", got)
	}
	if got := get(b, "the survey page's script", chromedp.Evaluate[bool](
		`document.querySelectorAll("script[nonce]").length === 1 && document.querySelector("script[nonce]").nonce !== ""`)); !got {
		t.Error("the survey page's script carries no nonce")
	}
	for _, e := range errs.take() {
		t.Errorf("survey page in the browser: %s", e)
	}

	// Refused, and nothing changes.
	eventsBefore := strings.Join(s.eventKinds(id), ",")
	payload, _, _ := strings.Cut(token, ".")
	sv := s.surveyRow(id, 0)
	good := map[string]any{"csat": 5, "nps": 9, "ces": 2, "solved": true, "comment": "很快解决了，谢谢"}
	for name, forged := range map[string]string{
		"other key":       survey.Sign([]byte("not-the-key"), survey.Token{SurveyID: sv.ID, ExpiresAt: sv.ExpiresAt}),
		"longer expiry":   survey.Sign([]byte("not-the-key"), survey.Token{SurveyID: sv.ID, ExpiresAt: sv.ExpiresAt.Add(1000 * time.Hour)}),
		"signature cut":   token[:len(token)-4],
		"payload only":    payload,
		"another survey":  strings.Replace(token, payload, payload[:len(payload)-2]+"AA", 1),
		"not even base64": "!!!.~~~",
	} {
		res := s.do("POST", "/v1/surveys/"+forged, "", good)
		if res.status != 401 || res.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: got %d %s, want 401 problem", name, res.status, res.raw)
		}
	}
	for name, bad := range map[string]struct {
		body  any
		field string
	}{
		"csat out of range":  {map[string]any{"csat": 9, "solved": true}, "csat"},
		"csat missing":       {map[string]any{"solved": true}, "csat"},
		"solved missing":     {map[string]any{"csat": 4}, "solved"},
		"nps out of range":   {map[string]any{"csat": 4, "solved": true, "nps": 11}, "nps"},
		"ces out of range":   {map[string]any{"csat": 4, "solved": true, "ces": 0}, "ces"},
		"solved not boolean": {`{"csat": 4, "solved": "yes"}`, "solved"},
		"unknown field":      {map[string]any{"csat": 4, "solved": true, "mood": "ok"}, "mood"},
		"comment too long":   {map[string]any{"csat": 4, "solved": true, "comment": strings.Repeat("长", 2001)}, "comment"},
	} {
		res := s.do("POST", path, "", bad.body)
		if res.status != 400 || !strings.Contains(res.raw, bad.field) {
			t.Errorf("%s: got %d %s, want 400 naming %s", name, res.status, res.raw, bad.field)
		}
	}
	if got := strings.Join(s.eventKinds(id), ","); got != eventsBefore {
		t.Fatalf("refused answers changed the history: %s → %s", eventsBefore, got)
	}
	if row := s.surveyRow(id, 0); row.Status != "open" || row.AnsweredAt != nil {
		t.Fatalf("refused answers changed the survey: %+v", row)
	}

	goodAnswer := apiclient.SurveyAnswerRequest{Csat: 5, Nps: ptr(9), Ces: ptr(2), Solved: true, Comment: ptr("很快解决了，谢谢")}
	answered, err := customer.AnswerSurveyWithResponse(ctx, token, goodAnswer)
	s.want(200, answered, err)
	if answered.JSON200.Outcome != "verified" {
		t.Fatalf("answer: %s", answered.Body)
	}
	// One answer per token.
	answered, err = customer.AnswerSurveyWithResponse(ctx, token, goodAnswer)
	s.want(409, answered, err)
	answered, err = customer.AnswerSurveyWithResponse(ctx, token, apiclient.SurveyAnswerRequest{Csat: 1, Solved: false})
	s.want(409, answered, err)

	eventually(t, 20*time.Second, "the complaint to close verified", func() bool {
		c, err := s.store.Complaint(context.Background(), id)
		return err == nil && c.Status == "closed"
	})
	var verification string
	if err := s.store.DB().Get(&verification, `SELECT verification FROM complaints WHERE id = $1`, id); err != nil || verification != "verified" {
		t.Fatalf("verification %q, %v", verification, err)
	}
	if got, want := strings.Join(s.eventKinds(id), ","), "opened,acknowledged,resolved,survey_sent,survey_answered,closed"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	row := s.surveyRow(id, 0)
	if row.Status != "answered" || null.Value(row.CSAT) != 5 || null.Value(row.NPS) != 9 || null.Value(row.CES) != 2 || !null.Value(row.Solved) || null.Value(row.Comment) != "很快解决了，谢谢" {
		t.Errorf("survey row: %+v", row)
	}
	staff, cid := s.api(agent), uuid.MustParse(id)
	view, err := staff.GetComplaintWithResponse(ctx, cid)
	s.want(200, view, err)
	if c := view.JSON200; null.Value(c.Verification) != "verified" || c.Scope != "individual" || !slices.Contains(c.Keywords, "物流慢") {
		t.Errorf("complaint view: verification %v, scope %v, keywords %v", c.Verification, c.Scope, c.Keywords)
	}
	listed, err := staff.ListComplaintSurveysWithResponse(ctx, cid)
	s.want(200, listed, err)
	if items := listed.JSON200.Items; len(items) != 1 || items[0].Status != apiclient.SurveyStatusAnswered {
		t.Errorf("surveys listing: %s", listed.Body)
	}
	eventually(t, 20*time.Second, "the customer's thank-you mail", func() bool {
		return len(mailsTo(mails, "Thank you — your complaint is closed")) == 1
	})
	for _, wf := range []string{workflows.ComplaintWorkflowID(id), workflows.SurveyWorkflowID(id, 0)} {
		if err := s.temporal.GetWorkflow(context.Background(), wf, "").Get(context.Background(), nil); err != nil {
			t.Fatalf("%s did not complete cleanly: %v", wf, err)
		}
	}
	// The metrics read the answer and the verified closing from the event log.
	expectMetrics(t, s.metricsSince(start), map[string]any{
		"volume": 1.0, "resolved": 1.0, "csat_answers": 1.0, "csat_satisfied_pct": 100.0, "nps": 100.0, "ces": 2.0,
		"verified": 1.0, "loop_closure_pct": 100.0, "reopen_rate_pct": 0.0, "fcr_pct": 100.0, // acknowledged, then resolved
	})
	s.checkHistory(workflows.ComplaintWorkflowID(id), "complaint_survey_verified")
	s.checkHistory(workflows.SurveyWorkflowID(id, 0), "feedback_answered")
	// The answered link still shows the survey, answered.
	shown, err := customer.GetSurveyWithResponse(ctx, token)
	s.want(200, shown, err)
	if shown.JSON200.Survey.Status != apiclient.SurveyStatusAnswered {
		t.Errorf("answered survey page: %s", shown.Body)
	}
	// The comment gets the feedback's sentiment analysis ("很快解决了，谢谢" is praise).
	if a := shown.JSON200.Survey.Answer; a == nil || a.CommentSentiment == nil || a.CommentSentiment.Label != apiclient.TextSentimentLabelPositive {
		t.Errorf("answered survey's comment sentiment: %s", shown.Body)
	}
}

// "Not solved" reopens the complaint on the follow-up SLA, the owner's manager hears
// by signed webhook, the customer is told why and by when; the API shows the round's
// 15-minute first response until the owner's acknowledgement meets it; the next
// resolution sends a new survey and the old link no longer works.
func TestDissatisfiedAnswerReopensAndTellsTheManager(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	hooks := startWebhookReceiver(t)
	s := newStack(t,
		notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone},
		notify.Webhook{Secret: []byte(webhookSecret)})
	s.directory(hooks.URL)
	s.putPolicy(apiclient.Medium, apiclient.Medium, noLadder(apiclient.PutPolicyRequest{
		FirstResponse: "24h", Resolution: ptr("48h"), FollowUp: ptr("2h")}))
	ann := s.personToken("agent", "ann")
	start := time.Now().Add(-time.Second)
	id := s.fileAndResolve("survey-reopened", ann)
	path := s.awaitSurveyPath(mails, 0)

	ctx, customer := context.Background(), s.api("")
	token := strings.TrimPrefix(path, "/v1/surveys/")
	answered, err := customer.AnswerSurveyWithResponse(ctx, token,
		apiclient.SurveyAnswerRequest{Csat: 2, Solved: false, Comment: ptr("还是没有收到包裹")})
	s.want(200, answered, err)
	if answered.JSON200.Outcome != "dissatisfied" {
		t.Fatalf("answer: %s", answered.Body)
	}
	var c store.Complaint
	defer func() {
		if t.Failed() {
			t.Logf("events: %v; complaint %+v", s.eventKinds(id), c)
		}
	}()
	eventually(t, 20*time.Second, "the complaint to reopen", func() bool {
		var err error
		c, err = s.store.Complaint(context.Background(), id)
		return err == nil && c.Status == "in_progress"
	})
	events, err := s.store.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	reopened := events[len(events)-1]
	if reopened.Kind != "reopened" || reopened.Actor != "customer" {
		t.Fatalf("last event %s by %s, want reopened by customer", reopened.Kind, reopened.Actor)
	}
	if due := null.Value(c.ResolutionDueAt).Sub(reopened.OccurredAt); due < 2*time.Hour-time.Second || due > 2*time.Hour+time.Second {
		t.Errorf("follow-up deadline %v after reopening, want 2h", due)
	}
	s.checkRoundFirstResponse(id, ann, reopened.OccurredAt)
	eventually(t, 20*time.Second, "the manager's webhook", func() bool { return len(hooks.keys("/max")) == 1 })
	eventually(t, 20*time.Second, "the customer's reopened mail", func() bool {
		return len(mailsTo(mails, "We have reopened your complaint")) == 1
	})
	told := mailsTo(mails, "We have reopened your complaint")[0].Body
	if !strings.Contains(told, "not solved") || !strings.Contains(told, null.Value(c.ResolutionDueAt).In(customerMessages.Zone).Format("2 January 2006, 15:04")) {
		t.Errorf("the customer is not told why and by when: %q", told)
	}
	var toManager []string
	for _, n := range s.notifications(id) {
		if n.Recipient == "max" {
			toManager = append(toManager, n.EventKind+"/"+n.Channel+"/"+string(n.Status))
		}
	}
	if strings.Join(toManager, ",") != "reopened/webhook/sent" {
		t.Errorf("notices to the manager: %v", toManager)
	}

	// The used link stays used; the next resolution gets a new survey.
	answered, err = customer.AnswerSurveyWithResponse(ctx, token, apiclient.SurveyAnswerRequest{Csat: 5, Solved: true})
	s.want(409, answered, err)
	resolved, err := s.api(ann).ResolveComplaintWithResponse(ctx, uuid.MustParse(id), nil,
		apiclient.ResolveRequest{Summary: "Found the parcel, delivered by hand", RootCause: "Mislabelled at the depot"})
	s.want(200, resolved, err)
	second := s.awaitSurveyPath(mails, 1)
	if second == path {
		t.Fatal("the second round reused the first survey's link")
	}
	answered, err = customer.AnswerSurveyWithResponse(ctx, strings.TrimPrefix(second, "/v1/surveys/"), apiclient.SurveyAnswerRequest{Csat: 4, Solved: true})
	s.want(200, answered, err)
	eventually(t, 20*time.Second, "the complaint to close", func() bool {
		c, err := s.store.Complaint(context.Background(), id)
		return err == nil && c.Status == "closed"
	})
	if s.count(id, "survey_sent") != 2 || s.count(id, "survey_answered") != 2 || s.count(id, "reopened") != 1 {
		t.Errorf("events: %v", s.eventKinds(id))
	}
	// Two answers (CSAT 2 then 4), one reopening, finally verified.
	expectMetrics(t, s.metricsSince(start), map[string]any{
		"volume": 1.0, "resolved": 1.0, "reopened": 1.0, "reopen_rate_pct": 100.0, "csat_answers": 2.0,
		"csat_satisfied_pct": 50.0, "nps": nil, "verified": 1.0, "loop_closure_pct": 100.0,
	})
	s.checkHistory(workflows.ComplaintWorkflowID(id), "complaint_survey_reopened")
}

// checkRoundFirstResponse checks that GET /v1/complaints/{id} and breaching soon
// show the first response the customer's dissatisfied answer is due (the seeded
// negative_feedback policy's 15 minutes from the reopening), and that the owner's
// acknowledgement meets it, the complaint's own first response staying.
func (s *stack) checkRoundFirstResponse(id, agent string, reopenedAt time.Time) {
	t := s.t
	t.Helper()
	ctx, api := context.Background(), s.api(agent)
	get := func() apiclient.Complaint {
		t.Helper()
		got, err := api.GetComplaintWithResponse(ctx, uuid.MustParse(id))
		s.want(200, got, err)
		return *got.JSON200
	}
	c := get()
	firstAt := c.Sla.FirstResponseAt
	if due := c.FirstResponseDueAt.Sub(reopenedAt); due < 15*time.Minute-time.Second || due > 15*time.Minute+time.Second ||
		!c.Sla.FirstResponseRunning {
		t.Errorf("after the dissatisfied answer: first response due %v after reopening (running %t), want 15m0s, running",
			due, c.Sla.FirstResponseRunning)
	}
	if left := c.Sla.FirstResponseBusinessLeftSeconds; left == nil || *left <= 0 || *left > 15*60 {
		t.Errorf("after the dissatisfied answer: first response business left %v, want (0, 900]", left)
	}
	// The round runs on the seeded negative_feedback policy, its 24 h capped by the
	// 2 h follow-up; sla.policy stays the one the complaint was filed under.
	if r := c.Sla.Round; r == nil || r.Round != 1 || null.Value(r.PolicyId) != "negative_feedback/*/*" ||
		r.FirstResponse != "15m0s" || r.Resolution != "2h0m0s" || c.Sla.Policy == nil || c.Sla.Policy.Id != "*/medium/medium" {
		t.Errorf("after the dissatisfied answer: sla.round %+v, sla.policy %+v; want round 1 on negative_feedback/*/* (15m0s / 2h0m0s) beside */medium/medium",
			r, c.Sla.Policy)
	}
	within := 1
	soon, err := api.ListComplaintsWithResponse(ctx, &apiclient.ListComplaintsParams{BreachingWithin: &within})
	s.want(200, soon, err)
	if len(soon.JSON200.Items) != 1 || soon.JSON200.Items[0].Id.String() != id {
		t.Errorf("breaching within 1 h: %s, want the reopened complaint", soon.Body)
	}

	ack, err := api.AcknowledgeComplaintWithResponse(ctx, uuid.MustParse(id), nil,
		apiclient.AcknowledgeRequest{Message: "抱歉，我们再查一次"})
	s.want(200, ack, err)
	eventually(t, 20*time.Second, "the round's first response to be met", func() bool { return !get().Sla.FirstResponseRunning })
	c = get()
	if c.Sla.FirstResponseBusinessLeftSeconds != nil || firstAt == nil || c.Sla.FirstResponseAt == nil ||
		!c.Sla.FirstResponseAt.Equal(*firstAt) || c.Sla.FirstResponseBreached {
		t.Errorf("after the acknowledgement: business left %v, first response at %v (was %v), breached %t; want none, kept, no",
			c.Sla.FirstResponseBusinessLeftSeconds, c.Sla.FirstResponseAt, firstAt, c.Sla.FirstResponseBreached)
	}
	soon, err = api.ListComplaintsWithResponse(ctx, &apiclient.ListComplaintsParams{BreachingWithin: &within})
	s.want(200, soon, err)
	if len(soon.JSON200.Items) != 0 {
		t.Errorf("breaching within 1 h after the acknowledgement: %s, want none (the follow-up is due in 2 h)", soon.Body)
	}
}

// No answer: one reminder, then the complaint closes unverified and the link is gone.
func TestUnansweredSurveyClosesUnverified(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	ctx := context.Background()
	bad, err := s.api(adminToken).PutPolicyWithResponse(ctx, apiclient.Medium, apiclient.Medium, nil, apiclient.PutPolicyRequest{
		FirstResponse: "24h", Resolution: ptr("48h"), SurveyReminder: ptr("5s"), SurveyTimeout: ptr("5s")})
	s.want(400, bad, err)
	if p := bad.ApplicationproblemJSON400; p.Errors == nil || (*p.Errors)[0].Field != "survey_reminder" {
		t.Fatalf("reminder not before the timeout: %s", bad.Body)
	}
	s.putPolicy(apiclient.Medium, apiclient.Medium, apiclient.PutPolicyRequest{
		FirstResponse: "24h", Resolution: ptr("48h"), SurveyReminder: ptr("2s"), SurveyTimeout: ptr("5s")})
	start := time.Now().Add(-time.Second)
	id := s.fileAndResolve("survey-unanswered", s.token("agent"))
	path := s.awaitSurveyPath(mails, 0)
	eventually(t, 20*time.Second, "the reminder", func() bool { return len(mailsTo(mails, "A reminder: how did we do?")) == 1 })
	eventually(t, 20*time.Second, "the complaint to close", func() bool {
		c, err := s.store.Complaint(context.Background(), id)
		return err == nil && c.Status == "closed"
	})
	var verification string
	if err := s.store.DB().Get(&verification, `SELECT verification FROM complaints WHERE id = $1`, id); err != nil || verification != "unverified" {
		t.Fatalf("verification %q, %v", verification, err)
	}
	if got, want := strings.Join(s.eventKinds(id), ","), "opened,acknowledged,resolved,survey_sent,survey_reminded,survey_expired,closed"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	row := s.surveyRow(id, 0)
	if reminded := null.Value(row.RemindedAt).Sub(row.SentAt); row.Status != "expired" || reminded < 2*time.Second || reminded > 4*time.Second {
		t.Errorf("survey row %+v (reminded %v after sending)", row, reminded)
	}
	late, err := s.api("").AnswerSurveyWithResponse(ctx, strings.TrimPrefix(path, "/v1/surveys/"), apiclient.SurveyAnswerRequest{Csat: 5, Solved: true})
	if err != nil || late.StatusCode() != 410 {
		t.Errorf("answer after expiry: %v %s, want 410", err, late.Body)
	}
	eventually(t, 20*time.Second, "the customer's closing mail", func() bool { return len(mailsTo(mails, "Your complaint is closed")) == 1 })
	expectMetrics(t, s.metricsSince(start), map[string]any{
		"volume": 1.0, "resolved": 1.0, "csat_answers": 0.0, "csat_satisfied_pct": nil, "verified": 0.0, "loop_closure_pct": 0.0,
	})
	s.checkHistory(workflows.SurveyWorkflowID(id, 0), "feedback_expired")
}
