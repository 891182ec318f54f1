package notify_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// After a rotation the replaced key signs beside the new one until its window
// ends, judged by the sending clock, in a header of its own: the signature header
// stays exactly one signature, the new key's, so a receiver holding only the new
// key verifies it throughout, as one written before rotations had windows does.
// One holding only the old key verifies the previous header inside the window and
// nothing after it, when that header is gone. A replaced key that was none of the
// person's own is the shared one.
func TestWebhookSignsWithTheReplacedKeyToo(t *testing.T) {
	var ts, sig, prev string
	var hasPrev bool
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts, sig = r.Header.Get(notify.TimestampHeader), r.Header.Get(notify.SignatureHeader)
		prev, hasPrev = r.Header.Get(notify.PreviousSignatureHeader), r.Header[http.CanonicalHeaderKey(notify.PreviousSignatureHeader)] != nil
		body, _ = io.ReadAll(r.Body)
	}))
	t.Cleanup(srv.Close)
	w := notify.Webhook{Secret: secret, Client: loopback}
	newKey, oldKey := []byte("whsec_new"), []byte("whsec_old")
	for _, tc := range []struct {
		name     string
		previous []byte
		until    time.Time
		signs    []byte // the key of the previous header; nil: no such header
	}{
		{"inside the window", oldKey, time.Now().Add(time.Hour), oldKey},
		{"after the window", oldKey, time.Now().Add(-time.Second), nil},
		{"no window", nil, time.Time{}, nil},
		{"the shared key replaced", nil, time.Now().Add(time.Hour), secret},
	} {
		m := message(srv.URL + "/hook")
		m.Secret, m.PreviousSecret, m.PreviousUntil = newKey, tc.previous, tc.until
		if err := w.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if want := notify.Sign(newKey, ts, body); sig != want {
			t.Errorf("%s: signature header %q, want the new key's alone, %q", tc.name, sig, want)
		}
		switch {
		case tc.signs == nil && hasPrev:
			t.Errorf("%s: previous signature header %q, want none", tc.name, prev)
		case tc.signs != nil && prev != notify.Sign(tc.signs, ts, body):
			t.Errorf("%s: previous signature header %q, want %q", tc.name, prev, notify.Sign(tc.signs, ts, body))
		}
		if err := notify.VerifySignature(newKey, ts, sig, body, time.Minute, time.Now()); err != nil {
			t.Errorf("%s: a receiver holding only the new key, checking the signature header as before: %v", tc.name, err)
		}
		if err := notify.VerifySignatures(newKey, ts, sig, prev, body, time.Minute, time.Now()); err != nil {
			t.Errorf("%s: a receiver holding only the new key, checking both headers: %v", tc.name, err)
		}
		err := notify.VerifySignatures(oldKey, ts, sig, prev, body, time.Minute, time.Now())
		if got, want := err == nil, tc.name == "inside the window"; got != want {
			t.Errorf("%s: a receiver holding only the old key verifies: %v, want %v", tc.name, got, want)
		}
		if notify.VerifySignature(oldKey, ts, sig, body, time.Minute, time.Now()) == nil {
			t.Errorf("%s: the signature header verifies under the old key", tc.name)
		}
	}
}

// The signature header is one signature: VerifySignature accepts its key's and
// nothing else, no list. VerifySignatures accepts its key's in either header, and
// no other key's in either.
func TestVerifySignaturesChecksEitherHeader(t *testing.T) {
	now := time.Now()
	ts, body := strconv.FormatInt(now.Unix(), 10), []byte(`{"id":"n1"}`)
	mine, other := notify.Sign(secret, ts, body), notify.Sign([]byte("other"), ts, body)
	for header, want := range map[string]bool{
		mine: true, other: false, "": false, mine + "," + other: false, other + "," + mine: false, mine[:len(mine)-1]: false,
	} {
		if got := notify.VerifySignature(secret, ts, header, body, time.Minute, now) == nil; got != want {
			t.Errorf("header %q verifies: %v, want %v", header, got, want)
		}
	}
	for _, tc := range []struct {
		sig, previous string
		want          bool
	}{
		{mine, "", true}, {mine, other, true}, {other, mine, true}, {"", mine, true},
		{other, "", false}, {other, other, false}, {"", "", false}, {other, mine[1:], false}, {other, other + "," + mine, false},
	} {
		if got := notify.VerifySignatures(secret, ts, tc.sig, tc.previous, body, time.Minute, now) == nil; got != tc.want {
			t.Errorf("headers %q, previous %q verify: %v, want %v", tc.sig, tc.previous, got, tc.want)
		}
	}
	if notify.VerifySignatures(secret, ts, other, mine, body, time.Minute, now.Add(time.Hour)) == nil {
		t.Error("a stale timestamp verifies by the previous header")
	}
}
