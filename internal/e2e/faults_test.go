package e2e_test

// Fault scenarios (issue 17 §1): complaints filed through the API, under the
// seconds-long ladderPolicy, while a part dies; then every accepted complaint is
// held to its promise (faultStack.check). Each logs a "figures:" line; the
// figures in docs/reliability.md come from these lines.

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/workflows"
)

// intake files n complaints, one every gap, from a few concurrent callers that
// retry each until accepted (as a client honouring Retry-After does) or until
// deadline. Every resolveEvery-th complaint (none if 0) is then resolved by
// resolveAfterLadder, until 2 minutes after deadline. It returns at once; wait on
// the first WaitGroup for the filings, on the second for the resolutions.
func (f *faultStack) intake(prefix string, n int, gap time.Duration, deadline time.Time, resolveEvery int) ([]*filing, *sync.WaitGroup, *sync.WaitGroup) {
	filings := make([]*filing, n)
	var filed, resolved sync.WaitGroup
	for i := range filings {
		filings[i] = &filing{externalID: prefix + "-" + strconv.Itoa(i)}
		resolve := resolveEvery > 0 && i%resolveEvery == 0
		filed.Add(1)
		if resolve {
			resolved.Add(1)
		}
		go func(fl *filing, after time.Duration) {
			time.Sleep(after)
			f.fileUntilAccepted(fl, deadline)
			filed.Done()
			if resolve {
				defer resolved.Done()
				if fl.accepted {
					f.resolveAfterLadder(fl, deadline.Add(2*time.Minute))
				}
			}
		}(filings[i], time.Duration(i)*gap)
	}
	return filings, &filed, &resolved
}

// figures logs a scenario's figures and fails on any loss or double.
func (f *faultStack) figures(scenario string, tl tally, extra string) {
	f.t.Helper()
	f.t.Logf("figures: %s: %s; %s", scenario, tl, extra)
	if tl.accepted != tl.sent {
		f.t.Errorf("%d of %d complaints never accepted", tl.sent-tl.accepted, tl.sent)
	}
	if tl.other != 0 {
		f.t.Errorf("%d answers were neither 2xx nor 503 (or no answer at all)", tl.other)
	}
}

// Worker: SIGKILL three times at random moments during intake and the breach
// window; each time a new worker process starts after a pause in which deadlines
// pass unattended.
func TestFaultsWorkerKilledThreeTimesDuringIntakeAndBreaches(t *testing.T) {
	f := newFaultStack(t, faultOptions{})
	f.ladderPolicy()
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	// Intake runs 0–10 s, breaches 4–26 s; the first two kills fall in 1–13 s, at
	// least 4 s apart, the third 0–3 s after the first complaints' ladders are
	// complete and their acknowledgements and resolutions begin (resolveAfterLadder).
	var kills []time.Duration
	for len(kills) < 2 {
		at := time.Second + time.Duration(rng.Int64N(int64(12*time.Second)))
		if !slices.ContainsFunc(kills, func(k time.Duration) bool { return (k - at).Abs() < 4*time.Second }) {
			kills = append(kills, at)
		}
	}
	slices.Sort(kills)
	third := time.Duration(rng.Int64N(int64(3 * time.Second)))
	t.Logf("seed %d, kills at %v and %v into the resolutions", seed, kills, third)

	start := time.Now()
	filings, wg, resolutions := f.intake("wk", 30, 330*time.Millisecond, start.Add(2*time.Minute), 5)
	var recoveries, killedAt []time.Duration
	kill := func() {
		killedAt = append(killedAt, time.Since(start))
		f.killWorker()
		time.Sleep(2 * time.Second)
		f.startWorker()
		recoveries = append(recoveries, f.waitReady(2*time.Minute, "the restarted worker", "http://"+f.workerAt+"/readyz"))
	}
	for _, at := range kills {
		time.Sleep(time.Until(start.Add(at)))
		kill()
	}
	select {
	case <-f.resolving:
	case <-time.After(2 * time.Minute):
		t.Fatal("no complaint's ladder was complete within 2 minutes: nothing to resolve")
	}
	time.Sleep(third)
	kill()
	wg.Wait()
	resolutions.Wait()
	tl := f.check(filings, 4*time.Minute)
	f.figures("worker SIGKILL ×3", tl, "killed at "+durations(killedAt)+"; worker ready again after restart in "+durations(recoveries)+"; "+resolvedWindow(filings, start)+
		"; all done "+time.Since(start).Round(time.Second).String()+" after the first filing")
}

// PostgreSQL: stopped with `pg_ctl stop -m immediate` semantics (SIGQUIT) during
// intake and the first breaches, started again 8 s later. Callers get 503 with
// Retry-After meanwhile; the API and the worker recover without a restart. The
// console says "unavailable for now" (503, Retry-After), not an internal error, and
// its session works again after.
func TestFaultsPostgresStoppedImmediatelyDuringIntakeAndBreaches(t *testing.T) {
	f := newFaultStack(t, faultOptions{privatePostgres: true})
	f.ladderPolicy()
	console := signedInConsole(t, f.url, f.agent)
	if status, _, body := consolePage(t, console, f.url+"/console/"); status != http.StatusOK {
		t.Fatalf("the queue before the outage: HTTP %d: %.300s", status, body)
	}
	b := newBrowser(t, f.url)
	b.signIn(f.agent) // the queue, refreshing itself every 3 s
	start := time.Now()
	filings, wg, resolutions := f.intake("pg", 30, 330*time.Millisecond, start.Add(3*time.Minute), 5)

	time.Sleep(5 * time.Second) // intake under way, the first complaints' clocks running
	if err := f.pg.StopImmediate(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	f.waitUnready(30*time.Second, "the API", f.url+"/readyz")
	f.waitUnready(30*time.Second, "the worker", "http://"+f.workerAt+"/readyz")
	if status, retry, body := consolePage(t, console, f.url+"/console/"); status != http.StatusServiceUnavailable ||
		retry == "" || !strings.Contains(body, "Unavailable for now") {
		t.Errorf("the console's queue while PostgreSQL is down: HTTP %d, Retry-After %q: %.300s", status, retry, body)
	}
	if res, err := http.PostForm(f.url+"/console/login", url.Values{"token": {f.agent}}); err != nil {
		t.Fatal(err)
	} else {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(string(body), "unavailable for now") || !strings.Contains(string(body), `id="token"`) {
			t.Errorf("signing in while PostgreSQL is down: HTTP %d, Retry-After %q: %.300s", res.StatusCode, res.Header.Get("Retry-After"), body)
		}
	}
	b.run("the open queue says it is not up to date", chromedp.WaitVisible(chromedp.CSS(`#queue-stale`)))
	if note := b.text(`#queue-stale`); !strings.Contains(note, "Not up to date") || !strings.Contains(note, "HTTP 503") {
		t.Errorf("the queue's note while PostgreSQL is down: %q", note)
	}
	b.screenshot("queue-stale")
	time.Sleep(time.Until(stopped.Add(8 * time.Second)))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := f.pg.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	apiBack := f.waitReady(2*time.Minute, "the API", f.url+"/readyz")
	workerBack := f.waitReady(2*time.Minute, "the worker", "http://"+f.workerAt+"/readyz")
	if status, _, body := consolePage(t, console, f.url+"/console/"); status != http.StatusOK {
		t.Errorf("the console's queue after the outage, same session: HTTP %d: %.300s", status, body)
	}
	b.run("the open queue is up to date again", chromedp.WaitNotVisible(chromedp.CSS(`#queue-stale`)))
	wg.Wait()
	intakeDone := time.Since(restarted)
	resolutions.Wait()
	tl := f.check(filings, 4*time.Minute)
	if tl.answered503 == 0 {
		t.Errorf("no caller was answered 503 while PostgreSQL was down; the outage missed intake")
	}
	f.figures("PostgreSQL stop -m immediate", tl,
		"down "+restarted.Sub(stopped).Round(100*time.Millisecond).String()+
			"; API ready "+apiBack.Round(100*time.Millisecond).String()+", worker ready "+workerBack.Round(100*time.Millisecond).String()+
			" after the restart; intake complete "+intakeDone.Round(100*time.Millisecond).String()+" after it; "+
			resolvedWindow(filings, start)+" (PostgreSQL stopped at "+stopped.Sub(start).Round(100*time.Millisecond).String()+")")
}

// Temporal: the dev server (file DB) killed during the breach window and started
// again 8 s later. /readyz goes unready and back; filings while it is down are
// answered 503 promptly and, unretried, get their workflows from the reconciler
// (defect 1: the orphan case); every timer fires once.
func TestFaultsTemporalKilledDuringBreaches(t *testing.T) {
	f := newFaultStack(t, faultOptions{privateTemporal: true})
	f.ladderPolicy()
	start := time.Now()
	filings, wg, _ := f.intake("tp", 20, 250*time.Millisecond, start.Add(time.Minute), 0)
	wg.Wait()
	first := filings[0]
	eventually(t, time.Minute, "the breach window", func() bool { return f.count(first.id, "sla_breached") >= 1 })

	// A suggestion on the improvement backlog, to be marked done while Temporal is down.
	sug := f.must(201, f.do("POST", "/v1/feedback", f.crmToken, map[string]any{"external_id": "tp-suggestion",
		"kind": "suggestion", "channel": "app", "text": "建议增加夜间配送时段，希望晚上也能送货",
		"customer": map[string]any{"id": "tp-cust", "name": "张伟", "tier": "medium", "email": "zw@example.com"}}))
	backlogID, _ := sug.body["backlog_id"].(string)
	if backlogID == "" {
		t.Fatalf("the suggestion made no backlog item: %s", sug.raw)
	}

	f.tempo.Kill()
	killed := time.Now()
	f.waitUnready(30*time.Second, "the API", f.url+"/readyz")
	f.waitUnready(30*time.Second, "the worker", "http://"+f.workerAt+"/readyz")
	// Filed while Temporal is down: a prompt 503 with Retry-After, and no retry.
	var orphans []*filing
	var slowest time.Duration
	for i := range 5 {
		fl := &filing{externalID: "tp-orphan-" + strconv.Itoa(i)}
		status, took := f.fileOnce(fl)
		if status != http.StatusServiceUnavailable {
			t.Fatalf("filing while Temporal is down: HTTP %d, want 503", status)
		}
		slowest = max(slowest, took)
		orphans = append(orphans, fl)
	}
	if slowest > 15*time.Second {
		t.Errorf("a filing while Temporal was down took %v to be refused, want promptly (the 5 s bound and slack)", slowest)
	}
	// A risk alert and a PDCA cycle opened by hand meanwhile are recorded too, with a
	// 503 naming them; their workflows are the reconciler's as well.
	opened := map[string]string{} // the Location of the 503: its workflow's ID
	for _, o := range []struct {
		path, key  string
		workflowID func(string) string
	}{
		{"/v1/risk-alerts", "tp-alert", workflows.RiskAlertWorkflowID}, {"/v1/pdca-cycles", "tp-cycle", workflows.PDCAWorkflowID},
	} {
		body := map[string]any{"grade": "red", "description": "Temporal down while opening"}
		if o.key == "tp-cycle" {
			body = map[string]any{"title": "Temporal down while opening", "metric": "nps"}
		}
		res := f.doKeyed("POST", o.path, adminToken, o.key, body)
		loc := res.header.Get("Location")
		if res.status != http.StatusServiceUnavailable || !strings.HasPrefix(loc, o.path+"/") || res.header.Get("Retry-After") == "" {
			t.Fatalf("POST %s while Temporal is down: HTTP %d, Location %q, %s; want 503 naming what was recorded", o.path, res.status, loc, res.raw)
		}
		opened[loc] = o.workflowID(strings.TrimPrefix(loc, o.path+"/"))
	}
	// Marked done meanwhile: the change stands, and the customer's notice is the
	// reconciler's too.
	if res := f.do("PATCH", "/v1/improvement-backlog/"+backlogID, adminToken, map[string]any{"status": "done"}); res.status != http.StatusServiceUnavailable {
		t.Fatalf("backlog item done while Temporal is down: HTTP %d %s, want 503", res.status, res.raw)
	}
	if it, err := f.store.BacklogItem(context.Background(), backlogID); err != nil || it.Status != "done" {
		t.Fatalf("the backlog item after the 503: %+v, %v; want done", it, err)
	}
	opened["/v1/improvement-backlog/"+backlogID] = workflows.SuggestionDoneWorkflowID(backlogID)
	time.Sleep(time.Until(killed.Add(8 * time.Second)))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := f.tempo.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	apiBack := f.waitReady(2*time.Minute, "the API", f.url+"/readyz")
	workerBack := f.waitReady(2*time.Minute, "the worker", "http://"+f.workerAt+"/readyz")

	// The orphans were recorded; the reconciler starts them within a minute.
	for _, fl := range orphans {
		c, err := f.store.ComplaintByExternalID(context.Background(), "crm", fl.externalID) // filed through crm
		if err != nil {
			t.Fatalf("orphan %s not recorded: %v", fl.externalID, err)
		}
		fl.id, fl.reconciled = c.ID, true
	}
	eventually(t, time.Minute, "the reconciler to start every orphan's workflow", func() bool {
		for _, fl := range orphans {
			if !f.workflowExists(fl.id) {
				return false
			}
		}
		return true
	})
	reconciled := time.Since(restarted)
	eventually(t, time.Minute, "the reconciler to start the risk alert's, the cycle's and the notice's workflows", func() bool {
		for _, id := range opened {
			if _, err := f.temporal.DescribeWorkflowExecution(context.Background(), id, ""); err != nil {
				return false
			}
		}
		marks, err := f.store.PendingQualityStarts(context.Background(), 0, 10)
		return err == nil && len(marks) == 0
	})
	// A retry with the same key learns the one recorded; nothing was opened twice.
	for _, o := range []struct{ path, key string }{{"/v1/risk-alerts", "tp-alert"}, {"/v1/pdca-cycles", "tp-cycle"}} {
		body := map[string]any{"grade": "red", "description": "Temporal down while opening"}
		if o.key == "tp-cycle" {
			body = map[string]any{"title": "Temporal down while opening", "metric": "nps"}
		}
		res := f.must(200, f.doKeyed("POST", o.path, adminToken, o.key, body))
		if loc := o.path + "/" + res.body["id"].(string); opened[loc] == "" {
			t.Errorf("retried POST %s answered %s, not the one recorded while Temporal was down (%v)", o.path, loc, opened)
		}
	}
	tl := f.check(append(filings, orphans...), 4*time.Minute)
	// The orphans were sent and answered 503 on purpose: they are not "accepted".
	tl.sent -= len(orphans)
	f.figures("Temporal killed in the breach window", tl,
		"down "+restarted.Sub(killed).Round(100*time.Millisecond).String()+
			"; API ready "+apiBack.Round(100*time.Millisecond).String()+", worker ready "+workerBack.Round(100*time.Millisecond).String()+
			" after the restart; 5 filings while down refused in at most "+slowest.Round(100*time.Millisecond).String()+
			", their workflows started by the reconciler "+reconciled.Round(100*time.Millisecond).String()+" after the restart")
}

// Start-up (defect 3): the API and the worker start while PostgreSQL and Temporal
// are both down, answer /readyz unready and callers 503 with Retry-After, and
// become ready when the two return — no restart.
func TestFaultsProcessesStartWhileDependenciesAreDown(t *testing.T) {
	f := newFaultStack(t, faultOptions{privatePostgres: true, privateTemporal: true})
	f.ladderPolicy()
	for _, p := range []*exec.Cmd{f.apiProc, f.workerProc} {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	if err := f.pg.StopImmediate(); err != nil {
		t.Fatal(err)
	}
	f.tempo.Kill()
	f.startAPI()
	f.startWorker()
	for _, url := range []string{f.url + "/readyz", "http://" + f.workerAt + "/readyz"} {
		eventually(t, time.Minute, url+" to answer 503", func() bool { return readyzStatus(url) == http.StatusServiceUnavailable })
	}
	fl := &filing{externalID: "startup-1"}
	if status, _ := f.fileOnce(fl); status != http.StatusServiceUnavailable {
		t.Fatalf("filing with both dependencies down: HTTP %d, want 503", status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := f.pg.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.tempo.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	apiBack := f.waitReady(2*time.Minute, "the API", f.url+"/readyz")
	workerBack := f.waitReady(2*time.Minute, "the worker", "http://"+f.workerAt+"/readyz")
	f.fileUntilAccepted(fl, time.Now().Add(time.Minute))
	tl := f.check([]*filing{fl}, 2*time.Minute)
	f.figures("start-up with PostgreSQL and Temporal down", tl,
		"API ready "+apiBack.Round(100*time.Millisecond).String()+", worker ready "+workerBack.Round(100*time.Millisecond).String()+
			" after both returned; first complaint accepted "+time.Since(back).Round(100*time.Millisecond).String()+" after")
}

func readyzStatus(url string) int {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// resolvedWindow says when, after start, the resolutions were confirmed.
func resolvedWindow(filings []*filing, start time.Time) string {
	var first, last time.Duration
	for _, fl := range filings {
		if !fl.resolved {
			continue
		}
		at := fl.resolvedAt.Sub(start)
		if first == 0 || at < first {
			first = at
		}
		last = max(last, at)
	}
	return "resolutions confirmed " + first.Round(100*time.Millisecond).String() + "–" + last.Round(100*time.Millisecond).String() + " after the first filing"
}

func durations(ds []time.Duration) string {
	out := ""
	for i, d := range ds {
		if i > 0 {
			out += ", "
		}
		out += d.Round(100 * time.Millisecond).String()
	}
	return out
}

// signedInConsole is an HTTP client holding a console session of token's, signed in
// through the console's form; it does not follow redirects.
func signedInConsole(t *testing.T, base, token string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/console/login", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("console sign-in: HTTP %d", res.StatusCode)
	}
	return c
}

// consolePage gets a console page: its status, Retry-After and body.
func consolePage(t *testing.T, c *http.Client, url string) (status int, retryAfter, body string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Retry-After"), string(b)
}
