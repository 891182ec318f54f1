package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The complaint page asks the knowledge base once, for the articles of its
// category holding any of its keywords (the API's any=, over every article, not
// the newest page of the category); a complaint without keywords asks nothing.
func TestKnowledgePanelAsksForAnyOfTheComplaintsKeywords(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"category": "logistics", "keywords": []string{"物流慢", " 催件 "}})
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/knowledge"] = items(articleJSON(articleA, map[string]any{"title": "催件流程", "keywords": []string{}}))
	c := f.console(t)
	asked := func() []string {
		t.Helper()
		var out []string
		for _, g := range f.gets {
			if strings.HasPrefix(g, "/v1/knowledge") {
				out = append(out, g)
			}
		}
		f.gets = nil
		return out
	}
	status, body := getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if status != http.StatusOK || !strings.Contains(body, `<a href="/console/knowledge/`+articleA+`">`) {
		t.Fatalf("the complaint page: %d, panel %s", status, snippet(body, "knowledge-panel"))
	}
	got := asked()
	var q url.Values
	if len(got) == 1 {
		u, _ := url.Parse(got[0])
		q = u.Query()
	}
	if len(got) != 1 || q.Get("category") != "logistics" || strings.Join(q["any"], "|") != "物流慢|催件" {
		t.Errorf("the page asked the knowledge base %v, want once, for any of 物流慢, 催件 in logistics", got)
	}

	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"category": "logistics", "keywords": []string{}})
	status, body = getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if got := asked(); status != http.StatusOK || len(got) != 0 || !strings.Contains(body, `id="knowledge-panel"`) {
		t.Errorf("a complaint without keywords: HTTP %d, asked %v, panel %v", status, got, strings.Contains(body, `id="knowledge-panel"`))
	}
}

// postArticle sends an article page's form as quality.
func postArticle(c *Console, action string, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/console/knowledge/"+articleA+"/"+action, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetPathValue("id", articleA)
	r.SetPathValue("action", action)
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}}))
	w := httptest.NewRecorder()
	c.articleAction(w, r)
	return w
}

// An edit and a review are sent against the version the page drew (If-Match), so
// one made over another's change is refused rather than overwriting it.
func TestArticleEditAndReviewSendTheDrawnVersion(t *testing.T) {
	version := `"` + ago(24*time.Hour) + `"`
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge/" + articleA: articleJSON(articleA, nil)}}
	c := knowledgeConsole(t, f)
	_, page := getAs(t, c.article, auth.RoleQuality, "/console/knowledge/"+articleA, articleA)
	for _, form := range []string{"form-review", "form-edit"} {
		_, rest, _ := strings.Cut(page, `id="`+form+`"`)
		if !strings.Contains(rest, `name="version" value="`) {
			t.Errorf("%s carries no version", form)
		}
	}
	for _, tc := range []struct {
		action string
		form   url.Values
	}{
		{"edit", url.Values{"version": {version}, "title": {"物流慢怎么办"}, "body": {"新的解答"}, "category": {"logistics"}, "owner": {"ann"}}},
		{"review", url.Values{"version": {version}}},
	} {
		f.writes = nil
		if w := postArticle(c, tc.action, tc.form); w.Code != http.StatusSeeOther || len(f.writes) != 1 {
			t.Fatalf("%s: %d, sent %v", tc.action, w.Code, f.writes)
		}
		if f.writes[0].IfMatch != version {
			t.Errorf("%s sent If-Match %q, want the drawn version %q", tc.action, f.writes[0].IfMatch, version)
		}
	}
}

// Retiring asks first, as every irreversible act of the console: the article's
// button leads to the confirmation page, which alone sends the retirement and
// returns to the article (cancel too); the article's own form no longer retires.
// The page shows the article's history: who changed what, and when.
func TestRetiringAnArticleAsksFirstAndItsHistoryIsShown(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge/" + articleA: articleJSON(articleA, map[string]any{"events": []any{
		map[string]any{"kind": "created", "at": ago(72 * time.Hour), "actor": "qin"},
		map[string]any{"kind": "edited", "at": ago(48 * time.Hour), "actor": "ann", "changed": []string{"body", "owner"},
			"before": map[string]any{"body": "旧的解答\n第二行", "owner": "bob"}},
		map[string]any{"kind": "reviewed", "at": ago(24 * time.Hour), "actor": "ann"},
	}})}}
	c := knowledgeConsole(t, f)
	c.registerRemovals(&routeMux{ServeMux: http.NewServeMux()})
	status, body := getAs(t, c.article, auth.RoleQuality, "/console/knowledge/"+articleA, articleA)
	if status != http.StatusOK {
		t.Fatalf("the article: %d %.300s", status, body)
	}
	if !strings.Contains(body, `<form method="get" action="/console/confirm/article/`+articleA+`" id="form-retire">`) {
		t.Errorf("the retire button does not lead to the confirmation: %s", snippet(body, "form-retire"))
	}
	_, history, _ := strings.Cut(body, `id="article-history"`)
	history, _, _ = strings.Cut(history, "</ol>")
	for _, want := range []string{`data-kind="created"`, "qin · created", "ann · edited: changed Answer, Owner",
		"Owner was bob", "旧的解答<br>\n第二行", "ann · reviewed"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q: %s", want, history)
		}
	}

	if w := postArticle(c, "retire", url.Values{}); w.Code != http.StatusNotFound || len(f.writes) != 0 {
		t.Errorf("the article's own retire: %d, sent %v; want 404 and nothing sent", w.Code, f.writes)
	}
	confirm := func(method string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/console/confirm/article/"+articleA, strings.NewReader("csrf=csrf"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetPathValue("kind", "article")
		r.SetPathValue("id", articleA)
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}, CSRF: "csrf"}))
		w := httptest.NewRecorder()
		if method == http.MethodGet {
			c.confirmRemoval(w, r)
		} else {
			c.remove(w, r)
		}
		return w
	}
	w := confirm(http.MethodGet)
	if page := w.Body.String(); w.Code != http.StatusOK || len(f.writes) != 0 ||
		!strings.Contains(page, `action="/console/remove/article/`+articleA+`"`) || !strings.Contains(page, "Retire") ||
		!strings.Contains(page, `<a href="/console/knowledge/`+articleA+`" id="confirm-cancel">`) {
		t.Errorf("the confirmation: %d, sent %v: %s", w.Code, f.writes, snippet(page, "confirm-form"))
	}
	w = confirm(http.MethodPost)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/knowledge/"+articleA ||
		len(f.writes) != 1 || f.writes[0].Path != "/v1/knowledge/"+articleA+"/retire" {
		t.Errorf("confirmed: %d to %q, sent %v", w.Code, w.Header().Get("Location"), f.writes)
	}
}

// The insight page shows the knowledge update rate at the period's end, as the API
// gives it.
func TestInsightPageShowsTheKnowledgeUpdateRate(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/insight-report": map[string]any{"period": "2026-05", "time_zone": "UTC",
		"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z", "previous_from": "2026-04-01T00:00:00Z",
		"suggestions": []any{}, "backlog": map[string]any{"open": 0, "overdue": 0, "unassigned": 0, "done": 0},
		"feedback_keywords": []any{}, "complaint_keywords": []any{}, "root_causes": []any{}, "kpi_gaps": []any{}, "qa_scores": []any{},
		"knowledge": map[string]any{"at": "2026-06-01T00:00:00Z", "live": 8, "current": 6, "update_rate_pct": 75}}}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	status, body := getAs(t, c.insight, auth.RoleManager, "/console/insight?period=2026-05")
	if want := "75 % (6 / 8 live articles reviewed within their interval)"; status != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("the insight page: %d, lacks %q: %s", status, want, snippet(body, "insight-knowledge"))
	}
}

// The retirement's confirmation names the article by its title, escaped, as the
// other pages name it — not by its ID; an article the API does not answer is
// named by its ID, and the retirement then gets the API's answer.
func TestRetiringAnArticleNamesItByItsTitle(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{"/v1/knowledge/" + articleA: articleJSON(articleA, map[string]any{"title": `退款 <b>"加急"</b>`})}}
	c := knowledgeConsole(t, f)
	c.registerRemovals(&routeMux{ServeMux: http.NewServeMux()})
	confirm := func(id string) string {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "/console/confirm/article/"+id, nil)
		r.SetPathValue("kind", "article")
		r.SetPathValue("id", id)
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}, CSRF: "csrf"}))
		w := httptest.NewRecorder()
		c.confirmRemoval(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("the confirmation of %s: %d", id, w.Code)
		}
		return w.Body.String()
	}
	page := confirm(articleA)
	title := `“退款 &lt;b&gt;&#34;加急&#34;&lt;/b&gt;”`
	for _, want := range []string{"Retire: knowledge article " + title + "</h1>", "Really retire knowledge article " + title + "?</p>", "Retire " + title + "</button>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the confirmation lacks %q: %s", want, snippet(page, "confirm-form"))
		}
	}
	if strings.Contains(page, "“"+articleA+"”") || strings.Contains(page, "<b>") {
		t.Errorf("the confirmation names the article by its ID, or its title unescaped: %s", snippet(page, "confirm-form"))
	}
	if page := confirm(articleB); !strings.Contains(page, "Retire “"+articleB+"”</button>") {
		t.Errorf("an article the API does not answer: %s", snippet(page, "confirm-form"))
	}
}
