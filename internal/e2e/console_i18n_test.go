package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// asChineseViewerInShanghai makes the browser ask for Simplified Chinese and live in
// Asia/Shanghai (UTC+8, no daylight saving), as a viewer there would.
func (b *browser) asChineseViewerInShanghai() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "zh-CN,zh;q=0.9"}}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Shanghai"}); err != nil {
		b.t.Fatal(err)
	}
}

// pageLang is the page's <html lang>.
func (b *browser) pageLang() string {
	b.t.Helper()
	return get(b, "html lang", chromedp.Evaluate[string](`document.documentElement.lang`))
}

// A viewer whose browser asks for Chinese gets the console in Chinese, can switch to
// English with the header's switch (kept for the next pages), and sees times in
// their own zone either way.
func TestConsoleLanguagesAndTimeZone(t *testing.T) {
	s := newStack(t)
	c := s.file(adminToken, "i18n-1", apiclient.Medium, apiclient.High)
	id := c.Id.String()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	wantCreated := c.CreatedAt.In(shanghai).Format("2006-01-02 15:04:05")

	b := newBrowser(t, s.url)
	b.asChineseViewerInShanghai()
	b.signIn(adminToken)

	// The queue in Chinese, its countdown words too.
	if got := b.pageLang(); got != "zh-CN" {
		t.Errorf("html lang = %q, want zh-CN", got)
	}
	if got := b.text(`main h1`); got != "投诉队列" {
		t.Errorf("queue heading %q, want 投诉队列", got)
	}
	if got := b.text(`nav[aria-label="控制台"] a[href="/console/"]`); got != "队列" {
		t.Errorf("nav link %q, want 队列", got)
	}
	if got := b.text(`table thead th:first-child`); got != "主题" {
		t.Errorf("first column %q, want 主题", got)
	}
	row := `tr[data-id="` + id + `"] .countdown`
	b.run("queue row", chromedp.WaitVisible(chromedp.CSS(row)))
	time.Sleep(1100 * time.Millisecond)
	if got := b.text(row); !strings.Contains(got, "剩余") || !strings.Contains(got, "正常") {
		t.Errorf("countdown %q, want it in Chinese (剩余 … 正常)", got)
	}
	b.screenshot("i18n-queue-zh")

	// The complaint page: Chinese labels, the created time in Shanghai's zone.
	b.navigate(s.url + "/console/complaints/" + id)
	b.run("complaint page", chromedp.WaitVisible(chromedp.CSS(`#created-at time`)))
	if got := b.text(`#form-resolve legend`); got != "解决" {
		t.Errorf("resolve legend %q, want 解决", got)
	}
	if got := b.text(`#created-at`); !strings.Contains(got, wantCreated) || !strings.Contains(got, "+8") {
		t.Errorf("created shows %q, want %s in UTC+8", got, wantCreated)
	}
	b.screenshot("i18n-complaint-zh")

	// The switch: English, back on the same page, still in the viewer's zone.
	b.run("switch to English",
		clickThrough(`#langs a[lang="en"]`),
		chromedp.WaitVisible(chromedp.CSS(`#langs a[lang="en"][aria-current]`)),
		chromedp.WaitVisible(chromedp.CSS(`#created-at time`)))
	if got := b.pageLang(); got != "en" {
		t.Errorf("html lang after the switch = %q, want en", got)
	}
	if got := b.text(`#form-resolve legend`); got != "Resolve" {
		t.Errorf("resolve legend after the switch %q, want Resolve", got)
	}
	if got := b.text(`#created-at`); !strings.Contains(got, wantCreated) || !strings.Contains(got, "+8") {
		t.Errorf("created shows %q after the switch, want %s in UTC+8", got, wantCreated)
	}

	// The choice outlives the page, over the browser's Accept-Language.
	b.navigate(s.url + "/console/")
	b.run("queue row", chromedp.WaitVisible(chromedp.CSS(row)))
	if got := b.text(`main h1`); got != "Queue" {
		t.Errorf("queue heading after the switch %q, want Queue", got)
	}
	time.Sleep(1100 * time.Millisecond)
	if got := b.text(row); !strings.Contains(got, "left") || !strings.Contains(got, "on track") {
		t.Errorf("countdown after the switch %q, want English", got)
	}
	b.screenshot("i18n-queue-en")

	// And back to Chinese.
	b.run("switch to Chinese",
		clickThrough(`#langs a[lang="zh-CN"]`),
		chromedp.WaitVisible(chromedp.CSS(`#langs a[lang="zh-CN"][aria-current]`)))
	if got := b.text(`main h1`); got != "投诉队列" {
		t.Errorf("queue heading after switching back %q, want 投诉队列", got)
	}
}
