package activities_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
)

// signedPost is one request a receiver got, with its signature headers.
type signedPost struct{ ts, sig, prev, key, body string }

// A redelivery is one more attempt of the delivery asked for, sent by Redeliver
// only when asked: the body first posted, to the URL and under the secret in force
// now (the replaced one beside it in its grace), once however often Redeliver runs.
// A failed send leaves it failed (one attempt per request); a send whose worker
// died is sent again once stale; a deleted integration's is failed unsent.
func TestRedeliverSendsWhatWasAskedForOnceUnderTheSecretInForceNow(t *testing.T) {
	ctx := context.Background()
	f := newNotifyFixture(t)
	old, n := f.withIntegration(t) // its secret is cbsec_test
	old.answer(http.StatusGone)
	if err := f.notify(n); errKind(err) != "final:"+activities.ErrTypeNotificationFailed {
		t.Fatalf("410: got %v, want the delivery failed", err)
	}
	first := old.received()[0].body

	var mu sync.Mutex
	var posts []signedPost
	var statuses []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		posts = append(posts, signedPost{r.Header.Get(notify.TimestampHeader), r.Header.Get(notify.SignatureHeader),
			r.Header.Get(notify.PreviousSignatureHeader), r.Header.Get(notify.IdempotencyKeyHeader), string(body)})
		if len(statuses) > 0 {
			w.WriteHeader(statuses[0])
			statuses = statuses[1:]
		}
	}))
	t.Cleanup(srv.Close)
	received := func() []signedPost {
		mu.Lock()
		defer mu.Unlock()
		return append([]signedPost(nil), posts...)
	}
	// The receiver moves and the secret is rotated, the old one kept for an hour.
	in, err := f.st.Integration(ctx, "crm")
	if err != nil {
		t.Fatal(err)
	}
	in.CallbackURL, in.UpdatedBy = srv.URL+"/callbacks", "admin"
	if _, _, _, err := f.st.PutIntegration(ctx, in, false, 0, nil); err != nil {
		t.Fatal(err)
	}
	in.Secret = "cbsec_new"
	if _, _, _, err := f.st.PutIntegration(ctx, in, true, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	redeliver := func(want int) {
		t.Helper()
		if got, err := activities.Redeliver(ctx, f.acts, slog.New(slog.DiscardHandler)); err != nil || got != want {
			t.Fatalf("Redeliver: settled %d (%v), want %d", got, err, want)
		}
	}
	key := n.EventKey + "|intake|callback"
	ask := func() {
		t.Helper()
		if _, err := f.st.RequestRedelivery(ctx, "crm", key, "crm-intake"); err != nil {
			t.Fatal(err)
		}
	}

	redeliver(0) // not asked for: nothing is sent
	ask()
	for _, want := range []int{1, 0} { // a second run finds it sent
		redeliver(want)
	}
	got := received()
	if len(got) != 1 || got[0].body != first || got[0].key != n.EventKey {
		t.Fatalf("got %+v, want the body first posted, once, keyed %s", got, n.EventKey)
	}
	p := got[0]
	if err := notify.VerifySignature([]byte("cbsec_new"), p.ts, p.sig, []byte(p.body), time.Minute, time.Now()); err != nil {
		t.Errorf("the new secret's signature: %v", err)
	}
	if err := notify.VerifySignatures([]byte("cbsec_test"), p.ts, p.sig, p.prev, []byte(p.body), time.Minute, time.Now()); err != nil {
		t.Errorf("the replaced secret in its grace: %v", err)
	}
	if row := f.rows(t)["callback"]; row.Status != notify.NotificationSent || row.Attempts != 2 || row.Redeliveries != 1 ||
		null.Value(row.RedeliveryRequestedBy) != "crm-intake" || row.RedeliveryRequestedAt == nil {
		t.Errorf("row %+v, want sent on attempt 2, one redelivery asked by crm-intake", row)
	}

	// One attempt per request: a 503 leaves it failed, not retried.
	mu.Lock()
	statuses = []int{http.StatusServiceUnavailable}
	mu.Unlock()
	ask()
	redeliver(1)
	redeliver(0)
	if row := f.rows(t)["callback"]; row.Status != notify.NotificationFailed || len(received()) != 2 ||
		!strings.Contains(null.Value(row.LastError), "503") {
		t.Errorf("row %+v after %d posts, want failed by the one 503", row, len(received()))
	}

	// A worker died mid-send: left to it while it may still be sending, sent again once stale.
	ask()
	if _, err := f.st.DB().ExecContext(ctx, `UPDATE notifications SET status = 'sending', attempts = attempts + 1
		WHERE idempotency_key = $1`, key); err != nil {
		t.Fatal(err)
	}
	redeliver(0)
	if _, err := f.st.DB().ExecContext(ctx, `UPDATE notifications SET updated_at = now() - interval '3 minutes'
		WHERE idempotency_key = $1`, key); err != nil {
		t.Fatal(err)
	}
	redeliver(1)
	if row := f.rows(t)["callback"]; row.Status != notify.NotificationSent || len(received()) != 3 {
		t.Errorf("row %+v after %d posts, want the stale send sent again", row, len(received()))
	}

	// Deleted after it was asked for: failed, nothing sent.
	ask()
	if err := f.st.DeleteIntegration(ctx, "crm", "admin", nil); err != nil {
		t.Fatal(err)
	}
	redeliver(1)
	if row := f.rows(t)["callback"]; row.Status != notify.NotificationFailed || len(received()) != 3 ||
		!strings.Contains(null.Value(row.LastError), "deleted") {
		t.Errorf("row %+v after %d posts, want failed unsent, saying the integration is deleted", row, len(received()))
	}
}
