package console

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
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

// noticesQuery is the notices page's filters and cursor as the API's parameters,
// and as the query string that asks for the same page again.
func noticesQuery(r *http.Request) (*apiclient.ListNotificationsParams, url.Values) {
	q := r.URL.Query()
	chosen := q["status"]
	if len(chosen) == 0 {
		chosen = notificationsUnsent
	}
	params := &apiclient.ListNotificationsParams{Status: &chosen}
	again := url.Values{"status": chosen}
	if recipient := strings.TrimSpace(q.Get("recipient")); recipient != "" {
		params.Recipient = &recipient
		again.Set("recipient", recipient)
	}
	if cur := q.Get("cursor"); cur != "" {
		params.Cursor = &cur
		again.Set("cursor", cur)
	}
	return params, again
}

func (c *Console) notifications(w http.ResponseWriter, r *http.Request) {
	params, again := noticesQuery(r)
	var list page[apiclient.Notification]
	ref, err := into(&list)(c.client.ListNotifications(r.Context(), params))
	checked := map[string]bool{}
	for _, s := range *params.Status {
		checked[s] = true
	}
	data := map[string]any{"Statuses": notificationStatuses, "Checked": checked, "Recipient": null.Value(params.Recipient),
		"Refresh": template.URL("/console/notifications/rows?" + again.Encode())}
	if c.refusedPageWith(w, r, "notifications", data, ref, err) {
		return
	}
	rows, err := c.part(c.fragRow, "notification-rows", map[string]any{"Items": list.Items, "Lang": langOf(r)})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	data["Rows"] = rows
	if list.NextCursor != nil {
		again.Set("cursor", *list.NextCursor)
		data["Next"] = template.URL("/console/notifications?" + again.Encode())
	}
	c.render(w, r, http.StatusOK, "notifications", data)
}

// notificationRows is the notices table's body alone, which the page polls to
// stay current: a delivery that fails or is settled shows without a reload.
func (c *Console) notificationRows(w http.ResponseWriter, r *http.Request) {
	params, _ := noticesQuery(r)
	var list page[apiclient.Notification]
	ref, err := into(&list)(c.client.ListNotifications(r.Context(), params))
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	c.partAnswer(w, r, c.fragRow, "notification-rows", map[string]any{"Items": list.Items, "Lang": langOf(r)})
}
