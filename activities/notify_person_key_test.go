package activities_test

import (
	"context"
	"fmt"
	"io"
	"maps"
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
// previous is its X-Complaintflow-Signature-Previous, "" when absent.
type signedRequest struct{ recipient, timestamp, signature, previous, body string }

// verifies reports whether the request verifies under key, by either header.
func (r signedRequest) verifies(key string) bool {
	return notify.VerifySignatures([]byte(key), r.timestamp, r.signature, r.previous, []byte(r.body), time.Minute, time.Now()) == nil
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
			r.Header.Get(notify.SignatureHeader), r.Header.Get(notify.PreviousSignatureHeader), string(body)})
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

// A retry after the person's key was rotated with no grace signs with the new key
// alone, the one their receiver checks from then on; so does a delivery finished
// from its row.
func TestNotifyWebhookRetryAfterRotationSignsWithTheNewKey(t *testing.T) {
	f := newNotifyFixture(t)
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_old")
	hook.statuses = []int{http.StatusServiceUnavailable}
	n := f.notice("ann", "please call back")
	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("503: got %v, want a retryable error", err)
	}
	if _, err := f.st.RotateWebhookSecret(context.Background(), "ann", "whsec_new", "admin", 0, nil); err != nil {
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

// Rotated with a grace, the person's webhooks carry the old key's signature in the
// Previous header while it lasts, beside the new key's alone in the signature
// header, a retry's and a delivery finished from its row alike, so their receiver
// verifies with either key; once it has passed (judged by the sending clock, with
// no write in between) the new key signs alone.
func TestNotifyWebhookAfterRotationSignsWithBothKeysForTheGrace(t *testing.T) {
	f := newNotifyFixture(t)
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_old")
	hook.statuses = []int{http.StatusServiceUnavailable}
	n := f.notice("ann", "please call back")
	if err := f.notify(n); errKind(err) != "retry" {
		t.Fatalf("503: got %v, want a retryable error", err)
	}
	ctx := context.Background()
	if _, err := f.st.RotateWebhookSecret(ctx, "ann", "whsec_new", "admin", time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	warning := fmt.Sprintf("%s/sla_warning/1", f.c.WorkflowID)
	f.begun(t, warning, "ann", "webhook", hook.URL+"/ann")
	if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '1 hour' WHERE status = 'sending'`); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: warning, EventKind: complaint.EventSLAWarning,
		Recipient: "ann", Resume: true}); err != nil {
		t.Fatal(err)
	}
	// The window ends: the row still holds the old key, but its end has passed.
	if _, err := f.st.DB().Exec(`UPDATE people SET webhook_secret_previous_until = now() - interval '1 second' WHERE id = 'ann'`); err != nil {
		t.Fatal(err)
	}
	later := f.notice("ann", "after the grace")
	later.EventKey = f.c.WorkflowID + "/sla_breached/2"
	if err := f.notify(later); err != nil {
		t.Fatal(err)
	}

	reqs := hook.received()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, r := range reqs[1:3] {
		if r.signature != notify.Sign([]byte("whsec_new"), r.timestamp, []byte(r.body)) ||
			r.previous != notify.Sign([]byte("whsec_old"), r.timestamp, []byte(r.body)) {
			t.Errorf("request %d within the grace: signature %q, previous %q; want the new key's, the old key's", i+2, r.signature, r.previous)
		}
	}
	if last := reqs[3]; !last.verifies("whsec_new") || last.verifies("whsec_old") || last.previous != "" {
		t.Errorf("the request after the grace: signature %q, previous %q; want the new key's alone", last.signature, last.previous)
	}
}

// Without the shared key the webhook channel still serves everyone with a key of
// their own. A webhook set before keys then cannot be signed, and is not offered,
// as before people had keys: no row, no failure, nothing posted; the person's
// e-mail still goes out, and one with no other address is reached by the log.
func TestNotifyWebhookWithNoKeyIsNotOffered(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.Notifiers[2] = notify.Webhook{} // WEBHOOK_SIGNING_SECRET unset
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_ann")
	f.person(t, "old", "old@example.com", hook.URL+"/old")
	f.person(t, "hookonly", "", hook.URL+"/hookonly")
	for _, who := range []string{"ann", "old", "hookonly"} {
		if err := f.notify(f.notice(who, "for "+who)); err != nil {
			t.Fatalf("%s's notice: %v", who, err)
		}
	}
	if reqs := hook.received(); len(reqs) != 1 || reqs[0].recipient != "ann" || !reqs[0].verifies("whsec_ann") {
		t.Fatalf("webhook requests %+v, want ann's alone, signed with her key", reqs)
	}
	ns, err := f.st.Notifications(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]notify.NotificationStatus{}
	for _, n := range ns {
		got[n.Recipient+"/"+n.Channel] = n.Status
	}
	want := map[string]notify.NotificationStatus{"ann/webhook": notify.NotificationSent, "old/email": notify.NotificationSent,
		"hookonly/log": notify.NotificationSent}
	if !maps.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

// A delivery finished from its row (resumed, or swept as abandoned) is not posted
// to the row's address once the person's webhook is another, or none: the key it
// would be signed with is the person's now. The row settles as failed, saying why.
func TestNotifyResumedWebhookIsNotSentOnceTheWebhookChanged(t *testing.T) {
	f := newNotifyFixture(t)
	hook := newSignedReceiver(t)
	f.personWithKey(t, "ann", hook.URL, "whsec_ann")
	f.personWithKey(t, "bob", hook.URL, "whsec_bob")
	f.personWithKey(t, "cat", hook.URL, "whsec_cat")
	warning := fmt.Sprintf("%s/sla_warning/1", f.c.WorkflowID)
	for _, who := range []string{"ann", "bob", "cat"} {
		f.begun(t, warning, who, "webhook", hook.URL+"/"+who)
	}
	if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '1 hour' WHERE status = 'sending'`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	moved := hook.URL + "/bob-new"
	if _, _, err := f.st.PutPerson(ctx, store.Person{ID: "bob", Name: "bob", Role: complaint.RoleAgent, WebhookURL: &moved,
		Active: true, UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.PutPerson(ctx, store.Person{ID: "cat", Name: "cat", Role: complaint.RoleAgent, Active: true, UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: warning, EventKind: complaint.EventSLAWarning,
		Recipient: "ann", Resume: true})
	if errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("resume: got %v, want failed for good (bob's and cat's webhooks changed)", err)
	}
	if reqs := hook.received(); len(reqs) != 1 || reqs[0].recipient != "ann" {
		t.Fatalf("webhook requests %+v, want ann's alone", reqs)
	}
	ns, err := f.st.Notifications(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		why := null.Value(n.LastError)
		switch changed := n.Recipient != "ann"; {
		case changed && (n.Status != notify.NotificationFailed || !strings.Contains(why, "changed since")):
			t.Errorf("%s's row %s %q, want failed saying the webhook changed since", n.Recipient, n.Status, why)
		case !changed && n.Status != notify.NotificationSent:
			t.Errorf("ann's row %s %q, want sent", n.Status, why)
		}
	}
}
