package e2e_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// An inbox entry decided elsewhere while its reason is being typed keeps the
// keyboard focus in the reason field (not dropped to <body>), and the text typed
// stays readable and copyable: the field turns read-only, not disabled, while the
// decision can no longer be sent.
func TestConsoleInboxWatchKeepsTheFocus(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ctx := context.Background()
	ann, maxTok := s.api(s.personToken("agent", "ann")), s.personToken("manager", "max")
	cm := s.file(adminToken, "focus-1", apiclient.High, apiclient.High)
	requested, err := ann.RequestEscalationWithResponse(ctx, cm.Id, nil, apiclient.ReasonRequest{Reason: "the customer asks for a manager"})
	s.want(201, requested, err)

	b := newBrowser(t, s.url)
	b.signIn(maxTok)
	b.navigate(s.url + "/console/escalations")
	section := `#esc-` + cm.Id.String() + `-1`
	reason := section + ` input[name=reason]`
	typed := "calling the customer back first"
	b.run("type a reason", chromedp.WaitVisible(chromedp.CSS(section)), chromedp.SendKeys(chromedp.CSS(reason), typed))

	by := "2h"
	decided, err := s.api(maxTok).DecideEscalationWithResponse(ctx, cm.Id, 1, nil,
		apiclient.DecisionRequest{Decision: apiclient.DecisionRequestDecisionExtend, ExtendBy: &by})
	s.want(200, decided, err)
	b.run("the decided escalation says so", chromedp.WaitVisible(chromedp.CSS(section+` .gone-note`)))

	if got := get(b, "the focused element", chromedp.Evaluate[string](
		`document.activeElement === document.querySelector("`+reason+`") ? "reason" : document.activeElement.tagName`)); got != "reason" {
		t.Errorf("after the watch closed the form the focus is on %s, want the reason being typed", got)
	}
	if !get(b, "read-only", chromedp.Evaluate[bool](`(function(el){ return el.readOnly && !el.disabled })(document.querySelector("`+reason+`"))`)) {
		t.Error("the reason typed is disabled (unreadable to copy), want read-only")
	}
	if got := get(b, "the typed reason", chromedp.Value(chromedp.CSS(reason))); got != typed {
		t.Errorf("the reason reads %q, want what was typed, %q", got, typed)
	}
	if !get(b, "the closed form", chromedp.Evaluate[bool](`document.querySelector("`+section+` button").disabled`)) {
		t.Error("the form of an escalation decided elsewhere can still be sent")
	}
}
