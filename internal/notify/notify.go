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
	"time"

	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/survey"
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
	// integration's callbacks, a person's webhooks); empty, the webhook channel
	// signs with its shared key. Channels that do not sign ignore it.
	Secret []byte
	// PreviousSecret is the key a rotation replaced (for a webhook, empty: the
	// shared key), which the webhook and callback channels sign with too, beside
	// Secret, while PreviousUntil is ahead of the sending clock, so the receiver
	// can switch keys at its own pace.
	// The zero PreviousUntil: no such window.
	PreviousSecret []byte
	PreviousUntil  time.Time
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

// Send logs the notice, with personal data and survey links masked.
func (l Log) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "notification", "key", m.Key, "recipient", m.Recipient,
		"subject", privacy.Text(survey.MaskLinks(m.Subject)), "body", privacy.Text(survey.MaskLinks(m.Body)))
	return nil
}
