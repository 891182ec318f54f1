package service

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// CountSends counts acts' sends on reg as complaintflow_notification_sends_total
// {channel, recipient, status}: who the send was for (the customer, staff, the
// intake system's callback) and what it left its delivery as — sent; pending, to
// be retried; failed; uncertain. Sends, not notices: a notice retried after a
// failed send counts each send. Every series a send can reach exists at 0 from
// the start, so an alert on failed e-mail to customers sees the first one.
func CountSends(acts *activities.Activities, reg prometheus.Registerer) error {
	sends := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "complaintflow_notification_sends_total",
		Help: "Notice sends by channel (log, email, webhook, callback), recipient (customer, staff, intake) and the status each left its delivery in (sent; pending: to be retried; failed; uncertain).",
	}, []string{"channel", "recipient", "status"})
	if err := reg.Register(sends); err != nil {
		return err
	}
	reach := map[string][]string{ // the recipients each channel can send to
		notify.ChannelLog:      {activities.RecipientCustomer, activities.RecipientStaff},
		notify.ChannelEmail:    {activities.RecipientCustomer, activities.RecipientStaff},
		notify.ChannelWebhook:  {activities.RecipientCustomer, activities.RecipientStaff},
		notify.ChannelCallback: {activities.RecipientIntake},
	}
	for channel, recipients := range reach {
		for _, recipient := range recipients {
			for _, status := range []notify.NotificationStatus{notify.NotificationSent, notify.NotificationPending, notify.NotificationFailed, notify.NotificationUncertain} {
				sends.WithLabelValues(channel, recipient, string(status))
			}
		}
	}
	acts.Sends = func(channel, recipient, status string) { sends.WithLabelValues(channel, recipient, status).Inc() }
	return nil
}
