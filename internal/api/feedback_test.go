package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// newFeedbackAPI is an API server on a fresh database with a Temporal client (feedback
// may file complaints, which start workflows) but no worker: the workflows wait.
func newFeedbackAPI(t *testing.T) *directoryAPI {
	t.Helper()
	a := newAPIServer(t, true, true)
	return &directoryAPI{t: t, url: a.url, srv: a.srv, store: a.store, tokens: roleTokens(t, a.store, "test-")}
}

type discardLogger struct{}

func (discardLogger) Debug(string, ...any) {}
func (discardLogger) Info(string, ...any)  {}
func (discardLogger) Warn(string, ...any)  {}
func (discardLogger) Error(string, ...any) {}

// as calls with a role and checks the status.
func (a *directoryAPI) as(role auth.Role, method, path, body string, want int, header ...string) response {
	a.t.Helper()
	r := a.call(role, method, path, body, header...)
	if r.status != want {
		a.t.Fatalf("%s %s %s as %s: got %d %v, want %d", method, path, body, role, r.status, r.body, want)
	}
	return r
}

func (a *directoryAPI) count(table string) int {
	a.t.Helper()
	var n int
	if err := a.store.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestSeededRulesClassifySeedSentences(t *testing.T) {
	a := newDirectoryAPI(t) // classification needs no Temporal
	tests := []struct {
		text                        string
		problemType, urgency, scope string
		keywords                    []string
	}{
		// Sentences of the seed documents (003, 000) and DOMAIN.md.
		{"例如,某品牌通过优化售后服务流程,客户复购率从65%提升至78%,直接贡献了年销售额增长12%。", "after_sales", "low", "individual", []string{"售后服务"}},
		{"以某物流公司为例,其传统派单系统平均配送时间达3小时,而竞争对手通过AI调度将配送效率提升至1小时,客户投诉率下降60%。", "logistics", "medium", "individual", []string{"配送", "物流"}},
		{"某银行因网银故障未实时监控,导致2000+客户投诉延迟4小时才处理,损失客户价值约120万元。", "product", "medium", "individual", []string{"故障", "投诉", "延迟"}},
		{"例如,某电信客服因缺乏情绪管理培训,导致客户投诉率上升25%,直接造成日均处理时长增加1.5小时。", "service", "medium", "individual", []string{"客服", "培训"}},
		{"例如,某电信运营商通过分析客户投诉文本,发现“套餐复杂”类问题占比32%,远高于技术故障的18%,直接推动产品设计简化,客户满意度提升22%。", "product", "medium", "individual", []string{"套餐复杂"}},
		{"應引入智能化技術,如客服、智能故障診斷、自動化流程處理等,提升服務智能化水平", "service", "medium", "individual", []string{"客服", "故障診斷"}},
		{"物流太慢了", "logistics", "medium", "individual", []string{"物流慢"}},
		{"客服态度很差", "service", "medium", "individual", []string{"客服", "态度差"}},
		{"Low urgency (e.g. feature suggestion): goes into the product iteration backlog", "product", "low", "individual", []string{"feature", "backlog"}},
		{"Angry customer detected: escalate to a human at once and raise priority", "other", "high", "individual", []string{"angry"}},
		{"Many customers say the courier is always late; it is the same across the industry", "logistics", "medium", "industry", []string{"courier", "late"}},
	}
	for _, tt := range tests {
		r := a.as(auth.RoleIntake, "POST", "/v1/classify", fmt.Sprintf(`{"text": %q}`, tt.text), http.StatusOK)
		got := [3]any{r.body["problem_type"], r.body["urgency"], r.body["scope"]}
		if got != [3]any{tt.problemType, tt.urgency, tt.scope} {
			t.Errorf("%s: got %v, want %s/%s/%s (matched %v)", tt.text, got, tt.problemType, tt.urgency, tt.scope, r.body["matched_rules"])
		}
		kws := strs(r.body["keywords"])
		for _, k := range tt.keywords {
			if !slices.Contains(kws, k) {
				t.Errorf("%s: keywords %q lack %q", tt.text, kws, k)
			}
		}
	}
	preview := a.as(auth.RoleAgent, "POST", "/v1/classify", `{"text": "建议增加夜间配送", "kind": "suggestion"}`, http.StatusOK)
	if preview.body["disposition"] != "backlog" || preview.body["urgency"] != "low" {
		t.Errorf("preview with kind: %v", preview.body)
	}
	bad := a.as(auth.RoleAgent, "POST", "/v1/classify", `{"kind": "review", "rating": 9}`, http.StatusBadRequest)
	if got := strings.Join(bad.fields(), ","); got != "text,kind,rating" {
		t.Errorf("bad preview names %s", got)
	}
	if n := a.count("feedback"); n != 0 {
		t.Errorf("preview wrote %d feedback rows", n)
	}
}

func TestClassificationRulesAreReplacedValidatedAndApplied(t *testing.T) {
	a := newDirectoryAPI(t)
	seeded := a.as(auth.RoleQuality, "GET", "/v1/classification-rules", "", http.StatusOK)
	if n := len(seeded.body["items"].([]any)); n < 9 {
		t.Fatalf("%d seeded rules", n)
	}
	a.as(auth.RoleIntake, "GET", "/v1/classification-rules", "", http.StatusForbidden)
	a.as(auth.RoleQuality, "PUT", "/v1/classification-rules", `{"rules":[]}`, http.StatusForbidden)

	bad := a.as(auth.RoleAdmin, "PUT", "/v1/classification-rules", `{"rules":[
		{"dimension":"urgency","value":"high","keywords":["起火"],"priority":30},
		{"dimension":"mood","value":"high","keywords":["x"],"priority":1},
		{"dimension":"scope","value":"group","keywords":[""],"priority":1},
		{"dimension":"problem_type","value":"weather","keywords":["雨"],"priority":2000}]}`, http.StatusBadRequest)
	want := []string{"rules[1].dimension", "rules[2].keywords[0]", "rules[3].value", "rules[3].priority"}
	if got := bad.fields(); !slices.Equal(got, want) {
		t.Errorf("bad rules name %v, want %v", got, want)
	}
	if p := bad.body["errors"].([]any)[1].(map[string]any)["pointer"]; p != "/rules/2/keywords/0" {
		t.Errorf("pointer %v", p)
	}
	a.as(auth.RoleAdmin, "PUT", "/v1/classification-rules", `{"rules":[]}`, http.StatusBadRequest)
	a.as(auth.RoleAdmin, "PUT", "/v1/classification-rules", `{"rules":[{"dimension":"scope","value":"group","keywords":["x"],"weight":1}]}`, http.StatusBadRequest)
	if after := a.as(auth.RoleAgent, "GET", "/v1/classification-rules", "", http.StatusOK); len(after.body["items"].([]any)) != len(seeded.body["items"].([]any)) {
		t.Fatal("a rejected PUT changed the rules")
	}

	// The classifier uses a new set at once.
	before := a.as(auth.RoleAgent, "POST", "/v1/classify", `{"text":"下雨天配送太慢"}`, http.StatusOK)
	if before.body["problem_type"] != "logistics" {
		t.Fatalf("before: %v", before.body)
	}
	put := a.as(auth.RoleAdmin, "PUT", "/v1/classification-rules", `{"rules":[
		{"dimension":"problem_type","value":"product","keywords":["下雨"],"priority":1},
		{"dimension":"urgency","value":"high","keywords":["慢"],"priority":1}]}`, http.StatusOK)
	items := put.body["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["updated_by"] != "admin-token" {
		t.Fatalf("replaced: %v", put.body)
	}
	after := a.as(auth.RoleAgent, "POST", "/v1/classify", `{"text":"下雨天配送太慢"}`, http.StatusOK)
	if after.body["problem_type"] != "product" || after.body["urgency"] != "high" {
		t.Errorf("after the PUT: %v", after.body)
	}
}

const lowSuggestion = `{"external_id":"app-1","kind":"suggestion","channel":"app","text":"建议增加夜间配送时段，希望可以选择晚上送货"}`

// A negative Chinese social-media mention with no customer, high urgency.
const angryMention = `{"external_id":"weibo-1","kind":"social_mention","channel":"social_media",
	"text":"这家的充电器质量太差了，用了两天就起火，孩子的手都受伤了！已经投诉到12315"}`

func TestFeedbackIsClassifiedAndDisposedIdempotently(t *testing.T) {
	a := newFeedbackAPI(t)

	// Low-urgency suggestion → the backlog, no complaint.
	first := a.as(auth.RoleIntake, "POST", "/v1/feedback", lowSuggestion, http.StatusCreated)
	if first.body["disposition"] != "backlog" || first.body["backlog_id"] == nil || first.body["complaint_id"] != nil {
		t.Fatalf("suggestion: %v", first.body)
	}
	cl := first.body["classification"].(map[string]any)
	if cl["problem_type"] != "logistics" || cl["urgency"] != "low" || !slices.Contains(strs(first.body["keywords"]), "配送") {
		t.Errorf("suggestion classification: %v keywords %v", cl, first.body["keywords"])
	}
	if loc := first.header.Get("Location"); loc != "/v1/feedback/"+first.body["id"].(string) {
		t.Errorf("Location %q", loc)
	}
	retry := a.as(auth.RoleIntake, "POST", "/v1/feedback", lowSuggestion, http.StatusOK)
	if !reflect.DeepEqual(retry.body, first.body) {
		t.Errorf("retry answered\n%v\nwant\n%v", retry.body, first.body)
	}
	a.as(auth.RoleIntake, "POST", "/v1/feedback", strings.Replace(lowSuggestion, "夜间", "清晨", 1), http.StatusConflict)
	if a.count("improvement_backlog") != 1 || a.count("complaints") != 0 {
		t.Fatalf("backlog %d complaints %d, want 1 and 0", a.count("improvement_backlog"), a.count("complaints"))
	}

	// Positive rating → recorded.
	rated := a.as(auth.RoleAgent, "POST", "/v1/feedback", `{"kind":"rating","channel":"survey","rating":5,"text":"物流很快，服务好"}`, http.StatusCreated)
	if rated.body["disposition"] != "recorded" || rated.body["rating"] != float64(5) {
		t.Errorf("rating 5: %v", rated.body)
	}

	// Negative mention → a complaint through the intake path, once.
	filed := a.as(auth.RoleIntake, "POST", "/v1/feedback", angryMention, http.StatusCreated)
	fbID := filed.body["id"].(string)
	cid, _ := filed.body["complaint_id"].(string)
	fcl := filed.body["classification"].(map[string]any)
	if filed.body["disposition"] != "complaint" || cid == "" || fcl["urgency"] != "high" || fcl["problem_type"] != "product" {
		t.Fatalf("mention: %v", filed.body)
	}
	c := a.as(auth.RoleAgent, "GET", "/v1/complaints/"+cid, "", http.StatusOK)
	cust := c.body["customer"].(map[string]any)
	if c.body["external_id"] != "feedback:weibo-1" || c.body["category"] != "product" || c.body["urgency"] != "high" ||
		c.body["channel"] != "social_media" || cust["id"] != "anonymous:"+fbID || cust["tier"] != "medium" {
		t.Errorf("complaint from feedback: %v", c.body)
	}
	again := a.as(auth.RoleIntake, "POST", "/v1/feedback", angryMention, http.StatusOK)
	if again.body["complaint_id"] != cid || a.count("complaints") != 1 {
		t.Errorf("retry: complaint %v, %d complaints", again.body["complaint_id"], a.count("complaints"))
	}
	var kw string
	if err := a.store.DB().Get(&kw, `SELECT array_to_string(keywords, ',') FROM complaints WHERE id = $1`, cid); err != nil ||
		!strings.Contains(kw, "充电器") || !strings.Contains(kw, "质量差") {
		t.Errorf("complaint keywords %q (err %v)", kw, err)
	}

	// A dissatisfied rating with a customer → a complaint for that customer.
	low := a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"rating","channel":"survey","rating":1,
		"customer":{"id":"cust-7","name":"李娜","tier":"high"}}`, http.StatusCreated)
	lc := a.as(auth.RoleAgent, "GET", "/v1/complaints/"+low.body["complaint_id"].(string), "", http.StatusOK)
	if lc.body["customer"].(map[string]any)["id"] != "cust-7" || lc.body["urgency"] != "medium" || lc.body["sentiment"] != "negative" {
		t.Errorf("complaint from rating 1: %v", lc.body)
	}
	a.as(auth.RoleQuality, "POST", "/v1/feedback", lowSuggestion, http.StatusForbidden)
}

func TestFeedbackBadInputIsNamedAndChangesNothing(t *testing.T) {
	a := newFeedbackAPI(t)
	tests := []struct {
		body  string
		field string
	}{
		{`{"kind":10,"channel":"app","text":"x"}`, "kind"},
		{`{"kind":"review","channel":"app","text":"x"}`, "kind"},
		{`{"channel":"app","text":"x"}`, "kind"},
		{`{"kind":"suggestion","channel":"fax","text":"x"}`, "channel"},
		{`{"kind":"suggestion","channel":"app"}`, "text"},
		{`{"kind":"suggestion","channel":"app","text":"   "}`, "text"},
		{`{"kind":"rating","channel":"app"}`, "rating"},
		{`{"kind":"rating","channel":"app","rating":0}`, "rating"},
		{`{"kind":"rating","channel":"app","rating":4.5}`, "rating"},
		{`{"kind":"rating","channel":"app","rating":"5"}`, "rating"},
		{`{"kind":"suggestion","channel":"app","text":"x","stars":5}`, "stars"},
		{`{"kind":"suggestion","channel":"app","text":"x","customer":{"id":"c","name":"n","tier":"gold"}}`, "customer.tier"},
		{`{"kind":"suggestion","channel":"app","text":"x","customer":{"id":"c","name":"n","tier":"low","email":"nope"}}`, "customer.email"},
		{`{"kind":"suggestion","channel":"app","text":"x","customer":{"name":"n","tier":"low"}}`, "customer.id"},
		{`{"kind":"suggestion","channel":"app","text":"` + strings.Repeat("长", 10001) + `"}`, "text"},
	}
	for _, tt := range tests {
		r := a.call(auth.RoleIntake, "POST", "/v1/feedback", tt.body)
		if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/problem+json" || !slices.Contains(r.fields(), tt.field) {
			t.Errorf("%.80s: got %d %v, want 400 naming %s", tt.body, r.status, r.body, tt.field)
		}
	}
	for _, table := range []string{"feedback", "improvement_backlog", "complaints"} {
		if n := a.count(table); n != 0 {
			t.Errorf("bad input wrote %d rows to %s", n, table)
		}
	}
}

func TestFeedbackListingAndTheBacklog(t *testing.T) {
	a := newFeedbackAPI(t)
	for i, text := range []string{"建议增加夜间配送", "希望APP能增加深色模式", "建议优化退货流程"} {
		a.as(auth.RoleIntake, "POST", "/v1/feedback", fmt.Sprintf(`{"external_id":"s%d","kind":"suggestion","channel":"app","text":%q}`, i, text), http.StatusCreated)
	}
	a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"rating","channel":"survey","rating":4}`, http.StatusCreated)

	var seen []string
	path := "/v1/feedback?disposition=backlog&limit=2"
	for range 3 {
		page := a.as(auth.RoleQuality, "GET", path, "", http.StatusOK)
		for _, it := range page.body["items"].([]any) {
			seen = append(seen, it.(map[string]any)["external_id"].(string))
		}
		next, _ := page.body["next_cursor"].(string)
		if next == "" {
			break
		}
		path = "/v1/feedback?disposition=backlog&limit=2&cursor=" + next
	}
	if want := []string{"s2", "s1", "s0"}; !slices.Equal(seen, want) {
		t.Errorf("pages %v, want %v", seen, want)
	}
	if ratings := a.as(auth.RoleAgent, "GET", "/v1/feedback?kind=rating", "", http.StatusOK); len(ratings.body["items"].([]any)) != 1 {
		t.Errorf("ratings: %v", ratings.body)
	}
	// An unknown parameter is refused before the values are read (declaredQuery).
	if got := a.as(auth.RoleAgent, "GET", "/v1/feedback?kind=review&sort=asc&cursor=zzz", "", http.StatusBadRequest).fields(); !slices.Equal(got, []string{"sort"}) {
		t.Errorf("bad listing names %v, want sort", got)
	}
	badList := a.as(auth.RoleAgent, "GET", "/v1/feedback?kind=review&cursor=zzz", "", http.StatusBadRequest)
	if got := badList.fields(); !slices.Contains(got, "kind") || !slices.Contains(got, "cursor") {
		t.Errorf("bad listing names %v", got)
	}

	one := a.as(auth.RoleAgent, "GET", "/v1/feedback?limit=1", "", http.StatusOK).body["items"].([]any)[0].(map[string]any)
	a.as(auth.RoleIntake, "GET", "/v1/feedback/"+one["id"].(string), "", http.StatusOK)
	a.as(auth.RoleIntake, "GET", "/v1/feedback/"+uuid.NewString(), "", http.StatusNotFound)
	a.as(auth.RoleIntake, "GET", "/v1/feedback/not-a-uuid", "", http.StatusNotFound)

	a.as(auth.RoleAgent, "GET", "/v1/improvement-backlog", "", http.StatusForbidden)
	backlog := a.as(auth.RoleQuality, "GET", "/v1/improvement-backlog?status=new", "", http.StatusOK)
	items := backlog.body["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("backlog: %v", backlog.body)
	}
	item := items[2].(map[string]any)
	if item["title"] != "建议增加夜间配送" || item["problem_type"] != "logistics" || item["status"] != "new" {
		t.Errorf("backlog item: %v", item)
	}
	id := item["id"].(string)
	planned := a.as(auth.RoleQuality, "PATCH", "/v1/improvement-backlog/"+id, `{"status":"planned"}`, http.StatusOK)
	if planned.body["status"] != "planned" || planned.body["updated_by"] != "quality-token" {
		t.Errorf("patched: %v", planned.body)
	}
	// Optimistic concurrency: the answer's ETag is the item's version; a change
	// against an older one is 412 and changes nothing, against this one it is made.
	etag := planned.header.Get("ETag")
	if want := `"` + planned.body["updated_at"].(string) + `"`; etag != want {
		t.Errorf("ETag %q, want the updated_at quoted, %s", etag, want)
	}
	older := `"` + item["updated_at"].(string) + `"`
	stale := a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+id, `{"status":"rejected"}`, http.StatusPreconditionFailed, "If-Match", older)
	if stale.body["code"] != "precondition_failed" || stale.header.Get("ETag") != etag ||
		!strings.Contains(stale.body["detail"].(string), "quality-token changed it") {
		t.Errorf("a stale change: %v (ETag %q), want precondition_failed naming who changed it and the ETag now", stale.body, stale.header.Get("ETag"))
	}
	if got := a.as(auth.RoleAdmin, "GET", "/v1/improvement-backlog?status=planned", "", http.StatusOK); len(got.body["items"].([]any)) != 1 {
		t.Errorf("after the stale change: %v, want the item still planned", got.body)
	}
	bad := a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+id, `{"status":"rejected"}`, http.StatusBadRequest, "If-Match", "yesterday")
	if !slices.Equal(bad.fields(), []string{"If-Match"}) {
		t.Errorf("a bad If-Match names %v", bad.fields())
	}
	current := a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+id, `{"status":"planned","owner":""}`, http.StatusOK, "If-Match", etag)
	if current.header.Get("ETag") == etag {
		t.Errorf("the change against the current version kept ETag %s", etag)
	}
	a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+id, `{"owner":""}`, http.StatusOK, "If-Match", "*")
	bad = a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+id, `{"status":"someday"}`, http.StatusBadRequest)
	if !slices.Equal(bad.fields(), []string{"status"}) {
		t.Errorf("bad status names %v", bad.fields())
	}
	// An owner and a cycle that do not exist: both named in one answer.
	bad = a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+id, `{"owner":"ghost","cycle_id":"`+uuid.NewString()+`"}`, http.StatusBadRequest)
	if !slices.Equal(bad.fields(), []string{"owner", "cycle_id"}) {
		t.Errorf("an unknown owner and cycle name %v, want both", bad.fields())
	}
	a.as(auth.RoleManager, "PATCH", "/v1/improvement-backlog/"+uuid.NewString(), `{"status":"done"}`, http.StatusNotFound)
	a.as(auth.RoleIntake, "PATCH", "/v1/improvement-backlog/"+id, `{"status":"done"}`, http.StatusForbidden)
	if got := a.as(auth.RoleAdmin, "GET", "/v1/improvement-backlog?status=planned&problem_type=logistics", "", http.StatusOK); len(got.body["items"].([]any)) != 1 {
		t.Errorf("planned logistics items: %v", got.body)
	}
	a.as(auth.RoleAdmin, "GET", "/v1/improvement-backlog?status=someday", "", http.StatusBadRequest)
}

func TestHeatmapCountsKeywordsOfComplaintsAndFeedback(t *testing.T) {
	a := newFeedbackAPI(t)
	complaintBody := func(ext, category, description string) string {
		return fmt.Sprintf(`{"external_id":%q,"channel":"web","customer":{"id":"c1","name":"王芳","tier":"low"},
			"category":%q,"urgency":"medium","subject":"问题","description":%q}`, ext, category, description)
	}
	a.as(auth.RoleIntake, "POST", "/v1/complaints", complaintBody("h1", "logistics", "物流太慢了，包裹一周未到"), http.StatusCreated)
	a.as(auth.RoleIntake, "POST", "/v1/complaints", complaintBody("h2", "logistics", "快递员态度很差，物流也太慢了"), http.StatusCreated)
	a.as(auth.RoleIntake, "POST", "/v1/complaints", complaintBody("h3", "service", "客服态度很差"), http.StatusCreated)
	a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"suggestion","channel":"app","text":"物流太慢了，建议增加仓库"}`, http.StatusCreated)

	hm := a.as(auth.RoleQuality, "GET", "/v1/heatmap?limit=3", "", http.StatusOK)
	if got := strs(hm.body["categories"]); !slices.Equal(got, []string{"product", "service", "logistics", "after_sales", "other"}) {
		t.Errorf("categories %v", got)
	}
	rows := hm.body["items"].([]any)
	top := rows[0].(map[string]any)
	counts := top["counts"].(map[string]any)
	// 物流慢: two logistics complaints and one suggestion about logistics.
	if top["keyword"] != "物流慢" || top["total"] != float64(3) || counts["logistics"] != float64(3) || counts["service"] != float64(0) {
		t.Errorf("top row: %v", top)
	}
	second := rows[1].(map[string]any)
	if second["keyword"] != "态度差" || second["counts"].(map[string]any)["service"] != float64(1) || second["counts"].(map[string]any)["logistics"] != float64(1) {
		t.Errorf("second row: %v", second)
	}
	if len(rows) != 3 {
		t.Errorf("%d rows, want limit 3", len(rows))
	}
	onlyFeedback := a.as(auth.RoleAgent, "GET", "/v1/heatmap?source=feedback", "", http.StatusOK)
	var feedbackKeywords []string
	for _, r := range onlyFeedback.body["items"].([]any) {
		if r.(map[string]any)["total"] != float64(1) {
			t.Errorf("feedback only: %v", r)
		}
		feedbackKeywords = append(feedbackKeywords, r.(map[string]any)["keyword"].(string))
	}
	// Equal counts in byte order; "建议" is a stop word.
	if want := []string{"仓库", "物流慢"}; !slices.Equal(feedbackKeywords, want) {
		t.Errorf("feedback only: %v, want %v", feedbackKeywords, want)
	}
	past := a.as(auth.RoleAgent, "GET", "/v1/heatmap?from=2025-01-01&to=2025-02-01T00:00:00Z", "", http.StatusOK)
	if len(past.body["items"].([]any)) != 0 {
		t.Errorf("an empty period: %v", past.body)
	}

	for query, field := range map[string]string{
		"from=yesterday":                  "from",
		"to=2025-13-01":                   "to",
		"from=2025-02-01&to=2025-01-01":   "to",
		"from=2020-01-01&to=2025-01-01":   "from",
		"source=tweets":                   "source",
		"limit=0":                         "limit",
		"limit=many":                      "limit",
		"category=logistics":              "category",
		"from=2025-01-01T00:00:00+08:00x": "from",
	} {
		r := a.call(auth.RoleQuality, "GET", "/v1/heatmap?"+query, "")
		if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), []string{field}) {
			t.Errorf("%s: got %d %v, want 400 naming %s", query, r.status, r.body, field)
		}
	}
	a.as(auth.RoleIntake, "GET", "/v1/heatmap", "", http.StatusForbidden)
}
