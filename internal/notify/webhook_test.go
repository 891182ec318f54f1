package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/notify"
)

var secret = []byte("s3cret")

func message(address string) notify.Message {
	return notify.Message{
		Key: "complaint:c-1/sla_breached/1|ann|webhook", ComplaintID: "c-1", EventKind: "sla_breached",
		Recipient: "ann", Address: address, Subject: "SLA 超时", Body: "投诉 c-1 已超时",
	}
}

// receiver verifies each request as a receiver should and answers status.
func receiver(t *testing.T, status int) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if err := notify.VerifySignature(secret, r.Header.Get(notify.TimestampHeader), r.Header.Get(notify.SignatureHeader),
			body, 5*time.Minute, time.Now()); err != nil {
			t.Errorf("signature: %v", err)
		}
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("body: %v", err)
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
			r.Header.Get(notify.IdempotencyKeyHeader) != p["id"] || p["id"] != message("").Key {
			t.Errorf("got %s, Content-Type %q, Idempotency-Key %q, id %v", r.Method, r.Header.Get("Content-Type"),
				r.Header.Get(notify.IdempotencyKeyHeader), p["id"])
		}
		for _, k := range []string{"complaint_id", "event_kind", "recipient", "subject", "body", "sent_at"} {
			if p[k] == nil || p[k] == "" {
				t.Errorf("payload lacks %s: %s", k, body)
			}
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestWebhookClassifiesAnswers(t *testing.T) {
	for status, want := range map[int]string{
		200: "ok", 204: "ok",
		408: "retry", 429: "retry", 500: "retry", 503: "retry",
		400: "permanent", 401: "permanent", 404: "permanent", 410: "permanent", 302: "permanent",
	} {
		srv, calls := receiver(t, status)
		err := notify.Webhook{Secret: secret, Client: loopback}.Send(context.Background(), message(srv.URL+"/hook"))
		if got := kind(err); got != want || calls.Load() != 1 {
			t.Errorf("HTTP %d: got %s (%v) after %d calls, want %s after 1", status, got, err, calls.Load(), want)
		}
	}
}

func TestWebhookRefusesBadURLsAndUnreachableHosts(t *testing.T) {
	w := notify.Webhook{Secret: secret, Client: loopback}
	for _, u := range []string{"", "ftp://example.com/x", "not a url", "/relative"} {
		if err := w.Send(context.Background(), message(u)); !notify.IsPermanent(err) {
			t.Errorf("address %q: got %v, want a permanent error", u, err)
		}
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	err := w.Send(context.Background(), message(srv.URL+"/token-abc"))
	if kind(err) != "retry" || strings.Contains(err.Error(), "token-abc") {
		t.Errorf("closed server: got %v, want a retryable error without the URL", err)
	}
}

func TestWebhookTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := (notify.Webhook{Secret: secret, Client: loopback}).Send(ctx, message(srv.URL)); kind(err) != "retry" {
		t.Errorf("got %v, want a retryable timeout", err)
	}
}

func TestVerifySignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"id":"k"}`)
	sig := notify.Sign(secret, ts, body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("signature %q, want sha256=<64 hex>", sig)
	}
	if err := notify.VerifySignature(secret, ts, sig, body, time.Minute, now.Add(30*time.Second)); err != nil {
		t.Errorf("valid signature: %v", err)
	}
	for name, err := range map[string]error{
		"other body":   notify.VerifySignature(secret, ts, sig, []byte(`{"id":"x"}`), time.Minute, now),
		"other secret": notify.VerifySignature([]byte("other"), ts, sig, body, time.Minute, now),
		"other time":   notify.VerifySignature(secret, strconv.FormatInt(now.Unix()+1, 10), sig, body, time.Minute, now),
		"too old":      notify.VerifySignature(secret, ts, sig, body, time.Minute, now.Add(2*time.Minute)),
		"future":       notify.VerifySignature(secret, ts, sig, body, time.Minute, now.Add(-2*time.Minute)),
		"no timestamp": notify.VerifySignature(secret, "", sig, body, time.Minute, now),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

func kind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case notify.IsPermanent(err):
		return "permanent"
	case notify.IsUncertain(err):
		return "uncertain"
	}
	return "retry"
}
