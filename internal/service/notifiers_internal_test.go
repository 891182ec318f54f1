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
