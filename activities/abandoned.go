package activities

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/notify"
)

// AbandonedIdle is how long a delivery must have stayed pending or sending,
// untouched, before SettleAbandoned takes it as abandoned. An attempt touches its
// rows when it claims and when it finishes, and a notice's retries are at most
// 5 minutes apart (noticeContext) and end within two hours; three hours is past
// both, so a delivery any attempt still works on is never taken.
const AbandonedIdle = 3 * time.Hour

// abandonedBatch bounds one read; a sweep reads batches until one is short, at
// most abandonedBatches of them, so one sweep's work is bounded.
const abandonedBatch, abandonedBatches = 100, 10

// Abandoned is what one SettleAbandoned found and did.
type Abandoned struct {
	// Settled deliveries are sent, failed or marked uncertain now.
	Settled int
	// Held ones were touched by an attempt since they were read: left to it, or
	// found finished by it (two workers sweeping at once count each row once).
	Held int
}

// SettleAbandoned finishes the staff deliveries no attempt will: rows left pending
// or sending and untouched for idle. A workflow task that began a warning's
// delivery can die before Temporal records it, and an execution of revision 1 or 2
// (before resume) whose redo superseded the warning then never asks for it again;
// a workflow terminated mid-notice leaves its rows the same way. Each goes through
// its state machine as the last attempt would, rebuilt from its row (see resume): a
// pending one is sent, a stale sending one sent again where the channel's receivers
// deduplicate and otherwise marked uncertain, a send that fails marks it failed.
// Rows fromRow cannot rebuild (the customer's, callbacks) are not read: their
// address or secret is not in the row, and they stay visible to operators in the
// notifications list by status.
//
// It runs in the worker process, which holds the channels, outside any activity
// (reconcile.Notices calls it); several workers sweeping at once is safe, since a
// row is claimed by one statement and every claim touches it. It stops at the
// first error of the store, which is most likely down for the rest too.
func SettleAbandoned(ctx context.Context, a *Activities, idle time.Duration, logger *slog.Logger) (Abandoned, error) {
	var done Abandoned
	// Only rows fromRow can rebuild are read, so every row read is settled or
	// touched and the next batch holds new ones.
	channels := []string{notify.ChannelLog}
	for _, n := range a.Notifiers {
		if c := n.Channel(); c != notify.ChannelLog && a.rowChannel(c) != nil {
			channels = append(channels, c)
		}
	}
	sdkLog := log.NewStructuredLogger(logger)
	for range abandonedBatches {
		rows, err := a.Notifications.AbandonedNotifications(ctx, idle, channels, CustomerRecipient, abandonedBatch)
		if err != nil {
			return done, err
		}
		for _, row := range rows {
			d, ok, err := a.fromRow(ctx, row)
			if err != nil {
				return done, err
			}
			if !ok {
				continue // not read (see above)
			}
			// Claimed only if still untouched for idle, so stale is idle; the last
			// attempt, so a failed send settles as failed rather than pending.
			changed, err := a.deliver(ctx, sdkLog, d, idle, true)
			switch {
			case (err == nil || notify.IsPermanent(err)) && changed:
				done.Settled++
			case err == nil || notify.IsPermanent(err) || inFlight(err):
				done.Held++
			default:
				return done, err
			}
		}
		if len(rows) < abandonedBatch {
			break
		}
	}
	return done, nil
}
