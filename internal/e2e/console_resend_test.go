package e2e_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The complaint page names its workflow and links it to the Temporal Web UI. Every
// console action form carries a key made when it is drawn, sent as the
// action's Idempotency-Key: the same form sent twice (a double click, the browser's
// "resend") is applied once. An action sent while no worker runs comes back
// "not confirmed yet" (503 unconfirmed) with what was typed and the same key; sent again once
// the worker is back, it is applied, once.
func TestConsoleActionSentTwiceIsAppliedOnce(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ann := s.personToken("agent", "ann")
	filed := s.file(adminToken, "resend-1", apiclient.High, apiclient.High)
	id := filed.Id.String()
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", ann, map[string]any{"message": "we are on it"}))
	b := newBrowser(t, s.url)
	b.signIn(ann)
	page := s.url + "/console/complaints/" + id

	// The same progress form, sent twice: one progress update.
	b.navigate(page)
	b.run("complaint page", chromedp.WaitVisible(chromedp.CSS(`#form-progress`)))
	// The page names its workflow and links it to the Temporal Web UI.
	if got := b.text(`.facts .workflow-id`); got != filed.WorkflowId {
		t.Errorf("the page names workflow %q, want %q", got, filed.WorkflowId)
	}
	link := get(b, "the workflow's link", chromedp.Evaluate[string](`document.querySelector(".facts .workflow-link").href`))
	if want := temporalUI + "/namespaces/default/workflows/" + url.PathEscape(filed.WorkflowId); link != want {
		t.Errorf("the workflow's link is %q, want %q", link, want)
	}
	csrf := get(b, "the CSRF token", chromedp.Value(chromedp.CSS(`#form-progress input[name=csrf]`)))
	key := get(b, "the progress form's key", chromedp.Value(chromedp.CSS(`#form-progress input[name=idempotency_key]`)))
	pauseKey := get(b, "the pause form's key", chromedp.Value(chromedp.CSS(`#form-pause input[name=idempotency_key]`)))
	if key == "" || key == pauseKey {
		t.Fatalf("form keys %q and %q, want one of its own per form", key, pauseKey)
	}
	form := url.Values{"csrf": {csrf}, "idempotency_key": {key}, "message": {"the courier has your parcel"}}
	for i := range 2 {
		if status, body := b.request("POST", "/console/complaints/"+id+"/progress", form); status != 200 {
			t.Fatalf("progress form, sending %d: HTTP %d: %.300s", i+1, status, body)
		}
	}
	if n := s.count(id, "progress_sent"); n != 1 {
		t.Fatalf("the same progress form sent twice made %d progress updates, want 1", n)
	}
	b.navigate(page)
	b.run("complaint page again", chromedp.WaitVisible(chromedp.CSS(`#form-progress`)))
	if again := get(b, "the redrawn form's key", chromedp.Value(chromedp.CSS(`#form-progress input[name=idempotency_key]`))); again == key {
		t.Fatal("a form drawn afresh kept the last one's key: the next update would be taken for the last")
	}

	// No worker: the resolution is not confirmed, and the form comes back as typed.
	s.worker.Stop()
	resolveKey := get(b, "the resolve form's key", chromedp.Value(chromedp.CSS(`#form-resolve input[name=idempotency_key]`)))
	b.run("resolve without a worker",
		chromedp.SendKeys(chromedp.CSS(`#resolve-summary`), "parcel found"),
		chromedp.SendKeys(chromedp.CSS(`#resolve-root-cause`), "mislabelled at depot"),
		clickThrough(`#form-resolve button`),
		chromedp.WaitVisible(chromedp.CSS(`#refusal`)))
	if msg := b.text(`#refusal`); !strings.Contains(msg, "Not confirmed yet") || !strings.Contains(msg, "(503)") ||
		strings.Contains(msg, "Idempotency-Key") {
		t.Fatalf("the page after an unconfirmed resolution says %q, want the console's own words (no API advice)", msg)
	}
	b.screenshot("complaint-unavailable")
	if got := get(b, "the kept summary", chromedp.Value(chromedp.CSS(`#resolve-summary`))); got != "parcel found" {
		t.Errorf("the unconfirmed form kept %q, want the summary typed", got)
	}
	if got := get(b, "the kept key", chromedp.Value(chromedp.CSS(`#form-resolve input[name=idempotency_key]`))); got != resolveKey {
		t.Fatalf("the unconfirmed form came back with key %q, want the one it was sent with (%q)", got, resolveKey)
	}

	// The worker back, the same form sent again: resolved, once.
	s.startWorker()
	b.run("resolve again", clickThrough(`#form-resolve button`))
	eventually(t, 30*time.Second, "the resolution", func() bool { return s.count(id, "resolved") == 1 })
	time.Sleep(time.Second)
	if n := s.count(id, "resolved"); n != 1 {
		t.Fatalf("%d resolutions, want 1", n)
	}
	if n := s.count(id, "progress_sent"); n != 1 {
		t.Fatalf("%d progress updates at the end, want 1", n)
	}
}
