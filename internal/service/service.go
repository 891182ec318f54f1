// Package service assembles complaintflow's processes from their parts: the Temporal
// client, the worker with its workflows and activities, and the store. The commands
// in worker/ and starter/ and the end-to-end tests all build them here, so tests run
// exactly what production runs.
package service

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// DialTemporal makes a client for the configured address, namespace and
// credentials. It does not connect: the first call does, and a Temporal that is
// down fails calls, not the process — the API and the worker start while it is
// away (and say so on /readyz) and carry on when it returns (issue 17, defect 3).
func DialTemporal(cfg config.Config, log *slog.Logger, metrics client.MetricsHandler) (client.Client, error) {
	opts, err := cfg.TemporalClientOptions()
	if err != nil {
		return nil, err
	}
	opts.Logger = tlog.NewStructuredLogger(log)
	opts.MetricsHandler = metrics
	c, err := client.NewLazyClient(opts)
	if err != nil {
		return nil, fmt.Errorf("Temporal client for %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// Retry runs step until it succeeds or ctx ends, waiting between attempts from one
// second up to retryCap: start-up work that needs a dependency (seeding a token,
// creating a schedule, starting the worker) waits for it instead of ending the
// process.
func Retry(ctx context.Context, log *slog.Logger, what string, step func(context.Context) error) error {
	wait := time.Second
	for {
		err := step(ctx)
		if err == nil {
			return nil
		}
		log.Warn(what+" failed; retrying", "error", err, "in", wait)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, retryCap)
	}
}

// Every calls f every interval until ctx ends (not at once: a caller that wants a
// first run now makes it), for the processes' periodic work — the repair sweeps,
// the console's look at the task queue.
func Every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f()
	}
}

// retryCap is Retry's longest wait, short enough that a process is ready within
// seconds of its dependency's return.
const retryCap = 5 * time.Second

// Notifiers builds the notification channels the configuration enables: the log
// and intake callbacks always, e-mail when SMTP_ADDR is set, the webhook always:
// a person's webhooks are signed with their own key, and WEBHOOK_SIGNING_SECRET
// only signs those set before people had keys (without it, those people get no
// webhook notices until an admin rotates their key: WarnUnkeyedWebhooks). Webhooks and callbacks post through one client that
// refuses internal addresses but those OUTBOUND_ALLOW_CIDRS allows (notify.Egress).
func Notifiers(cfg config.Config, log *slog.Logger) []notify.Notifier {
	posts := notify.Egress{Allow: cfg.OutboundAllow}.Client()
	if len(cfg.OutboundAllow) > 0 {
		log.Info("webhooks and callbacks may be posted to these internal networks", "OUTBOUND_ALLOW_CIDRS", cfg.OutboundAllow)
	}
	ns := []notify.Notifier{notify.Log{Logger: log}, notify.Callback{Client: posts}}
	if cfg.SMTPAddr != "" {
		ns = append(ns, notify.SMTP{
			Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, TLS: cfg.SMTPTLS,
		})
	} else {
		log.Info("SMTP_ADDR is not set: e-mail notices are disabled")
	}
	if cfg.WebhookSigningSecret == "" {
		log.Info("WEBHOOK_SIGNING_SECRET is not set: webhooks are signed with each person's own key; " +
			"a webhook set before people had keys gets no notices until an admin rotates its key")
	}
	return append(ns, notify.Webhook{Secret: []byte(cfg.WebhookSigningSecret), Client: posts})
}

// WarnUnkeyedWebhooks warns, once count answers (the store may be down at start),
// how many people have a webhook nothing signs: set before people had keys, with
// WEBHOOK_SIGNING_SECRET unset. Notify skips those webhooks, as it did before keys,
// so without this an operator would not know they are dead.
func WarnUnkeyedWebhooks(ctx context.Context, cfg config.Config, count func(context.Context) (int, error), log *slog.Logger) {
	if cfg.WebhookSigningSecret != "" {
		return
	}
	var n int
	err := Retry(ctx, log, "count webhooks without a signing key", func(ctx context.Context) (err error) {
		n, err = count(ctx)
		return err
	})
	if err == nil && n > 0 {
		log.Warn("people with a webhook but no signing key get no webhook notices (WEBHOOK_SIGNING_SECRET is not set): "+
			"an admin gives each a key by rotating it (POST /v1/people/{id}/webhook-secret)", "people", n)
	}
}

// SurveyLinks is how the worker builds survey links from the configuration.
func SurveyLinks(cfg config.Config) activities.SurveyLinks {
	return activities.SurveyLinks{BaseURL: cfg.PublicBaseURL, SigningSecret: cfg.SurveySigningSecret}
}

// CustomerMessages is how the worker tells customers from the configuration: their
// texts kept in st, in the configured default locale and time zone.
func CustomerMessages(cfg config.Config, st *store.Store) activities.CustomerMessages {
	return activities.CustomerMessages{Templates: st, DefaultLocale: cfg.CustomerLocale, Zone: cfg.CustomerZone}
}

// workerOptions are the SDK's options for the sizes. Zero sizes keep the SDK's
// defaults, but for the sticky timeout (config.DefaultStickyScheduleToStartTimeout)
// and the pollers' floor (config.DefaultMinPollers). Autoscaling pollers follow the
// backlog: a burst of filings does not wait behind the SDK's fixed default of two
// pollers; their floor keeps polls open for the tasks of a burst's first moments.
func workerOptions(sizing config.WorkerSizing) worker.Options {
	pollers := worker.PollerBehaviorAutoscalingOptions{MaximumNumberOfPollers: sizing.MaxPollers, MinimumNumberOfPollers: sizing.PollerFloor()}
	return worker.Options{
		WorkflowTaskPollerBehavior:              worker.NewPollerBehaviorAutoscaling(pollers),
		ActivityTaskPollerBehavior:              worker.NewPollerBehaviorAutoscaling(pollers),
		MaxConcurrentWorkflowTaskExecutionSize:  sizing.WorkflowTaskSlots,
		MaxConcurrentActivityExecutionSize:      sizing.ActivitySlots,
		MaxConcurrentLocalActivityExecutionSize: sizing.LocalActivitySlots,
		StickyScheduleToStartTimeout:            sizing.StickyTimeout(),
		WorkerStopTimeout:                       sizing.StopTimeout,
	}
}

// NewActivities is what a worker's activities use: st, and the given channels
// for notices (see Notifiers); the log channel covers recipients no other channel
// reaches. Customer notices are rendered with messages; without templates there,
// with those kept in st.
func NewActivities(st *store.Store, surveys activities.SurveyLinks, messages activities.CustomerMessages, qualityTeamID string, notifiers ...notify.Notifier) *activities.Activities {
	if messages.Templates == nil && st != nil {
		messages.Templates = st
	}
	return &activities.Activities{
		Store: st, Directory: st, Notifications: st, Notifiers: notifiers, Surveys: st, SurveyLinks: surveys,
		Teams: st, QualityTeamID: qualityTeamID, Reviews: st, Cycles: st, Risks: st, QA: st, Messages: messages,
	}
}

// NewWorker registers every workflow, and acts' activities, on the task queue.
func NewWorker(c client.Client, taskQueue string, sizing config.WorkerSizing, acts *activities.Activities) worker.Worker {
	// The sticky cache is process-wide in the SDK and must be sized before the
	// first worker starts.
	if sizing.StickyCacheSize > 0 {
		worker.SetStickyWorkflowCacheSize(sizing.StickyCacheSize)
	}
	w := worker.New(c, taskQueue, workerOptions(sizing))
	workflows.Register(w)
	w.RegisterActivity(acts)
	return w
}
