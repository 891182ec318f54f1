package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
)

// consoleLink finds the console deep link a notice ends with.
var consoleLink = regexp.MustCompile(`https?://\S+/console/\S+`)

// exists reports whether the page has an element matching the CSS selector.
func (b *browser) exists(sel string) bool {
	b.t.Helper()
	return get(b, "look for "+sel, chromedp.Evaluate[bool](`document.querySelector(`+"`"+sel+"`"+`) !== null`))
}

func (b *browser) signOut() {
	b.t.Helper()
	b.run("sign out", clickThrough(`.signout button`), chromedp.WaitVisible(chromedp.CSS(`#token`)))
}

// A manager goes from the link in a notice to the decision, with the complaint's
// latest history and every decision offered, and approves it; a team lead outside
// the owner's chain gets no decision form, and the API refuses the decision (403)
// when the form is posted anyway.
func TestConsoleDeepLinkToTheDecision(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ctx, admin := context.Background(), s.api(adminToken)
	team, err := admin.PutTeamWithResponse(ctx, "billing", nil, apiclient.PutTeamRequest{Name: "Billing"})
	s.want(201, team, err)
	tom, err := admin.PutPersonWithResponse(ctx, "tom", nil, apiclient.PutPersonRequest{Name: "Tom", Role: apiclient.PersonRoleTeamLead,
		TeamId: ptr("billing"), ManagerId: ptr("dora")})
	s.want(201, tom, err)
	ann, maxTok, tomTok := s.personToken("agent", "ann"), s.personToken("manager", "max"), s.personToken("manager", "tom")

	c := s.file(adminToken, "links-1", apiclient.Medium, apiclient.High)
	id := c.Id.String()
	s.must(201, s.do("POST", "/v1/complaints/"+id+"/escalations", ann, map[string]any{"reason": "the customer asks for a manager"}))

	// The notice to max ends with the link to the decision.
	var link string
	eventually(t, 20*time.Second, "the decision notice to max", func() bool {
		for _, n := range s.notifications(id) {
			if n.Recipient == "max" && n.EventKind == "escalation_requested" && n.Status == notify.NotificationSent {
				link = consoleLink.FindString(n.Body)
				return true
			}
		}
		return false
	})
	if want := s.url + "/console/escalations#esc-" + id + "-1"; link != want {
		t.Fatalf("notice link %q, want %q", link, want)
	}
	b := newBrowser(t, s.url)
	section := `#esc-` + id + `-1`

	// Tom is a team lead of another team: the link shows him no decision form.
	b.signIn(tomTok)
	b.navigate(link)
	b.run("tom follows the link",
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if b.exists(section) || b.exists(`form[action$="/decide"]`) {
		t.Errorf("tom, outside the chain, got the decision form")
	}
	csrf := get(b, "tom's CSRF token", chromedp.Value(chromedp.CSS(`.signout input[name=csrf]`)))
	status, body := b.request("POST", "/console/escalations/"+id+"/1/decide",
		url.Values{"csrf": {csrf}, "decision": {"approve"}, "urgency": {"high"}})
	if status != http.StatusForbidden || !strings.Contains(body, "tom may not decide escalation 1: tom is not a manager in the reporting chain of ann") {
		t.Errorf("tom's posted decision: HTTP %d, want the API's 403 with its refusal shown:\n%s", status, body)
	}
	// The API itself: 403 not_approver, by the workflow's own rule.
	if res := s.do("POST", "/v1/complaints/"+id+"/escalations/1/decision", tomTok, map[string]any{"decision": "approve", "urgency": "high"}); res.status != http.StatusForbidden || res.body["code"] != "not_approver" {
		t.Errorf("tom's decision through the API: %d %s, want 403 not_approver", res.status, res.raw)
	}
	if n := s.count(id, "escalation_decided"); n != 0 {
		t.Fatalf("tom's refused decision decided the escalation")
	}
	b.signOut()

	// Max follows the same link: the inbox opens on that decision, which he approves.
	b.signIn(maxTok)
	b.navigate(link)
	b.run("max follows the link",
		chromedp.WaitVisible(chromedp.CSS(section+` form`)))
	if target := get(b, "the linked entry", chromedp.Evaluate[string](`document.querySelector(":target")?.id ?? ""`)); target != strings.TrimPrefix(section, "#") {
		t.Errorf("the page targets %q, want the linked escalation", target)
	}
	// The entry's history: the complaint's latest events, the request last.
	if got := b.text(section + ` ol.history`); !strings.Contains(got, "escalation requested") {
		t.Errorf("the entry's history %q lacks the escalation request", got)
	}
	if n := get(b, "history length", chromedp.Evaluate[int](`document.querySelectorAll("`+section+` ol.history li").length`)); n < 1 || n > 5 {
		t.Errorf("the history shows %d events, want 1 to 5", n)
	}
	// Every decision the API takes is offered, reassign too, in the page's words.
	opts := get(b, "decision options", chromedp.Evaluate[[]string](`[...document.querySelectorAll("`+section+` select[name=decision] option")].map(o => o.value + "=" + o.textContent)`))
	if want := []string{"approve=Approve", "reject=Reject", "reassign=Reassign", "extend=Extend the deadline", "compensate=Compensate"}; !slices.Equal(opts, want) {
		t.Errorf("decision options %q, want %q", opts, want)
	}
	b.screenshot("escalation-linked")
	b.run("approve",
		chromedp.SetValue(chromedp.CSS(section+` select[name=decision]`), "approve"),
		chromedp.SetValue(chromedp.CSS(section+` select[name=urgency]`), "high"),
		clickThrough(section+` button`),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "No escalation waits for you")]`)))
	eventually(t, 15*time.Second, "the approval", func() bool { return s.count(id, "escalation_decided") == 1 })

	// Raised to high (first response 2 h), the unanswered complaint's clock tightened:
	// GET shows the decision's deadline, not the medium one it was filed with.
	got, err := s.api(maxTok).GetComplaintWithResponse(ctx, c.Id)
	s.want(200, got, err)
	if due := got.JSON200.FirstResponseDueAt; !due.Before(c.FirstResponseDueAt) || due.After(time.Now().Add(2*time.Hour)) {
		t.Errorf("first response due %s after the raise, want within 2 h of it, before the filed %s", due, c.FirstResponseDueAt)
	}
}

// A breach that fires while the queue is open shows on its row without a reload.
func TestConsoleQueueShowsABreachLive(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	s.putPolicy(apiclient.High, apiclient.High, noLadder(apiclient.PutPolicyRequest{FirstResponse: "6s", Resolution: ptr("1h")}))
	b := newBrowser(t, s.url)
	b.signIn(s.personToken("agent", "ann"))
	// The queue filtered by category, channel and no escalation pending; the
	// complaint matches all three.
	b.navigate(s.url + "/console/?owner=me&category=logistics&channel=wechat&escalation_pending=false")
	b.run("the filtered queue",
		chromedp.WaitVisible(chromedp.CSS(`#queue-rows`)))
	if got := get(b, "the channel filter", chromedp.Value(chromedp.CSS(`#f-channel`))); got != "wechat" {
		t.Errorf("channel filter shows %q, want the one chosen", got)
	}
	id := s.file(adminToken, "links-breach", apiclient.High, apiclient.High).Id.String()
	row := `tr[data-id="` + id + `"] .countdown`
	b.run("the row appears", chromedp.WaitVisible(chromedp.CSS(row)))
	if b.exists(row + `[data-breached="true"]`) {
		t.Fatalf("the row says breached before the deadline")
	}
	b.run("the breach appears", chromedp.WaitVisible(chromedp.CSS(row+`[data-breached="true"]`)))
	if got := b.text(row); !strings.Contains(got, "BREACHED") {
		t.Errorf("breached row reads %q, want BREACHED in words", got)
	}
	if s.count(id, "sla_breached") != 1 {
		t.Errorf("the row shows a breach the log does not have")
	}
	b.screenshot("queue-breached")
}

// After a resolution, the complaint page shows the survey with the customer's
// answer and the notices sent; staff notices carry their console link, the
// customer's none.
func TestConsoleComplaintShowsSurveyAndNotices(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	s.directory(startWebhookReceiver(t).URL)
	// A manager reads every notice of the complaint; an agent only their own.
	ann, maxTok := s.personToken("agent", "ann"), s.personToken("manager", "max")
	id := s.fileAndResolve("links-survey", ann)
	path := s.awaitSurveyPath(mails, 0)
	s.must(200, s.do("POST", path, "", map[string]any{"csat": 4, "nps": 9, "solved": true, "comment": "fast"}))
	eventually(t, 20*time.Second, "the answer", func() bool { return s.count(id, "survey_answered") == 1 })
	eventually(t, 20*time.Second, "the verified close", func() bool { return s.count(id, "closed") == 1 })

	for _, n := range s.notifications(id) {
		link := consoleLink.FindString(n.Body)
		switch {
		case n.Recipient == "customer" && link != "":
			t.Errorf("customer notice %q carries a console link", n.Subject)
		case n.Recipient != "customer" && n.Channel != "callback" && link != s.url+"/console/complaints/"+id:
			t.Errorf("staff notice %q to %s links %q, want the complaint", n.Subject, n.Recipient, link)
		}
	}

	b := newBrowser(t, s.url)
	b.signIn(maxTok)
	b.navigate(s.url + "/console/complaints/" + id)
	b.run("the complaint page",
		chromedp.WaitVisible(chromedp.CSS(`#surveys`)))
	if got := b.text(`#surveys tbody`); !strings.Contains(got, "CSAT 4/5") || !strings.Contains(got, "NPS 9") || !strings.Contains(got, "fast") {
		t.Errorf("surveys table %q, want the answer", got)
	}
	notices := b.text(`#notices tbody`)
	for _, want := range []string{"How did we do?", "customer"} {
		if !strings.Contains(notices, want) {
			t.Errorf("notices table lacks %q:\n%s", want, notices)
		}
	}
	// The satisfied answer closed the complaint: no action applies, and a line says so.
	if n := b.count(`.actions form`); n != 0 || !b.exists(`#pauses`) {
		t.Errorf("the closed complaint's page offers %d action forms, or lacks the pause history", n)
	}
	if got := b.text(`#actions-state`); got != "Closed: no action applies any more." {
		t.Errorf("the line saying why no action is offered: %q", got)
	}
	b.screenshot("complaint-full")
	// The README's picture: the record part of the page, one screen high.
	b.run("scroll to the record", chromedp.ScrollIntoView(chromedp.CSS(`#pauses`)))
	png := get(b, "screenshot complaint-record", chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(b.shot, "complaint-record.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
