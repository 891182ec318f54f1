package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// surveyTab is a browser tab on a survey page.
type surveyTab struct{ *browser }

// surveyPageState is what the customer sees of the answer they sent.
type surveyPageState struct {
	Result   string `json:"result"`
	Disabled bool   `json:"disabled"`
	Form     bool   `json:"form"`
}

// newTab opens another tab of b's browser.
func (b *browser) newTab() surveyTab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	// The first call opens the tab, and must have no timeout: it would close it.
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a tab: %v", err)
	}
	return surveyTab{&browser{t: b.t, ctx: ctx, base: b.base, shot: b.shot}}
}

func (p surveyTab) state() surveyPageState {
	p.t.Helper()
	return get(p.browser, "the survey page's state", chromedp.Evaluate[surveyPageState](`({
		result: document.getElementById("result").textContent,
		disabled: document.querySelector('#survey button[type="submit"]')?.disabled ?? true,
		form: document.getElementById("survey") !== null,
	})`))
}

// js runs a statement in the page (DevTools runs it whatever the page's CSP).
func (p surveyTab) js(what, statement string) {
	p.t.Helper()
	get(p.browser, what, chromedp.Evaluate[bool](statement+"; true"))
}

// await waits until the page's state is want.
func (p surveyTab) await(what string, want surveyPageState) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := p.state()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: the page shows %+v, want %+v", what, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// click clicks the element sel with the mouse, as a customer would.
func (p surveyTab) click(sel string) {
	p.t.Helper()
	p.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// answer fills in the two required questions (solved, csat).
func (p surveyTab) answer(csat string) {
	p.t.Helper()
	p.click(`input[name="solved"][value="true"]`)
	p.click(`input[name="csat"][value="` + csat + `"]`)
}

func (p surveyTab) send() {
	p.t.Helper()
	p.click(`#survey button[type="submit"]`)
}

// A Chinese customer's survey page in a real browser: while the answer is on its
// way the button is disabled; when it cannot be sent (offline, a proxy's HTML error
// page) or is refused (a question answered wrong, the link expired while the tab
// was open, the survey already answered) the page says so in Chinese — never the
// API's English detail — and lets the customer send again only when that may work.
func TestSurveyPageTellsFailuresInTheCustomersLanguage(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	ctx, agent := context.Background(), s.api(s.token("agent"))
	req := complaintRequest("survey-page-zh", apiclient.Medium, apiclient.Medium)
	zh := apiclient.Locale(message.ZhCN)
	req.CustomerLocale = &zh
	filed, err := s.api(adminToken).FileComplaintWithResponse(ctx, req)
	s.want(201, filed, err)
	id := filed.JSON201.Id
	ack, err := agent.AcknowledgeComplaintWithResponse(ctx, id, nil, apiclient.AcknowledgeRequest{Message: "非常抱歉，我们马上处理"})
	s.want(200, ack, err)
	res, err := agent.ResolveComplaintWithResponse(ctx, id, nil, apiclient.ResolveRequest{Summary: "已重新发货", RootCause: "包裹在中转站丢失"})
	s.want(200, res, err)
	eventually(t, 30*time.Second, "the survey", func() bool {
		svs, err := s.store.Surveys(ctx, id.String())
		return err == nil && len(svs) == 1
	})
	sv := s.surveyRow(id.String(), 0)
	key, err := s.store.SurveySigningKey(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	link := func(expires time.Time) string {
		return s.url + "/v1/surveys/" + survey.Sign(key, survey.Token{SurveyID: sv.ID, ExpiresAt: expires})
	}
	words := message.SurveyPageWords(message.ZhCN)

	b := newBrowser(t, s.url)
	errs := b.watchErrors()
	page := surveyTab{b}

	// The link expires while the tab is open: the page says when, in Shanghai time.
	expiring := b.newTab()
	expires := time.Now().Add(3 * time.Second).Truncate(time.Second)
	expiring.navigate(link(expires))
	expiring.answer("4")
	time.Sleep(time.Until(expires) + 200*time.Millisecond)
	expiring.send()
	expiring.await("the link expired while the tab was open", surveyPageState{
		Result: message.SurveyLinkExpired(message.ZhCN, expires, customerMessages.Zone), Disabled: true, Form: true})
	if got := expiring.state().Result; !strings.Contains(got, "（Asia/Shanghai）过期") {
		t.Errorf("the expiry is not shown in the customers' time zone: %q", got)
	}

	page.navigate(link(sv.ExpiresAt))
	if lang := get(b, "the page's language", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "zh-CN" {
		t.Fatalf("the survey page is in %q", lang)
	}
	page.answer("4")

	// In flight: the button is disabled (a second click sends nothing), then a
	// proxy's HTML 502 page: try again.
	page.js("hold the answer in flight", `window.realFetch = window.fetch; window.sent = 0;
		window.fetch = () => { window.sent++; return new Promise(resolve => { window.release = resolve; }); }`)
	page.send()
	page.await("sending", surveyPageState{Result: words.Sending, Disabled: true, Form: true})
	page.send() // again, while sending
	if sent := get(b, "the requests sent", chromedp.Evaluate[int](`window.sent`)); sent != 1 {
		t.Errorf("%d requests sent while the button was disabled, want 1", sent)
	}
	page.js("a proxy's 502 page", `window.release(new Response("<html><body><h1>502 Bad Gateway</h1></body></html>",
		{status: 502, headers: {"Content-Type": "text/html"}}))`)
	page.await("a proxy's 502 page", surveyPageState{Result: words.Failed, Disabled: false, Form: true})

	// Offline: fetch rejects; try again.
	page.js("go offline", `document.getElementById("result").textContent = "";
		window.fetch = () => Promise.reject(new TypeError("Failed to fetch"))`)
	page.send()
	page.await("offline", surveyPageState{Result: words.Failed, Disabled: false, Form: true})

	// The API refuses the answer: the page names the questions, in Chinese.
	page.js("back online, without the browser's own checks", `window.fetch = window.realFetch;
		document.getElementById("result").textContent = "";
		for (const input of document.querySelectorAll("input")) { input.required = false; input.checked = false; }`)
	page.send()
	page.await("no answer to the required questions", surveyPageState{
		Result: "请检查以下问题的回答：整体满意度、问题是否解决。", Disabled: false, Form: true})

	// The customer answers in another tab: thanked in Chinese, the form gone.
	other := b.newTab()
	other.navigate(link(sv.ExpiresAt))
	other.answer("4")
	other.send()
	other.await("the answer", surveyPageState{Result: words.Verified, Disabled: true, Form: false})
	eventually(t, 20*time.Second, "the survey answered", func() bool { return s.surveyRow(id.String(), 0).Status == "answered" })

	// The first tab sends too: already answered, nothing to send again.
	page.answer("2")
	page.send()
	page.await("already answered", surveyPageState{Result: words.Answered, Disabled: true, Form: true})

	for _, e := range errs.take() {
		if strings.HasPrefix(e, "exception:") {
			t.Errorf("the survey page's script failed: %s", e)
		}
	}
}
