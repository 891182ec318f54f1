package console

import (
	"html/template"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"

	"golang.org/x/net/html"
)

// hole stands for a template action in a page's text: what the page prints there
// comes from data or from the catalog, not from the template.
const hole = "\x00"

// allowedWords are the Latin words a Chinese page may show as they are: names of
// metrics and standards, and identifiers.
var allowedWords = map[string]bool{
	"SLA": true, "PDCA": true, "CSAT": true, "NPS": true, "CES": true, "FCR": true, "ID": true, "JSON": true,
	"CSV": true, "API": true, "URL": true, "UTC": true, "IANA": true, "SOP": true, "SMART": true, "complaintflow": true,
	"English": true, "Webhook": true,
}

var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z'-]+`)

// visibleText is the text a reader of the template sees (and hears: aria-label,
// placeholder, title, alt), with each action a hole; code and scripts are left out.
func visibleText(t *testing.T, name string) []string {
	t.Helper()
	src, err := fs.ReadFile(templateFiles, "templates/"+name)
	if err != nil {
		t.Fatal(err)
	}
	all := template.FuncMap{}
	for _, m := range []template.FuncMap{funcs, qualityFuncs, adminFuncs, dashFuncs, knowledgeFuncs} {
		for k, v := range m {
			all[k] = v
		}
	}
	parsed, err := texttemplate.New(name).Funcs(texttemplate.FuncMap(all)).Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	trees := map[string]*parse.Tree{}
	for _, tt := range parsed.Templates() {
		if tt.Tree != nil {
			trees[tt.Name()] = tt.Tree
		}
	}
	var b strings.Builder
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.TextNode:
			b.Write(n.Text)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		default:
			b.WriteString(hole)
		}
	}
	names := make([]string, 0, len(trees))
	for k := range trees {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		walk(trees[k].Root)
		b.WriteString("\n")
	}
	var out []string
	z := html.NewTokenizer(strings.NewReader(b.String()))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "code" || tok.Data == "script" || tok.Data == "style" {
				skip++
			}
			for _, a := range tok.Attr {
				switch a.Key {
				case "aria-label", "placeholder", "title", "alt":
					out = append(out, a.Val)
				}
			}
		case html.EndTagToken:
			if d := z.Token().Data; (d == "code" || d == "script" || d == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				out = append(out, string(z.Text()))
			}
		}
	}
}

// Every page's own words come from the catalog, so a Chinese viewer never sees an
// English phrase that was left out of it: the templates' text, between actions, has
// no English word but names like SLA and PDCA.
func TestTemplatesHaveNoUntranslatedText(t *testing.T) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			for _, text := range visibleText(t, e.Name()) {
				for _, w := range latinWord.FindAllString(text, -1) {
					if !allowedWords[w] {
						t.Errorf("untranslated %q in %q", w, strings.TrimSpace(strings.ReplaceAll(text, hole, "…")))
					}
				}
			}
		})
	}
}

// tCall is a {{t $.Lang "id"}} call (with any form of the language argument).
var tCall = regexp.MustCompile(`\{\{-?\s*t \S+ "([^"]+)"`)

// Every message a template asks for by name is in the catalog with both languages
// (an id that is not would show as itself).
func TestTemplateMessagesAreInTheCatalog(t *testing.T) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		src, err := fs.ReadFile(templateFiles, "templates/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tCall.FindAllStringSubmatch(string(src), -1) {
			if msg, ok := messages[m[1]]; !ok || msg.en == "" || msg.zh == "" {
				t.Errorf("%s: message %q is not in the catalog in both languages", e.Name(), m[1])
			}
		}
	}
}

// The ids pages make from data (a stage, a grade, a section, a table) are in the
// catalog in both languages too.
func TestMadeMessageIDsAreInTheCatalog(t *testing.T) {
	var ids []string
	for _, s := range adminSections {
		ids = append(ids, "adm."+s[0])
	}
	for _, s := range boardColumns {
		ids = append(ids, "pdca.stage."+s)
	}
	for _, g := range grades {
		ids = append(ids, "rk.grade."+g.Grade, g.Label)
	}
	for _, f := range riskFields["close"] {
		ids = append(ids, "rk.f."+f)
	}
	for _, id := range subjectKinds {
		ids = append(ids, id)
	}
	for _, g := range groupings {
		ids = append(ids, "dash.group."+g, "dash.first."+g)
	}
	for _, p := range periodOrder {
		ids = append(ids, "dash.period."+p)
	}
	for _, id := range []string{"volume-channel", "volume-category", "rates", "times", "voice", "wait", "heatmap", "breakdown"} {
		ids = append(ids, "dash.cap."+id)
	}
	for _, f := range slices.Concat(rateCols, timeCols, voiceCols, waitCols, breakdownCols) {
		ids = append(ids, "dash.col."+f.Key)
	}
	for _, rm := range removals {
		ids = append(ids, rm.noun, rm.verb)
	}
	ids = append(ids, "dash.per.month", "dash.per.week", "dash.first.period", "dash.first.keyword",
		"cy.decision.approve", "cy.decision.send_back", "clock.first", "clock.resolution", "clock.handling")
	for _, k := range decisionKinds {
		ids = append(ids, "esc.d."+string(k))
	}
	for _, l := range decisionUrgencies {
		ids = append(ids, "esc.lvl."+string(l))
	}
	for _, k := range compensationKinds {
		ids = append(ids, "esc.kind."+string(k))
	}
	for _, id := range ids {
		if m, ok := messages[id]; !ok || m.en == "" || m.zh == "" {
			t.Errorf("message %q is not in the catalog in both languages", id)
		}
	}
}
