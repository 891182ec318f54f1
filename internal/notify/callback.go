package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Callback posts a complaint's customer-visible changes to the intake system the
// complaint was filed through: Message.Body is the JSON document (a CallbackPayload),
// sent exactly as given, so every attempt of one event carries the same bytes;
// Message.Key is the Idempotency-Key header and Message.Secret the integration's
// signing key. Signing and status handling are the webhook's (see Sign).
type Callback struct {
	// Client sends the requests; nil means the webhook's default (no redirects, no
	// internal addresses: see Egress).
	Client *http.Client
}

// Channel names the channel.
func (Callback) Channel() string { return ChannelCallback }

// Resendable is true: intake systems deduplicate on the signed payload's event_id.
func (Callback) Resendable() bool { return true }

// Send posts the payload, signed with the integration's secret and, for a while
// after a rotation, with the one it replaced (Message.PreviousSecret), as a
// person's webhook is. A 2xx answer delivered it; 408, 429, 5xx and network errors
// are worth a retry; any other answer is permanent.
func (c Callback) Send(ctx context.Context, m Message) error {
	now := time.Now()
	return postSigned(ctx, c.Client, m.Secret, m.previousKey(m.PreviousSecret, now), "callback to "+m.Recipient, m.Address, m.Key, []byte(m.Body), now)
}

// CallbackPayload is the JSON document a callback posts: one complaint event as the
// intake system needs it. EventID is the complaint event's key, equal to the
// Idempotency-Key header; receivers deduplicate on EventID, which the signature
// covers (the header is not signed).
type CallbackPayload struct {
	EventID     string       `json:"event_id"`
	Kind        string       `json:"kind"`
	ComplaintID string       `json:"complaint_id"`
	ExternalID  string       `json:"external_id"`
	OccurredAt  time.Time    `json:"occurred_at"`
	Data        CallbackData `json:"data"`
}

// CallbackData is what changed, as far as the customer may know it: the notice the
// customer was sent and the event's customer-facing facts.
type CallbackData struct {
	// Subject and Message are the notice sent to the customer (for acknowledged,
	// Message is the agent's first response; for resolved, the survey invitation
	// with its link);
	// empty for the escalation decisions, which staff notices may announce first.
	Subject string `json:"subject,omitempty"`
	Message string `json:"message,omitempty"`
	// Status is the complaint's status after the event, when the event changed it.
	Status          string     `json:"status,omitempty"`
	Summary         string     `json:"summary,omitempty"`           // resolved
	Reason          string     `json:"reason,omitempty"`            // paused, resumed, reopened, closed
	Verification    string     `json:"verification,omitempty"`      // closed: verified or unverified
	ResolutionDueAt *time.Time `json:"resolution_due_at,omitempty"` // resumed, reopened, escalation_decided
	// Round is the complaint's round: always for resolved, reopened and
	// survey_reminded (0 the first), for sla_breached of a reopened round only.
	Round           *int       `json:"round,omitempty"`
	SurveyLink      string     `json:"survey_link,omitempty"`       // resolved, survey_reminded
	SurveyExpiresAt *time.Time `json:"survey_expires_at,omitempty"` // resolved, survey_reminded
	// ExtensionSeconds is how much a deadline_extended decision added.
	ExtensionSeconds int64 `json:"extension_seconds,omitempty"`
	// Compensation is what a compensation_granted decision gave the customer.
	Compensation *CallbackCompensation `json:"compensation,omitempty"`
	// FirstResponseDueAt is, for reopened, the round's first-response deadline when
	// the customer's dissatisfied answer reopened it; absent for an agent's reopening.
	FirstResponseDueAt *time.Time `json:"first_response_due_at,omitempty"`
	// ExpectedBy is, for progress_sent, when the agent told the customer they now
	// expect to resolve it, if they said.
	ExpectedBy *time.Time `json:"expected_by,omitempty"`
}

// CallbackCompensation is service recovery granted to the customer.
type CallbackCompensation struct {
	Kind     string  `json:"kind"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency,omitempty"`
}

// Callback kinds that are not complaint event kinds: an escalation decision the
// customer sees, named by what it did.
const (
	CallbackDeadlineExtended    = "deadline_extended"
	CallbackCompensationGranted = "compensation_granted"
)

// CallbackTarget is a complaint's intake integration and the event to tell it
// about, as the store reads them for a callback.
type CallbackTarget struct {
	IntegrationID string `db:"integration_id"`
	URL           string `db:"callback_url"`
	Secret        string `db:"secret"`
	// PreviousSecret is the secret the last rotation replaced, which signs beside
	// Secret until PreviousUntil (nil: none does).
	PreviousSecret string     `db:"secret_previous"`
	PreviousUntil  *time.Time `db:"secret_previous_until"`
	ExternalID     string     `db:"external_id"`
	OccurredAt     time.Time  `db:"occurred_at"`
	// EventData is the recorded event's data (JSON), empty when the event is not
	// recorded; SurveyExpiresAt is set for events of a survey.
	EventData       []byte     `db:"event_data"`
	SurveyExpiresAt *time.Time `db:"survey_expires_at"`
	// ResolutionData is the data of the complaint's latest resolved event ({} if
	// none): the resolved callback goes out with the survey and carries both.
	ResolutionData []byte `db:"resolution_data"`
}

// Encode returns the payload's JSON, its times as the API gives them (StoredTime),
// so a deadline in a callback equals the same deadline read from the API.
func (p CallbackPayload) Encode() (string, error) {
	p.OccurredAt = StoredTime(p.OccurredAt)
	for _, t := range []**time.Time{&p.Data.ResolutionDueAt, &p.Data.SurveyExpiresAt, &p.Data.FirstResponseDueAt, &p.Data.ExpectedBy} {
		if *t != nil {
			*t = new(StoredTime(**t))
		}
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// StoredTime is t as PostgreSQL stores it, and so as the API reads it back: in UTC,
// rounded to the microsecond (event data keeps the nanoseconds the clock gave).
func StoredTime(t time.Time) time.Time {
	return t.UTC().Round(time.Microsecond)
}
