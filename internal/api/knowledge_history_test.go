package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// any= finds the articles holding at least one of several words, repeated or
// comma-separated, each as q (any case, % as text), at most 20 of them; one 400
// names it with the other bad parameters.
func TestKnowledgeAnyOfSeveralWords(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	for _, body := range []string{
		`{"title": "物流慢怎么办", "body": "先查询物流单号。", "category": "logistics", "keywords": ["催件"], "owner": "ann"}`,
		`{"title": "Refund policy", "body": "Refunds within 7 days.", "category": "after_sales", "owner": "bob"}`,
		`{"title": "Size charts", "body": "Measure the chest.", "category": "product", "owner": "bob"}`,
	} {
		if r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body); r.status != http.StatusCreated {
			t.Fatalf("create: %d %v", r.status, r.body)
		}
	}
	for _, c := range []struct{ query, want string }{
		{"any=" + url.QueryEscape("催件,refund"), "[Refund policy 物流慢怎么办]"},
		{"any=" + url.QueryEscape("催件") + "&any=REFUND", "[Refund policy 物流慢怎么办]"},
		{"any=" + url.QueryEscape(" 催件 , ,"), "[物流慢怎么办]"},
		{"any=refund&category=logistics", "[]"},
		{"any=100%25,nothing", "[]"},
		{"any=chest&q=measure", "[Size charts]"},
	} {
		if got := fmt.Sprint(knowledgeTitles(t, a.call(auth.RoleAgent, http.MethodGet, "/v1/knowledge?"+c.query, ""))); got != c.want {
			t.Errorf("?%s: got %s, want %s", c.query, got, c.want)
		}
	}
	words := make([]string, 21)
	for i := range words {
		words[i] = fmt.Sprint("w", i)
	}
	for _, c := range []struct{ query, fields string }{
		{"any=" + strings.Join(words, ","), "[any]"},
		{"any=" + strings.Repeat("长", 201) + "&stale=maybe", "[any stale]"},
	} {
		if r := a.call(auth.RoleAgent, http.MethodGet, "/v1/knowledge?"+c.query, ""); r.status != http.StatusBadRequest ||
			fmt.Sprint(r.fields()) != c.fields {
			t.Errorf("?%.40s: %d %v, want 400 naming %s", c.query, r.status, r.body, c.fields)
		}
	}
}

// An article comes with its history: created by quality, edited by its owner (the
// fields changed and what they held), handed to bob, reviewed, retired — each with
// who and when; a refused edit (412) is not in it.
func TestKnowledgeArticleComesWithItsHistory(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	created := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "物流慢怎么办", "body": "先查询。",
		"category": "logistics", "owner": "ann"}`)
	if created.status != http.StatusCreated {
		t.Fatalf("create: %d %v", created.status, created.body)
	}
	id := created.body["id"].(string)
	for _, c := range []struct {
		caller       auth.Role
		method, path string
		body         string
		header       []string
		want         int
	}{
		{"ann", "PATCH", "/v1/knowledge/" + id, `{"body": "先查询物流单号。", "review_every_days": 30}`, nil, 200},
		{"ann", "PATCH", "/v1/knowledge/" + id, `{"body": "x"}`, []string{"If-Match", `"2000-01-01T00:00:00Z"`}, 412},
		{auth.RoleQuality, "PATCH", "/v1/knowledge/" + id, `{"owner": "bob"}`, nil, 200},
		{"bob", "POST", "/v1/knowledge/" + id + "/review", "", nil, 200},
		{auth.RoleManager, "POST", "/v1/knowledge/" + id + "/retire", "", nil, 200},
	} {
		if r := a.call(c.caller, c.method, c.path, c.body, c.header...); r.status != c.want {
			t.Fatalf("%s %s %s: %d %v, want %d", c.caller, c.method, c.path, r.status, r.body, c.want)
		}
	}
	r := a.call(auth.RoleAgent, http.MethodGet, "/v1/knowledge/"+id, "")
	if r.status != http.StatusOK {
		t.Fatalf("get: %d %v", r.status, r.body)
	}
	var got []string
	for _, e := range r.body["events"].([]any) {
		e := e.(map[string]any)
		if _, err := time.Parse(time.RFC3339Nano, fmt.Sprint(e["at"])); err != nil {
			t.Errorf("event at %v", e["at"])
		}
		got = append(got, fmt.Sprint(e["kind"], " ", e["actor"], " ", e["changed"], " ", e["before"]))
	}
	want := []string{
		"created quality-token <nil> <nil>",
		"edited ann [body review_every_days] map[body:先查询。 review_every_days:90]",
		"edited quality-token [owner] map[owner:ann]",
		"reviewed bob <nil> <nil>",
		"retired manager-token <nil> <nil>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The insight report gives the knowledge update rate at the period's end (now for
// the month under way): of two live articles one is past its review; a period
// before any article has none live and no rate. The CSV has it as a row.
func TestInsightReportGivesTheKnowledgeUpdateRate(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	var ids []string
	for _, owner := range []string{"ann", "bob"} {
		r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "t", "body": "b", "category": "other", "owner": "`+owner+`"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %v", r.status, r.body)
		}
		ids = append(ids, r.body["id"].(string))
	}
	if _, err := a.store.DB().Exec(`UPDATE knowledge_articles SET reviewed_at = now() - interval '100 days' WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, c := range []struct {
		period, want string
	}{
		{now.Format("2006-01"), "live 2 current 1 rate 50"},
		{now.AddDate(0, -2, 0).Format("2006-01"), "live 0 current 0 rate <nil>"},
	} {
		r := a.call(auth.RoleManager, http.MethodGet, "/v1/insight-report?period="+c.period, "")
		k, _ := r.body["knowledge"].(map[string]any)
		if got := fmt.Sprintf("live %v current %v rate %v", k["live"], k["current"], k["update_rate_pct"]); r.status != http.StatusOK || got != c.want {
			t.Errorf("%s: %d %s, want %s", c.period, r.status, got, c.want)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, a.url+"/v1/insight-report?format=csv&period="+now.Format("2006-01"), nil)
	req.Header.Set("Authorization", "Bearer "+a.tokens[auth.RoleManager])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(raw), "\nknowledge,update_rate,,1,,50,") {
		t.Errorf("the CSV has no update rate row: %s", raw)
	}
}
