package e2e_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The open escalation inbox watches what waits without redrawing the form a
// manager is typing in: an escalation requested meanwhile is counted in a note that
// links the fresh inbox, one decided elsewhere (the same manager on another device)
// has its form closed and says why, and a session ended elsewhere stops the watch
// with "Signed out" and a sign-in link instead of showing the sign-in page inside
// the inbox.
func TestConsoleInboxWatchesWhatWaits(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ctx := context.Background()
	ann, maxTok := s.api(s.personToken("agent", "ann")), s.personToken("manager", "max")
	first := s.file(adminToken, "inbox-1", apiclient.High, apiclient.High)
	second := s.file(adminToken, "inbox-2", apiclient.High, apiclient.High)
	requested, err := ann.RequestEscalationWithResponse(ctx, first.Id, nil, apiclient.ReasonRequest{Reason: "the customer asks for a manager"})
	s.want(201, requested, err)

	b := newBrowser(t, s.url)
	b.signIn(maxTok)
	b.navigate(s.url + "/console/escalations")
	section := `#esc-` + first.Id.String() + `-1`
	b.run("the inbox", chromedp.WaitVisible(chromedp.CSS(section)))
	typed := "calling the customer back first"
	b.run("type a reason", chromedp.SendKeys(chromedp.CSS(section+` input[name=reason]`), typed))

	// Requested while the page is open: counted, and what is typed stays.
	requested, err = ann.RequestEscalationWithResponse(ctx, second.Id, nil, apiclient.ReasonRequest{Reason: "a refund above the limit"})
	s.want(201, requested, err)
	b.run("the note of a new escalation", chromedp.WaitVisible(chromedp.CSS(`#inbox-new`)))
	if note := b.text(`#inbox-new`); !strings.Contains(note, "1 more escalation") {
		t.Errorf("the new-escalation note says %q, want one more", note)
	}
	if got := get(b, "the typed reason", chromedp.Value(chromedp.CSS(section+` input[name=reason]`))); got != typed {
		t.Errorf("the reason being typed is %q after the watch, want %q: the page was redrawn", got, typed)
	}

	// Decided elsewhere: its form closes and says why.
	by := "2h"
	decided, err := s.api(maxTok).DecideEscalationWithResponse(ctx, first.Id, 1, nil,
		apiclient.DecisionRequest{Decision: apiclient.DecisionRequestDecisionExtend, ExtendBy: &by, Reason: ptr("decided on the phone")})
	s.want(200, decided, err)
	b.run("the decided escalation says so", chromedp.WaitVisible(chromedp.CSS(section+` .gone-note`)))
	if !get(b, "the closed form", chromedp.Evaluate[bool](`document.querySelector("`+section+` button").disabled`)) {
		t.Error("the form of an escalation decided elsewhere can still be sent")
	}
	b.screenshot("inbox-watched")

	// The note's link draws the inbox as it is now.
	b.run("show the new ones", clickThrough(`#inbox-new a`), chromedp.WaitVisible(chromedp.CSS(`#esc-`+second.Id.String()+`-1`)))
	if n := get(b, "entries", chromedp.Evaluate[int](`document.querySelectorAll("section.escalation").length`)); n != 1 {
		t.Errorf("the fresh inbox shows %d entries, want the one still waiting", n)
	}

	// Signed out elsewhere: the watch says so and stops — on the inbox, and on the
	// queue, whose rows the poll would otherwise replace with the sign-in page.
	signOutElsewhere := func(csrfSel string) {
		t.Helper()
		csrf := get(b, "the CSRF token", chromedp.Value(chromedp.CSS(csrfSel)))
		if status, body := b.request("POST", "/console/logout", url.Values{"csrf": {csrf}}); status >= 400 {
			t.Fatalf("signing out: HTTP %d: %.300s", status, body)
		}
	}
	signOutElsewhere(`section.escalation input[name=csrf]`)
	b.run("the inbox's signed-out note", chromedp.WaitVisible(chromedp.CSS(`#inbox-stale a[href="/console/login"]`)))
	if note := b.text(`#inbox-stale`); !strings.Contains(note, "Signed out") {
		t.Errorf("the inbox's note after the session ended: %q", note)
	}
	b.signIn(maxTok)
	b.run("the queue's row", chromedp.WaitVisible(chromedp.CSS(`tr[data-id="`+second.Id.String()+`"]`)))
	signOutElsewhere(`.signout input[name=csrf]`)
	b.run("the queue's signed-out note", chromedp.WaitVisible(chromedp.CSS(`#queue-stale a[href="/console/login"]`)))
	if n := get(b, "sign-in fields in the queue", chromedp.Evaluate[int](`document.querySelectorAll("#queue-rows #token").length`)); n != 0 {
		t.Error("the queue's rows were replaced by the sign-in page")
	}
	if n := get(b, "rows kept", chromedp.Evaluate[int](`document.querySelectorAll("#queue-rows tr[data-id]").length`)); n == 0 {
		t.Error("the queue's rows are gone after the session ended; want them kept under the note")
	}
}

// The open complaint page says what happened since it was drawn — here an
// acknowledgement sent from another device — naming the events, without redrawing
// the form being typed in; its link shows the complaint as it is now.
func TestConsoleComplaintPageSaysWhatChanged(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ann := s.personToken("agent", "ann")
	filed := s.file(adminToken, "watch-1", apiclient.High, apiclient.High)
	id := filed.Id.String()
	b := newBrowser(t, s.url)
	b.signIn(ann)
	b.navigate(s.url + "/console/complaints/" + id)
	b.run("the complaint page", chromedp.WaitVisible(chromedp.CSS(`#form-progress`)))
	typed := "the courier is on the way"
	b.run("type a progress update", chromedp.SendKeys(chromedp.CSS(`#progress-message`), typed))
	if b.exists(`#complaint-changed:not([hidden])`) {
		t.Fatal("the page says it changed before anything happened")
	}

	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", ann, map[string]any{"message": "we are on it"}))
	b.run("the change note", chromedp.WaitVisible(chromedp.CSS(`#complaint-changed`)))
	if note := b.text(`#complaint-changed`); !strings.Contains(note, "acknowledged") {
		t.Errorf("the change note says %q, want the acknowledgement named", note)
	}
	b.screenshot("complaint-changed")
	if got := get(b, "the typed update", chromedp.Value(chromedp.CSS(`#progress-message`))); got != typed {
		t.Errorf("the update being typed is %q after the watch, want %q: the page was redrawn", got, typed)
	}
	b.run("show the complaint as it is now", clickThrough(`#complaint-changed a`),
		chromedp.WaitVisible(chromedp.Search(`//ol[@class="timeline"]/li[contains(., "acknowledged")]`)))
	if b.exists(`#complaint-changed:not([hidden])`) {
		t.Error("the redrawn page still says it changed")
	}
}

// The queue's rows are swapped only when they changed: unchanged answers — the
// first one too, which is what the page drew — leave the drawn rows alone; a
// change swaps them, puts the keyboard focus back on the link it was on, and says
// "List updated at …" in the status a screen reader hears.
func TestConsoleQueueSwapsOnlyWhatChanged(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ann := s.personToken("agent", "ann")
	first := s.file(adminToken, "swap-1", apiclient.High, apiclient.High)
	b := newBrowser(t, s.url)
	b.signIn(ann)
	row := `#queue-rows tr[data-id="` + first.Id.String() + `"]`
	b.run("the queue", chromedp.WaitVisible(chromedp.CSS(row)))
	get(b, "mark the row and focus its link", chromedp.Evaluate[bool](`document.querySelector('`+row+`').dataset.mark = "drawn";
		document.querySelector('`+row+` a').focus(); true`))
	time.Sleep(7 * time.Second) // two polls with nothing new
	if !b.exists(row + `[data-mark="drawn"]`) {
		t.Fatal("the rows were swapped although nothing changed")
	}
	if got := b.text(`#queue-updated`); got != "" {
		t.Errorf("the status says %q with nothing changed", got)
	}

	second := s.file(adminToken, "swap-2", apiclient.High, apiclient.High)
	b.run("the new row", chromedp.WaitVisible(chromedp.CSS(`#queue-rows tr[data-id="`+second.Id.String()+`"]`)))
	if b.exists(row + `[data-mark="drawn"]`) {
		t.Error("the rows were not swapped for the new complaint")
	}
	focused := get(b, "the focused link", chromedp.Evaluate[string](`document.activeElement.getAttribute("href") || ""`))
	if want := "/console/complaints/" + first.Id.String(); focused != want {
		t.Errorf("focus on %q after the swap, want back on %q", focused, want)
	}
	status := get(b, "the status", chromedp.Evaluate[string](`document.getElementById("queue-updated").textContent`))
	if !strings.Contains(status, "List updated at") {
		t.Errorf("the status says %q after the change", status)
	}
}

// The open QA queue watches what awaits a score as the inbox does: a sample scored
// by another reviewer has its form closed (what was typed in it stays) and says
// so, and a sample drawn since the page was drawn is counted in a note.
func TestConsoleQAQueueWatchesWhatAwaits(t *testing.T) {
	s := newStack(t)
	first := s.qaSample("ann")
	b := newBrowser(t, s.url)
	b.signInAs(s.token("quality"))
	b.navigate(s.url + "/console/qa")
	row := `#qa-queue tr[data-key="` + first + `"]`
	typed := "checked the call recording"
	b.run("type a note", chromedp.WaitVisible(chromedp.CSS(row)), chromedp.SendKeys(chromedp.CSS(`#note-`+first), typed))

	s.must(200, s.do("POST", "/v1/qa-queue/"+first+"/score", s.token("quality"), map[string]any{
		"scores": map[string]int{"response_speed": 15, "resolution": 30, "attitude": 20, "expertise": 25}}))
	b.run("the scored sample's note", chromedp.WaitVisible(chromedp.CSS(row+` .gone-note`)))
	if !b.exists(row + ` button[disabled]`) {
		t.Error("the scored sample's form is still open")
	}
	if got := get(b, "the typed note", chromedp.Evaluate[string](`document.getElementById("note-`+first+`").value`)); got != typed {
		t.Errorf("the note reads %q after the watch, want what was typed, %q", got, typed)
	}

	s.qaSample("bob")
	b.run("the note of a new sample", chromedp.WaitVisible(chromedp.CSS(`#qa-new`)))
	if note := b.text(`#qa-new`); !strings.Contains(note, "1 more sample") {
		t.Errorf("the note says %q, want one more sample", note)
	}
	b.screenshot("qa-queue-watched")
}

// The open improvement list is watched as the risk page is: an item edited
// elsewhere says what it is now and that saving its row would overwrite that (what
// is typed stays), and an item filed since the page was drawn is counted. Saving
// that row is refused (412: the form sends the version it was drawn with) with
// what was typed kept; sent again, knowingly, it is applied, and the viewer's own
// save is not taken for a change made elsewhere.
func TestConsoleBacklogWatchesEditsElsewhere(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	suggest := func(text string) string {
		return s.must(201, s.do("POST", "/v1/feedback", s.token("intake"), map[string]any{
			"kind": "suggestion", "channel": "app", "text": text})).body["backlog_id"].(string)
	}
	id := suggest("建议增加夜间配送时段，希望晚上也能送货")
	b := newBrowser(t, s.url)
	b.signInAs(s.personToken("quality", "qin"))
	b.navigate(s.url + "/console/backlog")
	row := `#item-` + id
	b.run("type an owner", chromedp.WaitVisible(chromedp.CSS(`#form-`+id)), chromedp.SetValue(chromedp.CSS(`#owner-`+id), "quinn"))
	time.Sleep(4 * time.Second) // a poll with nothing new
	if b.exists(row + ` .changed-note:not([hidden])`) {
		t.Fatal("the row says it changed although nothing did")
	}

	s.must(200, s.do("PATCH", "/v1/improvement-backlog/"+id, s.personToken("quality", "quinn"), map[string]any{"status": "planned"}))
	b.run("the edited row's note", chromedp.WaitVisible(chromedp.CSS(row+` .changed-note`)))
	if note := b.text(row + ` .changed-note`); !strings.Contains(note, "now planned (quinn,") || !strings.Contains(note, "refused rather than overwriting") {
		t.Errorf("the row's note says %q, want what it is now and that a save is refused", note)
	}
	if owner := get(b, "the owner field", chromedp.Value(chromedp.CSS(`#owner-`+id))); owner != "quinn" {
		t.Errorf("the owner field reads %q after the watch, want what was typed", owner)
	}

	suggest("希望增加发票抬头修改功能")
	b.run("the note of a new item", chromedp.WaitVisible(chromedp.CSS(`#backlog-new`)))
	if note := b.text(`#backlog-new`); !strings.Contains(note, "1 more item") {
		t.Errorf("the note says %q, want one more item", note)
	}
	b.screenshot("backlog-watched")

	// Saving the row drawn before the change is refused (412), not an overwrite:
	// what was typed comes back, the item keeps quinn's change.
	b.run("save the stale row", clickThrough(`#form-`+id+` button`), chromedp.WaitVisible(chromedp.CSS(row+` #refusal`)))
	if msg := b.text(row + ` #refusal`); !strings.Contains(msg, "Not saved: changed elsewhere") || !strings.Contains(msg, "(412)") {
		t.Errorf("the stale save says %q", msg)
	}
	item := func() map[string]any {
		for _, it := range items(s.must(200, s.do("GET", "/v1/improvement-backlog", s.token("quality"), nil))) {
			if it["id"] == id {
				return it
			}
		}
		t.Fatalf("no backlog item %s", id)
		return nil
	}
	if it := item(); it["status"] != "planned" || it["owner"] != nil || it["updated_by"] != "quinn" {
		t.Errorf("after the stale save the item is %v, want quinn's change kept", it)
	}
	if owner := get(b, "the owner field", chromedp.Value(chromedp.CSS(`#owner-`+id))); owner != "quinn" {
		t.Errorf("the refused row's owner field reads %q, want what was typed", owner)
	}
	b.screenshot("backlog-stale-save")

	// Sent again, knowingly, it is applied over that change; the viewer's own save
	// does not show as a change made elsewhere.
	b.run("save again", clickThrough(`#form-`+id+` button`), chromedp.WaitNotPresent(chromedp.CSS(row+` #refusal`)))
	eventually(t, 10*time.Second, "the row saved", func() bool {
		it := item()
		return it["owner"] == "quinn" && it["status"] == "new" && it["updated_by"] == "qin"
	})
	time.Sleep(4 * time.Second) // a poll after the viewer's own save
	if b.exists(row + ` .changed-note:not([hidden])`) {
		t.Error("the viewer's own save shows as a change made elsewhere")
	}
}
