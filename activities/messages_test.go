package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// A customer notice names a template: it is rendered in the complaint's locale,
// from the admins' version when there is one, else the seeded text, and the row
// records the rendered words.
func TestCustomerNoticesAreRenderedInTheCustomersLocale(t *testing.T) {
	f := newNotifyFixture(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	f.acts.Messages = activities.CustomerMessages{Templates: f.st, Zone: shanghai}
	due := message.Time(time.Date(2026, 3, 4, 6, 30, 0, 0, time.UTC))
	notice := func(key string, tmpl message.Key) activities.Notice {
		return activities.Notice{ComplaintID: f.c.ID, EventKey: key, EventKind: complaint.EventProgressSent,
			Recipient: activities.CustomerRecipient, Template: string(tmpl),
			Vars: map[string]string{"message": "已找到包裹", "resolution_due_at": due}}
	}
	tests := []struct {
		name, key   string
		prepare     func()
		wantSubject string
		wantBody    string
	}{
		{"seeded zh-CN (the default locale)", "k1", func() {}, "您的投诉处理进展（" + f.c.ID + "）",
			"王芳，您好：\n\n已找到包裹\n\n我们仍将在 2026年3月4日 14:30（Asia/Shanghai） 前解决您的问题。"},
		{"the admins' zh-CN version", "k2", func() {
			if _, _, err := f.st.PutMessageTemplate(context.Background(), message.Template{Key: message.Progress, Locale: message.ZhCN,
				Subject: "进展 {{.complaint_id}}", Body: "{{.message}}", UpdatedBy: "admin"}, nil); err != nil {
				t.Fatal(err)
			}
		}, "进展 " + f.c.ID, "已找到包裹"},
		{"an en customer gets the en seed", "k3", func() {
			if _, err := f.st.DB().ExecContext(context.Background(), `UPDATE complaints SET customer_locale = 'en' WHERE id = $1`, f.c.ID); err != nil {
				t.Fatal(err)
			}
		}, "An update on your complaint (" + f.c.ID + ")", "We still expect to resolve it by 4 March 2026, 14:30 (Asia/Shanghai)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.prepare()
			if err := f.notify(notice(tt.key, message.Progress)); err != nil {
				t.Fatal(err)
			}
			var row notify.Notification
			ns, err := f.st.Notifications(context.Background(), f.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if n.IdempotencyKey == tt.key+"|customer|email" {
					row = n
				}
			}
			if row.Subject != tt.wantSubject || !strings.Contains(row.Body, tt.wantBody) {
				t.Errorf("got %q / %q, want %q / …%q…", row.Subject, row.Body, tt.wantSubject, tt.wantBody)
			}
		})
	}
	if err := f.notify(notice("k4", message.Key("nope"))); err == nil || !strings.Contains(err.Error(), activities.ErrTypeBadTemplate) {
		t.Errorf("unknown template: %v, want a non-retryable %s", err, activities.ErrTypeBadTemplate)
	}
}
