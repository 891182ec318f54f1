package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Every staff notice ends with a link into the web console: to the decision an
// escalation notice asks for, to the complaint otherwise; the customer's never.
func TestNotifyLinksStaffNoticesToTheConsole(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.SurveyLinks.BaseURL = "https://cf.example/"
	f.person(t, "ann", "ann@example.com", f.hook.URL+"/ann")
	f.person(t, "mia", "mia@example.com", "")
	escKey := f.c.WorkflowID + "/escalation_requested/1"
	if _, err := f.st.RecordEvent(context.Background(), complaint.Event{
		ComplaintID: f.c.ID, Key: escKey, Kind: complaint.EventEscalationRequest, Actor: "ann", At: time.Now(),
		Reason: "VIP", Level: 1, Escalation: &complaint.EscalationRecord{Seq: 1, Status: "pending", Approver: "mia", Level: 1, Eligible: []string{"mia"}, RequestedBy: "ann", RequestedAt: time.Now(), Reason: "VIP"},
	}); err != nil {
		t.Fatal(err)
	}
	complaintLink := "https://cf.example/console/complaints/" + f.c.ID
	decisionLink := "https://cf.example/console/escalations#esc-" + f.c.ID + "-1"

	breach := f.notice("ann", "breached")
	escalation := activities.Notice{ComplaintID: f.c.ID, EventKey: escKey, EventKind: complaint.EventEscalationRequest,
		Recipient: "mia", Subject: "Decision needed", Body: "decide"}
	director := f.notice("role:director", "breached")
	customer := f.notice(activities.CustomerRecipient, "您好")
	for _, n := range []activities.Notice{breach, breach /* a retry */, escalation, director, customer} {
		if err := f.notify(n); err != nil {
			t.Fatal(err)
		}
	}

	ns, err := f.st.Notifications(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, n := range ns {
		got[n.Recipient+"|"+n.Channel] = n.Body
	}
	want := map[string]string{
		"ann|email":         "breached\n\nOpen in the console: " + complaintLink,
		"ann|webhook":       "breached\n\nOpen in the console: " + complaintLink,
		"mia|email":         "decide\n\nOpen in the console: " + decisionLink,
		"role:director|log": "breached\n\nOpen in the console: " + complaintLink,
		"customer|email":    "您好",
	}
	if len(got) != len(want) || len(ns) != len(want) {
		t.Errorf("got rows %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got body %q, want %q", k, got[k], w)
		}
	}

	// What went out is what the rows say.
	sent := map[string]string{}
	for _, m := range f.smtp.Mails() {
		sent[m.To[0]] = strings.TrimSpace(strings.ReplaceAll(m.Body, "\r\n", "\n"))
	}
	for to, w := range map[string]string{"ann@example.com": want["ann|email"], "mia@example.com": want["mia|email"], customerEmail: "您好"} {
		if sent[to] != w {
			t.Errorf("e-mail to %s: got %q, want %q", to, sent[to], w)
		}
	}
	if hooks := f.hook.received(); len(hooks) != 1 || hooks[0].payload["body"] != want["ann|webhook"] {
		t.Errorf("webhooks %+v, want one with the complaint link", hooks)
	}
	if !strings.Contains(f.log.String(), complaintLink) {
		t.Errorf("log %s lacks the complaint link", f.log.String())
	}
}

// A risk alert's notice, about no complaint, links to the alert's page, where its
// owner — whatever their token's role — answers it.
func TestNotifyLinksARiskAlertsNoticeToItsPage(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.SurveyLinks.BaseURL = "https://cf.example/"
	f.person(t, "ann", "ann@example.com", "")
	n := activities.Notice{EventKey: "risk-alert:a-1/opened", EventKind: complaint.EventKind("risk_opened"), Recipient: "ann",
		AlertID: "a-1", Subject: "[BLUE] training gap", Body: "plan the training"}
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	want := "plan the training\n\nOpen in the console: https://cf.example/console/risk/a-1"
	for _, m := range f.smtp.Mails() {
		if m.To[0] == "ann@example.com" {
			if got := strings.TrimSpace(strings.ReplaceAll(m.Body, "\r\n", "\n")); got != want {
				t.Errorf("e-mail to ann: got %q, want %q", got, want)
			}
			return
		}
	}
	t.Errorf("no e-mail to ann; sent %+v", f.smtp.Mails())
}

// A review's summary, about no complaint, links to the review it names on the
// reviews page, whatever its key.
func TestNotifyLinksAReviewSummaryToTheReview(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.SurveyLinks.BaseURL = "https://cf.example/"
	f.person(t, "qin", "qin@example.com", "")
	n := activities.Notice{EventKey: "tracking-summary-1", EventKind: complaint.EventKind("tracking_review"),
		ReviewID: "review:weekly-2026-03-02T09:00:00Z", Recipient: "qin", Subject: "Weekly tracking review", Body: "2 cycles"}
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	want := "2 cycles\n\nOpen in the console: https://cf.example/console/reviews#review-review:weekly-2026-03-02T09:00:00Z"
	for _, m := range f.smtp.Mails() {
		if m.To[0] == "qin@example.com" {
			if got := strings.TrimSpace(strings.ReplaceAll(m.Body, "\r\n", "\n")); got != want {
				t.Errorf("e-mail to qin: got %q, want %q", got, want)
			}
			return
		}
	}
	t.Errorf("no e-mail to qin; sent %+v", f.smtp.Mails())
}
