package e2e_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Customer messages in a real browser: an agent sends a progress update from the
// complaint page (an empty one is the API's refusal next to the field); an admin
// lists the templates per locale and edits one, where a template with an unknown
// variable is refused inline naming it and a good one is saved.
func TestConsoleNoticesInABrowser(t *testing.T) {
	s := newStack(t)
	c := s.file(adminToken, "console-progress", apiclient.Medium, apiclient.Medium)
	id := c.Id.String()
	b := newBrowser(t, s.url)
	b.signIn(s.token("agent"))

	b.navigate(s.url + "/console/complaints/" + id)
	b.run("an empty progress update", chromedp.WaitVisible(chromedp.CSS(`#form-progress`)),
		clickThrough(`#form-progress button`),
		chromedp.WaitVisible(chromedp.CSS(`#progress-message-error`)))
	if got := b.text(`#progress-message-error`); !strings.Contains(got, "required") {
		t.Errorf("the refusal next to the message reads %q", got)
	}
	if got := b.text(`#customer-locale`); got != "en" {
		t.Errorf("customer language %q, want en (the stack's default)", got)
	}
	b.run("send a progress update",
		fill(`#progress-message`, "The courier found your parcel"), clickThrough(`#form-progress button`),
		chromedp.WaitVisible(chromedp.CSS(`#form-progress`)))
	eventually(t, 20*time.Second, "the progress_sent event", func() bool { return s.count(id, "progress_sent") == 1 })
	eventually(t, 20*time.Second, "the progress notice", func() bool {
		for _, n := range s.notifications(id) {
			if n.EventKind == "progress_sent" && strings.Contains(n.Body, "The courier found your parcel") {
				return true
			}
		}
		return false
	})
	// The agent taking the customer's call reads the message the customer was sent.
	b.navigate(s.url + "/console/complaints/" + id)
	b.run("open the last message to the customer", chromedp.Click(chromedp.CSS(`#to-customer li:last-child summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#to-customer li:last-child .body`)))
	if got := b.text(`#to-customer li:last-child .body`); !strings.Contains(got, "The courier found your parcel") {
		t.Errorf("the last message to the customer reads %q, want the progress update", got)
	}
	b.screenshot("complaint-progress")

	b.signOut()
	b.signIn(adminToken)
	b.navigate(s.url + "/console/admin/messages")
	b.run("the templates", chromedp.WaitVisible(chromedp.CSS(`#message-templates tr[data-key="acknowledgement"][data-locale="zh-CN"]`)))
	if n := b.count(`#message-templates tbody tr`); n < 28 {
		t.Errorf("%d templates listed, want every key in both locales", n)
	}
	b.run("edit progress in zh-CN",
		clickThrough(`#message-templates tr[data-key="progress"][data-locale="zh-CN"] a`),
		chromedp.WaitVisible(chromedp.CSS(`#message-form`)))
	if got := b.text(`#message-variables`); !strings.Contains(got, "{{.resolution_due_at}}") {
		t.Errorf("variables %q, want the committed time among them", got)
	}
	b.run("an unknown variable", fill(`#message-body`, "{{.message}} {{.refund_amount}}"),
		clickThrough(`#message-form button`), chromedp.WaitVisible(chromedp.CSS(`#message-body-error`)))
	if got := b.text(`#message-body-error`); !strings.Contains(got, `"refund_amount"`) {
		t.Errorf("the refusal next to the body reads %q, want it to name the variable", got)
	}
	b.screenshot("admin-messages-refused")
	b.run("a good template", fill(`#message-subject`, "进展 {{.complaint_id}}"), fill(`#message-body`, "{{.message}}"),
		clickThrough(`#message-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#message-templates tr[data-key="progress"][data-locale="zh-CN"]`)))
	got := s.must(200, s.do("GET", "/v1/message-templates/progress/zh-CN", adminToken, nil)).body
	if got["customized"] != true || got["subject"] != "进展 {{.complaint_id}}" {
		t.Errorf("saved template: %v", got)
	}
	b.asChineseViewerInShanghai()
	b.navigate(s.url + "/console/admin/messages")
	if got := b.text(`#message-templates caption`); got != "各语言的客户消息模板" {
		t.Errorf("caption in Chinese reads %q", got)
	}
}

// The notices page in a real browser: an admin, sent there by an alert on failed
// sends, sees the deliveries not known to be sent — the failed one with its error
// and a link to its complaint — and not the sent one until asking for it; the open
// page shows a delivery that fails, and drops one sent, without a reload; an agent
// sees only the notices to themselves (the API's rule); a Chinese viewer reads the
// page in Chinese.
func TestConsoleNotificationsInABrowser(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	c := s.file(adminToken, "console-notifications", apiclient.Medium, apiclient.Medium)
	id := c.Id.String()
	plant := func(recipient, channel, status, lastError string) string {
		t.Helper()
		var row int64
		if err := s.store.DB().Get(&row, `INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient, channel,
				subject, body, status, attempts, last_error)
			VALUES ($1, $2, 'sla_breached', $3, $4, 'planted '||$3, 'b', $5, 2, NULLIF($6, '')) RETURNING id`,
			"planted/"+recipient+"/"+channel, id, recipient, channel, status, lastError); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(row, 10)
	}
	failed := plant("lee", "webhook", "failed", "webhook answered 400 Bad Request")
	sent := plant("ann", "log", "sent", "")
	pending := plant("ann", "email", "pending", "451 try again later")

	b := newBrowser(t, s.url)
	b.signIn(adminToken)
	b.navigate(s.url + "/console/notifications")
	row := func(id string) string { return `#notifications tr[data-id="` + id + `"]` }
	b.run("the unsent deliveries", chromedp.WaitVisible(chromedp.CSS(row(failed))))
	if got := b.text(row(failed) + ` td.error-text`); got != "webhook answered 400 Bad Request" {
		t.Errorf("the failed delivery's error reads %q", got)
	}
	if !b.exists(row(pending)) || b.exists(row(sent)) {
		t.Errorf("by default: pending shown %v, sent shown %v; want the pending one and not the sent one", b.exists(row(pending)), b.exists(row(sent)))
	}
	b.screenshot("notifications")
	// The open page keeps up by itself: a delivery failing now appears, and the
	// pending one, sent meanwhile, leaves the list of unsent ones.
	later := plant("max", "webhook", "failed", "webhook answered 410 Gone")
	if _, err := s.store.DB().Exec(`UPDATE notifications SET status = 'sent', updated_at = now() WHERE id = $1`, pending); err != nil {
		t.Fatal(err)
	}
	b.run("a delivery failing while the page is open", chromedp.WaitVisible(chromedp.CSS(row(later))),
		chromedp.WaitNotPresent(chromedp.CSS(row(pending))))
	if _, err := s.store.DB().Exec(`UPDATE notifications SET status = 'pending', updated_at = now() WHERE id = $1`, pending); err != nil {
		t.Fatal(err)
	}
	b.run("ask for sent ones too", chromedp.Click(chromedp.CSS(`#status-sent`)), clickThrough(`#notification-filters button`),
		chromedp.WaitVisible(chromedp.CSS(row(sent))))
	if !b.exists(row(failed)) {
		t.Error("with sent ticked as well, the failed delivery is gone")
	}
	b.run("uncheck every status but sent", chromedp.Click(chromedp.CSS(`#status-pending`)), chromedp.Click(chromedp.CSS(`#status-sending`)),
		chromedp.Click(chromedp.CSS(`#status-failed`)), chromedp.Click(chromedp.CSS(`#status-uncertain`)),
		clickThrough(`#notification-filters button`), chromedp.WaitVisible(chromedp.CSS(row(sent))))
	if b.exists(row(failed)) || b.exists(row(pending)) {
		t.Error("with only sent ticked, unsent deliveries are listed")
	}
	b.run("to the complaint", clickThrough(row(sent)+` a[href="/console/complaints/`+id+`"]`),
		chromedp.WaitVisible(chromedp.CSS(`#notices`)))
	b.navigate(s.url + "/console/notifications")
	b.run("the notices to lee", chromedp.WaitVisible(chromedp.CSS(`#recipient`)), fill(`#recipient`, "lee"),
		clickThrough(`#notification-filters button`), chromedp.WaitVisible(chromedp.CSS(row(failed))))
	if b.exists(row(pending)) {
		t.Error("filtered to lee, a notice to ann is listed")
	}
	// The bootstrap admin token acts for no person: the API's refusal, on the page.
	b.run("the notices to me", fill(`#recipient`, "me"), clickThrough(`#notification-filters button`),
		chromedp.WaitVisible(chromedp.CSS(`main p.error`)))
	if got := b.text(`main p.error`); !strings.Contains(got, "person") {
		t.Errorf("the refusal of recipient=me reads %q", got)
	}

	b.signOut()
	b.signIn(s.personToken("agent", "ann"))
	b.navigate(s.url + "/console/notifications")
	b.run("an agent's notices", chromedp.WaitVisible(chromedp.CSS(row(pending))))
	if b.exists(row(failed)) {
		t.Error("an agent sees a notice to someone else")
	}
	b.asChineseViewerInShanghai()
	b.navigate(s.url + "/console/notifications")
	if got := b.text(`#notifications caption`); got != "通知投递，最新的在前" {
		t.Errorf("caption in Chinese reads %q", got)
	}
}
