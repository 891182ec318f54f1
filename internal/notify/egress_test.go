package notify_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/complaintflow/complaintflow/internal/notify"
)

// loopback is a client that may post to the tests' receivers on this machine.
var loopback = notify.Egress{Allow: mustCIDRs("127.0.0.0/8, ::1/128")}.Client()

func mustCIDRs(s string) []netip.Prefix {
	ps, err := notify.ParseCIDRs(s)
	if err != nil {
		panic(err)
	}
	return ps
}

// By default nothing is posted to this machine or an internal network, whether the
// URL names the address or a host name resolves to it; the error says the policy
// refused it and nothing a port scan could use.
func TestPostsToInternalAddressesAreRefusedByDefault(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, u := range []string{
		srv.URL + "/hook",
		"http://localhost:" + port + "/hook", // a name resolving to loopback: refused at dial time
		"http://[::ffff:127.0.0.1]:" + port + "/hook",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1:1/x", "http://[fd00::1]:1/x", "http://100.64.0.1:1/x", "http://0.0.0.0:" + port + "/x",
	} {
		for name, ch := range map[string]notify.Notifier{"webhook": notify.Webhook{Secret: secret}, "callback": notify.Callback{}} {
			m := message(u)
			m.Secret = secret
			err := ch.Send(context.Background(), m)
			if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "refused by outbound policy") ||
				strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), port) {
				t.Errorf("%s to %s: got %v, want a permanent refusal by policy without the address", name, u, err)
			}
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("receiver on loopback got %d requests, want none", n)
	}
}

// OUTBOUND_ALLOW_CIDRS lets a receiver on an internal network through, and only
// the networks it names.
func TestAllowedNetworksAreReached(t *testing.T) {
	srv, calls := receiver(t, http.StatusOK)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, u := range []string{srv.URL, "http://localhost:" + port} {
		if err := (notify.Webhook{Secret: secret, Client: loopback}).Send(context.Background(), message(u)); err != nil {
			t.Errorf("%s with loopback allowed: %v", u, err)
		}
	}
	other := notify.Egress{Allow: mustCIDRs("10.0.0.0/8,fd00::/8")}.Client()
	if err := (notify.Webhook{Secret: secret, Client: other}).Send(context.Background(), message(srv.URL)); !notify.IsPermanent(err) {
		t.Errorf("loopback with only 10/8 allowed: got %v, want refused", err)
	}
	if calls.Load() != 2 {
		t.Errorf("receiver got %d requests, want 2", calls.Load())
	}
}

func TestEgressPermits(t *testing.T) {
	deny := notify.Egress{}
	for _, a := range []string{
		"127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "fc00::1", "fd12::1",
		"169.254.169.254", "fe80::1", "fe80::1%eth0", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "::",
		"224.0.0.1", "239.1.1.1", "ff02::1", "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
		"64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "::127.0.0.1",
	} {
		if deny.Permits(netip.MustParseAddr(a)) {
			t.Errorf("%s permitted by default", a)
		}
	}
	for _, a := range []string{"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "64:ff9b::808:808", "::ffff:8.8.8.8"} {
		if !deny.Permits(netip.MustParseAddr(a)) {
			t.Errorf("%s refused by default", a)
		}
	}
	allow := notify.Egress{Allow: mustCIDRs("10.20.0.0/16,fe80::/10,169.254.169.254/32")}
	for a, want := range map[string]bool{
		"10.20.3.4": true, "::ffff:10.20.3.4": true, "10.21.0.1": false, "fe80::1%eth0": true,
		"169.254.169.254": true, "169.254.169.253": false, "127.0.0.1": false,
	} {
		if got := allow.Permits(netip.MustParseAddr(a)); got != want {
			t.Errorf("%s with an allow-list: permitted %v, want %v", a, got, want)
		}
	}
}

func TestParseCIDRs(t *testing.T) {
	ps, err := notify.ParseCIDRs(" 10.0.0.0/8, ,fd00::/8,192.168.1.7/32 ")
	if err != nil || len(ps) != 3 {
		t.Errorf("got %v, %v; want three prefixes", ps, err)
	}
	if ps, err := notify.ParseCIDRs(""); err != nil || len(ps) != 0 {
		t.Errorf("empty: got %v, %v", ps, err)
	}
	for _, bad := range []string{"10.0.0.0", "10.0.0.0/33", "localhost/8", "10.0.0.5/8", "10.0.0.0/8;fd00::/8", "fe80::/10%eth0"} {
		if _, err := notify.ParseCIDRs(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Other failures are told coarsely and stay worth a retry: neither the address
// dialled nor whether a port refused or ignored the connection.
func TestPostErrorsAreCoarse(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for u, want := range map[string]string{
		srv.URL + "/x":                    "could not connect",
		"http://host.invalid/x":           "host name did not resolve",
		"http://localhost:" + port + "/x": "could not connect",
	} {
		err := (notify.Callback{Client: loopback}).Send(context.Background(), message(u))
		if kind(err) != "retry" || !strings.HasSuffix(err.Error(), ": "+want) ||
			strings.Contains(err.Error(), port) || strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: got %s %q, want a retryable %q", u, kind(err), err, want)
		}
	}
}
