package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The standing KPI targets in the browser: the quality lead sees the seeds' targets,
// a target out of range and a ticked figure without a target are the API's
// refusals, each shown next to its field with nothing saved; corrected, the
// register is saved as the lead, and the page reads in Chinese too.
func TestConsoleKPITargetsEditor(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin := s.personToken("quality", "qin")
	b := newBrowser(t, s.url)
	b.signInAs(qin)
	b.navigate(s.url + "/console/risk")
	b.run("the risk page links the editor", chromedp.WaitVisible(chromedp.CSS(`#kpi-edit`)), clickThrough(`#kpi-edit`),
		chromedp.WaitVisible(chromedp.CSS(`#form-kpi`)))
	value := func(sel string) string {
		t.Helper()
		return get(b, "value of "+sel, chromedp.Evaluate[string](`document.querySelector("`+sel+`").value`))
	}
	if got := value("#target-csat_score"); got != "85" {
		t.Fatalf("csat_score target shown %q, want the seeds' 85", got)
	}
	if got := value("#target-reopen_rate_pct"); got != "" {
		t.Fatalf("reopen_rate_pct shown %q, want empty (not in the register)", got)
	}

	b.run("an out-of-range target and a ticked figure without one",
		chromedp.SetValue(chromedp.CSS(`#target-csat_score`), "150"),
		chromedp.Click(chromedp.CSS(`#enabled-reopen_rate_pct`)),
		clickThrough(`#form-kpi button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#target-csat_score-error`)),
		chromedp.WaitVisible(chromedp.CSS(`#target-reopen_rate_pct-error`)))
	if got := b.text(`#target-csat_score-error`); !strings.Contains(got, "from 0 up to 100") {
		t.Errorf("csat_score refusal %q", got)
	}
	if got := b.text(`#target-reopen_rate_pct-error`); !strings.Contains(got, "required") {
		t.Errorf("reopen_rate_pct refusal %q", got)
	}
	if got := value("#target-csat_score"); got != "150" {
		t.Errorf("the refused value is kept in its field: %q", got)
	}
	b.screenshot("kpi-targets-refused")
	reg := s.must(200, s.do("GET", "/v1/kpi-targets", s.token("quality"), nil)).body
	if reg["updated_at"] != nil {
		t.Fatalf("a refused form saved the register: %v", reg)
	}

	b.run("corrected",
		chromedp.SetValue(chromedp.CSS(`#target-csat_score`), "88"),
		chromedp.SetValue(chromedp.CSS(`#target-reopen_rate_pct`), "5"),
		chromedp.SetValue(chromedp.CSS(`#note-reopen_rate_pct`), "quality lead, December"),
		clickThrough(`#form-kpi button[type=submit]`))
	var targets map[string]map[string]any
	eventually(t, 20*time.Second, "the register saved", func() bool {
		reg = s.must(200, s.do("GET", "/v1/kpi-targets", s.token("quality"), nil)).body
		targets = map[string]map[string]any{}
		for _, x := range reg["targets"].([]any) {
			x := x.(map[string]any)
			targets[x["kpi"].(string)] = x
		}
		return reg["updated_by"] == "qin"
	})
	if c, r := targets["csat_score"], targets["reopen_rate_pct"]; c["target"] != 88.0 || c["enabled"] != true ||
		r["target"] != 5.0 || r["enabled"] != true || r["note"] != "quality lead, December" || len(targets) != 8 {
		t.Errorf("saved register %v", reg)
	}
	b.navigate(s.url + "/console/kpi-targets")
	b.run("the saved register", chromedp.WaitVisible(chromedp.CSS(`#kpi-updated`)))
	if got := b.text(`#kpi-updated`); !strings.Contains(got, "qin") {
		t.Errorf("updated line %q", got)
	}
	if got := value("#target-reopen_rate_pct"); got != "5" {
		t.Errorf("reopen_rate_pct shown %q after saving", got)
	}

	b.run("in Chinese", clickThrough(`#langs a[lang="zh-CN"]`),
		chromedp.WaitVisible(chromedp.CSS(`#langs a[lang="zh-CN"][aria-current]`)))
	if got := b.text(`h1`); got != "常设 KPI 目标" {
		t.Errorf("zh-CN title %q", got)
	}
	b.screenshot("kpi-targets-zh")
}
