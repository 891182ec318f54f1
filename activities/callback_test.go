package activities_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// intakeReceiver is an intake system's callback endpoint: it checks the signature
// with the integration's secret, keeps every request and answers the scripted
// statuses, then 200.
type intakeReceiver struct {
	*httptest.Server
	secret   []byte
	mu       sync.Mutex
	statuses []int
	requests []hookRequest
}

func newIntakeReceiver(t *testing.T, secret string) *intakeReceiver {
	h := &intakeReceiver{secret: []byte(secret)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.VerifySignature(h.secret, r.Header.Get(notify.TimestampHeader),
			r.Header.Get(notify.SignatureHeader), body, time.Minute, time.Now()); err != nil {
			t.Errorf("callback: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests = append(h.requests, hookRequest{key: r.Header.Get(notify.IdempotencyKeyHeader), body: string(body)})
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *intakeReceiver) answer(statuses ...int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.statuses = statuses
}

func (h *intakeReceiver) received() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.requests...)
}

// withIntegration registers an integration whose callbacks reach a new receiver,
// binds the fixture's complaint to it and records an acknowledged event.
func (f *notifyFixture) withIntegration(t *testing.T) (*intakeReceiver, activities.Notice) {
	t.Helper()
	ctx := context.Background()
	const secret = "cbsec_test"
	rcv := newIntakeReceiver(t, secret)
	if _, _, _, err := f.st.PutIntegration(ctx, store.Integration{
		ID: "crm", Name: "CRM", CallbackURL: rcv.URL + "/callbacks", Secret: secret, UpdatedBy: "test",
	}, false, 0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.DB().ExecContext(ctx, `UPDATE complaints SET integration_id = 'crm' WHERE id = $1`, f.c.ID); err != nil {
		t.Fatal(err)
	}
	key := f.c.WorkflowID + "/acknowledged"
	at := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	if _, err := f.st.RecordEvent(ctx, complaint.Event{
		ComplaintID: f.c.ID, Key: key, Kind: complaint.EventAcknowledged, Actor: "ann", At: at,
		Status: complaint.StatusInProgress, Owner: "ann", Message: "我们正在处理",
	}); err != nil {
		t.Fatal(err)
	}
	return rcv, activities.Notice{
		ComplaintID: f.c.ID, EventKey: key, EventKind: complaint.EventAcknowledged,
		Recipient: activities.CustomerRecipient, Subject: "We have received your complaint", Body: "我们正在处理",
	}
}

func TestNotifyCallsBackTheIntakeOncePerEvent(t *testing.T) {
	f := newNotifyFixture(t)
	rcv, n := f.withIntegration(t)
	rcv.answer(http.StatusServiceUnavailable)

	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("503: got %v, want a retryable error", err)
	}
	for range 2 { // the retry delivers; a further retry sends nothing
		if err := f.notify(n); err != nil {
			t.Fatal(err)
		}
	}
	reqs := rcv.received()
	if len(reqs) != 2 || reqs[0].key != n.EventKey || reqs[1].key != n.EventKey || reqs[0].body != reqs[1].body {
		t.Fatalf("got %d requests %+v, want 2 equal ones with Idempotency-Key %q", len(reqs), reqs, n.EventKey)
	}
	var got notify.CallbackPayload
	if err := json.Unmarshal([]byte(reqs[1].body), &got); err != nil {
		t.Fatal(err)
	}
	want := notify.CallbackPayload{
		EventID: n.EventKey, Kind: "acknowledged", ComplaintID: f.c.ID, ExternalID: f.c.ExternalID,
		OccurredAt: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC),
		Data:       notify.CallbackData{Subject: n.Subject, Message: "我们正在处理", Status: "in_progress"},
	}
	if gotJSON, wantJSON := mustJSON(t, got), mustJSON(t, want); gotJSON != wantJSON {
		t.Errorf("payload\n got %s\nwant %s", gotJSON, wantJSON)
	}
	rows := f.rows(t)
	cb := rows["callback"]
	if cb.Status != notify.NotificationSent || cb.Attempts != 2 || cb.Recipient != activities.IntakeRecipient ||
		cb.IdempotencyKey != n.EventKey+"|intake|callback" || !strings.Contains(null.Value(cb.LastError), "503") ||
		cb.Body != reqs[0].body {
		t.Errorf("callback row %+v, want sent after 2 attempts with the posted body", cb)
	}
	if rows["email"].Status != notify.NotificationSent || len(f.smtp.Mails()) != 1 {
		t.Errorf("customer e-mail: row %s, %d mails; want sent once despite the callback's retry",
			rows["email"].Status, len(f.smtp.Mails()))
	}
}

func TestNotifyCallbackRejectedFails(t *testing.T) {
	f := newNotifyFixture(t)
	rcv, n := f.withIntegration(t)
	rcv.answer(http.StatusGone)
	if err := f.notify(n); errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("410: got %v, want a final NotificationFailed", err)
	}
	if err := f.notify(n); errKind(err) != "final:"+activities.ErrTypeNotificationFailed || len(rcv.received()) != 1 {
		t.Fatalf("retry after 410: got %v with %d requests, want final again and no resend", err, len(rcv.received()))
	}
	if row := f.rows(t)["callback"]; row.Status != notify.NotificationFailed || !strings.Contains(null.Value(row.LastError), "410") {
		t.Errorf("row %+v, want failed with the 410", row)
	}
}

// A callback URL on an internal address is not posted to unless OUTBOUND_ALLOW_CIDRS
// allows it: the delivery fails at once, and the delivery log, which API callers
// read, says the policy refused it and nothing of the address.
func TestNotifyCallbackToAnInternalAddressIsRefused(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.Notifiers = append(f.acts.Notifiers, notify.Callback{Client: notify.Egress{}.Client()})
	rcv, n := f.withIntegration(t)
	if err := f.notify(n); errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("got %v, want a final NotificationFailed", err)
	}
	_, port, _ := strings.Cut(strings.TrimPrefix(rcv.URL, "http://"), ":")
	row := f.rows(t)["callback"]
	last := null.Value(row.LastError)
	if row.Status != notify.NotificationFailed || row.Attempts != 1 || !strings.Contains(last, "refused by outbound policy") ||
		strings.Contains(last, "127.0.0.1") || strings.Contains(last, port) || len(rcv.received()) != 0 {
		t.Errorf("row %s after %d attempts, last error %q, %d requests; want failed at once by policy, nothing sent",
			row.Status, row.Attempts, last, len(rcv.received()))
	}
	if rows := f.rows(t); rows["email"].Status != notify.NotificationSent {
		t.Errorf("customer e-mail %s, want sent despite the refused callback", rows["email"].Status)
	}
}

// A receiver that cannot be reached leaves a coarse reason in the delivery log, not
// the address dialled nor how the connection failed (which would map open ports).
func TestNotifyCallbackErrorsDoNotMapTheNetwork(t *testing.T) {
	f := newNotifyFixture(t)
	rcv, n := f.withIntegration(t)
	rcv.Close()
	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("got %v, want a retryable error", err)
	}
	row := f.rows(t)["callback"]
	if last := null.Value(row.LastError); row.Status != notify.NotificationPending || last != "callback to intake: could not connect" {
		t.Errorf("row %s, last error %q; want pending with only \"could not connect\"", row.Status, last)
	}
}

func TestNotifyCallsBackOnlyForCustomerNoticesOfLiveIntegrations(t *testing.T) {
	f := newNotifyFixture(t)
	rcv, n := f.withIntegration(t)
	f.person(t, "ann", "ann@example.com", "")
	staff := n
	staff.Recipient = "ann"
	if err := f.notify(staff); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteIntegration(context.Background(), "crm", "test", nil); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	if reqs := rcv.received(); len(reqs) != 0 {
		t.Errorf("got %d callbacks, want none: staff notices and deleted integrations are not called back", len(reqs))
	}
	if cbs, err := f.st.Callbacks(context.Background(), f.c.ID); err != nil || len(cbs) != 0 {
		t.Errorf("callback rows %+v, %v; want none", cbs, err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEscalationDecisionsTheCustomerSeesAreCalledBackOnce(t *testing.T) {
	due := time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		decision complaint.Decision
		want     string // callback kind; "" for none
	}{
		{complaint.Decision{Kind: complaint.DecisionExtend, ExtensionSeconds: 7200}, notify.CallbackDeadlineExtended},
		{complaint.Decision{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{Kind: "coupon", Amount: 50, Currency: "CNY", Note: "internal"}},
			notify.CallbackCompensationGranted},
		{complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High}, ""},
	} {
		t.Run(string(tc.decision.Kind), func(t *testing.T) {
			f := newNotifyFixture(t)
			rcv, _ := f.withIntegration(t)
			f.person(t, "ann", "ann@example.com", "")
			key := f.c.WorkflowID + "/escalation/1/decided"
			d := tc.decision
			if _, err := f.st.RecordEvent(context.Background(), complaint.Event{
				ComplaintID: f.c.ID, Key: key, Kind: complaint.EventEscalationDecision, Actor: "mgr", At: due.Add(-48 * time.Hour),
				ResolutionDueAt: due, Escalation: &complaint.EscalationRecord{ID: f.c.ID + "/1", Seq: 1, Status: "approved", RequestedBy: "ann",
					RequestedAt: due.Add(-50 * time.Hour), Reason: "slow", Level: 1, Eligible: []string{"mgr"}, Decision: &d},
			}); err != nil {
				t.Fatal(err)
			}
			// The staff notice and (for compensation) the customer's, in either order.
			for _, to := range []string{"ann", activities.CustomerRecipient} {
				if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: key, EventKind: complaint.EventEscalationDecision,
					Recipient: to, Subject: "Escalation 1 decided", Body: "internal words"}); err != nil {
					t.Fatal(err)
				}
			}
			reqs := rcv.received()
			if tc.want == "" {
				if len(reqs) != 0 {
					t.Fatalf("got %d callbacks, want none", len(reqs))
				}
				return
			}
			if len(reqs) != 1 || reqs[0].key != key {
				t.Fatalf("got %d callbacks %+v, want one keyed %s", len(reqs), reqs, key)
			}
			var got notify.CallbackPayload
			if err := json.Unmarshal([]byte(reqs[0].body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Kind != tc.want || got.Data.ResolutionDueAt == nil || !got.Data.ResolutionDueAt.Equal(due) ||
				got.Data.Message != "" || strings.Contains(reqs[0].body, "internal") {
				t.Errorf("payload %s, want %s with the deadline and no staff text", reqs[0].body, tc.want)
			}
		})
	}
}

// A compensation a decision grants is recorded with it (workflow revision 8): the
// decision's event carries it, and the intake system hears of it once, by the
// grant's own compensation_granted event, with what was granted in the words the
// customer heard and the customer's text — not also by the decision's staff notice.
func TestACompensationRecordedWithItsDecisionIsCalledBackOnceByTheGrant(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	f := newNotifyFixture(t)
	rcv, _ := f.withIntegration(t)
	f.person(t, "ann", "ann@example.com", "")
	d := complaint.Decision{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{Kind: "coupon", Amount: 50, Currency: "CNY"}}
	grant := complaint.CompensationRecord{Seq: 1, Kind: complaint.RecoveryCompensation, Amount: 50, Currency: "CNY", Note: "coupon",
		Status: complaint.CompensationGranted, RequestedBy: "mgr", RequestedAt: at, EscalationSeq: 1, DecidedBy: "mgr", DecidedAt: &at}
	decided, granted := f.c.WorkflowID+"/escalation_decided/1", f.c.WorkflowID+"/compensation_granted/1"
	for _, e := range []complaint.Event{
		{ComplaintID: f.c.ID, Key: decided, Kind: complaint.EventEscalationDecision, Actor: "mgr", At: at, Compensation: &grant,
			Escalation: &complaint.EscalationRecord{ID: f.c.ID + "/1", Seq: 1, Status: "compensated", RequestedBy: "ann",
				RequestedAt: at.Add(-time.Hour), Reason: "more", Level: 1, Eligible: []string{"mgr"}, Decision: &d}},
		{ComplaintID: f.c.ID, Key: granted, Kind: complaint.EventCompensationGranted, Actor: "mgr", At: at, Compensation: &grant},
	} {
		if _, err := f.st.RecordEvent(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: decided, EventKind: complaint.EventEscalationDecision,
		Recipient: "ann", Subject: "Escalation 1 decided", Body: "internal words"}); err != nil {
		t.Fatal(err)
	}
	vars := grant.CompensationFields()
	vars["kind"], vars["note"] = "coupon", ""
	if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: granted, EventKind: complaint.EventCompensationGranted,
		Recipient: activities.CustomerRecipient, Template: "compensation", Vars: vars}); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.received()
	if len(reqs) != 1 || reqs[0].key != granted {
		t.Fatalf("got %d callbacks %+v, want one keyed %s", len(reqs), reqs, granted)
	}
	var got notify.CallbackPayload
	if err := json.Unmarshal([]byte(reqs[0].body), &got); err != nil {
		t.Fatal(err)
	}
	if c := got.Data.Compensation; got.Kind != notify.CallbackCompensationGranted || c == nil || c.Kind != "coupon" || c.Amount != 50 ||
		c.Currency != "CNY" || !strings.Contains(got.Data.Message, "50") {
		t.Errorf("payload %s, want compensation_granted with the coupon of 50 CNY and the customer's text", reqs[0].body)
	}
}

// The reopened callback says when the round's first response is due when the
// customer's dissatisfied answer reopened it (workflow revision 6, 15 minutes by
// the negative_feedback policy), and nothing of one for an agent's reopening.
func TestReopenedCallbackCarriesTheRoundsFirstResponseDeadline(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		responseDue time.Time // zero: the round has no first-response clock
	}{
		{"by the customer's answer", at.Add(15 * time.Minute)},
		{"by an agent", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNotifyFixture(t)
			rcv, _ := f.withIntegration(t)
			key := f.c.WorkflowID + "/reopened/1"
			if _, err := f.st.RecordEvent(context.Background(), complaint.Event{
				ComplaintID: f.c.ID, Key: key, Kind: complaint.EventReopened, Actor: "customer", At: at,
				Status: complaint.StatusInProgress, Reason: "not solved", Round: 1,
				ResolutionDueAt: at.Add(24 * time.Hour), FirstResponseDueAt: tc.responseDue,
			}); err != nil {
				t.Fatal(err)
			}
			if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: key, EventKind: complaint.EventReopened,
				Recipient: activities.CustomerRecipient, Subject: "We have reopened your complaint", Body: "reopened"}); err != nil {
				t.Fatal(err)
			}
			reqs := rcv.received()
			if len(reqs) != 1 {
				t.Fatalf("got %d callbacks, want 1", len(reqs))
			}
			var got notify.CallbackPayload
			if err := json.Unmarshal([]byte(reqs[0].body), &got); err != nil {
				t.Fatal(err)
			}
			d := got.Data
			if got.Kind != "reopened" || null.Value(d.Round) != 1 || d.Reason != "not solved" || d.ResolutionDueAt == nil ||
				!d.ResolutionDueAt.Equal(at.Add(24*time.Hour)) {
				t.Errorf("payload %s, want reopened round 1 with its reason and resolution deadline", reqs[0].body)
			}
			switch {
			case tc.responseDue.IsZero() && strings.Contains(reqs[0].body, "first_response_due_at"):
				t.Errorf("payload %s, want no first_response_due_at for a round without that clock", reqs[0].body)
			case !tc.responseDue.IsZero() && (d.FirstResponseDueAt == nil || !d.FirstResponseDueAt.Equal(tc.responseDue)):
				t.Errorf("payload %s, want first_response_due_at %s", reqs[0].body, tc.responseDue)
			}
		})
	}
}

// The progress_sent callback says when the agent told the customer they now expect
// to resolve it (002 §9.3 「预计解决时间」), so an intake system can show it in its own
// channel; nothing of one when the agent named no time.
func TestProgressCallbackCarriesTheTimeTheCustomerWasTold(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		expected time.Time // zero: the agent named no time
	}{
		{"with an expected time", at.Add(6 * time.Hour)},
		{"without", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNotifyFixture(t)
			rcv, _ := f.withIntegration(t)
			doc := callbackJSON(t, f, rcv, complaint.Event{Key: f.c.WorkflowID + "/progress_sent/1", Kind: complaint.EventProgressSent,
				At: at, Message: "the courier found it", Reason: "the parcel is in transit", ExpectedBy: tc.expected})
			data := doc["data"].(map[string]any)
			if doc["kind"] != "progress_sent" || data["reason"] != "the parcel is in transit" {
				t.Errorf("payload %v, want progress_sent with the agent's reason", doc)
			}
			got, ok := data["expected_by"]
			switch {
			case tc.expected.IsZero() && ok:
				t.Errorf("payload %v, want no expected_by when the agent named no time", doc)
			case !tc.expected.IsZero() && got != tc.expected.Format(time.RFC3339):
				t.Errorf("payload %v, want expected_by %s", doc, tc.expected.Format(time.RFC3339))
			}
		})
	}
}
