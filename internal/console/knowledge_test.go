package console

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

const (
	articleA = "00000000-0000-0000-0000-0000000000e1"
	articleB = "00000000-0000-0000-0000-0000000000e2"
	articleC = "00000000-0000-0000-0000-0000000000e3"
	articleD = "00000000-0000-0000-0000-0000000000e4"
	articleE = "00000000-0000-0000-0000-0000000000e5"
)

// articleJSON is a knowledge base article as the API answers it, with fields set
// over the defaults.
func articleJSON(id string, set map[string]any) map[string]any {
	a := map[string]any{"id": id, "title": "物流慢怎么办", "body": "先查询物流单号。", "category": "logistics",
		"keywords": []string{"物流慢", "催件"}, "owner": "ann", "review_every_days": 30,
		"reviewed_at": ago(24 * time.Hour), "reviewed_by": "quality", "review_due_at": ago(-29 * 24 * time.Hour), "stale": false,
		"created_at": ago(48 * time.Hour), "created_by": "quality", "updated_at": ago(24 * time.Hour), "updated_by": "quality",
		"retired_at": nil, "retired_by": nil}
	for k, v := range set {
		a[k] = v
	}
	return a
}

// knowledgeConsole is a console over f with the knowledge pages parsed.
func knowledgeConsole(t *testing.T, f *fakeAPI) *Console {
	t.Helper()
	c := f.console(t)
	c.registerKnowledge(&routeMux{ServeMux: http.NewServeMux()})
	return c
}

// The knowledge page sends its search, category and stale-only filter to the API
// as they were typed, lists the articles with their dates (a stale one marked) and
// links each to its page; the page after is the API's cursor under the same
// filters. Every staff role reaches it from the nav.
func TestKnowledgePageSearchesThroughTheAPI(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge": map[string]any{"items": []any{
		articleJSON(articleA, nil),
		articleJSON(articleB, map[string]any{"title": "包裹丢失", "stale": true, "review_due_at": ago(time.Hour)}),
	}, "next_cursor": "c2"}}}
	c := knowledgeConsole(t, f)
	status, body := getAs(t, c.knowledge, auth.RoleAgent, "/console/knowledge?q=+%E7%89%A9%E6%B5%81+&category=logistics&stale=true")
	if status != http.StatusOK {
		t.Fatalf("the knowledge page: %d %.500s", status, body)
	}
	if len(f.gets) != 1 {
		t.Fatalf("reads %v, want one list", f.gets)
	}
	sent, _ := url.Parse(f.gets[0])
	if q := sent.Query(); sent.Path != "/v1/knowledge" || q.Get("q") != "物流" || q.Get("category") != "logistics" ||
		q.Get("stale") != "true" || q.Has("cursor") {
		t.Errorf("the page asked %s, want q=物流, category=logistics, stale=true", f.gets[0])
	}
	for _, want := range []string{`<a href="/console/knowledge/` + articleA + `">物流慢怎么办</a>`,
		`<tr data-id="` + articleB + `" class="stale">`, `<strong class="stale-mark">stale</strong>`,
		`id="kb-q" name="q" type="search" value="物流"`, `<option selected>logistics</option>`, `id="kb-stale" name="stale" value="true" checked`,
		`id="nav-knowledge"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the knowledge page lacks %q", want)
		}
	}
	if strings.Count(body, `class="stale-mark"`) != 1 {
		t.Errorf("stale marks: %d, want the stale article's alone", strings.Count(body, `class="stale-mark"`))
	}
	next := `href="/console/knowledge?category=logistics&amp;cursor=c2&amp;q=%E7%89%A9%E6%B5%81&amp;stale=true"`
	if !strings.Contains(body, next) {
		t.Errorf("the next page's link is not %s: %s", next, snippet(body, "knowledge-next"))
	}
	if _, body := getAs(t, c.knowledge, auth.RoleIntake, "/console/knowledge"); strings.Contains(body, `id="nav-knowledge"`) {
		t.Error("the nav offers the knowledge base to an intake token, which may not read it")
	}

	// The API's refusal of a filter is shown with the filters kept, to put right.
	delete(f.answers, "/v1/knowledge")
	status, body = getAs(t, c.knowledge, auth.RoleAgent, "/console/knowledge?q=x")
	if status != http.StatusNotFound || !strings.Contains(body, `id="knowledge-refusal"`) || !strings.Contains(body, `value="x"`) {
		t.Errorf("a refused search: %d %s", status, snippet(body, "knowledge-refusal"))
	}
}

// The form that writes an article is offered to the roles the API lets write
// (POST /v1/knowledge); the others read a note naming them. Sent, it goes to the
// API under its key, keywords split at commas (Chinese ones too) and the interval
// a number, and opens the new article.
func TestNewArticleFormFollowsTheAPIsRoles(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge": items()}}
	c := knowledgeConsole(t, f)
	formOfferedTo(t, c.knowledge, "/console/knowledge", "form-article", "knowledge-who", "quality, manager, admin", auth.RoleQuality, auth.RoleManager, auth.RoleAdmin)

	form := url.Values{"csrf": {"csrf"}, "idempotency_key": {"k1"}, "title": {" 物流慢怎么办 "}, "body": {"先查询物流单号。"},
		"category": {"logistics"}, "keywords": {"物流慢，催件, ,快递"}, "owner": {"ann"}, "review_every_days": {"30"}}
	r := httptest.NewRequest(http.MethodPost, "/console/knowledge", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}}))
	w := httptest.NewRecorder()
	c.createArticle(w, r)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/console/knowledge/") || len(f.writes) != 1 {
		t.Fatalf("create: %d to %q, sent %v", w.Code, w.Header().Get("Location"), f.writes)
	}
	sent := f.writes[0]
	if kw, _ := sent.Body["keywords"].([]any); sent.Path != "/v1/knowledge" || sent.Key == "" || sent.Body["title"] != "物流慢怎么办" ||
		!slices.Equal(kw, []any{"物流慢", "催件", "快递"}) || sent.Body["review_every_days"] != float64(30) {
		t.Errorf("sent %+v, want the article under a key, keywords split, the interval a number", sent)
	}
}

// An article's page offers what the API would take from the viewer: its owner
// (here an agent) edits and reviews it, but retiring is the keepers'; another agent
// reads it with a line saying why they may not change it; quality keeps them all.
func TestArticleFormsFollowWhoKeepsIt(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge/" + articleA: articleJSON(articleA, map[string]any{"owner": "agent"})}}
	c := knowledgeConsole(t, f)
	for _, tc := range []struct {
		name  string
		role  auth.Role
		owner string
		forms []string
		why   bool
	}{
		{"the owner, an agent", auth.RoleAgent, "agent", []string{"review", "edit"}, false},
		{"another agent", auth.RoleAgent, "ann", nil, true},
		{"quality", auth.RoleQuality, "ann", []string{"review", "edit", "retire"}, false},
		{"a manager", auth.RoleManager, "ann", []string{"review", "edit", "retire"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.answers["/v1/knowledge/"+articleA] = articleJSON(articleA, map[string]any{"owner": tc.owner})
			status, body := getAs(t, c.article, tc.role, "/console/knowledge/"+articleA, articleA)
			var shown []string
			for _, form := range []string{"review", "edit", "retire"} {
				action := "/console/knowledge/" + articleA + "/" + form
				if form == "retire" { // through the confirmation page
					action = "/console/confirm/article/" + articleA
				}
				if strings.Contains(body, `action="`+action+`"`) {
					shown = append(shown, form)
				}
			}
			if status != http.StatusOK || !slices.Equal(shown, tc.forms) {
				t.Errorf("HTTP %d, forms %v; want %v", status, shown, tc.forms)
			}
			if why := strings.Contains(body, "only the article&#39;s owner or quality, manager, admin may change it"); why != tc.why {
				t.Errorf("says why not: %v, want %v: %s", why, tc.why, snippet(body, "article-why"))
			}
		})
	}
}

// An article's body is text: markup in it is shown, never run, and its line
// breaks are kept.
func TestArticleBodyIsTextWithItsLineBreaks(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge/" + articleA: articleJSON(articleA, map[string]any{
		"title": "<b>退款</b>", "body": "第一步<script>alert(1)</script>\r\n<img src=x onerror=alert(2)>第二步"})}}
	c := knowledgeConsole(t, f)
	status, body := getAs(t, c.article, auth.RoleAgent, "/console/knowledge/"+articleA, articleA)
	if status != http.StatusOK {
		t.Fatalf("the article: %d %.300s", status, body)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>退款"} {
		if strings.Contains(body, bad) {
			t.Errorf("the article page holds %q as markup", bad)
		}
	}
	want := `id="article-body">第一步&lt;script&gt;alert(1)&lt;/script&gt;<br>` + "\n" + `&lt;img src=x onerror=alert(2)&gt;第二步</div>`
	if !strings.Contains(body, want) {
		t.Errorf("the body is not drawn as text with its line break: %s", snippet(body, "article-body"))
	}
}

// The complaint page suggests up to three live articles of its category holding
// its keywords — the most keywords held first — from one call to the API (any=), each
// linked; when that call fails the page is drawn without the panel.
func TestComplaintPageSuggestsArticlesForItsKeywords(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"category": "logistics", "keywords": []string{"物流慢", "催件"}})
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/knowledge"] = items(
		articleJSON(articleA, map[string]any{"title": "快递丢件", "keywords": []string{}, "body": "联系承运商"}),
		articleJSON(articleB, map[string]any{"title": "物流慢：先致歉", "keywords": []string{}}),
		articleJSON(articleC, map[string]any{"title": "催件流程", "keywords": []string{}, "body": "每天催一次"}),
		articleJSON(articleD, map[string]any{"title": "物流慢怎么办", "keywords": []string{"物流慢", "催件"}}),
		articleJSON(articleE, map[string]any{"title": "发货前催件", "keywords": []string{}, "body": "-"}),
	)
	c := f.console(t)
	status, body := getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if status != http.StatusOK {
		t.Fatalf("the complaint page: %d %.300s", status, body)
	}
	var asked []string
	for _, g := range f.gets {
		if strings.HasPrefix(g, "/v1/knowledge") {
			asked = append(asked, g)
		}
	}
	if len(asked) != 1 || asked[0] != "/v1/knowledge?any=%E7%89%A9%E6%B5%81%E6%85%A2&any=%E5%82%AC%E4%BB%B6&category=logistics" {
		t.Errorf("the page asked the knowledge base %v, want one list of the complaint's category holding any of its keywords", asked)
	}
	_, panel, _ := strings.Cut(body, `id="knowledge-panel"`)
	panel, _, _ = strings.Cut(panel, "</section>")
	var listed []string
	for _, id := range []string{articleA, articleB, articleC, articleD, articleE} {
		if i := strings.Index(panel, `<a href="/console/knowledge/`+id+`">`); i >= 0 {
			listed = append(listed, id)
		}
	}
	slices.SortFunc(listed, func(a, b string) int {
		return strings.Index(panel, `/console/knowledge/`+a) - strings.Index(panel, `/console/knowledge/`+b)
	})
	if want := []string{articleD, articleB, articleC}; !slices.Equal(listed, want) {
		t.Errorf("the panel lists %v, want %v (both keywords first, then the newest holding one, three at most)", listed, want)
	}
	if !strings.Contains(panel, `href="/console/knowledge?category=logistics"`) {
		t.Errorf("the panel does not lead to the category's articles: %.400s", panel)
	}

	delete(f.answers, "/v1/knowledge")
	status, body = getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if status != http.StatusOK || strings.Contains(body, `id="knowledge-panel"`) || !strings.Contains(body, "cold noodles") {
		t.Errorf("the knowledge base refused: HTTP %d, panel %v; want the page without it", status, strings.Contains(body, `id="knowledge-panel"`))
	}
}

// A stale-knowledge alert shows its evidence: the update rates and each stale
// article, linked to its page where the owner reviews it.
func TestStaleKnowledgeAlertShowsItsArticles(t *testing.T) {
	alert := riskAlertJSON(testID, map[string]any{"condition": "stale_knowledge", "subject": "agent:ann", "observed": 1,
		"baseline": 2, "threshold": 1, "details": map[string]any{"from": ago(time.Hour), "to": ago(0),
			"counts": map[string]any{"stale": 1, "live": 2, "current": 1},
			"knowledge": map[string]any{"owner": "ann", "owner_active": true, "update_rate_pct": 50, "overall_update_rate_pct": 75,
				"articles": []any{map[string]any{"id": articleA, "title": "物流慢怎么办", "reviewed_at": ago(31 * 24 * time.Hour),
					"due_at": ago(24 * time.Hour)}}}}})
	f := &fakeAPI{answers: map[string]any{"/v1/risk-alerts/" + testID: alert, "/v1/teams": items(), "/v1/people": items()}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	status, body := getAs(t, c.riskAlertPage, auth.RoleAgent, "/console/risk/"+testID, testID)
	if status != http.StatusOK {
		t.Fatalf("the alert's page: %d %.300s", status, body)
	}
	for _, want := range []string{`id="knowledge-` + testID + `"`, `<a href="/console/knowledge/` + articleA + `">物流慢怎么办</a>`,
		"Knowledge update rate 50 % (everyone&#39;s 75 %)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the alert's page lacks %q: %s", want, snippet(body, "knowledge-"))
		}
	}
}

// An edit sends the fields as the form holds them (keywords split at the Chinese
// enumeration comma too, the interval a number) and returns to the article.
func TestEditingAnArticleSendsItsFieldsAndReturnsToIt(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge/" + articleA: articleJSON(articleA, nil)}}
	c := knowledgeConsole(t, f)
	post := func(form url.Values) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/console/knowledge/"+articleA+"/edit", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetPathValue("id", articleA)
		r.SetPathValue("action", "edit")
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}}))
		w := httptest.NewRecorder()
		c.articleAction(w, r)
		return w
	}
	w := post(url.Values{"version": {`"v1"`}, "title": {"物流慢怎么办"}, "body": {"新的解答"}, "category": {"logistics"},
		"keywords": {"物流慢、催件"}, "owner": {"ann"}, "review_every_days": {"14"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/knowledge/"+articleA || len(f.writes) != 1 {
		t.Fatalf("edit: %d to %q, sent %v", w.Code, w.Header().Get("Location"), f.writes)
	}
	if kw, _ := f.writes[0].Body["keywords"].([]any); f.writes[0].Path != "/v1/knowledge/"+articleA || f.writes[0].Body["body"] != "新的解答" ||
		!slices.Equal(kw, []any{"物流慢", "催件"}) || f.writes[0].Body["review_every_days"] != float64(14) {
		t.Errorf("sent %+v", f.writes[0])
	}
	// An emptied keywords field clears them: sent as an empty list, not left out
	// (which the API reads as "unchanged").
	post(url.Values{"version": {`"v1"`}, "title": {"物流慢怎么办"}, "body": {"新的解答"}, "category": {"logistics"},
		"keywords": {" "}, "owner": {"ann"}, "review_every_days": {"14"}})
	if kw, ok := f.writes[len(f.writes)-1].Body["keywords"].([]any); !ok || len(kw) != 0 {
		t.Errorf("emptied keywords sent as %#v, want []", f.writes[len(f.writes)-1].Body["keywords"])
	}
}

// A refused new article comes back on its form as typed, under the API's status,
// each message at its field (a keyword's under the keywords), with the list drawn.
func TestARefusedNewArticleComesBackAsTyped(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(items(articleJSON(articleA, nil)))
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_field","detail":"2 fields are invalid",
			"errors":[{"field":"owner","code":"invalid","message":"is not an active person"},{"field":"keywords[1]","code":"conflict","message":"listed twice"}]}`)
	})
	client, err := apiclient.NewClient("http://fake", apiclient.WithHTTPClient(&http.Client{Transport: inProcess{handler: h}}))
	if err != nil {
		t.Fatal(err)
	}
	c := &Console{client: client, pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler), grants: apiGrants()}
	c.registerKnowledge(&routeMux{ServeMux: http.NewServeMux()})
	form := url.Values{"idempotency_key": {"k1"}, "title": {"<i>退款</i>"}, "body": {"先核实订单"}, "category": {"after_sales"},
		"keywords": {"退款, 退款"}, "owner": {"zed"}}
	r := httptest.NewRequest(http.MethodPost, "/console/knowledge", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}}))
	w := httptest.NewRecorder()
	c.createArticle(w, r)
	body := w.Body.String()
	if w.Code != http.StatusBadRequest {
		t.Fatalf("a refused article: %d %.300s", w.Code, body)
	}
	for _, want := range []string{`id="new-owner" name="owner" aria-invalid="true" aria-describedby="new-owner-error" value="zed"`,
		`<span id="new-owner-error" class="error" role="alert">is not an active person</span>`,
		`<span id="new-keywords-error" class="error" role="alert">keywords[1]: listed twice</span>`,
		`value="&lt;i&gt;退款&lt;/i&gt;"`, `<option selected>after_sales</option>`, `name="idempotency_key" value="k1"`,
		`<a href="/console/knowledge/` + articleA + `">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
}
