package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// Issue 14 §3, "zh-CN out of the box": with CUSTOMER_LOCALE and CUSTOMER_TIME_ZONE
// unset (the other API stacks and the e2e stack set en), a complaint filed without
// a customer_locale is stored as zh-CN, and its customer's acknowledgement comes
// from the zh-CN template.
func TestComplaintWithoutALocaleIsZhCNByDefault(t *testing.T) {
	t.Setenv("CUSTOMER_LOCALE", "")
	t.Setenv("CUSTOMER_TIME_ZONE", "")
	cfg, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CustomerLocale != message.ZhCN {
		t.Fatalf("the default customer locale is %q, want zh-CN", cfg.CustomerLocale)
	}
	a := newComplaintAPIOf(t, &cfg)
	id := a.fileLogistics("locale-default", "medium") // its body names no customer_locale

	if got := a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id, "", 200).body["customer_locale"]; got != "zh-CN" {
		t.Errorf("the complaint's customer_locale reads %v, want zh-CN", got)
	}
	stored, err := a.store.Complaint(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.CustomerLocale != "zh-CN" {
		t.Errorf("stored customer_locale %q, want zh-CN", stored.CustomerLocale)
	}

	a.as(asAnn, "POST", "/v1/complaints/"+id+"/acknowledge", `{"message":"非常抱歉，我们马上处理"}`, 200)
	ack := a.customerNotice(id, "acknowledged")
	// The subject uses only the complaint's ID, so the seeded templates give it exactly.
	vars := map[string]string{"complaint_id": id}
	want := renderSeed(t, message.Acknowledgement, message.ZhCN, vars)
	if en := renderSeed(t, message.Acknowledgement, message.En, vars); ack.Subject != want.Subject {
		t.Errorf("acknowledgement subject %q, want the zh-CN template's %q (en: %q)", ack.Subject, want.Subject, en.Subject)
	}
	for _, part := range []string{"张伟，您好", "非常抱歉，我们马上处理", "我们承诺在"} {
		if !strings.Contains(ack.Body, part) {
			t.Errorf("acknowledgement body lacks %q: %q", part, ack.Body)
		}
	}
}

// customerNotice waits for the customer's notice of the event kind on complaint id.
func (a *directoryAPI) customerNotice(id, kind string) notify.Notification {
	a.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		ns, err := a.store.Notifications(context.Background(), id)
		if err != nil {
			a.t.Fatal(err)
		}
		for _, n := range ns {
			if n.EventKind == kind && n.Recipient == "customer" {
				return n
			}
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("no %s notice to the customer of %s: %+v", kind, id, ns)
		}
	}
}

func renderSeed(t *testing.T, key message.Key, locale message.Locale, vars map[string]string) message.Text {
	t.Helper()
	seed, ok := message.Seed(key, locale)
	if !ok {
		t.Fatalf("no seeded %s/%s", key, locale)
	}
	text, err := message.Render(key, locale, seed, vars, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return text
}
