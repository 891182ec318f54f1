package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// knowledgeTitles are the titles of a listing's items, in order.
func knowledgeTitles(t *testing.T, r response) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("list: %d %v", r.status, r.body)
	}
	var out []string
	for _, it := range r.body["items"].([]any) {
		out = append(out, it.(map[string]any)["title"].(string))
	}
	return out
}

// The knowledge base (001 「建立集中化的知识库和学习平台,支持员工即时获取所需信息」): quality
// writes articles kept by ann and bob; every staff role searches them, in Chinese
// ("物流" finds 「物流慢怎么办」) and English (any case); an article past its review
// date is listed by stale=true until its owner — an agent — reviews it; the owner
// edits their own article but may not hand it on, another agent may not touch it,
// an agent may not write or retire one; a retired article leaves the lists, stays
// readable, and is kept as it was (409).
func TestKnowledgeBaseSearchStaleReviewEditRetire(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	create := func(body string) map[string]any {
		t.Helper()
		r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body)
		if r.status != http.StatusCreated || r.header.Get("Location") != "/v1/knowledge/"+r.body["id"].(string) {
			t.Fatalf("create: %d %v", r.status, r.body)
		}
		return r.body
	}
	before := time.Now().UTC().Add(-time.Second)
	logistics := create(`{"title": "物流慢怎么办", "body": "先查询物流单号的最新节点,向客户致歉并说明预计送达时间。",
		"category": "logistics", "keywords": ["物流慢", "催件"], "owner": "ann", "review_every_days": 30}`)
	refund := create(`{"title": "Refund policy", "body": "Refunds are paid within 7 days of the return.",
		"category": "after_sales", "owner": "bob"}`)
	reviewed, _ := time.Parse(time.RFC3339Nano, logistics["reviewed_at"].(string))
	due, _ := time.Parse(time.RFC3339Nano, logistics["review_due_at"].(string))
	if reviewed.Before(before) || !due.Equal(reviewed.Add(30*24*time.Hour)) || logistics["stale"] != false ||
		logistics["reviewed_by"] != "quality-token" || fmt.Sprint(logistics["keywords"]) != "[物流慢 催件]" {
		t.Errorf("created %v", logistics)
	}
	if refund["review_every_days"] != 90.0 {
		t.Errorf("the default review interval: got %v, want 90 (knowledge_review_days)", refund["review_every_days"])
	}
	id := logistics["id"].(string)

	list := func(role auth.Role, query string) []string {
		return knowledgeTitles(t, a.call(role, http.MethodGet, "/v1/knowledge?"+query, ""))
	}
	for _, c := range []struct {
		role  auth.Role
		query string
		want  string
	}{
		{auth.RoleAgent, "q=" + url.QueryEscape("物流"), "[物流慢怎么办]"},
		{auth.RoleAgent, "q=" + url.QueryEscape("催件"), "[物流慢怎么办]"}, // a keyword
		{auth.RoleManager, "q=REFUNDS", "[Refund policy]"},
		{auth.RoleAdmin, "q=" + url.QueryEscape("100%"), "[]"},
		{auth.RoleQuality, "category=after_sales", "[Refund policy]"},
		{auth.RoleAgent, "owner=ann", "[物流慢怎么办]"},
		{auth.RoleAgent, "", "[Refund policy 物流慢怎么办]"},
		{auth.RoleAgent, "stale=true", "[]"},
	} {
		if got := fmt.Sprint(list(c.role, c.query)); got != c.want {
			t.Errorf("%s ?%s: got %s, want %s", c.role, c.query, got, c.want)
		}
	}
	first := a.call(auth.RoleAgent, http.MethodGet, "/v1/knowledge?limit=1", "")
	next, _ := first.body["next_cursor"].(string)
	if got := fmt.Sprint(knowledgeTitles(t, first), list(auth.RoleAgent, "limit=1&cursor="+url.QueryEscape(next))); got != "[Refund policy] [物流慢怎么办]" {
		t.Errorf("pages: %s", got)
	}

	// 31 days after its last review the article is stale.
	if _, err := a.store.DB().Exec(`UPDATE knowledge_articles SET reviewed_at = now() - interval '31 days' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(list(auth.RoleAgent, "stale=true")); got != "[物流慢怎么办]" {
		t.Errorf("stale: got %s", got)
	}
	refusal := "only the article's owner or quality, manager, admin may change it"
	for _, c := range []struct {
		caller       auth.Role
		method, path string
		body         string
		want         int
		fields       string // of a 400; of a 403, what its detail starts with
	}{
		{"bob", "POST", "/v1/knowledge/" + id + "/review", "", 403, refusal},
		{"bob", "PATCH", "/v1/knowledge/" + id, `{"body": "x"}`, 403, refusal},
		{"named-ann", "POST", "/v1/knowledge/" + id + "/review", "", 403, refusal},
		{"ann", "POST", "/v1/knowledge", `{"title": "t", "body": "b", "category": "other", "owner": "ann"}`, 403, "role agent"},
		{"ann", "POST", "/v1/knowledge/" + id + "/retire", "", 403, "role agent"},
		{"ann", "POST", "/v1/knowledge/" + id + "/review", "", 200, ""},
		{"ann", "PATCH", "/v1/knowledge/" + id, `{"owner": "bob"}`, 400, "[owner]"},
		{"ann", "PATCH", "/v1/knowledge/" + id, `{"body": "先查询物流单号,超过3天未更新的联系承运商催件。"}`, 200, ""},
	} {
		r := a.call(c.caller, c.method, c.path, c.body)
		detail, _ := r.body["detail"].(string)
		switch {
		case r.status != c.want:
			t.Errorf("%s %s %s: got %d %v, want %d", c.caller, c.method, c.path, r.status, r.body, c.want)
		case c.want == 403 && !strings.HasPrefix(detail, c.fields):
			t.Errorf("%s %s %s: refused with %q, want %q", c.caller, c.method, c.path, detail, c.fields)
		case c.want == 400 && fmt.Sprint(r.fields()) != c.fields:
			t.Errorf("%s %s: fields %v, want %s", c.caller, c.path, r.fields(), c.fields)
		case r.status == 200 && (r.body["stale"] != false || r.body["reviewed_by"] != "ann"):
			t.Errorf("%s %s %s: an edit or a review is a review by the owner: %v", c.caller, c.method, c.path, r.body)
		}
	}
	if got := fmt.Sprint(list(auth.RoleAgent, "stale=true")); got != "[]" {
		t.Errorf("reviewed, still stale: %s", got)
	}

	retired := a.call(auth.RoleManager, http.MethodPost, "/v1/knowledge/"+id+"/retire", "")
	if retired.status != http.StatusOK || retired.body["retired_at"] == nil || retired.body["retired_by"] != "manager-token" {
		t.Fatalf("retire: %d %v", retired.status, retired.body)
	}
	if again := a.call(auth.RoleManager, http.MethodPost, "/v1/knowledge/"+id+"/retire", ""); again.status != http.StatusOK ||
		again.body["retired_at"] != retired.body["retired_at"] {
		t.Errorf("retire again: %d %v", again.status, again.body)
	}
	if got := fmt.Sprint(list(auth.RoleAgent, ""), list(auth.RoleAgent, "retired=true")); got != "[Refund policy] [物流慢怎么办]" {
		t.Errorf("after retiring: %s", got)
	}
	if r := a.call(auth.RoleAgent, http.MethodGet, "/v1/knowledge/"+id, ""); r.status != http.StatusOK || r.body["retired_at"] == nil {
		t.Errorf("a retired article stays readable: %d %v", r.status, r.body)
	}
	for _, path := range []string{"/v1/knowledge/" + id + "/review"} {
		if r := a.call(auth.RoleQuality, http.MethodPost, path, ""); r.status != http.StatusConflict {
			t.Errorf("%s of a retired article: got %d, want 409", path, r.status)
		}
	}
	if r := a.call(auth.RoleQuality, http.MethodPatch, "/v1/knowledge/"+id, `{"title": "new"}`); r.status != http.StatusConflict {
		t.Errorf("an edit of a retired article: got %d, want 409", r.status)
	}
}

// A bad article is one 400 naming every bad field — a customer's phone number or
// e-mail in an article read by every staff member among them — and nothing is
// stored; the stale-knowledge thresholds are read and changed with the others, and
// knowledge_review_days is the interval of an article created without one.
func TestKnowledgeBadInputNamesEveryFieldAndStoresNothing(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	bad := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": " ",
		"body": "回电客户 13800138000 确认地址", "category": "shipping", "keywords": ["", "物流", "物流"],
		"owner": "nobody", "review_every_days": 0, "colour": "red"}`)
	want := "[colour title body category keywords[0] keywords[2] review_every_days owner]"
	if bad.status != http.StatusBadRequest || fmt.Sprint(bad.fields()) != want {
		t.Errorf("bad: %d %v, want the fields %s", bad.status, bad.body, want)
	}
	if r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "Refunds", "body": "Mail ann@example.com",
		"category": "after_sales", "owner": "oz"}`); r.status != http.StatusBadRequest || fmt.Sprint(r.fields()) != "[body]" {
		t.Errorf("an e-mail address: %d %v", r.status, r.body)
	}
	if r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "Refunds", "body": "Call the depot.",
		"category": "after_sales", "keywords": ["退款", "13800138000"], "owner": "oz"}`); r.status != http.StatusBadRequest ||
		fmt.Sprint(r.fields()) != "[keywords[1]]" {
		t.Errorf("a phone number as a keyword: %d %v", r.status, r.body)
	}
	if r := a.call(auth.RoleAgent, http.MethodGet, "/v1/knowledge?stale=true&retired=true", ""); r.status != http.StatusBadRequest ||
		fmt.Sprint(r.fields()) != "[stale]" {
		t.Errorf("stale and retired: %d %v", r.status, r.body)
	}
	var n int
	if err := a.store.DB().Get(&n, `SELECT count(*) FROM knowledge_articles`); err != nil || n != 0 {
		t.Fatalf("stored %d articles (%v)", n, err)
	}

	th := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-thresholds", "")
	if th.body["knowledge_stale_min"] != 1.0 || th.body["knowledge_review_days"] != 90.0 {
		t.Errorf("knowledge defaults %v", th.body)
	}
	put := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"knowledge_stale_min": 3, "knowledge_review_days": 30}`)
	if put.status != http.StatusOK || put.body["knowledge_stale_min"] != 3.0 || put.body["knowledge_review_days"] != 30.0 {
		t.Errorf("put %d %v", put.status, put.body)
	}
	if r := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"knowledge_stale_min": 0, "knowledge_review_days": 0}`); r.status != http.StatusBadRequest ||
		fmt.Sprint(r.fields()) != "[knowledge_stale_min knowledge_review_days]" {
		t.Errorf("bad thresholds: %d %v", r.status, r.body)
	}
	r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "Size charts", "body": "Measure the chest.",
		"category": "product", "owner": "oz"}`)
	if r.status != http.StatusCreated || r.body["review_every_days"] != 30.0 {
		t.Errorf("created under knowledge_review_days 30: %d %v", r.status, r.body)
	}

	// Under an Idempotency-Key an article is created once; the key with another body is a 409.
	body := `{"title": "Gift wrap", "body": "Offer it free.", "category": "service", "owner": "oz"}`
	first := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body, "Idempotency-Key", "kb-1")
	retry := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body, "Idempotency-Key", "kb-1")
	other := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "Gift", "body": "b", "category": "service",
		"owner": "oz"}`, "Idempotency-Key", "kb-1")
	if first.status != http.StatusCreated || retry.status != http.StatusOK || retry.body["id"] != first.body["id"] ||
		other.status != http.StatusConflict {
		t.Errorf("keyed: %d, %d %v, %d", first.status, retry.status, retry.body["id"], other.status)
	}
	// The key holds the body as sent: a retry after the default interval changed is the
	// same request, answered with the article it created.
	if put := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"knowledge_review_days": 60}`); put.status != http.StatusOK {
		t.Fatalf("thresholds: %d %v", put.status, put.body)
	}
	if late := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body, "Idempotency-Key", "kb-1"); late.status != http.StatusOK ||
		late.body["id"] != first.body["id"] || late.body["review_every_days"] != 30.0 {
		t.Errorf("retried after the default changed: %d %v", late.status, late.body)
	}
}
