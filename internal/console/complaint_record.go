package console

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// pause is one wait on the customer: from the paused event to the resumed one
// (zero while it lasts), with the reason and the length the workflow recorded.
type pause struct {
	From, Until time.Time
	Reason      string
	Seconds     float64
}

// record is what the complaint page shows besides the complaint itself: what the
// customer was told, the notices sent, the surveys and the pauses. A list the viewer
// may not read is replaced by the API's refusal, and the rest of the page still shows.
type record struct {
	// ToCustomer are the notices to the customer with their text, so whoever takes
	// the customer's call knows what they already read.
	ToCustomer        []apiclient.CustomerNotice
	ToCustomerRefusal *refusal
	Notices           []apiclient.Notification
	NoticesRefusal    *refusal
	Surveys           []apiclient.Survey
	SurveysRefusal    *refusal
	Pauses            []pause
}

func (c *Console) complaintRecord(r *http.Request, id uuid.UUID, events []apiclient.ComplaintEvent) (record, error) {
	var rec record
	var told page[apiclient.CustomerNotice]
	ref, err := into(&told)(c.client.ListCustomerNotices(r.Context(), id))
	if err != nil {
		return rec, err
	}
	rec.ToCustomer, rec.ToCustomerRefusal = told.Items, ref
	var notices page[apiclient.Notification]
	if ref, err = into(&notices)(c.client.ListNotifications(r.Context(), &apiclient.ListNotificationsParams{ComplaintId: &id})); err != nil {
		return rec, err
	}
	rec.Notices, rec.NoticesRefusal = notices.Items, ref
	var surveys page[apiclient.Survey]
	if ref, err = into(&surveys)(c.client.ListComplaintSurveys(r.Context(), id)); err != nil {
		return rec, err
	}
	rec.Surveys, rec.SurveysRefusal = surveys.Items, ref
	rec.Pauses = pausesOf(events)
	return rec, nil
}

// pausesOf pairs the paused and resumed events of the log, oldest first.
func pausesOf(events []apiclient.ComplaintEvent) []pause {
	var out []pause
	for _, e := range events {
		// The document leaves an event's data open; a log entry without it is still
		// an entry.
		d, _ := e.Data.(map[string]any)
		switch e.Kind {
		case "paused":
			reason, _ := d["reason"].(string)
			out = append(out, pause{From: e.OccurredAt, Reason: reason})
		case "resumed":
			if n := len(out); n > 0 && out[n-1].Until.IsZero() {
				secs, _ := d["paused_seconds"].(float64)
				out[n-1].Until, out[n-1].Seconds = e.OccurredAt, secs
			}
		}
	}
	return out
}
