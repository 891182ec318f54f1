package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// redeliveryStale is how long a redelivery may stay in sending before the send
// that claimed it is surely gone (its worker died mid-send) and it is sent again:
// past a notice attempt's staleAfter (30 s and recording) and a send's
// notify.SendTimeout, so neither a Notify attempt nor another worker's send still
// on it is taken over.
const redeliveryStale = 2 * time.Minute

// redeliveryBatch bounds one Redeliver's read; the rest wait for the next.
const redeliveryBatch = 100

// Redeliver sends the callbacks asked to be sent again (store.RequestRedelivery,
// POST /v1/integrations/{id}/deliveries/redeliver) and returns how many it
// settled. Each is one more attempt of its delivery through deliver, the path of
// every attempt: claimed by one statement (two workers, or a Notify attempt of
// the same event, send it once), the row's body sent — the same event, byte for
// byte, its survey link's token signed again as the first send signed it — under
// the integration's URL and secret as they are now (callbackMessage), and the
// outcome recorded. It is the last attempt: a send that fails, for good or not,
// leaves the delivery failed, to be asked for again, as GitHub's and Stripe's
// redeliveries do; a worker that dies mid-send leaves it sending, sent again by a
// later Redeliver once stale, as a Notify retry would.
//
// It runs in the worker process, which holds the channels, outside any activity
// (reconcile.Redeliveries calls it): a request needs no workflow, and the API
// process never calls an intake system. It stops at the first error of the store.
func Redeliver(ctx context.Context, a *Activities, logger *slog.Logger) (int, error) {
	rows, err := a.Notifications.Redeliveries(ctx, redeliveryBatch)
	if err != nil {
		return 0, err
	}
	sdkLog := log.NewStructuredLogger(logger)
	settled := 0
	for _, row := range rows {
		d, err := a.redelivery(ctx, row)
		if err != nil {
			return settled, err
		}
		changed, err := a.deliver(ctx, sdkLog, d, redeliveryStale, true)
		if err != nil && !notify.IsPermanent(err) && !inFlight(err) {
			return settled, err
		}
		if changed {
			settled++
		}
	}
	return settled, nil
}

// redelivery rebuilds a callback delivery from its row, to the integration of the
// complaint as it is now. The row holds the posted document, its survey link's
// token masked: the link is signed again from the survey the event opened, as
// the first send did (callbackSurveyLink), so the event sent is the one sent
// first even if the survey has been answered or closed since.
func (a *Activities) redelivery(ctx context.Context, row notify.Notification) (delivery, error) {
	eventKey, _, _ := strings.Cut(row.IdempotencyKey, "|")
	complaintID := null.Value(row.ComplaintID)
	t, ok, err := a.Notifications.CallbackTarget(ctx, complaintID, eventKey)
	if err != nil {
		return delivery{}, err
	}
	ch := a.callbackChannel()
	if !ok {
		ch = integrationGone{ch}
	}
	var ev struct {
		SurveyID string `json:"survey_id"`
	}
	if len(t.EventData) > 0 {
		if err := json.Unmarshal(t.EventData, &ev); err != nil {
			return delivery{}, fmt.Errorf("event %s: %w", eventKey, err)
		}
	}
	link, err := a.callbackSurveyLink(ctx, ev.SurveyID, t)
	if err != nil {
		return delivery{}, err
	}
	body := survey.RestoreLinks(row.Body, link)
	return delivery{channel: ch, msg: callbackMessage(t, eventKey, complaintID, row.EventKind, body), row: row}, nil
}

// integrationGone stands in for the callback channel on a redelivery whose
// integration was deleted after it was asked for: deleting one stops its
// callbacks, so the send fails for good, saying why.
type integrationGone struct{ notify.Notifier }

// Resendable as the callback is: a stale row is claimed, not given up, so it says why.
func (integrationGone) Resendable() bool { return true }

func (integrationGone) Send(context.Context, notify.Message) error {
	return notify.Permanent(errors.New("the integration was deleted since this redelivery was asked for: not sent"))
}
