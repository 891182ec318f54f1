package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// A compensation over ann's limit in max's inbox, in a real browser: the entry says
// what was asked and that only Compensate grants it, when it moves up and who may
// decide; its form starts on Compensate with the 300 CNY asked for, so pressing
// Decide grants it. The complaint page links the entry while it waits.
func TestConsoleInboxGrantsACompensationRequest(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ctx := context.Background()
	filed := s.file(adminToken, "console-inbox-comp", apiclient.Medium, apiclient.Medium)
	id := filed.Id.String()
	key := "inbox-comp-300"
	res, err := s.api(s.personToken("agent", "ann")).CompensateWithResponse(ctx, filed.Id, &apiclient.CompensateParams{IdempotencyKey: &key},
		apiclient.CompensateRequest{Kind: apiclient.RecoveryKindCompensation, Amount: 300, Currency: "CNY"})
	s.want(201, res, err)
	if res.JSON201.Status != apiclient.CompensationStatusRequested {
		t.Fatalf("300 CNY: %+v, want requested", res.JSON201)
	}

	b := newBrowser(t, s.url)
	b.signIn(s.personToken("manager", "max"))
	b.navigate(s.url + "/console/complaints/" + id)
	link := `#escalations a.decide-link[href="/console/escalations#esc-` + id + `-1"]`
	b.run("the complaint page's link to the inbox", chromedp.WaitVisible(chromedp.CSS(link)))
	b.run("follow it", clickThrough(link))
	entry := `#esc-` + id + `-1`
	b.run("the inbox entry", chromedp.WaitVisible(chromedp.CSS(entry+` form`)))
	if got := b.text(entry); !strings.Contains(got, "Only Compensate grants it") || !strings.Contains(got, "Who may decide") ||
		!strings.Contains(got, "Decision due") {
		t.Errorf("the entry reads %q, want the request explained, its decision due and who may decide", got)
	}
	for sel, want := range map[string]string{entry + ` select[name=decision]`: "compensate", entry + ` input[name=amount]`: "300",
		entry + ` input[name=currency]`: "CNY", entry + ` select[name=kind]`: "other"} {
		if got := get(b, sel, chromedp.Value(chromedp.CSS(sel))); got != want {
			t.Errorf("%s starts as %q, want %q", sel, got, want)
		}
	}
	b.screenshot("inbox-compensation-request")
	b.run("decide as drawn", clickThrough(entry+` button[type=submit]`))
	eventually(t, 30*time.Second, "the compensation granted", func() bool { return s.count(id, "compensation_granted") == 1 })
	if n := s.count(id, "compensation_declined"); n != 0 {
		t.Errorf("%d compensation_declined events, want none", n)
	}
}
