// Package notify delivers notices to people. Channels implement Notifier; the
// activities record every notice in PostgreSQL first, so a channel is asked to send
// a given notice at most once.
package notify

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// Message is one notice to one recipient.
type Message struct {
	// Key identifies the notice (complaint, event, recipient, channel); channels that
	// can pass it on (webhook headers) let the receiver deduplicate too.
	Key       string
	Recipient string
	Subject   string
	Body      string
}

// Notifier sends a message over one channel.
type Notifier interface {
	Channel() string
	Send(ctx context.Context, m Message) error
}

// Log is the channel that writes notices to the structured log; enough to watch a
// breach happen locally, and the fallback when no other channel is configured.
type Log struct {
	Logger *slog.Logger
}

// Channel names the channel.
func (Log) Channel() string { return "log" }

// Send logs the notice, with personal data masked.
func (l Log) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "notification",
		"key", m.Key, "recipient", m.Recipient, "subject", MaskText(m.Subject), "body", MaskText(m.Body))
	return nil
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// Seven or more digits, possibly split by spaces, dashes, dots or brackets, with
	// an optional leading +: phone numbers in the formats customers type them.
	phonePattern = regexp.MustCompile(`\+?\d[\d\s\-().]{5,}\d`)
)

// MaskText hides e-mail addresses and phone numbers inside free text (PIPL: personal
// data must not leak into logs or notices to staff).
func MaskText(s string) string {
	s = emailPattern.ReplaceAllStringFunc(s, MaskEmail)
	return phonePattern.ReplaceAllStringFunc(s, MaskPhone)
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
