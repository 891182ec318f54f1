package console

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// notice is a notification about the complaint as the API lists it.
type notice struct {
	Channel   string     `json:"channel"`
	EventKind string     `json:"event_kind"`
	Recipient string     `json:"recipient"`
	Status    string     `json:"status"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// survey is a satisfaction survey of the complaint and its answer, if any.
type survey struct {
	Round      int        `json:"round"`
	Status     string     `json:"status"`
	SentAt     time.Time  `json:"sent_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AnsweredAt *time.Time `json:"answered_at"`
	Answer     *struct {
		CSAT    int    `json:"csat"`
		NPS     *int   `json:"nps"`
		CES     *int   `json:"ces"`
		Solved  bool   `json:"solved"`
		Comment string `json:"comment"`
	} `json:"answer"`
}

// pause is one wait on the customer: from the paused event to the resumed one
// (zero while it lasts), with the reason and the length the workflow recorded.
type pause struct {
	From, Until time.Time
	Reason      string
	Seconds     float64
}

// record is what the complaint page shows besides the complaint itself: the notices
// sent, the surveys and the pauses. A list the viewer may not read is replaced by
// the API's refusal, and the rest of the page still shows.
type record struct {
	Notices        []notice
	NoticesRefusal *refusal
	Surveys        []survey
	SurveysRefusal *refusal
	Pauses         []pause
}

func (c *Console) complaintRecord(r *http.Request, id uuid.UUID, events []event) (record, error) {
	var rec record
	var notices page[notice]
	ref, err := into(&notices)(c.client.ListNotifications(r.Context(), &apiclient.ListNotificationsParams{ComplaintId: &id}))
	if err != nil {
		return rec, err
	}
	rec.Notices, rec.NoticesRefusal = notices.Items, ref
	var surveys page[survey]
	if ref, err = into(&surveys)(c.client.ListComplaintSurveys(r.Context(), id)); err != nil {
		return rec, err
	}
	rec.Surveys, rec.SurveysRefusal = surveys.Items, ref
	rec.Pauses = pausesOf(events)
	return rec, nil
}

// pausesOf pairs the paused and resumed events of the log, oldest first.
func pausesOf(events []event) []pause {
	var out []pause
	for _, e := range events {
		var d struct {
			Reason        string  `json:"reason"`
			PausedSeconds float64 `json:"paused_seconds"`
		}
		_ = json.Unmarshal(e.Data, &d) // a log entry without data is still an entry
		switch e.Kind {
		case "paused":
			out = append(out, pause{From: e.OccurredAt, Reason: d.Reason})
		case "resumed":
			if n := len(out); n > 0 && out[n-1].Until.IsZero() {
				out[n-1].Until, out[n-1].Seconds = e.OccurredAt, d.PausedSeconds
			}
		}
	}
	return out
}
