package service

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// CountSends counts acts' sends on reg as complaintflow_notification_sends_total
// {channel, status}: what each send left its delivery as — sent; pending, to be
// retried; failed; uncertain. Sends, not notices: a notice retried after a
// failed send counts each send. Every series exists at 0 from the start, so an
// alert on failed e-mail sees the first one.
func CountSends(acts *activities.Activities, reg prometheus.Registerer) error {
	sends := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "complaintflow_notification_sends_total",
		Help: "Notice sends by channel (log, email, webhook, callback) and the status each left its delivery in (sent; pending: to be retried; failed; uncertain).",
	}, []string{"channel", "status"})
	if err := reg.Register(sends); err != nil {
		return err
	}
	for _, channel := range []string{notify.ChannelLog, notify.ChannelEmail, notify.ChannelWebhook, notify.ChannelCallback} {
		for _, status := range []notify.NotificationStatus{notify.NotificationSent, notify.NotificationPending, notify.NotificationFailed, notify.NotificationUncertain} {
			sends.WithLabelValues(channel, string(status))
		}
	}
	acts.Sends = func(channel, status string) { sends.WithLabelValues(channel, status).Inc() }
	return nil
}
