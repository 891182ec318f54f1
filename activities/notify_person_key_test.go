package activities_test

import (
	"context"
	"fmt"
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

// signedRequest is a webhook request as it arrived, to verify under any key.
type signedRequest struct{ recipient, timestamp, signature, body string }

// verifies reports whether the request verifies under key.
func (r signedRequest) verifies(key string) bool {
	return notify.VerifySignature([]byte(key), r.timestamp, r.signature, []byte(r.body), time.Minute, time.Now()) == nil
}

// signedReceiver records every webhook request, whatever its signature, and
// answers with the scripted statuses, then 200.
type signedReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	requests []signedRequest
}

func newSignedReceiver(t *testing.T) *signedReceiver {
	h := &signedReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests = append(h.requests, signedRequest{r.URL.Path[1:], r.Header.Get(notify.TimestampHeader),
			r.Header.Get(notify.SignatureHeader), string(body)})
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *signedReceiver) received() []signedRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]signedRequest(nil), h.requests...)
}

// personWithKey puts a person with a webhook at hook as the API does, offering key.
func (f *notifyFixture) personWithKey(t *testing.T, id, hook, key string) {
	t.Helper()
	url := hook + "/" + id
	if _, _, err := f.st.PutPerson(context.Background(), store.Person{
		ID: id, Name: id, Role: complaint.RoleAgent, WebhookURL: &url, WebhookSecret: &key, Active: true, UpdatedBy: "test",
	}, nil); err != nil {
		t.Fatal(err)
	}
}

// Each person's webhooks are signed with their own key, so a receiver holding one
// cannot forge a notice another accepts; a webhook set before keys is signed with
// the shared one.
func TestNotifyWebhookIsSignedWithThePersonsOwnKey(t *testing.T) {
	f := newNotifyFixture(t)
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_ann")
	f.personWithKey(t, "bob", hook.URL, "whsec_bob")
	f.person(t, "old", "", hook.URL+"/old")
	for _, who := range []string{"ann", "bob", "old"} {
		if err := f.notify(f.notice(who, "for "+who)); err != nil {
			t.Fatal(err)
		}
	}
	keys := map[string]string{"ann": "whsec_ann", "bob": "whsec_bob", "old": string(webhookSecret)}
	reqs := hook.received()
	if len(reqs) != 3 {
		t.Fatalf("%d webhook requests, want 3", len(reqs))
	}
	for _, r := range reqs {
		for who, key := range keys {
			if got, want := r.verifies(key), who == r.recipient; got != want {
				t.Errorf("%s's notice verifies with %s's key: %v, want %v", r.recipient, who, got, want)
			}
		}
	}
}

// A retry after the person's key was rotated signs with the new key, the one their
// receiver checks from then on; so does a delivery finished from its row.
func TestNotifyWebhookRetryAfterRotationSignsWithTheNewKey(t *testing.T) {
	f := newNotifyFixture(t)
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_old")
	hook.statuses = []int{http.StatusServiceUnavailable}
	n := f.notice("ann", "please call back")
	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("503: got %v, want a retryable error", err)
	}
	if _, err := f.st.RotateWebhookSecret(context.Background(), "ann", "whsec_new", "admin", nil); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}

	// A warning an attempt began and left: resumed from its row once stale.
	warning := fmt.Sprintf("%s/sla_warning/1", f.c.WorkflowID)
	f.begun(t, warning, "ann", "webhook", hook.URL+"/ann")
	if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '1 hour' WHERE status = 'sending'`); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: warning, EventKind: complaint.EventSLAWarning,
		Recipient: "ann", Resume: true}); err != nil {
		t.Fatal(err)
	}

	reqs := hook.received()
	if len(reqs) != 3 || !reqs[0].verifies("whsec_old") {
		t.Fatalf("%d requests, want 3, the first signed with the old key", len(reqs))
	}
	for i, r := range reqs[1:] {
		if !r.verifies("whsec_new") || r.verifies("whsec_old") || r.verifies(string(webhookSecret)) {
			t.Errorf("request %d after the rotation is not signed with the new key alone", i+2)
		}
	}
}

// Without the shared key the webhook channel still serves everyone with a key of
// their own. A webhook set before keys then cannot be signed: its notice fails for
// good, its row naming the missing key and the rotation that mends it, and
// nothing unsigned is posted; the person's e-mail still goes out.
func TestNotifyWebhookWithNoKeyFailsNamingIt(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.Notifiers[2] = notify.Webhook{} // WEBHOOK_SIGNING_SECRET unset
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_ann")
	f.person(t, "old", "old@example.com", hook.URL+"/old")
	if err := f.notify(f.notice("ann", "for ann")); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(f.notice("old", "for old")); errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("old's notice: got %v, want it failed for good", err)
	}
	if reqs := hook.received(); len(reqs) != 1 || reqs[0].recipient != "ann" || !reqs[0].verifies("whsec_ann") {
		t.Fatalf("webhook requests %+v, want ann's alone, signed with her key", reqs)
	}
	ns, err := f.st.Notifications(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]notify.Notification{}
	for _, n := range ns {
		got[n.Recipient+"/"+n.Channel] = n
	}
	hookRow, mail := got["old/webhook"], got["old/email"]
	if why := null.Value(hookRow.LastError); hookRow.Status != notify.NotificationFailed ||
		!strings.Contains(why, "WEBHOOK_SIGNING_SECRET") || !strings.Contains(why, "/v1/people/old/webhook-secret") {
		t.Errorf("old's webhook row %s %q, want failed naming the missing key and the rotation", hookRow.Status, why)
	}
	if mail.Status != notify.NotificationSent || got["ann/webhook"].Status != notify.NotificationSent {
		t.Errorf("old's e-mail %s, ann's webhook %s; want both sent", mail.Status, got["ann/webhook"].Status)
	}
}
