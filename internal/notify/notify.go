// Package notify delivers notices to people over channels: webhook, e-mail (SMTP)
// and the log. Channels implement Notifier; the activities record every notice in
// PostgreSQL first (a Notification, whose NotificationStatus the store keeps), so a
// channel is asked to send a given notice at most once (or, for a channel that is
// Resendable, again with the same key after a send whose outcome is unknown).
package notify

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
)

// Channel names, as Notifier.Channel returns them and the notifications table
// records them.
const (
	ChannelLog     = "log"
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
	// ChannelCallback posts a complaint's customer-visible changes to the intake
	// system it was filed through (see Callback).
	ChannelCallback = "callback"
)

// Message is one notice to one recipient over one channel.
type Message struct {
	// Key identifies the notice (complaint, event, recipient, channel); channels that
	// can pass it on (webhook headers, e-mail Message-ID) let the receiver deduplicate too.
	Key         string
	ComplaintID string
	EventKind   string
	Recipient   string
	// Address is where the channel delivers: an e-mail address, a webhook URL, or
	// empty for the log.
	Address string
	Subject string
	Body    string
	// Secret signs the message for a recipient with a key of its own (an intake
	// integration's callbacks); channels with one key for everyone ignore it.
	Secret []byte
}

// Notifier sends a message over one channel. Send returns nil when the message was
// delivered, an error wrapped by Permanent when no retry can deliver it, an error
// wrapped by Uncertain when it may or may not have been delivered, and any other
// error when a later retry may succeed.
type Notifier interface {
	Channel() string
	Send(ctx context.Context, m Message) error
}

// Resendable reports whether n may send a message again after an earlier send of it
// ended with an unknown outcome (the worker died mid-send): true for channels whose
// receivers deduplicate on Message.Key (webhook) or where a duplicate reaches nobody
// (log). An e-mail cannot be taken back, so SMTP is not resendable.
func Resendable(n Notifier) bool {
	r, ok := n.(interface{ Resendable() bool })
	return ok && r.Resendable()
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure no retry can fix (a rejected address, a 4xx from
// a webhook).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type uncertainError struct{ err error }

func (e uncertainError) Error() string { return e.err.Error() }
func (e uncertainError) Unwrap() error { return e.err }

// Uncertain marks err as a failure after which the message may have been delivered
// (the connection dropped after the whole e-mail was handed over): sending it again
// could deliver it twice.
func Uncertain(err error) error {
	if err == nil {
		return nil
	}
	return uncertainError{err}
}

// IsUncertain reports whether err was marked by Uncertain.
func IsUncertain(err error) bool {
	var u uncertainError
	return errors.As(err, &u)
}

// Log is the channel that writes notices to the structured log; enough to watch a
// breach happen locally, and the fallback for recipients no other channel reaches.
type Log struct {
	Logger *slog.Logger
}

// Channel names the channel.
func (Log) Channel() string { return ChannelLog }

// Resendable is true: a repeated log line reaches nobody.
func (Log) Resendable() bool { return true }

// Send logs the notice, with personal data masked.
func (l Log) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "notification",
		"key", m.Key, "recipient", m.Recipient, "subject", MaskText(m.Subject), "body", MaskText(m.Body))
	return nil
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// Seven or more digits, possibly split by spaces, dashes, dots or brackets, with
	// an optional leading +: phone numbers in the formats customers type them. UUIDs
	// and dates (with an optional time) come first in the alternation and are kept:
	// complaint IDs and deadlines in notices look like phone numbers to the last part.
	phonePattern = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}` +
		`|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?` +
		`|(\+?\d[\d\s\-().]{5,}\d)`)
)

// MaskText hides e-mail addresses and phone numbers inside free text (PIPL: personal
// data must not leak into logs or notices to staff). Links are kept whole: a host
// like 127.0.0.1 or a signed token is not a phone number, and a mangled link is
// useless to whoever must open it.
func MaskText(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range linkPattern.FindAllStringIndex(s, -1) {
		b.WriteString(maskPlain(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(maskPlain(s[last:]))
	return b.String()
}

var linkPattern = regexp.MustCompile(`https?://[^\s@]+(?:\s|$)`)

func maskPlain(s string) string {
	s = emailPattern.ReplaceAllStringFunc(s, MaskEmail)
	return phonePattern.ReplaceAllStringFunc(s, func(m string) string {
		if sub := phonePattern.FindStringSubmatch(m); sub[1] != m {
			return m // a UUID or a date
		}
		return MaskPhone(m)
	})
}

// MaskPhone keeps the last four digits: "+86 138 0013 8000" → "***8000".
func MaskPhone(p string) string {
	digits := make([]rune, 0, len(p))
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) <= 4 {
		return "***"
	}
	return "***" + string(digits[len(digits)-4:])
}

// MaskEmail keeps the first letter and the domain: "li.lei@example.com" → "l***@example.com".
func MaskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	return string([]rune(local)[:1]) + "***@" + domain
}

// MaskAddress keeps the start of a postal address, the region, up to six characters
// and never more than half: "北京市朝阳区建国路88号" → "北京市朝阳区***".
func MaskAddress(a string) string {
	r := []rune(strings.TrimSpace(a))
	return string(r[:min(6, len(r)/2)]) + "***"
}
