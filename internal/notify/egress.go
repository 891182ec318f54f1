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
// multicast, reserved and the IPv6 forms that carry them (NAT64, 6to4, Teredo …) —
// unless Allow contains them. The rule is applied to the address each connection
// is made to, after name resolution, so a host name that resolves (or is rebound)
// to an internal address is refused too. Through an HTTP(S) proxy (HTTPS_PROXY,
// HTTP_PROXY) the connection goes to the proxy: only the proxy's address and the
// URL's host (PermitsHost) are checked here, and the proxy must enforce the egress
// rule for the names it resolves.
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

// Permits reports whether a connection to ip is allowed: every address it reaches —
// ip, and the IPv4 address an IPv6 translation or tunnel form carries (embedded) —
// is public or in Allow.
func (e Egress) Permits(ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	if !e.allows(ip) {
		return false
	}
	for _, v4 := range embedded(ip) {
		if !e.allows(v4) {
			return false
		}
	}
	return true
}

func (e Egress) allows(ip netip.Addr) bool {
	return !internal(ip) || slices.ContainsFunc(e.Allow, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// PermitsHost reports whether a URL whose host is host may be posted to, as far as
// the host tells without resolving it: what an API caller registers is judged by
// it, and every post before it is sent. An IP address is judged as Permits judges
// it. Names that can only be internal are refused unless Allow lets them through:
// localhost and *.localhost are loopback (RFC 6761), judged as 127.0.0.1 and ::1;
// single-label names (resolved only through search domains or /etc/hosts), *.local
// (mDNS, RFC 6762), *.internal (reserved for private use by ICANN) and *.home.arpa
// (RFC 8375) name some internal network, so they pass only when Allow lists one.
// A host ending in a number that is not an address written in full (127.1,
// 0x7f.0.0.1, 2130706433) is refused: resolvers and proxies read it as an IPv4
// address netip does not parse. Any other name passes: what it resolves to is
// checked when it is dialled, the guarantee this check only anticipates.
func (e Egress) PermitsHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		return e.Permits(ip)
	}
	labels := strings.Split(host, ".")
	last := labels[len(labels)-1]
	switch {
	case last == "localhost":
		return e.Permits(netip.AddrFrom4([4]byte{127, 0, 0, 1})) || e.Permits(netip.IPv6Loopback())
	case numeric(last):
		return false
	case len(labels) == 1 || last == "local" || last == "internal" || strings.HasSuffix(host, ".home.arpa"):
		return len(e.Allow) > 0
	}
	return true
}

// numeric reports whether a host's last label is a number, decimal, octal or hex,
// which no top-level domain is and the WHATWG URL standard reads as IPv4.
func numeric(label string) bool {
	if hex, ok := strings.CutPrefix(label, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return label != "" && strings.Trim(label, "0123456789") == ""
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

func internal(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	return slices.ContainsFunc(internalNets, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// IPv6 forms that carry an IPv4 address, which a connection to them reaches
// through a translator or a tunnel. ::ffff:a.b.c.d is Unmap's; IPv4-compatible
// ::a.b.c.d is internal as a whole (internalNets), and holds ::1 besides.
var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")    // well-known NAT64 (RFC 6052): a.b.c.d in the last 32 bits
	translated = netip.MustParsePrefix("::ffff:0:0:0/96") // IPv4-translated (RFC 2765): likewise
	sixToFour  = netip.MustParsePrefix("2002::/16")       // 6to4 (RFC 3056): a.b.c.d in bits 16–48
	teredo     = netip.MustParsePrefix("2001::/32")       // Teredo (RFC 4380): server in bits 32–64, client inverted in the last 32
)

// embedded returns the IPv4 addresses the IPv6 address ip carries. The local-use
// NAT64 prefix (64:ff9b:1::/48), whose IPv4 position depends on the prefix length
// the network chose, is internal as a whole instead.
func embedded(ip netip.Addr) []netip.Addr {
	if !ip.Is6() {
		return nil
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), translated.Contains(ip):
		return []netip.Addr{netip.AddrFrom4([4]byte(b[12:]))}
	case sixToFour.Contains(ip):
		return []netip.Addr{netip.AddrFrom4([4]byte(b[2:6]))}
	case teredo.Contains(ip):
		client := [4]byte(b[12:])
		for i := range client {
			client[i] ^= 0xff
		}
		return []netip.Addr{netip.AddrFrom4([4]byte(b[4:8])), netip.AddrFrom4(client)}
	}
	return nil
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

// egressTransport refuses URLs whose host PermitsHost refuses before anything is
// sent: through a proxy the dialer sees only the proxy's address, and a URL stored
// before the rule was tightened meets it here.
type egressTransport struct {
	egress Egress
	base   http.RoundTripper
}

func (t egressTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.egress.PermitsHost(req.URL.Hostname()) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, ErrRefusedByPolicy
	}
	return t.base.RoundTrip(req)
}

// defaultClient is the client of Webhook and Callback values without one of their
// own, and defaultEgress its rule: Egress{} (internal addresses refused) unless
// SetDefaultEgress said otherwise.
var (
	defaultClient atomic.Pointer[http.Client]
	defaultEgress atomic.Pointer[Egress]
)

func init() { SetDefaultEgress(Egress{}) }

// SetDefaultEgress sets the rule of Webhook and Callback values that have no Client
// of their own, and DefaultEgress. The processes never call it — service.Notifiers
// gives the channels a client built from OUTBOUND_ALLOW_CIDRS, and the API is told
// the same rule — but test harnesses whose receivers listen on loopback do
// (testenv.Main).
func SetDefaultEgress(e Egress) {
	e.Allow = slices.Clone(e.Allow)
	defaultEgress.Store(&e)
	defaultClient.Store(e.Client())
}

// DefaultEgress is the rule SetDefaultEgress last set.
func DefaultEgress() Egress { return Egress{Allow: slices.Clone(defaultEgress.Load().Allow)} }

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
