package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrRefusedByPolicy is why a webhook or callback was not posted: its address is
// on this machine or an internal network, and OUTBOUND_ALLOW_CIDRS does not allow it.
var ErrRefusedByPolicy = errors.New("address refused by outbound policy (OUTBOUND_ALLOW_CIDRS)")

// Egress is the one rule for where webhooks and callbacks may be posted. Their URLs
// come from API callers (a person's webhook_url, an integration's callback_url), so
// without it anyone who may set one could make the worker post to its own
// loopback, the cloud's metadata service or the internal network, and read the
// answers' fate back from the delivery log.
//
// Internal addresses are refused — loopback, private (RFC 1918, fc00::/7),
// link-local (169.254/16, fe80::/10), shared (CGNAT, 100.64/10), unspecified,
// multicast, reserved and the IPv6 forms that embed them — unless Allow contains
// them. The rule is applied to the address each connection is made to, after name
// resolution, so a host name that resolves (or is rebound) to an internal address
// is refused too. Through an HTTP(S) proxy (HTTPS_PROXY, HTTP_PROXY) the connection
// goes to the proxy: only the proxy's address and URLs naming an IP address are
// checked here, and the proxy must enforce the egress rule for host names.
type Egress struct {
	// Allow lists internal networks that may be posted to (OUTBOUND_ALLOW_CIDRS),
	// e.g. a receiver on the same private network. Public addresses need no entry.
	Allow []netip.Prefix
}

// ParseCIDRs parses OUTBOUND_ALLOW_CIDRS: comma-separated CIDR prefixes such as
// "10.20.0.0/16, 192.168.1.7/32, fd00:1::/64". An entry with host bits set
// (10.0.0.5/8) is refused rather than guessed at.
func ParseCIDRs(s string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR prefix such as 10.0.0.0/8 or 192.168.1.7/32", f)
		}
		if p != p.Masked() {
			return nil, fmt.Errorf("%q has bits set past its /%d: write %s, or %s/%d for the one address",
				f, p.Bits(), p.Masked(), p.Addr(), p.Addr().BitLen())
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// Permits reports whether a connection to ip is allowed: a public address, or an
// internal one in Allow.
func (e Egress) Permits(ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	if !internal(ip) {
		return true
	}
	for _, p := range e.Allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// internalNets are the internal ranges netip has no predicate for.
var internalNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"; 0.0.0.0 reaches this machine
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier-grade NAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking, used inside networks
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated)
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:10::/28"),    // ORCHID
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast (deprecated)
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
}

var nat64 = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64: an IPv4 address inside

func internal(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	if nat64.Contains(ip) {
		b := ip.As16()
		return internal(netip.AddrFrom4([4]byte(b[12:])))
	}
	for _, p := range internalNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// control is the dialer's check of each address it is about to connect to, after
// name resolution: the rule is enforced on what is dialled, not on what the URL says.
func (e Egress) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !e.Permits(ap.Addr()) {
		return ErrRefusedByPolicy
	}
	return nil
}

// Client returns an HTTP client that applies the rule to every connection, follows
// no redirects (a redirected POST would arrive as a GET without its body; a
// redirect could also lead elsewhere) and honours HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY.
func (e Egress) Client() *http.Client {
	e.Allow = slices.Clone(e.Allow)
	d := &net.Dialer{Timeout: SendTimeout, KeepAlive: 30 * time.Second, Control: e.control}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   SendTimeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport:     egressTransport{egress: e, base: t},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// egressTransport refuses URLs that name a refused IP address before anything is
// sent: through a proxy the dialer sees only the proxy's address.
type egressTransport struct {
	egress Egress
	base   http.RoundTripper
}

func (t egressTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if ip, err := netip.ParseAddr(strings.Trim(req.URL.Hostname(), "[]")); err == nil && !t.egress.Permits(ip) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, ErrRefusedByPolicy
	}
	return t.base.RoundTrip(req)
}

// defaultClient is the client of Webhook and Callback values without one of their
// own: Egress{} (internal addresses refused) unless SetDefaultEgress said otherwise.
var defaultClient atomic.Pointer[http.Client]

func init() { defaultClient.Store(Egress{}.Client()) }

// SetDefaultEgress sets the rule of Webhook and Callback values that have no Client
// of their own. The processes never call it — service.Notifiers gives the channels
// a client built from OUTBOUND_ALLOW_CIDRS — but test harnesses whose receivers
// listen on loopback do (testenv.Main).
func SetDefaultEgress(e Egress) { defaultClient.Store(e.Client()) }

// sendError is a failed post as the delivery log keeps it: a coarse reason that
// never quotes the address dialled or how the connection failed in detail (refused
// or timed out would tell a port scan which ports are open), with the cause kept
// for errors.Is.
type sendError struct {
	msg string
	err error
}

func (e sendError) Error() string { return e.msg }
func (e sendError) Unwrap() error { return e.err }

// postError describes err, the failure of client.Do posting to what: a refusal by
// the policy is permanent; the rest stays worth a retry.
func postError(what string, err error) error {
	var (
		dnsErr *net.DNSError
		opErr  *net.OpError
		netErr net.Error
		verify *tls.CertificateVerificationError
		alert  tls.AlertError
		record tls.RecordHeaderError
		reason = "connection failed"
	)
	switch {
	case errors.Is(err, ErrRefusedByPolicy):
		return Permanent(sendError{what + ": " + ErrRefusedByPolicy.Error(), err})
	case errors.As(err, &dnsErr):
		reason = "host name did not resolve"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		reason = "could not connect"
	case errors.As(err, &verify) || errors.As(err, &alert) || errors.As(err, &record):
		reason = "TLS handshake failed"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		reason = "timed out"
	case errors.Is(err, context.Canceled):
		reason = "canceled"
	}
	return sendError{what + ": " + reason, err}
}
