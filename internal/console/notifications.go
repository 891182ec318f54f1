package console

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The notices page: every delivery of a notice by status, newest first, for the
// admin an alert on complaintflow_notification_sends_total sends here, and for a
// manager or the quality team checking what went out. The API decides who sees
// what (an agent sees the notices to themselves).

// notificationStatuses are the contract's, in the order of a delivery's life.
var notificationStatuses = []string{
	string(apiclient.NotificationStatusPending), string(apiclient.NotificationStatusSending), string(apiclient.NotificationStatusSent),
	string(apiclient.NotificationStatusFailed), string(apiclient.NotificationStatusUncertain),
}

// notificationsUnsent is the page's default: every delivery not known to be sent.
var notificationsUnsent = slices.DeleteFunc(slices.Clone(notificationStatuses), func(s string) bool {
	return s == string(apiclient.NotificationStatusSent)
})

func (c *Console) notifications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	chosen := q["status"]
	if len(chosen) == 0 {
		chosen = notificationsUnsent
	}
	params := &apiclient.ListNotificationsParams{Status: &chosen}
	recipient := strings.TrimSpace(q.Get("recipient"))
	if recipient != "" {
		params.Recipient = &recipient
	}
	if cur := q.Get("cursor"); cur != "" {
		params.Cursor = &cur
	}
	var list page[apiclient.Notification]
	ref, err := into(&list)(c.client.ListNotifications(r.Context(), params))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	checked := map[string]bool{}
	for _, s := range chosen {
		checked[s] = true
	}
	data := map[string]any{"Statuses": notificationStatuses, "Checked": checked, "Recipient": recipient}
	if ref != nil {
		data["PageRefusal"] = ref
		c.render(w, r, ref.Status, "notifications", data)
		return
	}
	data["Items"] = list.Items
	if list.NextCursor != nil {
		next := url.Values{"status": chosen, "cursor": {*list.NextCursor}}
		if recipient != "" {
			next.Set("recipient", recipient)
		}
		data["Next"] = template.URL("/console/notifications?" + next.Encode())
	}
	c.render(w, r, http.StatusOK, "notifications", data)
}
