package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The complaint page shows the customer's personal data masked (docs/privacy.md); a
// quality analyst's "Show personal data" is refused inline, the owner's shows the
// values this once and the timeline records the reveal.
func TestConsoleRevealsPersonalDataOnRecord(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL) // logistics complaints go to ann
	c := s.file(s.token("intake"), "console-pii-1", apiclient.Medium, apiclient.Medium)
	page := s.url + "/console/complaints/" + c.Id.String()
	const phone, masked = "+86 138 0013 8000", "***8000"

	b := newBrowser(t, s.url)
	b.signIn(s.token("quality"))
	b.navigate(page)
	b.run("quality opens the complaint", chromedp.WaitVisible(chromedp.CSS(`#form-reveal button`)))
	if got := b.text(`#customer`); !strings.Contains(got, masked) || strings.Contains(got, phone) || !strings.Contains(got, "张*") {
		t.Errorf("quality reads the customer as %q, want masked", got)
	}
	b.run("quality asks to see the personal data",
		clickThrough(`#form-reveal button`),
		chromedp.WaitVisible(chromedp.CSS(`#reveal-error`)))
	if got := b.text(`#reveal-error`); !strings.Contains(got, "403") || !strings.Contains(got, "owner") {
		t.Errorf("quality's refusal reads %q, want the API's 403 naming the rule", got)
	}
	if b.exists(`#revealed`) || strings.Contains(b.text(`#customer`), phone) {
		t.Error("the refused reveal showed the phone")
	}
	b.signOut()

	b.signIn(s.personToken("agent", "ann"))
	b.navigate(page)
	b.run("the owner opens the complaint", chromedp.WaitVisible(chromedp.CSS(`#form-reveal button`)))
	if got := b.text(`#customer`); !strings.Contains(got, masked) || strings.Contains(got, phone) {
		t.Errorf("the owner reads the customer as %q before revealing, want masked", got)
	}
	b.run("the owner shows the personal data",
		clickThrough(`#form-reveal button`),
		chromedp.WaitVisible(chromedp.CSS(`#revealed`)))
	if got := b.text(`#revealed`); !strings.Contains(got, phone) || !strings.Contains(got, "张伟") ||
		!strings.Contains(got, "zhang.wei@example.com") {
		t.Errorf("revealed %q, want the phone, name and e-mail in full", got)
	}
	b.screenshot("console-privacy-revealed")
	if got := b.text(`ol.timeline`); !strings.Contains(got, "personal data revealed by ann") {
		t.Errorf("timeline %q, want the reveal by ann", got)
	}

	// Shown once: the page read again is masked, the reveal stays in the timeline.
	b.navigate(page)
	b.run("the owner reloads the complaint", chromedp.WaitVisible(chromedp.CSS(`#form-reveal button`)))
	if b.exists(`#revealed`) || strings.Contains(b.text(`#customer`), phone) {
		t.Error("the personal data is still shown after leaving the page")
	}
	if got := strings.Count(b.text(`ol.timeline`), "personal data revealed"); got != 1 {
		t.Errorf("%d reveal events in the timeline, want 1", got)
	}
}
