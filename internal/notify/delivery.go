package notify

import "time"

// NotificationStatus is where a delivery stands.
//
//	pending ──claim──▶ sending ──▶ sent | failed | uncertain
//	   ▲                  │
//	   └── retryable ─────┘
//
// A row stays in sending only while one attempt is sending it, or when that attempt
// died with the outcome unknown; the store's ClaimNotification resolves the second case.
type NotificationStatus string

// Delivery states.
const (
	NotificationPending   NotificationStatus = "pending"
	NotificationSending   NotificationStatus = "sending"
	NotificationSent      NotificationStatus = "sent"
	NotificationFailed    NotificationStatus = "failed"
	NotificationUncertain NotificationStatus = "uncertain" // may or may not have arrived; never resent
)

// NotificationStatuses lists every delivery state.
var NotificationStatuses = []NotificationStatus{
	NotificationPending, NotificationSending, NotificationSent, NotificationFailed, NotificationUncertain,
}

// Claim is what a claim of a delivery's row did to it.
type Claim int

const (
	// ClaimNone left the row as it was: another attempt holds it, or it is finished.
	ClaimNone Claim = iota
	// ClaimWon took the row for sending: the caller sends, then finishes it.
	ClaimWon
	// ClaimGaveUp found a stale sending row its channel cannot send again and
	// marked it uncertain: settled by this claim, with nothing to send.
	ClaimGaveUp
)

// Notification is one notice to one recipient over one channel.
type Notification struct {
	IdempotencyKey string             `db:"idempotency_key"`
	ComplaintID    *string            `db:"complaint_id"`
	EventKind      string             `db:"event_kind"`
	Recipient      string             `db:"recipient"`
	Channel        string             `db:"channel"`
	Address        *string            `db:"address"`
	Subject        string             `db:"subject"`
	Body           string             `db:"body"`
	Status         NotificationStatus `db:"status"`
	Attempts       int                `db:"attempts"`
	LastError      *string            `db:"last_error"`
	CreatedAt      time.Time          `db:"created_at"`
	UpdatedAt      time.Time          `db:"updated_at"`
	SentAt         *time.Time         `db:"sent_at"`
	// Redeliveries counts the requests to send a callback again after it was
	// settled; RedeliveryRequestedBy and RedeliveryRequestedAt name the last.
	Redeliveries          int        `db:"redeliveries"`
	RedeliveryRequestedBy *string    `db:"redelivery_requested_by"`
	RedeliveryRequestedAt *time.Time `db:"redelivery_requested_at"`
}

// Contacts are the addresses a notice can reach, and the customer's personal data
// that notices to staff must not show. Empty means unknown.
type Contacts struct {
	PersonEmail      string `db:"person_email"`
	PersonWebhookURL string `db:"person_webhook_url"`
	CustomerPhone    string `db:"customer_phone"`
	CustomerEmail    string `db:"customer_email"`
	CustomerAddress  string `db:"customer_address"`
	// CustomerName and CustomerLocale fill and choose the customer's texts.
	CustomerName   string `db:"customer_name"`
	CustomerLocale string `db:"customer_locale"`
	// PersonWebhookSecret is the key of the person's own that signs their webhooks;
	// empty: the channel's shared key (Webhook.Secret).
	PersonWebhookSecret string `db:"person_webhook_secret"`
	// PersonWebhookPreviousSecret is the key their last rotation replaced, which
	// signs beside PersonWebhookSecret until PersonWebhookPreviousUntil (nil: it
	// signs nothing); empty with an end: the shared key was the one replaced.
	PersonWebhookPreviousSecret string     `db:"person_webhook_previous_secret"`
	PersonWebhookPreviousUntil  *time.Time `db:"person_webhook_previous_until"`
}
