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
		"http://[2002:7f00:1::1]:" + port + "/x", // 6to4 of 127.0.0.1
		// Names that can only be internal, and IPv4 in a legacy form: refused before
		// any lookup, as a proxy would resolve them.
		"http://metadata.google.internal/computeMetadata/v1/", "http://127.1:" + port + "/x",
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
	allow := notify.Egress{Allow: mustCIDRs("10.20.0.0/16,fe80::/10,169.254.169.254/32,::1/128")}
	for a, want := range map[string]bool{
		"::1": true, "::2": false,
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

// An IPv6 address that carries an IPv4 address — through a NAT64 translator, a
// 6to4 or Teredo tunnel — reaches that IPv4 address, so it is judged by it too.
// 127.0.0.1 is 7f00:0001, 169.254.169.254 is a9fe:a9fe, 10.20.3.4 is 0a14:0304,
// 8.8.8.8 is 0808:0808; Teredo's client address is stored inverted (XOR ffff:ffff):
// 127.0.0.1 as 80ff:fffe, 169.254.169.254 as 5601:5601, 8.8.8.8 as f7f7:f7f7.
func TestEgressJudgesEmbeddedIPv4(t *testing.T) {
	deny := notify.Egress{}
	allow := notify.Egress{Allow: mustCIDRs("10.20.0.0/16")}
	for _, c := range []struct {
		addr        string
		deny, allow bool // permitted by default, with 10.20.0.0/16 allowed
	}{
		{"2002:7f00:1::1", false, false},                 // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::", false, false},               // 6to4 of 169.254.169.254
		{"2002:a14:304::1", false, true},                 // 6to4 of 10.20.3.4
		{"2002:808:808::1", true, true},                  // 6to4 of 8.8.8.8
		{"64:ff9b::a9fe:a9fe", false, false},             // NAT64 of 169.254.169.254
		{"64:ff9b::a14:304", false, true},                // NAT64 of 10.20.3.4
		{"64:ff9b::808:808", true, true},                 // NAT64 of 8.8.8.8
		{"64:ff9b:1::808:808", false, false},             // local-use NAT64: internal whatever it carries
		{"::a14:304", false, false},                      // IPv4-compatible: ::/96 is internal as a whole
		{"::ffff:0:7f00:1", false, false},                // IPv4-translated 127.0.0.1
		{"::ffff:0:808:808", true, true},                 // IPv4-translated 8.8.8.8
		{"2001:0:808:808:0:0:80ff:fffe", false, false},   // Teredo: server 8.8.8.8, client 127.0.0.1
		{"2001:0:808:808:0:0:5601:5601", false, false},   // Teredo: client 169.254.169.254
		{"2001:0:a9fe:a9fe:0:0:f7f7:f7f7", false, false}, // Teredo: server 169.254.169.254, client 8.8.8.8
		{"2001:0:808:808:0:0:f7f7:f7f7", true, true},     // Teredo: both 8.8.8.8
		{"2001:0:808:808:0:0:f5eb:fcfb", false, true},    // Teredo: client 10.20.3.4
	} {
		ip := netip.MustParseAddr(c.addr)
		if got := deny.Permits(ip); got != c.deny {
			t.Errorf("%s by default: permitted %v, want %v", c.addr, got, c.deny)
		}
		if got := allow.Permits(ip); got != c.allow {
			t.Errorf("%s with 10.20.0.0/16 allowed: permitted %v, want %v", c.addr, got, c.allow)
		}
	}
}

// What the host of a URL tells without resolving it: the rule the API judges
// registered URLs by, and every post meets before it is sent.
func TestEgressPermitsHost(t *testing.T) {
	deny := notify.Egress{}
	loopback := notify.Egress{Allow: mustCIDRs("127.0.0.0/8")}
	private := notify.Egress{Allow: mustCIDRs("10.20.0.0/16")}
	for _, c := range []struct {
		host                    string
		deny, loopback, private bool // permitted by default, with 127/8 allowed, with 10.20/16 allowed
	}{
		{"hooks.example.com", true, true, true},
		{"HOOKS.Example.COM.", true, true, true},
		{"8.8.8.8", true, true, true},
		{"[2606:4700::1111]", true, true, true},
		{"169.254.169.254", false, false, false},
		{"127.0.0.1", false, true, false},
		{"10.20.3.4", false, false, true},
		{"[::ffff:127.0.0.1]", false, true, false},
		{"[2002:a9fe:a9fe::]", false, false, false}, // 6to4 of 169.254.169.254
		{"[fe80::1%eth0]", false, false, false},
		{"localhost", false, true, false},
		{"LocalHost.", false, true, false},
		{"api.localhost", false, true, false},
		{"metadata", false, true, true}, // single label: an internal name, whatever network it is on
		{"metadata.google.internal", false, true, true},
		{"printer.local", false, true, true},
		{"nas.home.arpa", false, true, true},
		{"127.1", false, false, false}, // IPv4 in forms resolvers read but netip does not
		{"2130706433", false, false, false},
		{"0x7f.0.0.1", false, false, false},
		{"0x7f000001", false, false, false},
		{"10.20.3.4.", false, false, true}, // a trailing dot changes nothing
	} {
		for _, e := range []struct {
			name string
			rule notify.Egress
			want bool
		}{{"by default", deny, c.deny}, {"with 127/8 allowed", loopback, c.loopback}, {"with 10.20/16 allowed", private, c.private}} {
			if got := e.rule.PermitsHost(c.host); got != e.want {
				t.Errorf("%s %s: permitted %v, want %v", c.host, e.name, got, e.want)
			}
		}
	}
}
