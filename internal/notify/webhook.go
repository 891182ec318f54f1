package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// SendTimeout bounds one delivery attempt on the webhook and SMTP channels. It stays
// well below the Notify activity's start-to-close timeout, so an attempt reports its
// outcome before Temporal gives up on it.
const SendTimeout = 10 * time.Second

// Webhook headers. Receivers must deduplicate on the payload's "id" (a callback's
// "event_id"): after a worker dies mid-send the same notice is posted again with
// the same id, and a 2xx for an id already seen is the right answer.
// IdempotencyKeyHeader carries the same value for convenience, but the signature
// covers the timestamp and the body only: a captured request replayed with another
// key still verifies, so the header must not decide what is new.
const (
	IdempotencyKeyHeader = "Idempotency-Key"
	TimestampHeader      = "X-Complaintflow-Timestamp"
	SignatureHeader      = "X-Complaintflow-Signature"
	// PreviousSignatureHeader carries, for a while after a person's key is
	// rotated, the signature under the key the rotation replaced, in the same form
	// and over the same timestamp and body; SignatureHeader always carries exactly
	// one signature, the current key's. A receiver still holding the replaced key
	// checks this header (VerifySignatures); one holding the new key needs nothing new.
	PreviousSignatureHeader = "X-Complaintflow-Signature-Previous"
)

// Webhook posts notices as JSON to the recipient's webhook URL (Message.Address),
// signed with HMAC-SHA256 so the receiver can tell them from forgeries: under the
// recipient's own key (Message.Secret), so no receiver can forge a notice to
// another, else under Secret, the key shared by webhooks set before people had keys.
// With neither, nothing is posted (see Send).
type Webhook struct {
	Secret []byte
	// Client sends the requests; nil means the default, which follows no redirects
	// (a redirected POST would arrive as a GET without its body) and posts to no
	// internal address (Egress; SetDefaultEgress). A client of one's own should be
	// built by Egress.Client. Whatever the client, a request takes at most SendTimeout.
	Client *http.Client
}

// Channel names the channel.
func (Webhook) Channel() string { return ChannelWebhook }

// Resendable is true: receivers deduplicate on the signed payload's "id".
func (Webhook) Resendable() bool { return true }

type webhookPayload struct {
	ID          string    `json:"id"`
	ComplaintID string    `json:"complaint_id"`
	EventKind   string    `json:"event_kind"`
	Recipient   string    `json:"recipient"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	SentAt      time.Time `json:"sent_at"`
}

// Send posts the message. A 2xx answer delivered it; 408, 429, 5xx and network
// errors are worth a retry; any other answer is permanent. A recipient with no key
// of their own, when there is no shared one, is a permanent failure: an unsigned
// notice is one a receiver cannot tell from a forgery, and only a new key (an
// admin's rotation) mends it, not a retry.
func (w Webhook) Send(ctx context.Context, m Message) error {
	secret := w.key(m.Secret)
	if len(secret) == 0 {
		return Permanent(fmt.Errorf("webhook of %s: no signing key: they have none of their own and WEBHOOK_SIGNING_SECRET is not set; "+
			"an admin gives them one by rotating it (POST /v1/people/%s/webhook-secret)", m.Recipient, m.Recipient))
	}
	now := time.Now()
	body, err := json.Marshal(webhookPayload{
		ID: m.Key, ComplaintID: m.ComplaintID, EventKind: m.EventKind, Recipient: m.Recipient,
		Subject: m.Subject, Body: m.Body, SentAt: now.UTC().Truncate(time.Second),
	})
	if err != nil {
		return Permanent(err)
	}
	return postSigned(ctx, w.Client, secret, m.previousKey(w.key(m.PreviousSecret), now), "webhook of "+m.Recipient, m.Address, m.Key, body, now)
}

// previousKey is the key replaced, which signs beside the current one, in a header
// of its own, while m's window lasts by the sending clock now; nil after it (or
// without one). The webhook's and the callback's rule alike.
func (m Message) previousKey(replaced []byte, now time.Time) []byte {
	if len(replaced) > 0 && now.Before(m.PreviousUntil) {
		return replaced
	}
	return nil
}

// Signs reports whether a webhook to a recipient holding own (nil: no key of their
// own) is signed: Notify offers no webhook to whom it is not, as before people had
// keys, and Send refuses to post one unsigned all the same.
func (w Webhook) Signs(own []byte) bool { return len(w.key(own)) > 0 }

// key is what signs a webhook to a recipient holding own: their key, else the shared one.
func (w Webhook) key(own []byte) []byte {
	if len(own) > 0 {
		return own
	}
	return w.Secret
}

// postSigned is the one way notices are posted to a URL, by the webhook and the
// callback channels alike: body as JSON, the idempotency key, the timestamp and the
// HMAC-SHA256 signature (Sign) under secret as headers, and with previous (nil:
// none) its signature too, in PreviousSignatureHeader. A 2xx answer delivered it; 408, 429,
// 5xx and network errors are worth a retry; any other answer, and an address the
// egress rule refuses (Egress), is permanent. what names the destination in errors,
// which never quote the URL (URLs often carry tokens) or the address dialled.
func postSigned(ctx context.Context, client *http.Client, secret, previous []byte, what, address, key string, body []byte, now time.Time) error {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Permanent(fmt.Errorf("%s: not an http(s) URL", what))
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("%s: %w", what, err))
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "complaintflow-webhook")
	req.Header.Set(IdempotencyKeyHeader, key)
	req.Header.Set(TimestampHeader, ts)
	req.Header.Set(SignatureHeader, Sign(secret, ts, body))
	if len(previous) > 0 {
		req.Header.Set(PreviousSignatureHeader, Sign(previous, ts, body))
	}

	if client == nil {
		client = defaultClient.Load()
	}
	resp, err := client.Do(req)
	if err != nil {
		// Neither the URL (URLs often carry tokens) nor the address dialled, nor
		// how the connection failed in detail: the error is shown to API callers.
		return postError(what, err)
	}
	// Drain a little so the connection can be reused; the answer's content is not ours.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("%s answered %s", what, resp.Status)
	default:
		return Permanent(fmt.Errorf("%s answered %s", what, resp.Status))
	}
}

// Sign returns the X-Complaintflow-Signature value of a webhook request:
// "sha256=" and the hex HMAC-SHA256, under secret, of the timestamp header, a dot
// and the request body. Binding the timestamp lets receivers refuse replays.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a webhook request as a receiver should: the signature
// (SignatureHeader) matches (compared in constant time) and the timestamp is within
// maxAge of now, either way, so a captured request cannot be replayed later.
func VerifySignature(secret []byte, timestamp, signature string, body []byte, maxAge time.Duration, now time.Time) error {
	return VerifySignatures(secret, timestamp, signature, "", body, maxAge, now)
}

// VerifySignatures is VerifySignature for a receiver that may still hold a key
// its person's last rotation replaced: the request verifies if either signature
// (SignatureHeader, else PreviousSignatureHeader, "" when absent) is secret's.
// The previous one is sent only while the replaced key's window lasts, so a
// receiver holding that key alone stops verifying when the window ends.
func VerifySignatures(secret []byte, timestamp, signature, previous string, body []byte, maxAge time.Duration, now time.Time) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook timestamp %q is not unix seconds", timestamp)
	}
	if age := now.Sub(time.Unix(sec, 0)); age > maxAge || age < -maxAge {
		return fmt.Errorf("webhook timestamp is %v away from now, more than %v", age.Round(time.Second), maxAge)
	}
	want := []byte(Sign(secret, timestamp, body))
	// Both compared, in constant time, whichever matches.
	current, old := hmac.Equal([]byte(signature), want), previous != "" && hmac.Equal([]byte(previous), want)
	if current || old {
		return nil
	}
	return errors.New("webhook signature does not match")
}
