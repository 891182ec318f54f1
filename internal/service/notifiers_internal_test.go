package service

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// The worker's webhook and callback channels post to internal addresses only where
// OUTBOUND_ALLOW_CIDRS allows, whatever default the test binary runs with.
func TestNotifiersPostOnlyWhereTheEgressRuleAllows(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer srv.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	secret := strings.Repeat("k", config.MinSecretLen)
	send := func(allow []netip.Prefix) map[string]error {
		errs := map[string]error{}
		for _, n := range Notifiers(config.Config{WebhookSigningSecret: secret, OutboundAllow: allow}, log) {
			if c := n.Channel(); c == notify.ChannelWebhook || c == notify.ChannelCallback {
				errs[c] = n.Send(context.Background(), notify.Message{Key: "k", Recipient: "r", Address: srv.URL, Secret: []byte(secret)})
			}
		}
		return errs
	}
	errs := send(nil)
	for _, c := range []string{notify.ChannelWebhook, notify.ChannelCallback} {
		if err, ok := errs[c]; !ok || !notify.IsPermanent(err) || !strings.Contains(err.Error(), "outbound policy") {
			t.Errorf("%s without OUTBOUND_ALLOW_CIDRS: got %v (channel present %v), want refused by policy", c, err, ok)
		}
	}
	loopback, _ := notify.ParseCIDRs("127.0.0.0/8,::1/128")
	for c, err := range send(loopback) {
		if err != nil {
			t.Errorf("%s with loopback allowed: %v", c, err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("receiver got %d requests, want 2", n)
	}
}

// The webhook channel is there whether WEBHOOK_SIGNING_SECRET is set or not: a
// person's own key signs their webhooks, the shared key only those set before.
func TestNotifiersOfferTheWebhookWithoutTheSharedKey(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, secret := range []string{"", strings.Repeat("k", config.MinSecretLen)} {
		var hooks int
		for _, n := range Notifiers(config.Config{WebhookSigningSecret: secret}, log) {
			if n.Channel() == notify.ChannelWebhook {
				hooks++
			}
		}
		if hooks != 1 {
			t.Errorf("WEBHOOK_SIGNING_SECRET of %d bytes: %d webhook channels, want 1", len(secret), hooks)
		}
	}
}

// Without the shared key the worker says at start how many people have a webhook
// nothing signs (Notify skips it) and how to mend it; with it, those are signed.
func TestWorkerWarnsOfWebhooksNothingSigns(t *testing.T) {
	count := func(n int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { return n, nil }
	}
	for _, c := range []struct {
		secret string
		people int
		warned bool
	}{{"", 2, true}, {"", 0, false}, {strings.Repeat("k", config.MinSecretLen), 2, false}} {
		var out strings.Builder
		WarnUnkeyedWebhooks(context.Background(), config.Config{WebhookSigningSecret: c.secret}, count(c.people),
			slog.New(slog.NewTextHandler(&out, nil)))
		got := out.String()
		warned := strings.Contains(got, "level=WARN") && strings.Contains(got, "people=2") &&
			strings.Contains(got, "POST /v1/people/{id}/webhook-secret")
		if warned != c.warned || (!c.warned && got != "") {
			t.Errorf("shared key %t, %d people: logged %q, want a warning %v", c.secret != "", c.people, got, c.warned)
		}
	}
}
