package e2e_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The dashboard shows the feedback's sentiment per channel and category, the API's
// counts (GET /v1/metrics sentiment), in English and in Chinese.
func TestConsoleDashboardSentiment(t *testing.T) {
	s := newStack(t)
	for i, text := range []string{"非常快，态度好", "送餐太慢了，菜都凉了", "菜都凉了，我要投诉到12315"} {
		s.must(201, s.do("POST", "/v1/feedback", adminToken, map[string]any{
			"external_id": fmt.Sprintf("sent-%d", i), "kind": "social_mention", "channel": "social_media", "text": text}))
	}
	b := newBrowser(t, s.url)
	b.signIn(adminToken)

	b.navigate(s.url + "/console/dashboard?period=4w")
	b.run("open the dashboard", chromedp.WaitVisible(chromedp.CSS(`#chart-sentiment-channel canvas`)))
	o := b.option("chart-sentiment-channel")
	want := map[string][]any{"negative": {2.0}, "neutral": {0.0}, "positive": {1.0}}
	for _, sr := range o.Series {
		if w, ok := want[sr.ID]; ok {
			if !reflect.DeepEqual(sr.Data, w) {
				t.Errorf("chart-sentiment-channel %s = %v, want %v", sr.ID, sr.Data, w)
			}
			delete(want, sr.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("chart-sentiment-channel lacks series %v", want)
	}
	row := b.text(`#table-sentiment-channel tbody tr`)
	if !strings.Contains(row, "social media") {
		t.Errorf("sentiment by channel row %q, want social media", row)
	}
	if got := b.text(`#caption-sentiment-category`); !strings.Contains(got, "Feedback sentiment by category") {
		t.Errorf("caption %q", got)
	}
	b.screenshot("dashboard-sentiment")

	b.run("switch to Chinese",
		clickThrough(`#langs a[lang="zh-CN"]`),
		chromedp.WaitVisible(chromedp.CSS(`#chart-sentiment-channel canvas`)))
	if got := b.text(`#caption-sentiment-channel`); !strings.Contains(got, "反馈情感") {
		t.Errorf("caption in Chinese %q, want 反馈情感…", got)
	}
	if got := b.text(`#table-sentiment-channel thead`); !strings.Contains(got, "正面") || !strings.Contains(got, "愤怒") {
		t.Errorf("head in Chinese %q, want 正面, 愤怒", got)
	}
}
