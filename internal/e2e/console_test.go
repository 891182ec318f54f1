package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// browser is a headless Debian chromium driven through chromedp, with a bounded
// timeout per step and a screenshot directory (CONSOLE_SCREENSHOTS, else a temp dir).
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (make chromium installs it): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Headless, chromedp.DisableGPU, chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser, and must have no timeout: it would stop it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	dir := os.Getenv("CONSOLE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, ctx: ctx, base: base, shot: dir}
}

// run does one step of the story, failing the test when it does not finish in time.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// navigate loads url. A form submitted just before may still be finishing its own
// navigation (POST, redirect, page) and abort this one; then it tries again.
func (b *browser) navigate(url string) {
	b.t.Helper()
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		err := chromedp.Do(ctx, chromedp.Navigate(url))
		cancel()
		if err == nil {
			return
		}
		if !strings.Contains(err.Error(), "ERR_ABORTED") || attempt == 5 {
			b.t.Fatalf("navigate to %s: %v", url, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// get runs one step that reads a value. Pages reload themselves when their
// complaint changes; a read that meets the old page detaching is read again from the
// new one (reads have no side effects, so repeating one is safe).
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		v, err := chromedp.Run(ctx, a)
		cancel()
		if err == nil {
			return v
		}
		if !pageReloading(err) || attempt == 5 {
			b.t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// clickThrough clicks sel, a form's button or a link, and waits for the page it
// leads to. The next step must not meet the page it left: that page has the same
// forms and tables, and a step on it fails as it is replaced ("No node with given
// id found") or reads what the click has not changed yet.
func clickThrough(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](`window.clickedThrough = true`)(ctx, t); err != nil {
			return err
		}
		// The click's own navigation may close the page before chromedp's last
		// mouse event is answered; the wait below tells whether a page came.
		if _, err := chromedp.Click(chromedp.CSS(sel))(ctx, t); err != nil && !strings.Contains(err.Error(), navigatedAway) {
			return err
		}
		for {
			arrived, err := chromedp.Evaluate[bool](`window.clickedThrough !== true && document.readyState === "complete"`)(ctx, t)
			switch {
			case err == nil && arrived:
				return nil
			case err != nil && !pageReloading(err):
				return err
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("no new page after clicking %s: %w", sel, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// navigatedAway is chromedp's error for a call the page left before answering.
const navigatedAway = "Inspected target navigated or closed"

// pageReloading tells the errors of a page being replaced by its next load.
func pageReloading(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Not attached to an active page") ||
		strings.Contains(msg, "No node with given id found") ||
		strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, navigatedAway)
}

// request sends method path with the browser's session cookies from outside the
// page (a form when form is not nil), as a hand-made request would; it returns the
// status and body.
func (b *browser) request(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	jar, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		b.t.Fatal(err)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range jar.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// screenshot saves the page as name.png in the screenshot directory.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png := get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.shot, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) signIn(token string) {
	b.t.Helper()
	b.run("sign in",
		chromedp.Navigate(b.base+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token),
		clickThrough(`button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#queue-rows`)))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return get(b, "read "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
}

// The console in a real browser: an agent works the complaint routed to them, a new
// complaint appears in the open queue by itself, writes need the session's CSRF
// token and die with the session, and a manager decides an escalation.
func TestConsoleInABrowser(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ann, maxTok := s.personToken("agent", "ann"), s.personToken("manager", "max")
	first := s.file(adminToken, "console-1", apiclient.High, apiclient.High)
	id := first.Id.String()
	b := newBrowser(t, s.url)

	// The agent's queue shows the complaint routed to them, its countdown running.
	b.signIn(ann)
	row := `tr[data-id="` + id + `"] .countdown`
	b.run("queue row", chromedp.WaitVisible(chromedp.CSS(row)))
	before := b.text(row)
	time.Sleep(1100 * time.Millisecond)
	after := b.text(row)
	if before == after || !strings.Contains(after, "left") || !strings.Contains(after, "on track") {
		t.Errorf("countdown %q then %q, want a running countdown with its level in words", before, after)
	}
	b.screenshot("queue")

	// A complaint filed while the queue is open appears without a reload.
	second := s.file(adminToken, "console-2", apiclient.Medium, apiclient.High)
	b.run("new complaint appears", chromedp.WaitVisible(chromedp.CSS(`tr[data-id="`+second.Id.String()+`"]`)))

	// The complaint page; a resolution without a root cause is the API's refusal, inline.
	b.run("open the complaint",
		clickThrough(`tr[data-id="`+id+`"] a`),
		chromedp.WaitVisible(chromedp.CSS(`#form-resolve`)))
	b.screenshot("complaint")
	b.run("resolve without a root cause",
		chromedp.SendKeys(chromedp.CSS(`#resolve-summary`), "parcel found"),
		clickThrough(`#form-resolve button`),
		chromedp.WaitVisible(chromedp.CSS(`#resolve-root_cause-error`)))
	summary := get(b, "the kept summary", chromedp.Value(chromedp.CSS(`#resolve-summary`)))
	if summary != "parcel found" {
		t.Errorf("the refused form kept %q, want the summary typed", summary)
	}
	b.screenshot("complaint-refused")

	b.run("acknowledge",
		chromedp.SendKeys(chromedp.CSS(`#ack-message`), "sorry, we are tracing your parcel"),
		clickThrough(`#form-acknowledge button`))
	eventually(t, 15*time.Second, "the acknowledgement", func() bool { return s.count(id, "acknowledged") == 1 })
	b.run("resolve",
		chromedp.WaitVisible(chromedp.CSS(`#form-resolve`)),
		chromedp.SendKeys(chromedp.CSS(`#resolve-summary`), "parcel found"),
		chromedp.SendKeys(chromedp.CSS(`#resolve-root-cause`), "mislabelled at depot"),
		clickThrough(`#form-resolve button`))
	eventually(t, 15*time.Second, "the resolution", func() bool { return s.count(id, "resolved") == 1 })

	// Ann asks for an escalation of the second complaint through its form.
	b.navigate(s.url + "/console/complaints/" + second.Id.String())
	b.run("request escalation",
		chromedp.WaitVisible(chromedp.CSS(`#escalate-reason`)),
		chromedp.SendKeys(chromedp.CSS(`#escalate-reason`), "the customer asks for a manager"),
		clickThrough(`#form-escalate button`))
	eventually(t, 15*time.Second, "the escalation request", func() bool { return s.count(second.Id.String(), "escalation_requested") == 1 })

	// Writes need the session's CSRF token and come from the console's own pages.
	b.navigate(s.url + "/console/complaints/" + second.Id.String())
	b.run("complaint page",
		chromedp.WaitVisible(chromedp.CSS(`#form-progress`)))
	csrf := get(b, "the CSRF token", chromedp.Value(chromedp.CSS(`#form-progress input[name=csrf]`)))
	jar, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	cookies := jar.Cookies
	post := func(form url.Values, origin string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", s.url+"/console/complaints/"+second.Id.String()+"/pause", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		origin string
		want   int
	}{
		{"no CSRF token", url.Values{"reason": {"x"}}, "", http.StatusForbidden},
		{"wrong CSRF token", url.Values{"reason": {"x"}, "csrf": {"forged"}}, "", http.StatusForbidden},
		{"cross-site origin", url.Values{"reason": {"x"}, "csrf": {csrf}}, "https://evil.example", http.StatusForbidden},
	} {
		if got := post(tc.form, tc.origin); got != tc.want {
			t.Errorf("%s: got HTTP %d, want %d", tc.name, got, tc.want)
		}
	}

	// Signing out ends the session: the old cookie and token act no more.
	b.run("sign out", clickThrough(`.signout button`), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	if got := post(url.Values{"reason": {"x"}, "csrf": {csrf}}, ""); got != http.StatusUnauthorized {
		t.Errorf("a signed-out session's write: got HTTP %d, want 401", got)
	}
	if n := s.count(second.Id.String(), "paused"); n != 0 {
		t.Errorf("refused writes paused the complaint %d times", n)
	}

	// The manager's inbox: the complaint's context, a refusal inline, then a decision.
	b.signIn(maxTok)
	section := `#esc-` + second.Id.String() + `-1`
	b.navigate(s.url + "/console/escalations")
	b.run("inbox", chromedp.WaitVisible(chromedp.CSS(section)))
	if got := b.text(section + ` h2`); got != second.Subject {
		t.Errorf("inbox shows %q, want the complaint's subject %q", got, second.Subject)
	}
	b.screenshot("escalations")
	b.run("reject without a reason",
		chromedp.SetValue(chromedp.CSS(section+` select[name=decision]`), "reject"),
		clickThrough(section+` button`),
		chromedp.WaitVisible(chromedp.CSS(section+` .error`)))
	if got := b.text(section + ` .error`); !strings.Contains(got, "reason") {
		t.Errorf("refusal %q does not name the reason", got)
	}
	b.run("reject",
		chromedp.SetValue(chromedp.CSS(section+` select[name=decision]`), "reject"),
		chromedp.SendKeys(chromedp.CSS(section+` input[name=reason]`), "a manager already called the customer"),
		clickThrough(section+` button`))
	eventually(t, 15*time.Second, "the decision", func() bool { return s.count(second.Id.String(), "escalation_decided") == 1 })
	b.navigate(s.url + "/console/escalations")
	b.run("inbox empty", chromedp.WaitVisible(chromedp.Search(`//p[contains(., "No escalation waits for you")]`)))
}
