package notify_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/notify"
)

// A message with a key of its own is signed with it, not with the channel's shared
// key; one without falls back to the shared key.
func TestWebhookSignsWithTheRecipientsOwnKey(t *testing.T) {
	var ts, sig string
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts, sig = r.Header.Get(notify.TimestampHeader), r.Header.Get(notify.SignatureHeader)
		body, _ = io.ReadAll(r.Body)
	}))
	t.Cleanup(srv.Close)
	w := notify.Webhook{Secret: secret, Client: loopback}
	keys := map[string][]byte{"ann": []byte("whsec_ann"), "bob": []byte("whsec_bob"), "shared": secret}
	for _, tc := range []struct {
		key  []byte
		want string
	}{{keys["ann"], "ann"}, {keys["bob"], "bob"}, {nil, "shared"}} {
		m := message(srv.URL + "/hook")
		m.Secret = tc.key
		if err := w.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		for name, key := range keys {
			err := notify.VerifySignature(key, ts, sig, body, time.Minute, time.Now())
			if got, want := err == nil, name == tc.want; got != want {
				t.Errorf("%s's message verifies with %s's key: %v, want %v", tc.want, name, got, want)
			}
		}
	}
}

// With no key of the recipient's own and no shared key, nothing is posted: an
// unsigned notice is one a receiver cannot tell from a forgery. The failure is
// permanent and says what mends it.
func TestWebhookWithoutAnyKeyPostsNothing(t *testing.T) {
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { posts++ }))
	t.Cleanup(srv.Close)
	err := notify.Webhook{Client: loopback}.Send(context.Background(), message(srv.URL+"/hook"))
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "WEBHOOK_SIGNING_SECRET") || !strings.Contains(err.Error(), "webhook-secret") {
		t.Errorf("no key: got %v, want a permanent error naming the missing key and the rotation", err)
	}
	if posts != 0 {
		t.Errorf("the receiver got %d posts, want none", posts)
	}
}
