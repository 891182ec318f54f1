package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
)

func mailTo(address string) notify.Message {
	return notify.Message{
		Key: "complaint:c-1/sla_breached/1|ann|email", ComplaintID: "c-1", EventKind: "sla_breached",
		Recipient: "ann", Address: address,
		Subject: "SLA 超时：投诉 c-1 的首次响应已逾期",
		Body:    "投诉 c-1 已超时。\n请尽快处理 = 谢谢\n." + strings.Repeat("长", 100),
	}
}

func TestSMTPSendsAnRFC5322Message(t *testing.T) {
	for _, mode := range []string{notify.TLSNone, notify.TLSStartTLS, notify.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{TLS: mode, Username: "cf", Password: "pw"})
			ch := notify.SMTP{
				Addr: srv.Addr, From: "Complaintflow 投诉 <cf@example.com>", Username: "cf", Password: "pw",
				TLS: mode, TLSConfig: srv.ClientTLS(),
			}
			m := mailTo("ann@example.com")
			if err := ch.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			mails := srv.Mails()
			if len(mails) != 1 {
				t.Fatalf("server took %d messages, want 1", len(mails))
			}
			got := mails[0]
			if got.From != "cf@example.com" || len(got.To) != 1 || got.To[0] != "ann@example.com" {
				t.Errorf("envelope from %q to %v", got.From, got.To)
			}
			if got.Subject != m.Subject {
				t.Errorf("subject %q, want %q", got.Subject, m.Subject)
			}
			// SMTP ends the data with a line break of its own.
			if want := strings.ReplaceAll(m.Body, "\n", "\r\n"); strings.TrimSuffix(got.Body, "\r\n") != want {
				t.Errorf("body %q, want %q", got.Body, want)
			}
			h := got.Header
			if h.Get("To") != "<ann@example.com>" || !strings.Contains(h.Get("From"), "<cf@example.com>") ||
				h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("X-Complaintflow-Key") != m.Key ||
				!strings.HasSuffix(h.Get("Message-Id"), "@example.com>") {
				t.Errorf("headers %v", h)
			}
			if _, err := h.Date(); err != nil {
				t.Errorf("Date: %v", err)
			}
		})
	}
}

func TestSMTPMessageIDFollowsTheKey(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	ch := notify.SMTP{Addr: srv.Addr, From: "cf@example.com", TLS: notify.TLSNone}
	a, b := mailTo("ann@example.com"), mailTo("ann@example.com")
	b.Key += "x"
	for _, m := range []notify.Message{a, a, b} {
		if err := ch.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	ms := srv.Mails()
	if id := ms[0].Header.Get("Message-Id"); id != ms[1].Header.Get("Message-Id") || id == ms[2].Header.Get("Message-Id") {
		t.Errorf("Message-IDs %q %q %q: want equal for one key, different for another",
			id, ms[1].Header.Get("Message-Id"), ms[2].Header.Get("Message-Id"))
	}
}

func TestSMTPClassifiesFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply error
		want  string
	}{
		{"451 temporary", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}, "retry"},
		{"550 rejected", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, "permanent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
			srv.Reply = func(int) error { return tc.reply }
			err := notify.SMTP{Addr: srv.Addr, From: "cf@example.com", TLS: notify.TLSNone}.Send(context.Background(), mailTo("ann@example.com"))
			if kind(err) != tc.want || len(srv.Mails()) != 0 {
				t.Errorf("got %s (%v) with %d messages taken, want %s and none", kind(err), err, len(srv.Mails()), tc.want)
			}
		})
	}
}

func TestSMTPLostReplyIsUncertain(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	srv.Reply = func(int) error { time.Sleep(time.Second); return nil }
	ch := notify.SMTP{Addr: srv.Addr, From: "cf@example.com", TLS: notify.TLSNone, Timeout: 200 * time.Millisecond}
	err := ch.Send(context.Background(), mailTo("ann@example.com"))
	if kind(err) != "uncertain" || len(srv.Mails()) != 1 {
		t.Errorf("got %s (%v), server has %d messages; want uncertain while the server has it", kind(err), err, len(srv.Mails()))
	}
}

func TestSMTPConnectionAndAddressFailures(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{Username: "cf", Password: "pw"})
	for name, tc := range map[string]struct {
		ch   notify.SMTP
		to   string
		want string
	}{
		"bad recipient":  {notify.SMTP{Addr: srv.Addr, From: "cf@example.com", TLS: notify.TLSNone}, "not an address", "permanent"},
		"bad sender":     {notify.SMTP{Addr: srv.Addr, From: "", TLS: notify.TLSNone}, "ann@example.com", "permanent"},
		"wrong password": {notify.SMTP{Addr: srv.Addr, From: "cf@example.com", Username: "cf", Password: "x", TLS: notify.TLSNone}, "ann@example.com", "permanent"},
		"no STARTTLS":    {notify.SMTP{Addr: srv.Addr, From: "cf@example.com", TLS: notify.TLSStartTLS}, "ann@example.com", "retry"},
		"nobody there":   {notify.SMTP{Addr: "127.0.0.1:1", From: "cf@example.com", TLS: notify.TLSNone}, "ann@example.com", "retry"},
	} {
		if err := tc.ch.Send(context.Background(), mailTo(tc.to)); kind(err) != tc.want {
			t.Errorf("%s: got %s (%v), want %s", name, kind(err), err, tc.want)
		}
	}
	if n := len(srv.Mails()); n != 0 {
		t.Errorf("server took %d messages, want none", n)
	}
}
