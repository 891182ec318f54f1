package activities_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// The customer of every complaint here; staff must never see these.
const (
	customerPhone   = "+86 138 0013 8000"
	customerEmail   = "wang.fang@example.com"
	customerAddress = "北京市朝阳区建国路88号"
)

var webhookSecret = []byte("whsec-test")

// notifyFixture is a fresh database with one complaint, and the channels Notify uses.
type notifyFixture struct {
	st   *store.Store
	c    store.Complaint
	smtp *notifytest.SMTPServer
	hook *hookReceiver
	log  *syncBuffer
	acts *activities.Activities
	env  *testsuite.TestActivityEnvironment
	// sends counts acts.Sends by "channel/recipient/status".
	sends *sendCount
}

// sendCount is what Activities.Sends reported; deliveries send concurrently.
type sendCount struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *sendCount) add(channel, recipient, status string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[channel+"/"+recipient+"/"+status]++
}

// want reports a difference between the sends counted and want.
func (c *sendCount) want(t *testing.T, want map[string]int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !maps.Equal(c.n, want) {
		t.Errorf("sends counted %v, want %v", c.n, want)
	}
}

func newNotifyFixture(t *testing.T) *notifyFixture {
	t.Helper()
	st, c := fileTestComplaint(t, func(nc *store.NewComplaint) {
		nc.Channel, nc.CustomerName = "phone", "王芳"
		nc.CustomerPhone, nc.CustomerEmail, nc.CustomerAddress = new(customerPhone), new(customerEmail), new(customerAddress)
		nc.Category, nc.Subject, nc.Description = "logistics", "包裹一周未到", "物流慢"
	})
	f := &notifyFixture{st: st, c: c, smtp: notifytest.StartSMTP(t, notifytest.SMTPOptions{}), hook: newHookReceiver(t), log: &syncBuffer{},
		sends: &sendCount{n: map[string]int{}}}
	f.acts = &activities.Activities{Store: st, Notifications: st, Notifiers: []notify.Notifier{
		notify.Log{Logger: slog.New(slog.NewJSONHandler(f.log, nil))},
		notify.SMTP{Addr: f.smtp.Addr, From: "Complaintflow <cf@example.com>", TLS: notify.TLSNone},
		notify.Webhook{Secret: webhookSecret},
	}, Sends: f.sends.add}
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	f.env = ts.NewTestActivityEnvironment()
	f.env.RegisterActivity(f.acts)
	return f
}

// person adds someone to the directory; empty addresses stay NULL.
func (f *notifyFixture) person(t *testing.T, id, email, webhookURL string) {
	t.Helper()
	_, err := f.st.DB().ExecContext(context.Background(),
		`INSERT INTO people (id, name, role, email, webhook_url, updated_by) VALUES ($1, $1, 'agent', NULLIF($2, ''), NULLIF($3, ''), 'test')`,
		id, email, webhookURL)
	if err != nil {
		t.Fatal(err)
	}
}

func (f *notifyFixture) notice(recipient, body string) activities.Notice {
	return activities.Notice{
		ComplaintID: f.c.ID, EventKey: f.c.WorkflowID + "/sla_breached/1", EventKind: complaint.EventSLABreached,
		Recipient: recipient, Subject: "SLA 超时：投诉 " + f.c.ID, Body: body,
	}
}

func (f *notifyFixture) notify(n activities.Notice) error {
	var a *activities.Activities
	_, err := f.env.ExecuteActivity(a.Notify, n)
	return err
}

func (f *notifyFixture) rows(t *testing.T) map[string]notify.Notification {
	t.Helper()
	ns, err := f.st.Notifications(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	byChannel := map[string]notify.Notification{}
	for _, n := range ns {
		byChannel[n.Channel] = n
	}
	if len(byChannel) != len(ns) {
		t.Fatalf("%d rows for %d channels", len(ns), len(byChannel))
	}
	return byChannel
}

// begun is a warning's delivery an attempt claimed and never finished: its row in
// sending, with the words the attempt meant to send.
func (f *notifyFixture) begun(t *testing.T, event, recipient, channel, address string) notify.Notification {
	t.Helper()
	row, claimed, err := f.st.ClaimNotification(context.Background(), notify.Notification{
		IdempotencyKey: event + "|" + recipient + "|" + channel, ComplaintID: new(f.c.ID), EventKind: "sla_warning",
		Recipient: recipient, Channel: channel, Address: null.IfEmpty(address), Subject: "50% used", Body: "first words",
	}, time.Minute, false)
	if err != nil || claimed != notify.ClaimWon {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	return row
}

// statuses is each of the complaint's rows' status, by key.
func (f *notifyFixture) statuses(t *testing.T) map[string]notify.NotificationStatus {
	t.Helper()
	ns, err := f.st.Notifications(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]notify.NotificationStatus{}
	for _, n := range ns {
		status[n.IdempotencyKey] = n.Status
	}
	return status
}

// hookReceiver is a webhook endpoint that checks every request as a receiver
// should and answers with the scripted statuses, then 200.
type hookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	requests []hookRequest
}

type hookRequest struct {
	key     string
	payload map[string]string
	body    string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.VerifySignature(webhookSecret, r.Header.Get(notify.TimestampHeader),
			r.Header.Get(notify.SignatureHeader), body, time.Minute, time.Now()); err != nil {
			t.Errorf("webhook: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p map[string]string
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("webhook payload: %v", err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests = append(h.requests, hookRequest{key: r.Header.Get(notify.IdempotencyKeyHeader), payload: p, body: string(body)})
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) answer(statuses ...int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.statuses = statuses
}

func (h *hookReceiver) received() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.requests...)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// errKind tells how Temporal treats an activity error.
func isType(err error, errType string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == errType
}

func errKind(err error) string {
	var appErr *temporal.ApplicationError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &appErr) && appErr.NonRetryable():
		return "final:" + appErr.Type()
	}
	return "retry"
}

func TestNotifyWebhookRetriesThenDeliversOnce(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "", f.hook.URL+"/ann")
	f.hook.answer(http.StatusInternalServerError)
	n := f.notice("ann", "please call back")

	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("500: got %v, want a retryable error", err)
	}
	for range 2 { // the retry delivers; a further retry sends nothing
		if err := f.notify(n); err != nil {
			t.Fatal(err)
		}
	}
	reqs := f.hook.received()
	wantKey := n.EventKey + "|ann|webhook"
	if len(reqs) != 2 || reqs[0].key != wantKey || reqs[1].key != wantKey || reqs[1].payload["id"] != wantKey {
		t.Fatalf("got %d requests %+v, want 2 with Idempotency-Key %q", len(reqs), reqs, wantKey)
	}
	p := reqs[1].payload
	if p["complaint_id"] != f.c.ID || p["event_kind"] != "sla_breached" || p["recipient"] != "ann" || p["body"] != "please call back" {
		t.Errorf("payload %v", p)
	}
	row := f.rows(t)["webhook"]
	if row.Status != notify.NotificationSent || row.Attempts != 2 || row.SentAt == nil ||
		!strings.Contains(null.Value(row.LastError), "500") || null.Value(row.Address) != f.hook.URL+"/ann" {
		t.Errorf("row %+v, want sent after 2 attempts, remembering the 500", row)
	}
	if len(f.smtp.Mails()) != 0 || strings.Contains(f.log.String(), "notification") {
		t.Error("a person with only a webhook got a notice on another channel")
	}
	f.sends.want(t, map[string]int{"webhook/staff/pending": 1, "webhook/staff/sent": 1})
}

func TestNotifyWebhookClientErrorFailsWithoutRetry(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "", f.hook.URL+"/ann")
	f.hook.answer(http.StatusBadRequest)
	n := f.notice("ann", "b")
	for range 2 {
		if err := f.notify(n); errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
			t.Fatalf("400: got %v, want a non-retryable %s", err, activities.ErrTypeNotificationFailed)
		}
	}
	if got := len(f.hook.received()); got != 1 {
		t.Errorf("webhook called %d times, want 1", got)
	}
	if row := f.rows(t)["webhook"]; row.Status != notify.NotificationFailed || row.Attempts != 1 || !strings.Contains(null.Value(row.LastError), "400") {
		t.Errorf("row %+v, want failed after 1 attempt", row)
	}
	f.sends.want(t, map[string]int{"webhook/staff/failed": 1})
}

func TestNotifyEmailRetriesThenDeliversOnce(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", "")
	f.smtp.Reply = func(n int) error {
		if n == 1 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	}
	n := f.notice("ann", "投诉已超时，请尽快处理。")
	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("451: got %v, want a retryable error", err)
	}
	for range 2 {
		if err := f.notify(n); err != nil {
			t.Fatal(err)
		}
	}
	mails := f.smtp.Mails()
	if len(mails) != 1 {
		t.Fatalf("server took %d messages, want 1", len(mails))
	}
	m := mails[0]
	if m.From != "cf@example.com" || len(m.To) != 1 || m.To[0] != "ann@example.com" ||
		m.Subject != n.Subject || strings.TrimSpace(m.Body) != n.Body || m.Header.Get("X-Complaintflow-Key") != n.EventKey+"|ann|email" {
		t.Errorf("got from %q to %v subject %q body %q headers %v", m.From, m.To, m.Subject, m.Body, m.Header)
	}
	if row := f.rows(t)["email"]; row.Status != notify.NotificationSent || row.Attempts != 2 || !strings.Contains(null.Value(row.LastError), "451") {
		t.Errorf("row %+v, want sent after 2 attempts", row)
	}
}

func TestNotifyEmailRejectedFails(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", "")
	f.smtp.Reply = func(int) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<ann@example.com> no such user"}
	}
	if err := f.notify(f.notice("ann", "b")); errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("550: got %v, want a non-retryable %s", err, activities.ErrTypeNotificationFailed)
	}
	row := f.rows(t)["email"]
	if row.Status != notify.NotificationFailed || !strings.Contains(null.Value(row.LastError), "550") || strings.Contains(null.Value(row.LastError), "ann@example.com") {
		t.Errorf("row %+v, want failed with the masked reply", row)
	}
	f.sends.want(t, map[string]int{"email/staff/failed": 1})
}

// A worker that died mid-send left the e-mail in sending: whether it went out is
// unknown, so it is marked uncertain and never sent again. The webhook in the same
// state is sent again with the same key.
func TestNotifyAfterADeathMidSend(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann")
	n := f.notice("ann", "b")
	for _, channel := range []string{"email", "webhook"} {
		_, claimed, err := f.st.ClaimNotification(context.Background(), notify.Notification{
			IdempotencyKey: n.EventKey + "|ann|" + channel, ComplaintID: new(f.c.ID),
			EventKind: "sla_breached", Recipient: "ann", Channel: channel, Subject: "s", Body: "b",
		}, time.Minute, false)
		if err != nil || claimed != notify.ClaimWon {
			t.Fatalf("claim: %v %v", claimed, err)
		}
	}
	// Still fresh: another attempt may be sending; try again later — only waiting
	// is left, which a workflow task hands to an activity (ErrTypeNotificationInFlight).
	if err := f.notify(n); errKind(err) != "retry" || !isType(err, activities.ErrTypeNotificationInFlight) ||
		len(f.smtp.Mails()) != 0 || len(f.hook.received()) != 0 {
		t.Fatalf("fresh sending rows: got %v, want a retryable %s and nothing sent", err, activities.ErrTypeNotificationInFlight)
	}
	if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.notify(n); err != nil {
			t.Fatal(err)
		}
	}
	rows := f.rows(t)
	if len(f.smtp.Mails()) != 0 || rows["email"].Status != notify.NotificationUncertain {
		t.Errorf("e-mail: %d sent, row %s; want none sent and uncertain", len(f.smtp.Mails()), rows["email"].Status)
	}
	if reqs := f.hook.received(); len(reqs) != 1 || reqs[0].key != n.EventKey+"|ann|webhook" ||
		rows["webhook"].Status != notify.NotificationSent || rows["webhook"].Attempts != 2 {
		t.Errorf("webhook: %d requests, row %+v; want one resend with the same key", len(reqs), rows["webhook"])
	}
}

// A workflow task that sent a warning died before Temporal recorded it, and its redo
// superseded the warning: the redo asks only to resume the notice. Deliveries the
// dead attempt began are finished from their rows — the webhook sent again with its
// key and first words, the e-mail marked uncertain, the log line written — once
// they are stale; a notice no attempt began is not started.
func TestNotifyResumeFinishesOnlyWhatAnAttemptBegan(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann")
	f.person(t, "bob", "", "")
	warning := func(n int) string { return fmt.Sprintf("%s/sla_warning/%d", f.c.WorkflowID, n) }
	f.begun(t, warning(1), "ann", "email", "ann@example.com")
	f.begun(t, warning(1), "ann", "webhook", f.hook.URL+"/ann")
	// bob's log line failed once and went back to pending.
	row := f.begun(t, warning(2), "bob", "log", "")
	if ok, err := f.st.FinishNotification(context.Background(), row.IdempotencyKey, row.Attempts, notify.NotificationPending, "x", time.Now()); !ok || err != nil {
		t.Fatal(ok, err)
	}
	resume := func(key, recipient string) error {
		return f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: key, EventKind: complaint.EventSLAWarning, Recipient: recipient, Resume: true})
	}

	if err := resume(warning(3), "ann"); err != nil {
		t.Fatal(err)
	}
	if rows, _ := f.st.Notifications(context.Background(), f.c.ID); len(rows) != 3 {
		t.Fatalf("resuming a notice nobody began wrote %d rows, want the 3 begun", len(rows))
	}
	// Fresh: the attempt that claimed them may still be sending.
	if err := resume(warning(1), "ann"); errKind(err) != "retry" || len(f.smtp.Mails()) != 0 || len(f.hook.received()) != 0 {
		t.Fatalf("fresh rows: got %v, want a retryable error and nothing sent", err)
	}
	if err := resume(warning(2), "bob"); err != nil || !strings.Contains(f.log.String(), "first words") {
		t.Fatalf("pending log line: %v, log %q; want it written", err, f.log.String())
	}
	if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '1 hour' WHERE status = 'sending'`); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := resume(warning(1), "ann"); err != nil {
			t.Fatal(err)
		}
	}
	status := f.statuses(t)
	want := map[string]notify.NotificationStatus{
		warning(1) + "|ann|email": notify.NotificationUncertain, warning(1) + "|ann|webhook": notify.NotificationSent,
		warning(2) + "|bob|log": notify.NotificationSent,
	}
	if !maps.Equal(status, want) {
		t.Errorf("rows %v, want %v", status, want)
	}
	if len(f.smtp.Mails()) != 0 {
		t.Errorf("%d e-mails sent again, want none", len(f.smtp.Mails()))
	}
	if reqs := f.hook.received(); len(reqs) != 1 || reqs[0].key != warning(1)+"|ann|webhook" || !strings.Contains(reqs[0].body, "first words") {
		t.Errorf("webhook: %+v, want one resend with the key and the first words", reqs)
	}
}

// A delivery held by another attempt beside one that failed is more than waiting:
// a plain retry, which a workflow task retries itself.
func TestNotifyHeldAndFailingIsAPlainRetry(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann")
	n := f.notice("ann", "b")
	if _, claimed, err := f.st.ClaimNotification(context.Background(), notify.Notification{
		IdempotencyKey: n.EventKey + "|ann|email", ComplaintID: new(f.c.ID),
		EventKind: "sla_breached", Recipient: "ann", Channel: "email", Subject: "s", Body: "b",
	}, time.Minute, false); err != nil || claimed != notify.ClaimWon {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	f.hook.answer(http.StatusServiceUnavailable)
	if err := f.notify(n); errKind(err) != "retry" || isType(err, activities.ErrTypeNotificationInFlight) {
		t.Fatalf("a held e-mail and a failing webhook: got %v, want a plain retry", err)
	}
}

func TestNotifyMasksTheCustomerForStaff(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann")
	body := "客户 " + customerPhone + "，邮箱 " + customerEmail + "，地址 " + customerAddress + "，另一号码 13912345678。"
	n := f.notice("ann", body)
	n.Subject += " " + customerEmail
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(f.notice("unassigned:logistics", body)); err != nil {
		t.Fatal(err)
	}

	var seen []string
	for _, m := range f.smtp.Mails() {
		seen = append(seen, m.Subject, m.Body)
	}
	for _, r := range f.hook.received() {
		seen = append(seen, r.body)
	}
	seen = append(seen, f.log.String())
	for _, row := range f.rows(t) {
		seen = append(seen, row.Subject, row.Body, null.Value(row.Address))
	}
	if len(seen) != 2+1+1+3*3 {
		t.Fatalf("got %d texts, want e-mail, webhook, log and 3 rows", len(seen))
	}
	for _, s := range seen {
		for _, secret := range []string{customerPhone, "13800138000", customerEmail, customerAddress, "13912345678"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q shows %q", s, secret)
			}
		}
	}
	if want := "客户 ***8000，邮箱 w***@example.com，地址 北京市朝阳区***，另一号码 ***5678。"; strings.TrimSpace(f.smtp.Mails()[0].Body) != want {
		t.Errorf("e-mail body %q, want %q", f.smtp.Mails()[0].Body, want)
	}
	if !strings.Contains(f.smtp.Mails()[0].Subject, f.c.ID) {
		t.Errorf("subject %q lost the complaint ID", f.smtp.Mails()[0].Subject)
	}
}

func TestNotifyCustomerByEmail(t *testing.T) {
	f := newNotifyFixture(t)
	n := f.notice(activities.CustomerRecipient, "王芳您好，您的投诉已受理，我们会寄往 "+customerAddress+"。")
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	mails := f.smtp.Mails()
	if len(mails) != 1 || mails[0].To[0] != customerEmail || strings.TrimSpace(mails[0].Body) != n.Body {
		t.Fatalf("got %+v, want the unmasked notice at the customer's address", mails)
	}
	rows := f.rows(t)
	if row := rows["email"]; len(rows) != 1 || row.Status != notify.NotificationSent || null.Value(row.Address) != "w***@example.com" ||
		row.IdempotencyKey != n.EventKey+"|customer|email" {
		t.Errorf("rows %+v, want one sent e-mail row with the address masked", rows)
	}
}

func TestNotifyFallsBackToTheLog(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "bob", "", "")
	f.acts.Notifiers = f.acts.Notifiers[:1] // the log alone: no SMTP, no webhook secret
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann")
	for _, r := range []string{"bob", "ann", "role:director", activities.CustomerRecipient} {
		if err := f.notify(f.notice(r, "b")); err != nil {
			t.Fatal(err)
		}
	}
	ns, _ := f.st.Notifications(context.Background(), f.c.ID)
	if len(ns) != 4 || len(f.smtp.Mails()) != 0 || len(f.hook.received()) != 0 {
		t.Fatalf("got %d rows, %d e-mails, %d webhooks; want 4 log rows only", len(ns), len(f.smtp.Mails()), len(f.hook.received()))
	}
	for _, n := range ns {
		if n.Channel != notify.ChannelLog || n.Status != notify.NotificationSent || n.Address != nil {
			t.Errorf("row %+v, want a sent log notice", n)
		}
	}
	if got := strings.Count(f.log.String(), `"msg":"notification"`); got != 4 {
		t.Errorf("%d notices logged, want 4", got)
	}
	// A customer's own notice falls back to the log masked, the name too: operators
	// read the log, the customer does not.
	dear := f.notice(activities.CustomerRecipient, "王芳您好，我们会寄往 "+customerAddress+"，电话 "+customerPhone+"。")
	dear.EventKey += "/dear"
	if err := f.notify(dear); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"王芳", customerAddress, customerPhone} {
		if strings.Contains(f.log.String(), secret) {
			t.Errorf("the log shows %q: %s", secret, f.log.String())
		}
	}
	if !strings.Contains(f.log.String(), "王*您好") {
		t.Errorf("the log lost the masked notice: %s", f.log.String())
	}
}

// On a real Temporal server the activity sees its retry policy: when the last
// attempt fails too, the delivery is marked failed.
func TestNotifyGivesUpWhenRetriesAreExhausted(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "", f.hook.URL+"/ann")
	f.hook.answer(503, 503, 503, 503)

	tc, err := client.Dial(client.Options{
		HostPort: testenv.Temporal(t),
		Logger:   tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	queue := "notify-" + uuid.NewString()
	w := worker.New(tc, queue, worker.Options{})
	w.RegisterWorkflow(notifyWorkflow)
	w.RegisterActivity(f.acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, notifyWorkflow, f.notice("ann", "b"))
	if err != nil {
		t.Fatal(err)
	}
	err = run.Get(ctx, nil)
	if errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("got %v, want the notice to fail with %s", err, activities.ErrTypeNotificationFailed)
	}
	if got := len(f.hook.received()); got != 3 {
		t.Errorf("webhook called %d times, want 3", got)
	}
	if row := f.rows(t)["webhook"]; row.Status != notify.NotificationFailed || row.Attempts != 3 || !strings.Contains(null.Value(row.LastError), "503") {
		t.Errorf("row %+v, want failed after 3 attempts", row)
	}
}

func notifyWorkflow(ctx workflow.Context, n activities.Notice) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 3},
	})
	var a *activities.Activities
	return workflow.ExecuteActivity(ctx, a.Notify, n).Get(ctx, nil)
}

// The send counter's recipient: the callback is the intake system's whatever it is
// addressed to; the customer is the customer on every other channel; anyone else —
// a person, a role — is staff.
func TestRecipientKind(t *testing.T) {
	for _, tc := range []struct{ channel, recipient, want string }{
		{notify.ChannelCallback, "intake", activities.RecipientIntake},
		{notify.ChannelEmail, activities.CustomerRecipient, activities.RecipientCustomer},
		{notify.ChannelLog, activities.CustomerRecipient, activities.RecipientCustomer},
		{notify.ChannelEmail, "ann", activities.RecipientStaff},
		{notify.ChannelWebhook, "role:quality", activities.RecipientStaff},
	} {
		if got := activities.RecipientKind(tc.channel, tc.recipient); got != tc.want {
			t.Errorf("%s to %s: %s, want %s", tc.channel, tc.recipient, got, tc.want)
		}
	}
}
