package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/workflows"
)

// The knowledge base in the browser (001 「建立集中化的知识库和学习平台,支持员工即时获取所需
// 信息」): a quality person writes an article owned by the agent ann; bob, another
// agent, finds it by a Chinese word of its answer and from the panel of a complaint
// about slow logistics, and may not change it; ann, its owner with an agent token,
// marks it reviewed, as its history shows; quinn retires it after confirming.
func TestConsoleKnowledgeBaseFromWritingToReview(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	for _, id := range []string{"ann", "bob"} {
		s.must(201, s.do("PUT", "/v1/people/"+id, adminToken, map[string]any{"name": strings.ToUpper(id[:1]) + id[1:], "role": "agent"}))
	}
	quinn, bob, ann := s.personToken("quality", "quinn"), s.personToken("agent", "bob"), s.personToken("agent", "ann")
	complaint := s.file(adminToken, "kb-1", apiclient.Medium, apiclient.High) // logistics: 「物流慢，客服态度差」
	if !strings.Contains(strings.Join(complaint.Keywords, " "), "物流") {
		t.Fatalf("the complaint's keywords %v hold no 物流: the panel would have nothing to match", complaint.Keywords)
	}

	b := newBrowser(t, s.url)
	errs := b.watchErrors()
	b.signInAs(quinn)
	b.navigate(s.url + "/console/knowledge")
	b.run("write the article",
		chromedp.WaitVisible(chromedp.CSS(`#form-article`)),
		fill(`#new-title`, "物流慢怎么办"),
		fill(`#new-body`, "先查询物流单号的最新节点,向客户致歉并说明预计送达时间。\n超过3天未更新的,联系承运商催件。"),
		fill(`#new-category`, "logistics"),
		fill(`#new-keywords`, "物流慢，催件"),
		fill(`#new-owner`, "ann"),
		fill(`#new-every`, "30"),
		clickThrough(`#form-article button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#article-body`)))
	location := get(b, "the article's address", chromedp.Location())
	_, id, _ := strings.Cut(location, "/console/knowledge/")
	created := s.must(200, s.do("GET", "/v1/knowledge/"+id, quinn, nil)).body
	if created["owner"] != "ann" || created["category"] != "logistics" || created["review_every_days"] != float64(30) ||
		b.text(`main h1`) != "物流慢怎么办" || b.count(`#article-body br`) != 1 {
		t.Fatalf("the article written: %v, page title %q", created, b.text(`main h1`))
	}
	b.screenshot("knowledge-article")
	b.signOut()

	// Bob searches by a word of the answer, and meets the article on the complaint.
	b.signInAs(bob)
	b.run("bob's nav offers the knowledge base", chromedp.WaitVisible(chromedp.CSS(`#nav-knowledge`)))
	b.navigate(s.url + "/console/knowledge")
	if b.exists(`#form-article`) {
		t.Error("an agent is offered the form that writes an article, which the API refuses them")
	}
	b.run("search 催件", fill(`#kb-q`, "催件"), clickThrough(`#knowledge-search button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#articles`)))
	if !b.exists(`#articles a[href="/console/knowledge/` + id + `"]`) {
		t.Errorf("searching 催件 does not find the article: %s", b.text(`#articles`))
	}
	b.screenshot("knowledge-search")
	b.run("search 退款", fill(`#kb-q`, "退款"), clickThrough(`#knowledge-search button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#articles`)))
	if b.exists(`#articles a[href="/console/knowledge/` + id + `"]`) {
		t.Error("searching 退款 finds the article, which does not hold it")
	}
	b.navigate(s.url + "/console/complaints/" + complaint.Id.String())
	b.run("the complaint's knowledge panel", chromedp.WaitVisible(chromedp.CSS(`#knowledge-panel`)),
		clickThrough(`#knowledge-panel a[href="/console/knowledge/`+id+`"]`), chromedp.WaitVisible(chromedp.CSS(`#article-body`)))
	if b.exists(`#form-review`) || b.exists(`#form-edit`) || !b.exists(`#article-why`) {
		t.Error("bob, who neither owns nor keeps the article, is offered its forms or not told why not")
	}
	b.signOut()

	// Ann, its owner, marks it reviewed.
	b.signInAs(ann)
	b.navigate(s.url + "/console/knowledge/" + id)
	if b.exists(`#form-retire`) {
		t.Error("the owner, an agent, is offered retiring, which the API keeps for quality, manager and admin")
	}
	b.run("ann reviews", clickThrough(`#form-review button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(`#article-body`)))
	reviewed := s.must(200, s.do("GET", "/v1/knowledge/"+id, quinn, nil)).body
	if reviewed["reviewed_by"] == created["reviewed_by"] || !(reviewed["reviewed_at"].(string) > created["reviewed_at"].(string)) {
		t.Errorf("after ann's review: reviewed %v by %v, before %v by %v", reviewed["reviewed_at"], reviewed["reviewed_by"],
			created["reviewed_at"], created["reviewed_by"])
	}
	if got := b.count(`#article-history > li`); got != 2 || !strings.Contains(b.text(`#article-history > li[data-kind="reviewed"]`), "ann") {
		t.Errorf("the article's history: %d entries, %q; want its creation and ann's review", got, b.text(`#article-history`))
	}
	b.signOut()

	// Quinn retires it, asked first: nothing changes until the confirmation is sent.
	b.signInAs(quinn)
	b.navigate(s.url + "/console/knowledge/" + id)
	b.run("quinn asks to retire", clickThrough(`#retire-article`), chromedp.WaitVisible(chromedp.CSS(`#confirm-form`)))
	b.screenshot("knowledge-retire-confirm")
	if live := s.must(200, s.do("GET", "/v1/knowledge/"+id, quinn, nil)).body; live["retired_at"] != nil {
		t.Fatalf("retired before the confirmation: %v", live["retired_at"])
	}
	b.run("quinn confirms", clickThrough(`#confirm-yes`), chromedp.WaitVisible(chromedp.CSS(`#article-retired`)))
	if retired := s.must(200, s.do("GET", "/v1/knowledge/"+id, quinn, nil)).body; retired["retired_at"] == nil ||
		b.count(`#article-history > li`) != 3 || b.exists(`#form-edit`) {
		t.Errorf("after confirming: retired_at %v, history %q, edit form %v", retired["retired_at"], b.text(`#article-history`), b.exists(`#form-edit`))
	}
	for _, e := range errs.take() {
		t.Errorf("the browser reports %s", e)
	}
}

// Stale knowledge on the real stack (002 §9.1 blue 「知识库更新滞后」): ann's article is
// past its review date; the risk monitor opens a blue stale_knowledge alert owned by
// ann, its evidence listing the article; ann, with an agent token, reviews the
// article and closes the alert with its ledger entry.
func TestAStaleArticleIsABlueAlertItsOwnerClosesAfterReviewing(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	s.must(201, s.do("PUT", "/v1/people/ann", adminToken, map[string]any{"name": "Ann", "role": "agent"}))
	quinn, ann := s.personToken("quality", "quinn"), s.personToken("agent", "ann")
	article := s.must(201, s.do("POST", "/v1/knowledge", quinn, map[string]any{"title": "物流慢怎么办", "body": "先查询物流单号。",
		"category": "logistics", "owner": "ann", "review_every_days": 7})).body
	id := article["id"].(string)
	if _, err := s.store.DB().Exec(`UPDATE knowledge_articles SET reviewed_at = now() - interval '8 days' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if stale := items(s.must(200, s.do("GET", "/v1/knowledge?stale=true", ann, nil))); len(stale) != 1 || stale[0]["id"] != id {
		t.Fatalf("stale articles: %v, want ann's", stale)
	}

	monitor := scheduleID("risk")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &monitor, Kind: apiclient.ReviewScheduleKindRiskMonitor, TimeZone: ptr("UTC")})
	s.trigger(monitor)
	var alertID string
	eventually(t, 90*time.Second, "the monitor opens ann's stale-knowledge alert", func() bool {
		return s.store.DB().Get(&alertID, `SELECT id FROM risk_alerts WHERE condition = 'stale_knowledge'`) == nil
	})
	eventually(t, 30*time.Second, "the alert's workflow runs", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), workflows.RiskAlertWorkflowID(alertID), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Running"
	})
	listed := items(s.must(200, s.do("GET", "/v1/risk-alerts", ann, nil)))
	if len(listed) != 1 || listed[0]["id"] != alertID || listed[0]["grade"] != "blue" || listed[0]["owner_id"] != "ann" ||
		listed[0]["subject"] != "agent:ann" {
		t.Fatalf("ann's alerts: %v, want her blue stale-knowledge alert", listed)
	}
	details, _ := listed[0]["details"].(map[string]any)
	kb, _ := details["knowledge"].(map[string]any)
	evidence, _ := kb["articles"].([]any)
	if len(evidence) != 1 || evidence[0].(map[string]any)["id"] != id {
		t.Fatalf("the alert's evidence: %v, want ann's article", kb)
	}

	reviewed := s.must(200, s.do("POST", "/v1/knowledge/"+id+"/review", ann, nil)).body
	if reviewed["stale"] != false {
		t.Fatalf("reviewed: %v", reviewed)
	}
	s.must(200, s.do("POST", "/v1/risk-alerts/"+alertID+"/respond", ann, map[string]any{"response": "reviewing my articles today"}))
	closed := s.must(200, s.do("POST", "/v1/risk-alerts/"+alertID+"/close", ann, map[string]any{
		"root_cause": "no reminder of review dates", "solution": "article reviewed; weekly look at stale=true", "executor": "ann",
		"action_deadline": time.Now().UTC().Add(24 * time.Hour).Format(time.RFC3339), "verification": "no stale article of ann's"})).body
	if l, _ := closed["ledger"].(map[string]any); closed["status"] != "closed" || l["executor"] != "ann" {
		t.Fatalf("closed: %v", closed)
	}
}
