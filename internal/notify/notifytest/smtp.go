// Package notifytest runs an in-process SMTP server (github.com/emersion/go-smtp)
// that collects the messages it accepts, for tests of the e-mail channel.
package notifytest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http/httptest"
	"net/mail"
	"slices"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/complaintflow/complaintflow/internal/notify"
)

// Mail is a message the server accepted, decoded.
type Mail struct {
	From    string // envelope sender
	To      []string
	Header  mail.Header
	Subject string // RFC 2047 words decoded
	Body    string // quoted-printable decoded, CRLF as sent
	Raw     []byte
	n       int
}

// SMTPServer is a running server. Set Reply before sending to script its answers.
type SMTPServer struct {
	Addr string // 127.0.0.1:port
	// Reply, when set, answers the end of DATA of the n-th message (from 1) after the
	// server has taken it: nil accepts it, an *smtp.SMTPError rejects it, and a
	// sleep longer than the client's timeout loses the answer.
	Reply func(n int) error

	mu    sync.Mutex
	n     int
	mails []Mail
	roots *x509.CertPool
	user  string
	pass  string
}

// SMTPOptions configure StartSMTP.
type SMTPOptions struct {
	TLS      string // notify.TLSNone (also when empty), notify.TLSStartTLS or notify.TLSImplicit
	Username string // when set, AUTH PLAIN with Username and Password is required
	Password string
}

// StartSMTP starts a server on a free loopback port, stopped when the test ends.
func StartSMTP(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	s := &SMTPServer{user: opts.Username, pass: opts.Password}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.AllowInsecureAuth = opts.TLS == "" || opts.TLS == notify.TLSNone

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.TLS == notify.TLSStartTLS || opts.TLS == notify.TLSImplicit {
		cfg, roots := loopbackTLS()
		s.roots = roots
		srv.TLSConfig = cfg
		if opts.TLS == notify.TLSImplicit {
			l = tls.NewListener(l, cfg)
		}
	}
	s.Addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// ClientTLS trusts the server's certificate; nil without TLS.
func (s *SMTPServer) ClientTLS() *tls.Config {
	if s.roots == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}
}

// Mails returns the messages taken so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// loopbackTLS borrows httptest's certificate for 127.0.0.1 rather than minting one.
func loopbackTLS() (*tls.Config, *x509.CertPool) {
	hs := httptest.NewUnstartedServer(nil)
	hs.StartTLS()
	defer hs.Close()
	roots := x509.NewCertPool()
	roots.AddCert(hs.Certificate())
	return &tls.Config{Certificates: hs.TLS.Certificates, MinVersion: tls.VersionTLS12}, roots
}

type backend struct{ s *SMTPServer }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s      *SMTPServer
	authed bool
	from   string
	to     []string
}

func (*session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != se.s.user || password != se.s.pass {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.user != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := decode(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unparseable message: " + err.Error()}
	}
	m.From, m.To = se.from, se.to
	// Taken before the reply, so a test that loses the reply sees the message at once.
	se.s.mu.Lock()
	se.s.n++
	m.n = se.s.n
	reply := se.s.Reply
	se.s.mails = append(se.s.mails, m)
	se.s.mu.Unlock()
	if reply == nil {
		return nil
	}
	if err := reply(m.n); err != nil {
		se.s.mu.Lock()
		se.s.mails = slices.DeleteFunc(se.s.mails, func(o Mail) bool { return o.n == m.n })
		se.s.mu.Unlock()
		return err
	}
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

func decode(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, err
	}
	var body io.Reader = msg.Body
	if msg.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Mail{}, err
	}
	return Mail{Header: msg.Header, Subject: subject, Body: string(b), Raw: raw}, nil
}
