package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// "Review now" in the browser: a period the API cannot read is refused at the
// period field; a month two months back starts a review, shown as started.
func TestConsoleReviewNow(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	b := newBrowser(t, s.url)
	b.signInAs(s.personToken("quality", "qin"))
	b.navigate(s.url + "/console/reviews")
	b.run("refused period",
		chromedp.WaitVisible(chromedp.CSS(`#form-run-review`)),
		chromedp.SetValue(chromedp.CSS(`#run-period`), "last month"),
		chromedp.Click(chromedp.CSS(`#form-run-review button`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-period-error`)))
	if got := b.text(`#run-period-error`); !strings.Contains(got, "is not a period") {
		t.Errorf("period error %q", got)
	}
	if s.countWhere("reviews", "true") != 0 {
		t.Fatal("a refused review was recorded")
	}
	month := time.Now().UTC().AddDate(0, -2, 0).Format("2006-01")
	b.run("review now",
		chromedp.SetValue(chromedp.CSS(`#run-period`), month),
		chromedp.SetValue(chromedp.CSS(`#run-kind`), "quarterly_planning"),
		chromedp.SetValue(chromedp.CSS(`#run-kind`), "monthly_planning"),
		chromedp.Click(chromedp.CSS(`#form-run-review button`)),
		chromedp.WaitVisible(chromedp.CSS(`#review-started`)))
	b.screenshot("reviews-review-now")
	eventually(t, 60*time.Second, "the review recorded", func() bool {
		return s.countWhere("reviews", "schedule_id = 'on-demand' AND finished_at IS NOT NULL") == 1
	})
}
