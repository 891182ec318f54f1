package e2e_test

import (
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
