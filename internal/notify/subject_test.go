package notify_test

import (
	"bytes"
	"context"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
)

// Long subjects are folded: no header line is longer than 78 characters (RFC 5322
// says 998 at most, 78 should), and the subject reads back the same.
func TestSMTPFoldsLongSubjects(t *testing.T) {
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	ch := notify.SMTP{Addr: srv.Addr, From: "cf@example.com", TLS: notify.TLSNone}
	subjects := []string{
		strings.Repeat("投诉超时未处理", 480/7+1)[:480*3], // 480 Chinese characters
		strings.Repeat("Complaint c-1 breached its first-response deadline ", 12) + "!",
		" two  spaces and ends ",
		"SLA 超时：" + strings.Repeat("x", 1200),             // one long ASCII run
		strings.Repeat("a", 2000),                         // no space to fold at
		"混合 mixed 😀 " + strings.Repeat("é", 300) + " end", // 4-byte runes at word edges
		"injected\r\nBcc: eve@example.com",
		strings.Repeat("x", 72) + " tail", // a first word too long for the first line
		"short",
	}
	for i, subject := range subjects {
		m := mailTo("ann@example.com")
		m.Subject = subject
		if err := ch.Send(context.Background(), m); err != nil {
			t.Fatalf("subject %d: %v", i, err)
		}
		raw := srv.Mails()[i].Raw
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		for _, line := range strings.Split(string(head), "\r\n") {
			if len(line) > 78 {
				t.Errorf("subject %d: header line of %d bytes: %.60q…", i, len(line), line)
			}
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("subject %d: %v", i, err)
		}
		if len(msg.Header["Bcc"]) != 0 || len(msg.Header["Subject"]) != 1 {
			t.Errorf("subject %d: headers %v", i, msg.Header)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || got != subject {
			t.Errorf("subject %d reads back as %q (%v), want %q", i, got, err, subject)
		}
	}
}
