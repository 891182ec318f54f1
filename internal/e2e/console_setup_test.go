package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The quality setup in the browser: the quality lead follows the navigation to the
// page, a review rule out of range is the API's refusal shown next to its field
// with nothing saved; a review rule (min_volume) and a risk threshold
// (kpi_min_volume, a handling period) changed through the page are what the API
// then answers, changed by the lead.
func TestConsoleQualitySetupChangesRulesAndThresholds(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin := s.personToken("quality", "qin")
	b := newBrowser(t, s.url)
	b.signInAs(qin)
	b.run("the navigation links the page", chromedp.WaitVisible(chromedp.CSS(`#nav-setup`)), clickThrough(`#nav-setup`),
		chromedp.WaitVisible(chromedp.CSS(`#form-rules`)))
	value := func(sel string) string {
		t.Helper()
		return get(b, "value of "+sel, chromedp.Evaluate[string](`document.querySelector("`+sel+`").value`))
	}
	if got := value("#rules-min_volume"); got != "10" {
		t.Fatalf("min_volume shown %q, want the default 10", got)
	}

	b.run("a minimum of no samples",
		chromedp.SetValue(chromedp.CSS(`#rules-min_volume`), "0"),
		clickThrough(`#form-rules button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#rules-min_volume-error`)))
	if got := b.text(`#rules-min_volume-error`); !strings.Contains(got, "from 1 to") {
		t.Errorf("min_volume refusal %q", got)
	}
	if got := value("#rules-min_volume"); got != "0" {
		t.Errorf("the refused value is kept in its field: %q", got)
	}
	if rules := s.must(200, s.do("GET", "/v1/review-rules", s.token("quality"), nil)).body; rules["min_volume"] != 10.0 {
		t.Fatalf("a refused form changed the rules: %v", rules)
	}

	b.run("a review rule",
		chromedp.SetValue(chromedp.CSS(`#rules-min_volume`), "7"),
		clickThrough(`#form-rules button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#form-thresholds`)))
	eventually(t, 20*time.Second, "the review rules saved", func() bool {
		return s.must(200, s.do("GET", "/v1/review-rules", s.token("quality"), nil)).body["min_volume"] == 7.0
	})
	b.run("a risk threshold and a handling period",
		chromedp.SetValue(chromedp.CSS(`#thresholds-kpi_min_volume`), "4"),
		chromedp.SetValue(chromedp.CSS(`#thresholds-red_handling`), "2h"),
		clickThrough(`#form-thresholds button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#thresholds-updated`)))
	var th map[string]any
	eventually(t, 20*time.Second, "the risk thresholds saved", func() bool {
		th = s.must(200, s.do("GET", "/v1/risk-thresholds", s.token("quality"), nil)).body
		return th["updated_by"] == "qin"
	})
	if th["kpi_min_volume"] != 4.0 || th["red_handling_seconds"] != 7200.0 {
		t.Errorf("saved thresholds %v", th)
	}
	if got := value("#thresholds-kpi_min_volume"); got != "4" {
		t.Errorf("kpi_min_volume shown %q after saving", got)
	}
	b.screenshot("quality-setup")
}
