package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The quality team opens a PDCA cycle from the board, 002 §9.2 「每月初基于客户体验报告和
// 运营数据看板识别改进机会」: the form starts in the viewer's zone; a keyword-volume
// cycle without its keyword is the API's refusal, shown at the keyword field with
// what was typed kept; with the keyword the cycle opens and its page shows.
func TestConsoleOpensAPDCACycle(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin := s.personToken("quality", "qin")

	b := newBrowser(t, s.url)
	if _, err := chromedp.Call(b.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Shanghai"}); err != nil {
		t.Fatal(err)
	}
	b.signInAs(qin)
	b.navigate(s.url + "/console/pdca")
	b.run("unfold the new cycle's form",
		chromedp.WaitVisible(chromedp.CSS(`#open-cycle summary`)),
		chromedp.Click(chromedp.CSS(`#open-cycle summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#open-title`)))
	if zone := get(b, "the zone", chromedp.Value(chromedp.CSS(`#open-zone`))); zone != "Asia/Shanghai" {
		t.Errorf("the zone field starts as %q, want the browser's Asia/Shanghai", zone)
	}
	b.screenshot("quality-pdca-open")

	const title = "Fewer late-parcel complaints"
	b.run("open without the keyword",
		fill(`#open-title`, title),
		fill(`#open-metric`, "keyword_volume"),
		fill(`#open-category`, "logistics"),
		fill(`#open-baseline`, "40"),
		fill(`#open-target`, "20"),
		clickThrough(`#form-open-cycle button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#open-keyword-error`)))
	if got := get(b, "the kept title", chromedp.Value(chromedp.CSS(`#open-title`))); got != title {
		t.Errorf("the refused form kept the title %q, want %q", got, title)
	}
	if got := get(b, "the kept zone", chromedp.Value(chromedp.CSS(`#open-zone`))); got != "Asia/Shanghai" {
		t.Errorf("the refused form kept the zone %q, want Asia/Shanghai", got)
	}
	b.screenshot("quality-pdca-open-refused")

	b.run("open with the keyword",
		fill(`#open-keyword`, "late parcel"),
		clickThrough(`#form-open-cycle button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#cycle-stage`)))
	location := get(b, "the cycle's address", chromedp.Location())
	_, id, ok := strings.Cut(location, "/console/pdca/")
	if !ok {
		t.Fatalf("landed on %s, want the cycle's page", location)
	}
	cy := s.must(200, s.do("GET", "/v1/pdca-cycles/"+id, qin, nil)).body
	if cy["title"] != title || cy["metric"] != "keyword_volume" || cy["keyword"] != "late parcel" || cy["category"] != "logistics" ||
		cy["baseline"] != 40.0 || cy["target"] != 20.0 || cy["time_zone"] != "Asia/Shanghai" ||
		cy["check_spec"] != quality.DefaultCycleCheckSpec || cy["stage"] != "plan" {
		t.Errorf("the cycle opened: %v", cy)
	}
	if got := b.text(`main h1`); !strings.Contains(got, title) {
		t.Errorf("the cycle page's heading %q, want the title", got)
	}
	b.screenshot("quality-pdca-opened")
}
