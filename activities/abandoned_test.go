package activities_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// Deliveries no attempt touched for the idle time are settled as their last attempt
// would: the stale webhook sent again with its key and first words, the stale
// e-mail marked uncertain and not sent, the pending log line written, the pending
// webhook whose receiver fails marked failed. A fresh row, the customer's and the
// callback's are not touched; a second sweep finds nothing and sends nothing.
func TestSettleAbandonedFinishesWhatNoAttemptWill(t *testing.T) {
	f := newNotifyFixture(t)
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann") // the webhook the rows were begun for
	ctx := context.Background()
	event := f.c.WorkflowID + "/sla_warning/1"
	pending := func(row notify.Notification) {
		t.Helper()
		if ok, err := f.st.FinishNotification(ctx, row.IdempotencyKey, row.Attempts, notify.NotificationPending, "x", time.Now()); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	// In the order they are settled (oldest first), so the receiver's first answer
	// is the failing webhook's.
	failing := f.c.WorkflowID + "/sla_warning/2"
	pending(f.begun(t, failing, "ann", "webhook", f.hook.URL+"/ann"))
	f.begun(t, event, "ann", "webhook", f.hook.URL+"/ann")
	f.begun(t, event, "ann", "email", "ann@example.com")
	pending(f.begun(t, event, "bob", "log", ""))
	pending(f.begun(t, event, activities.CustomerRecipient, "email", "w***@example.com"))
	f.begun(t, event, activities.IntakeRecipient, notify.ChannelCallback, "https://intake.example/cb")
	if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '4 hours'`); err != nil {
		t.Fatal(err)
	}
	f.begun(t, f.c.WorkflowID+"/sla_warning/3", "ann", "email", "ann@example.com") // fresh
	f.hook.answer(http.StatusServiceUnavailable)

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	done, err := activities.SettleAbandoned(ctx, f.acts, activities.AbandonedIdle, logger)
	if err != nil || done != (activities.Abandoned{Settled: 4}) {
		t.Fatalf("SettleAbandoned = %+v, %v; want 4 settled", done, err)
	}
	want := map[string]notify.NotificationStatus{
		failing + "|ann|webhook":                    notify.NotificationFailed,
		event + "|ann|webhook":                      notify.NotificationSent,
		event + "|ann|email":                        notify.NotificationUncertain,
		event + "|bob|log":                          notify.NotificationSent,
		event + "|customer|email":                   notify.NotificationPending,
		event + "|intake|callback":                  notify.NotificationSending,
		f.c.WorkflowID + "/sla_warning/3|ann|email": notify.NotificationSending,
	}
	if got := f.statuses(t); !maps.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	reqs := f.hook.received()
	if len(reqs) != 2 || reqs[1].key != event+"|ann|webhook" || !strings.Contains(reqs[1].body, "first words") {
		t.Errorf("webhook: %+v, want the failing one, then one resend with the key and the first words", reqs)
	}
	if len(f.smtp.Mails()) != 0 || !strings.Contains(f.log.String(), "first words") {
		t.Errorf("%d e-mails sent, log %q; want none sent and the line written", len(f.smtp.Mails()), f.log.String())
	}

	// The stale e-mail is marked without a send, so it is not counted.
	f.sends.want(t, map[string]int{"webhook/staff/failed": 1, "webhook/staff/sent": 1, "log/staff/sent": 1})

	if done, err := activities.SettleAbandoned(ctx, f.acts, activities.AbandonedIdle, logger); err != nil || done != (activities.Abandoned{}) {
		t.Errorf("second sweep = %+v, %v; want nothing", done, err)
	}
	if len(f.hook.received()) != 2 || len(f.smtp.Mails()) != 0 {
		t.Errorf("second sweep sent again: %d webhook requests, %d e-mails", len(f.hook.received()), len(f.smtp.Mails()))
	}
}

// A row an attempt touches after the sweep read it is that attempt's: the sweep
// leaves it and says so. So is a row another sweep finished meanwhile (two workers
// sweeping at start): counted held, not settled, so the workers' counters add up
// to one settled row (the cluster test's check).
func TestSettleAbandonedLeavesWhatAnAttemptTookMeanwhile(t *testing.T) {
	for _, tc := range []struct {
		name, meanwhile string
		want            notify.NotificationStatus
	}{
		{"an attempt took it", `UPDATE notifications SET updated_at = now()`, notify.NotificationSending},
		{"another sweep sent it", `UPDATE notifications SET status = 'sent', updated_at = now()`, notify.NotificationSent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNotifyFixture(t)
			ctx := context.Background()
			key := f.c.WorkflowID + "/sla_warning/1|ann|webhook"
			if _, claimed, err := f.st.ClaimNotification(ctx, notify.Notification{
				IdempotencyKey: key, ComplaintID: new(f.c.ID), EventKind: "sla_warning", Recipient: "ann", Channel: "webhook",
				Address: new(f.hook.URL + "/ann"), Subject: "s", Body: "b",
			}, time.Minute, false); err != nil || claimed != notify.ClaimWon {
				t.Fatalf("claim: %v %v", claimed, err)
			}
			if _, err := f.st.DB().Exec(`UPDATE notifications SET updated_at = now() - interval '4 hours'`); err != nil {
				t.Fatal(err)
			}
			acts := *f.acts
			acts.Notifications = touchAfterRead{f.acts.Notifications, func() {
				if _, err := f.st.DB().Exec(tc.meanwhile); err != nil {
					t.Error(err)
				}
			}}
			done, err := activities.SettleAbandoned(ctx, &acts, activities.AbandonedIdle, slog.New(slog.DiscardHandler))
			if err != nil || done != (activities.Abandoned{Held: 1}) {
				t.Fatalf("SettleAbandoned = %+v, %v; want 1 held", done, err)
			}
			if got := f.statuses(t)[key]; got != tc.want || len(f.hook.received()) != 0 {
				t.Errorf("row %s, %d requests; want it left %s and nothing sent", got, len(f.hook.received()), tc.want)
			}
		})
	}
}

// touchAfterRead is the store with an attempt that touches the rows just after
// the sweep has read them.
type touchAfterRead struct {
	activities.NotificationStore
	touch func()
}

func (s touchAfterRead) AbandonedNotifications(ctx context.Context, idle time.Duration, channels []string, exceptRecipient string, limit int) ([]notify.Notification, error) {
	ns, err := s.NotificationStore.AbandonedNotifications(ctx, idle, channels, exceptRecipient, limit)
	s.touch()
	return ns, err
}
