package console

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
)

// The knowledge base (docs/knowledge.md): frequent questions and their standard
// answers, 001 「建立集中化的知识库和学习平台,支持员工即时获取所需信息」. Every staff role
// searches it; who writes, edits, reviews and retires an article is the API's rule,
// which the forms follow (roles.go).

// knowledgeCategories are the categories an article is filed under, as the
// contract lists them.
var knowledgeCategories = []string{
	string(apiclient.CategoryProduct), string(apiclient.CategoryService), string(apiclient.CategoryLogistics),
	string(apiclient.CategoryAfterSales), string(apiclient.CategoryOther),
}

// articleFields are the create and edit forms' fields, under the API's names.
var articleFields = []string{"title", "body", "category", "keywords", "owner", "review_every_days"}

// knowledgeFuncs are the knowledge templates' helpers: formatting only.
var knowledgeFuncs = template.FuncMap{
	// lines splits an article's body at its line breaks, for the page to draw each
	// line as text: a body is never HTML.
	"lines": func(s string) []string { return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") },
	// fieldlabel is the message id of an article's field, by its API name, as the
	// history names the fields an edit changed.
	"fieldlabel": func(field apiclient.KnowledgeEventChanged) string { return articleFieldLabels[string(field)] },
}

// articleFieldLabels are the message ids of articleFields, as the forms label them.
var articleFieldLabels = map[string]string{"title": "kb.articletitle", "body": "kb.body", "category": "c.category",
	"keywords": "c.keywords", "owner": "c.owner", "review_every_days": "kb.every"}

// registerKnowledge parses the knowledge pages and adds their routes.
func (c *Console) registerKnowledge(mux *routeMux) {
	for _, page := range []string{"knowledge", "article"} {
		c.pages[page] = template.Must(template.New("layout.html").Funcs(funcs).Funcs(knowledgeFuncs).ParseFS(templateFiles,
			"templates/layout.html", "templates/rows.html", "templates/quality.html", "templates/knowledge_fields.html",
			"templates/"+page+".html"))
	}
	mux.Handle("GET /console/knowledge", c.session(c.knowledge))
	mux.Handle("POST /console/knowledge", c.session(c.createArticle))
	mux.Handle("GET /console/knowledge/{id}", c.session(c.article))
	mux.Handle("POST /console/knowledge/{id}/{action}", c.session(c.articleAction))
}

// knowledgeQuery is the list's search and filters as the API's parameters, and as
// the query string that asks for the same page again.
func knowledgeQuery(r *http.Request) (*apiclient.ListKnowledgeParams, url.Values) {
	q := r.URL.Query()
	params := &apiclient.ListKnowledgeParams{}
	again := url.Values{}
	if s := strings.TrimSpace(q.Get("q")); s != "" {
		params.Q = &s
		again.Set("q", s)
	}
	if s := q.Get("category"); s != "" {
		cat := apiclient.Category(s)
		params.Category = &cat
		again.Set("category", s)
	}
	if q.Get("stale") == "true" {
		stale := apiclient.ListKnowledgeParamsStaleTrue
		params.Stale = &stale
		again.Set("stale", "true")
	}
	if s := q.Get("cursor"); s != "" {
		params.Cursor = &s
	}
	return params, again
}

func (c *Console) knowledge(w http.ResponseWriter, r *http.Request) {
	c.showKnowledge(w, r, http.StatusOK, nil, nil)
}

// showKnowledge draws the search and its page of articles; ref and input are the
// create form's refusal and what was typed, to show again.
func (c *Console) showKnowledge(w http.ResponseWriter, r *http.Request, status int, ref *refusal, input map[string]string) {
	params, again := knowledgeQuery(r)
	data := map[string]any{"Q": null.Value(params.Q), "Category": again.Get("category"), "Stale": params.Stale != nil,
		"Categories": knowledgeCategories, "Form": "", "Refusal": ref, "Input": input}
	if ref != nil {
		data["Form"] = "create"
	}
	if input == nil {
		data["Input"] = map[string]string{}
	}
	var list page[apiclient.KnowledgeArticle]
	if pageRef, err := into(&list)(c.client.ListKnowledge(r.Context(), params)); c.refusedPageWith(w, r, "knowledge", data, pageRef, err) {
		return
	}
	data["Articles"] = list.Items
	if list.NextCursor != nil {
		next := url.Values{}
		for k, v := range again {
			next[k] = v
		}
		next.Set("cursor", *list.NextCursor)
		data["Next"] = template.URL("/console/knowledge?" + next.Encode())
	}
	c.render(w, r, status, "knowledge", data)
}

// articleBody is a create or edit form's fields as the API's JSON body: the
// keywords one per comma (or Chinese comma, or line) — an emptied field an empty
// list, which clears them on an edit —, the interval a number, another empty field
// left out (the API names a missing one).
func articleBody(in map[string]string) map[string]any {
	body := textBody("title", "body", "category", "owner")(in)
	keywords := strings.FieldsFunc(in["keywords"], func(r rune) bool { return strings.ContainsRune(",，、\n", r) })
	for i := range keywords {
		keywords[i] = strings.TrimSpace(keywords[i])
	}
	body["keywords"] = append([]string{}, slices.DeleteFunc(keywords, func(k string) bool { return k == "" })...)
	number(body, "review_every_days", in["review_every_days"])
	return body
}

// createArticle writes an article, once under the form's key, and opens it.
func (c *Console) createArticle(w http.ResponseWriter, r *http.Request) {
	input := keepKey(r, formInput(r, articleFields...))
	var a apiclient.KnowledgeArticle
	ref, err := into(&a)(c.client.CreateKnowledgeArticleWithBody(r.Context(), nil, "application/json", jsonBody(articleBody(input)), withKey(r)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showKnowledge(w, r, ref.Status, ref, input)
		return
	}
	http.Redirect(w, r, "/console/knowledge/"+a.Id.String(), http.StatusSeeOther)
}

func (c *Console) article(w http.ResponseWriter, r *http.Request) {
	c.showArticle(w, r, http.StatusOK, "", nil, nil)
}

// showArticle draws the article as it is now (its version the forms' If-Match);
// form, ref and input are a refused form, the API's refusal and what was typed.
func (c *Console) showArticle(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal, input map[string]string) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such article", http.StatusNotFound)
		return
	}
	var a apiclient.KnowledgeArticleDetail
	var version string
	if pageRef, err := versioned(&a, &version)(c.client.GetKnowledgeArticle(r.Context(), id)); c.refusedPage(w, r, "article", pageRef, err) {
		return
	}
	m := c.may(viewerFrom(r.Context()))
	m.article = m.viewer.MayKeepArticle(a.Owner)
	if form != "edit" {
		input = map[string]string{"title": a.Title, "body": a.Body, "category": string(a.Category),
			"keywords": strings.Join(a.Keywords, ", "), "owner": a.Owner, "review_every_days": strconv.Itoa(a.ReviewEveryDays)}
	}
	c.render(w, r, status, "article", map[string]any{"May": m, "A": a, "Version": version, "Categories": knowledgeCategories,
		"Form": form, "Refusal": ref, "Input": input})
}

// articleAction edits or reviews an article; a refusal comes back on its form.
// Both are made against the version the page showed. Retiring goes through the
// confirmation page (confirm.go), as every irreversible act.
func (c *Console) articleAction(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such article", http.StatusNotFound)
		return
	}
	input := formInput(r, articleFields...)
	var res *http.Response
	switch action {
	case "edit":
		res, err = c.client.PatchKnowledgeArticleWithBody(r.Context(), id, &apiclient.PatchKnowledgeArticleParams{IfMatch: drawnVersion(r)},
			"application/json", jsonBody(articleBody(input)))
	case "review":
		res, err = c.client.ReviewKnowledgeArticle(r.Context(), id, &apiclient.ReviewKnowledgeArticleParams{IfMatch: drawnVersion(r)})
	default:
		http.Error(w, "no such action", http.StatusNotFound)
		return
	}
	c.posted(w, r, res, err, "/console/knowledge/"+id.String(), func(status int, ref *refusal) {
		c.showArticle(w, r, status, action, ref, input)
	})
}

// articleTitle is what the retirement's confirmation names the article by: its
// title, as its page does ("" when it cannot be read).
func articleTitle(ctx context.Context, c *apiclient.Client, id string) string {
	u, err := api.ParseID(id)
	if err != nil {
		return ""
	}
	var a apiclient.KnowledgeArticleDetail
	if ref, err := into(&a)(c.GetKnowledgeArticle(ctx, u)); ref != nil || err != nil {
		return ""
	}
	return a.Title
}

// knowledgePanelSize is how many articles the complaint page suggests.
const knowledgePanelSize = 3

// knowledgePanel is the complaint page's suggestions: live articles of its
// category that hold one of its keywords.
type knowledgePanel struct {
	Category string
	Articles []apiclient.KnowledgeArticle
}

// knowledgeWords is how many of a complaint's keywords the panel asks with: as
// many as the API's any= takes.
const knowledgeWords = 20

// knowledgeFor suggests up to three articles for a complaint, 「员工即时获取所需信息」:
// one call for the newest live articles of its category holding any of the
// complaint's keywords (the API's any=, over every article), the most keywords
// held first. nil when the API refuses or fails: the panel helps, it never fails
// the page.
func (c *Console) knowledgeFor(r *http.Request, cm apiclient.Complaint) *knowledgePanel {
	cat := apiclient.Category(cm.Category)
	var words []string
	for _, k := range cm.Keywords {
		if k = strings.TrimSpace(k); k != "" && len(words) < knowledgeWords {
			words = append(words, k)
		}
	}
	if len(words) == 0 {
		return &knowledgePanel{Category: string(cat)}
	}
	var list page[apiclient.KnowledgeArticle]
	ref, err := into(&list)(c.client.ListKnowledge(r.Context(), &apiclient.ListKnowledgeParams{Category: &cat, Any: &words}))
	if ref != nil || err != nil {
		c.log.DebugContext(r.Context(), "complaint page: no knowledge panel", "refusal", ref, "error", err)
		return nil
	}
	held := func(a apiclient.KnowledgeArticle) int {
		text := strings.ToLower(a.Title + "\n" + a.Body + "\n" + strings.Join(a.Keywords, "\n"))
		n := 0
		for _, k := range cm.Keywords {
			if k = strings.ToLower(strings.TrimSpace(k)); k != "" && strings.Contains(text, k) {
				n++
			}
		}
		return n
	}
	var found []apiclient.KnowledgeArticle
	counts := map[string]int{}
	for _, a := range list.Items {
		if n := held(a); n > 0 {
			counts[a.Id.String()] = n
			found = append(found, a)
		}
	}
	// Stable: among as many keywords held, the newest first, as the API listed them.
	slices.SortStableFunc(found, func(a, b apiclient.KnowledgeArticle) int { return counts[b.Id.String()] - counts[a.Id.String()] })
	return &knowledgePanel{Category: string(cat), Articles: found[:min(len(found), knowledgePanelSize)]}
}
