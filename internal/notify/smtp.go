package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP TLS modes.
const (
	TLSNone     = "none"     // plain text, for a relay on localhost
	TLSStartTLS = "starttls" // upgrade after connecting (submission, port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTP sends notices as plain-text e-mail to Message.Address through a mail server.
type SMTP struct {
	Addr     string // host:port of the server
	From     string // RFC 5322 address, "Name <addr>" or "addr"
	Username string // PLAIN authentication when set
	Password string
	TLS      string // TLSNone, TLSImplicit, or TLSStartTLS (any other value)
	// TLSConfig verifies the server; nil means the system roots and the host of Addr.
	TLSConfig *tls.Config
	// Timeout bounds the whole exchange; zero or more than SendTimeout means SendTimeout.
	Timeout time.Duration
}

// Channel names the channel.
func (SMTP) Channel() string { return ChannelEmail }

// Send delivers the message. A 5xx reply is permanent, a 4xx reply or a network
// error before the whole message was handed over is worth a retry, and losing the
// connection while waiting for the server to accept the message is Uncertain.
func (s SMTP) Send(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return Permanent(fmt.Errorf("sender %q: %w", s.From, err))
	}
	to, err := mail.ParseAddress(m.Address)
	if err != nil {
		return Permanent(fmt.Errorf("e-mail address of %s: %w", m.Recipient, err))
	}
	msg := s.message(from, to, m, time.Now())

	timeout := s.Timeout
	if timeout <= 0 || timeout > SendTimeout {
		timeout = SendTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := s.dial(ctx, timeout)
	if err != nil {
		return classify(fmt.Errorf("connect to %s: %w", s.Addr, err))
	}
	defer c.Close()

	if s.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return classify(fmt.Errorf("authenticate to %s: %w", s.Addr, err))
		}
	}
	var opts *smtp.MailOptions
	if !isASCII(from.Address) || !isASCII(to.Address) {
		opts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(from.Address, opts); err != nil {
		return classify(fmt.Errorf("MAIL FROM: %w", err))
	}
	if err := c.Rcpt(to.Address, nil); err != nil {
		return classify(fmt.Errorf("RCPT TO: %w", err))
	}
	w, err := c.Data()
	if err != nil {
		return classify(fmt.Errorf("DATA: %w", err))
	}
	if _, err := w.Write(msg); err != nil {
		return classify(fmt.Errorf("DATA: %w", err))
	}
	if err := w.Close(); err != nil {
		var smtpErr *smtp.SMTPError
		if !errors.As(err, &smtpErr) {
			// The server had the whole message and we never heard its answer.
			return Uncertain(fmt.Errorf("end of DATA: %w", err))
		}
		return classify(fmt.Errorf("end of DATA: %w", err))
	}
	// Accepted: a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// dial connects and says hello, over TLS unless TLS is TLSNone. The client's own
// deadlines apply per command; closing the connection when ctx ends bounds the whole
// exchange, STARTTLS included.
func (s SMTP) dial(ctx context.Context, timeout time.Duration) (*smtp.Client, error) {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return nil, err
	}
	cfg := s.TLSConfig
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = host
	}
	d := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	if s.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	var c *smtp.Client
	switch s.TLS {
	case TLSNone, TLSImplicit:
		c = smtp.NewClient(conn)
	default: // never clear text by mistake
		if c, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
			return nil, err // the connection is closed
		}
	}
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	return c, nil
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// classify marks SMTP 5xx replies permanent; 4xx replies and everything else
// (network, TLS) stay retryable.
func classify(err error) error {
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) && smtpErr.Code >= 500 {
		return Permanent(err)
	}
	return err
}

// message builds the RFC 5322 message: UTF-8 headers encoded as RFC 2047 words,
// a quoted-printable text/plain body, and a Message-ID derived from the key, so a
// mail client can tell a duplicate apart should one ever arrive.
func (s SMTP) message(from, to *mail.Address, m Message, now time.Time) []byte {
	sum := sha256.Sum256([]byte(m.Key))
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	b.WriteString(foldSubject(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(sum[:16])+"@"+domain+">")
	header("X-Complaintflow-Key", mime.QEncoding.Encode("utf-8", m.Key))
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(m.Body))
	qp.Close()
	return b.Bytes()
}

// maxHeaderLine is the longest header line written, CRLF aside: RFC 5322's
// recommended 78 (its hard limit is 998; strict servers refuse longer lines).
const maxHeaderLine = 78

// foldSubject is the Subject header field, CRLF included, folded onto continuation
// lines (CRLF and a space) of at most maxHeaderLine characters. A printable ASCII
// subject is folded at its spaces; any other — non-ASCII, control characters (a
// line break would start a header of its own), spaces a reader would collapse, or
// a run too long to fold — is written as RFC 2047 "B" encoded-words of UTF-8, one
// per line, each holding whole characters, which a reader joins back without the
// folding whitespace.
func foldSubject(subject string) string {
	const name = "Subject:"
	// Readers unfold a line break and the spaces around it into one space, so
	// runs of spaces, and spaces at the ends, survive only inside encoded-words.
	plain := mime.BEncoding.Encode("utf-8", subject) == subject && !strings.Contains(subject, "=?") &&
		!strings.Contains(subject, "  ") && strings.TrimSpace(subject) == subject
	if plain {
		if folded, ok := foldASCII(name, subject); ok {
			return folded
		}
	}
	var b strings.Builder
	b.WriteString(name)
	line := len(name)
	for rest := subject; ; {
		// A word is "=?utf-8?b?" + base64 + "?=", after a space: as many whole
		// characters as fit the line's room (at least 42 bytes, so never none).
		room := maxHeaderLine - line - len(" =?utf-8?b??=")
		chunk := 0
		for chunk < len(rest) {
			_, n := utf8.DecodeRuneInString(rest[chunk:])
			if base64.StdEncoding.EncodedLen(chunk+n) > room {
				break
			}
			chunk += n
		}
		word := "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(rest[:chunk])) + "?="
		b.WriteString(" " + word)
		line += 1 + len(word)
		if rest = rest[chunk:]; rest == "" {
			break
		}
		b.WriteString("\r\n")
		line = 0
	}
	b.WriteString("\r\n")
	return b.String()
}

// foldASCII folds a printable ASCII header value at its spaces; false when a run
// without spaces is too long for a line.
func foldASCII(name, value string) (string, bool) {
	var b strings.Builder
	b.WriteString(name)
	line := len(name)
	for i, word := range strings.Split(value, " ") {
		if i > 0 && line+1+len(word) > maxHeaderLine {
			b.WriteString("\r\n")
			line = 0
		}
		if line+1+len(word) > maxHeaderLine {
			return "", false
		}
		b.WriteString(" " + word)
		line += 1 + len(word)
	}
	b.WriteString("\r\n")
	return b.String(), true
}
