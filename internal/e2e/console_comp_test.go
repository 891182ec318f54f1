package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Front-line compensation and hand-over on the complaint page, and the limits on
// their admin page, in a real browser: ann grants 150 CNY at once, 300 CNY becomes a
// request to her manager, a bad amount and a refused hand-over come back inline as
// the API words them, and she hands the complaint to bob; the form names her limits
// beforehand, and the dashboard counts the grant in the cost of recovery; an admin
// raises the agents' refund limit and sees a bad one refused.
func TestConsoleCompensationHandoverAndLimits(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	bob, err := s.api(adminToken).PutPersonWithResponse(context.Background(), "bob", nil, apiclient.PutPersonRequest{
		Name: "Bob", Role: apiclient.PersonRoleAgent, TeamId: ptr("care"), ManagerId: ptr("lee")})
	s.want(201, bob, err)
	id := s.file(adminToken, "console-comp-1", apiclient.Medium, apiclient.Medium).Id.String()

	b := newBrowser(t, s.url)
	b.signIn(s.personToken("agent", "ann"))
	page := s.url + "/console/complaints/" + id
	b.navigate(page)
	// She reads her own limits (the seeded agent ones) before sending.
	if got := b.text(`#compensate-limits`); !strings.Contains(got, "refund 500 CNY") || !strings.Contains(got, "compensation 200 CNY") {
		t.Errorf("the compensation form names her limits as %q, want refund 500 CNY and compensation 200 CNY", got)
	}
	compensate := func(amount string) {
		b.t.Helper()
		b.run("compensate "+amount, chromedp.SetValue(chromedp.CSS(`#compensate-kind`), "compensation"),
			fill(`#compensate-amount`, amount), clickThrough(`#form-compensate button`),
			chromedp.WaitVisible(chromedp.CSS(`#compensations`)))
	}
	compensate("150")
	compensate("300")
	if got := b.text(`#compensations tr[data-seq="1"] .status`); got != "granted" {
		t.Errorf("150 CNY is %q, want granted", got)
	}
	if got := b.text(`#compensations tr[data-seq="2"] .status`); got != "requested" {
		t.Errorf("300 CNY is %q, want requested", got)
	}
	compensate("lots")
	b.run("the API's refusal", chromedp.WaitVisible(chromedp.CSS(`#compensate-amount-error`)))
	if got := b.text(`#compensate-amount-error`); got == "" {
		t.Error("no message next to the amount")
	}

	b.navigate(page)
	// She picks bob from her team by name: no ID to remember.
	if got := get(b, "the picker's bob", chromedp.Evaluate[string](
		`(document.querySelector('select#handover-to option[value="bob"]') || {}).textContent || ""`)); !strings.Contains(got, "Bob") {
		t.Errorf("the hand-over picker names bob %q, want his name", got)
	}
	b.run("hand over to bob", fill(`#handover-to`, "bob"), fill(`#handover-reason`, "ann is on leave"),
		clickThrough(`#form-handover button`), chromedp.WaitVisible(chromedp.CSS(`#compensations`)))
	eventually(t, 10*time.Second, "bob to own the complaint", func() bool {
		c, err := s.store.Complaint(context.Background(), id)
		return err == nil && c.Owner != nil && *c.Owner == "bob"
	})
	b.run("hand over again", fill(`#handover-to`, "bob"), fill(`#handover-reason`, "again"),
		clickThrough(`#form-handover button`), chromedp.WaitVisible(chromedp.CSS(`#refusal`)))
	if got := b.text(`#refusal`); !strings.Contains(got, "cannot hand over") {
		t.Errorf("the refusal reads %q, want the workflow's reason", got)
	}

	admin := newBrowser(t, s.url)
	admin.signIn(adminToken)
	// The 150 CNY granted is the cost of recovery on the dashboard; the request is not.
	admin.navigate(s.url + "/console/dashboard")
	if got := admin.text(`#table-recovery tbody tr`); !strings.Contains(got, "CNY") || !strings.Contains(got, "150") || !strings.HasSuffix(strings.TrimSpace(got), "1") {
		t.Errorf("the dashboard's cost of recovery reads %q, want CNY 150, 1 grant", got)
	}
	admin.navigate(s.url + "/console/admin/limits")
	admin.run("a bad limit", chromedp.SetValue(chromedp.CSS(`#limit-role`), "agent"), chromedp.SetValue(chromedp.CSS(`#limit-kind`), "refund"),
		fill(`#limit-amount`, "0"), clickThrough(`#limit-form button`), chromedp.WaitVisible(chromedp.CSS(`.limit-error`)))
	admin.run("raise the refund limit", fill(`#limit-amount`, "800"), clickThrough(`#limit-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#limits tr[data-limit="agent/refund/CNY"]`)))
	if got := admin.text(`#limits tr[data-limit="agent/refund/CNY"]`); !strings.Contains(got, "800 CNY") {
		t.Errorf("the refund limit row reads %q, want 800 CNY", got)
	}
	if n := admin.count(`#limits tbody tr[data-limit]`); n != 2 {
		t.Errorf("%d limits, want 2 (one changed, none lost)", n)
	}
}
