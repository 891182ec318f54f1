package console

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/net/html"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// everyPage is a console with every page parsed as the console parses them.
func everyPage(t *testing.T) *Console {
	t.Helper()
	c := &Console{pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler), grants: apiGrants()}
	if err := c.parseFirstPages(); err != nil {
		t.Fatal(err)
	}
	c.routes() // registers, and so parses, the others
	return c
}

// drawn renders page name at status with data for a viewer of lang — an admin, who
// is offered every form — and returns the HTML.
func drawn(t *testing.T, c *Console, lang, name string, status int, data map[string]any) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/console/", nil)
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleAdmin}}))
	r.Header.Set("Accept-Language", lang)
	w := httptest.NewRecorder()
	c.render(w, r, status, name, data)
	if w.Code != status {
		t.Fatalf("%s: HTTP %d, want %d: %.300s (%v)", name, w.Code, status, w.Body.String(),
			c.pages[name].ExecuteTemplate(io.Discard, "layout.html", data))
	}
	return w.Body.String()
}

var titleTag = regexp.MustCompile(`<title>([^<]*)</title>`)

// Every page says which page it is in its <title>, in the viewer's language, and a
// page drawn with a refusal says so first.
func TestEveryPageHasItsOwnTitle(t *testing.T) {
	c := everyPage(t)
	for _, lang := range []string{langEN, langZH} {
		seen := map[string]string{}
		for name := range c.pages {
			m, ok := messages["title."+name]
			if !ok || m.en == "" || m.zh == "" {
				t.Errorf("page %s has no title in both languages", name)
				continue
			}
			title := pageTitle(lang, name, http.StatusOK)
			if other, dup := seen[title]; dup {
				t.Errorf("%s: pages %s and %s are both titled %q", lang, name, other, title)
			}
			seen[title] = name
		}
	}
	refused := map[string]any{"PageRefusal": &refusal{Status: http.StatusForbidden, Detail: "role agent may not"}}
	for _, tc := range []struct {
		lang, page string
		status     int
		data       map[string]any
		want       string
	}{
		{"en", "escalations", http.StatusOK, map[string]any{"Entries": []pending{}}, "Escalations — complaintflow"},
		{"zh-CN", "escalations", http.StatusOK, map[string]any{"Entries": []pending{}}, "升级审批 — complaintflow"},
		{"en", "login", http.StatusUnauthorized, map[string]any{"Error": "unknown token"}, "Refused: Sign in — complaintflow"},
		{"en", "escalations", http.StatusForbidden, refused, "Refused: Escalations — complaintflow"},
		{"zh-CN", "risk", http.StatusForbidden, refused, "被拒绝：风险预警 — complaintflow"},
		{"en", "kpi", http.StatusServiceUnavailable, refused, "Unavailable: KPI targets — complaintflow"},
		{"zh-CN", "qa", http.StatusForbidden, refused, "被拒绝：质检队列 — complaintflow"},
	} {
		body := drawn(t, c, tc.lang, tc.page, tc.status, tc.data)
		if m := titleTag.FindStringSubmatch(body); m == nil || html.UnescapeString(m[1]) != tc.want {
			t.Errorf("%s %s at %d: title %q, want %q", tc.lang, tc.page, tc.status, m, tc.want)
		}
	}
}

// doc parses a rendered page.
func doc(t *testing.T, body string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// elements is every element of n in document order.
func elements(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// describedControls checks a refused form's page: every aria-describedby names
// elements of the page, every aria-invalid control is described by an error
// message, and every field's message (an element of class error whose id ends in
// -error, but those in unrelated) describes a control. It returns the controls
// marked invalid, by id, with what describes them.
func describedControls(t *testing.T, name, body string, unrelated ...string) map[string]string {
	t.Helper()
	els := elements(doc(t, body))
	byID := map[string]*html.Node{}
	for _, e := range els {
		if id, ok := attr(e, "id"); ok {
			byID[id] = e
		}
	}
	invalid, describing := map[string]string{}, map[string]bool{}
	for _, e := range els {
		d, has := attr(e, "aria-describedby")
		for _, id := range strings.Fields(d) {
			describing[id] = true
			if byID[id] == nil {
				t.Errorf("%s: <%s id=%q> is described by %q, which is not on the page", name, e.Data, idOf(e), id)
			}
		}
		if v, _ := attr(e, "aria-invalid"); v == "true" {
			invalid[idOf(e)] = d
			if !has || !strings.Contains(d, "error") && !strings.Contains(d, "refusal") {
				t.Errorf("%s: <%s id=%q> is aria-invalid, described by %q: no message", name, e.Data, idOf(e), d)
			}
		}
	}
	for _, e := range els {
		id, _ := attr(e, "id")
		class, _ := attr(e, "class")
		if strings.HasSuffix(id, "-error") && strings.Contains(" "+class+" ", " error ") && !describing[id] {
			if !strings.Contains(strings.Join(unrelated, " "), id) {
				t.Errorf("%s: the message %q describes no control", name, id)
			}
		}
	}
	return invalid
}

func idOf(n *html.Node) string { id, _ := attr(n, "id"); return id }

// A refused form's control says it is invalid and is described by the API's
// message beside it, on each kind of page: the complaint's forms (fielderr), the
// quality pages' (qerr), the admin's (textfield, fielderrors), the page filters
// (dashboard) and the inbox, whose messages are in the refusal above the form.
func TestARefusedFieldIsDescribedByItsMessage(t *testing.T) {
	c := everyPage(t)
	sample := uuid.New()
	card := apiclient.QAScorecard{Criteria: []apiclient.QACriterion{{Key: "attitude", Name: "Attitude", Points: 25}, {Key: "expertise", Name: "Expertise", Points: 25}}}
	entry := pending{E: apiclient.Escalation{Id: "e1", ComplaintId: uuid.New(), Seq: 1}, Input: map[string]string{}}
	for _, tc := range []struct {
		page      string
		data      map[string]any
		want      map[string]string // control id → its aria-describedby
		unrelated []string
	}{
		{"complaint", map[string]any{"C": complaint{Complaint: apiclient.Complaint{}}, "Record": record{}, "Events": []apiclient.ComplaintEvent{}, "Form": "compensate",
			"Input":   map[string]string{"amount": "lots"},
			"Refusal": &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"amount": "must be a number", "kind": "is required"}}},
			map[string]string{"compensate-amount": "compensate-amount-error", "compensate-kind": "compensate-hint compensate-kind-error"}, nil},
		{"complaint", map[string]any{"C": complaint{Complaint: apiclient.Complaint{}}, "Record": record{}, "Events": []apiclient.ComplaintEvent{}, "Form": "resolve",
			"Input":   map[string]string{},
			"Refusal": &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"root_cause": "is required"}}},
			map[string]string{"resolve-root-cause": "resolve-root_cause-error"}, nil},
		{"qa", map[string]any{"Samples": []apiclient.QASample{{Id: sample}}, "Card": card, "Form": sample.String(),
			"Input":   map[string]string{"scores.attitude": "4.5"},
			"Refusal": &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"scores.attitude": "must be an integer"}}},
			map[string]string{"score-" + sample.String() + "-attitude": "score-" + sample.String() + "-attitude-error"}, nil},
		{"risk", map[string]any{"Form": "open", "Input": map[string]string{}, "Grades": grades,
			"Refusal": &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"grade": "is required", "description": "is required"}}},
			map[string]string{"open-grade": "open-grade-error", "open-description": "open-description-error"}, nil},
		{"dashboard", map[string]any{"PageRefusal": &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"period": "must be one of 4w, 12w"}},
			"Periods": periodOrder, "V": dashView{}},
			map[string]string{"period": "period-error"}, nil},
		{"admin_tokens", map[string]any{"Form": adminForm{Name: "token", Input: map[string]string{},
			Refusal: &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"expires_in": "is not a duration", "role": "is required"}}}},
			map[string]string{"token-expires_in": "token-expires_in-hint token-expires_in-error", "token-role": "token-role-error"}, nil},
		{"escalations", map[string]any{"Entries": []pending{entry}, "Kinds": decisionKinds, "Urgencies": decisionUrgencies,
			"CompKinds": compensationKinds, "Input": map[string]string{}, "Refused": entry.Key(),
			"Refusal": &refusal{Status: 400, Detail: "invalid", Fields: map[string]string{"owner": "no person x", "compensation.amount": "is required"}}},
			map[string]string{"owner-e1": "refusal-e1", "amount-e1": "refusal-e1"}, nil},
	} {
		body := drawn(t, c, langEN, tc.page, http.StatusBadRequest, tc.data)
		got := describedControls(t, tc.page, body, tc.unrelated...)
		for id, want := range tc.want {
			if got[id] != want {
				t.Errorf("%s: <%s> aria-invalid described by %q, want %q", tc.page, id, got[id], want)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: invalid controls %v, want %v", tc.page, got, tc.want)
		}
	}
}

// fieldaria's attributes: the hint always, the message only when there is one.
func TestFieldAria(t *testing.T) {
	for _, tc := range []struct {
		msg  any
		also []any
		want template.HTMLAttr
	}{
		{"", nil, ""},
		{false, []any{"x-hint"}, ` aria-describedby="x-hint"`},
		{"is required", nil, ` aria-invalid="true" aria-describedby="x-error"`},
		{[]string{"a", "b"}, []any{"x-hint", "", false}, ` aria-invalid="true" aria-describedby="x-hint x-error"`},
		{[]string(nil), nil, ""},
	} {
		if got := fieldaria(tc.msg, "x-error", tc.also...); got != tc.want {
			t.Errorf("fieldaria(%#v, %v) = %q, want %q", tc.msg, tc.also, got, tc.want)
		}
	}
}

// A Chinese page's words the scripts and the style sheet show are Chinese: the
// countdown's units, the note on an escalation a notice linked, the cycle chart's
// legend and axis; the style sheet holds no words of its own.
func TestScriptAndStyleWordsAreThePagesLanguage(t *testing.T) {
	c := everyPage(t)
	inbox := drawn(t, c, langZH, "escalations", http.StatusOK, map[string]any{"Entries": []pending{{E: apiclient.Escalation{Id: "e1", ComplaintId: uuid.New(), Seq: 1}, Input: map[string]string{}}},
		"Kinds": decisionKinds, "Urgencies": decisionUrgencies, "CompKinds": compensationKinds, "Input": map[string]string{}, "Refused": ""})
	for _, want := range []string{`data-cd-h="小时"`, `data-cd-m="分"`, `data-cd-s="秒"`, `data-linked="来自您收到的通知中的链接"`} {
		if !strings.Contains(inbox, want) {
			t.Errorf("the Chinese inbox lacks %s", want)
		}
	}
	cycle := drawn(t, c, langZH, "cycle", http.StatusOK, map[string]any{"Cy": cycleOf(apiclient.Cycle{}), "Chart": `{"checks":[]}`, "Events": []apiclient.CycleEvent{},
		"Measures": []int{0}, "Input": map[string]string{}, "Form": ""})
	for _, want := range []string{`data-value="数值"`, `data-baseline="基线"`, `data-target="目标"`, `data-axis="迭代 · 检查"`} {
		if !strings.Contains(cycle, want) {
			t.Errorf("the Chinese cycle page's chart lacks %s", want)
		}
	}
	if got := funcs["span"].(func(string, int64) string)(langZH, 26*3600+5*60); got != "26小时 5分" {
		t.Errorf("business time left in Chinese: %q", got)
	}
	css, err := fs.ReadFile(staticFiles, "static/console.css")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`content:\s*"[^"]*[\p{L}]`).Find(css); m != nil {
		t.Errorf("console.css writes words of its own (%s): a Chinese page would show them", m)
	}
	for _, script := range []string{"static/quality.js", "static/console.js"} {
		js, err := fs.ReadFile(staticFiles, script)
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`legend: \{ data: \["|name: "iteration`).Find(js); m != nil {
			t.Errorf("%s names its series itself (%s)", script, m)
		}
	}
}

// A QA score goes to the API as typed: a fraction as the number it is, text as
// text, so the API's refusal is about what was typed (not a -1 nobody typed).
func TestQAScoresGoAsTyped(t *testing.T) {
	card := apiclient.QAScorecard{Criteria: []apiclient.QACriterion{{Key: "a"}, {Key: "b"}, {Key: "c"}, {Key: "d"}}}
	got, err := json.Marshal(qaScores(card, map[string]string{"scores.a": "4.5", "scores.b": "abc", "scores.c": " 7 ", "scores.d": ""}))
	if want := `{"a":4.5,"b":"abc","c":7}`; err != nil || string(got) != want {
		t.Errorf("scores %s, %v; want %s", got, err, want)
	}
}
