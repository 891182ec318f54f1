package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// An agent answering the customer's call reads what the customer was told: the
// notices to the customer, oldest first, with their text (the customer's name and
// contacts masked for staff), not the notices to staff nor the intake callback.
func TestCustomerNoticesShowWhatTheCustomerRead(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	c := a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	other := a.fileDirect("crm-2", "c2", "其他", complaint.Low)
	a.personToken(auth.RoleAgent, "li")
	for _, n := range []struct {
		key, complaintID, kind, recipient, channel, body string
		status                                           notify.NotificationStatus
	}{
		{"k1", c.ID, "acknowledged", "customer", "sms", "王芳您好，我们已收到您的投诉，回电 +86 138 0013 8000。", notify.NotificationSent},
		{"k2", c.ID, "acknowledged", "li", "email", "staff only", notify.NotificationSent},
		{"k3", c.ID, "acknowledged", "customer", "callback", `{"kind":"acknowledged"}`, notify.NotificationSent},
		{"k4", c.ID, "progress_sent", "customer", "email", "王芳您好，明天送达。", notify.NotificationFailed},
		{"k5", other.ID, "acknowledged", "customer", "sms", "another complaint", notify.NotificationSent},
	} {
		nn := notify.Notification{IdempotencyKey: n.key, ComplaintID: new(n.complaintID), EventKind: n.kind,
			Recipient: n.recipient, Channel: n.channel, Address: new("x"), Subject: "投诉 王芳", Body: n.body}
		got, _, err := a.store.ClaimNotification(ctx, nn, time.Minute, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.FinishNotification(ctx, n.key, got.Attempts, n.status, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	res := a.as("li", "GET", "/v1/complaints/"+c.ID+"/customer-notices", "", http.StatusOK)
	items := res.body["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("got %v, want the sms and the e-mail to the customer", items)
	}
	first, second := items[0].(map[string]any), items[1].(map[string]any)
	if first["event_kind"] != "acknowledged" || first["channel"] != "sms" || first["status"] != "sent" || first["sent_at"] == nil ||
		first["body"] != "王*您好，我们已收到您的投诉，回电 ***8000。" || first["subject"] != "投诉 王*" {
		t.Errorf("first notice: got %v, want the sms as sent, name and phone masked", first)
	}
	if second["event_kind"] != "progress_sent" || second["status"] != "failed" || second["body"] != "王*您好，明天送达。" {
		t.Errorf("second notice: got %v, want the failed e-mail", second)
	}
}
