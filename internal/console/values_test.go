package console

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// named fails unless the catalog names id in both languages.
func named(t *testing.T, id string) {
	t.Helper()
	if m, ok := messages[id]; !ok || m.en == "" || m.zh == "" {
		t.Errorf("%s: no name in both languages (%q)", id, m)
	}
}

// Every value the OpenAPI document and the complaint package list for the enums
// the console shows has its name in both languages, so a Chinese page never shows
// "in_progress" or "after_sales".
func TestEveryEnumValueIsNamed(t *testing.T) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for schema, field := range map[string]string{"ComplaintStatus": "status", "Level": "level", "Category": "category",
		"Channel": "channel", "ComplaintSource": "source", "Scope": "scope",
		"RiskAlertStatus": "riskstatus", "RiskCondition": "condition", "CycleStage": "stage", "Cycle.plan_status": "plan",
		"NotificationStatus": "notification", "RecoveryKind": "recovery", "Compensation.status": "compensation",
		"Survey.status": "survey", "EscalationStatus": "escalation", "ReviewScheduleKind": "review", "ReviewKind": "review",
		"BacklogStatus": "backlog", "Token.state": "token", "Role": "role", "PersonRole": "role"} {
		name, prop, _ := strings.Cut(schema, ".")
		s := doc.Components.Schemas[name]
		if s != nil && s.Value != nil && prop != "" {
			s = s.Value.Properties[prop]
		}
		if s == nil || s.Value == nil || len(s.Value.Enum) == 0 {
			t.Errorf("the document has no enum %s", schema)
			continue
		}
		for _, v := range s.Value.Enum {
			named(t, fmt.Sprintf("enum.%s.%v", field, v))
		}
	}
	lists := map[string][]string{"category": domain.Categories, "channel": domain.Channels}
	for _, s := range domain.Statuses {
		lists["status"] = append(lists["status"], string(s))
	}
	for _, l := range domain.Levels {
		lists["level"] = append(lists["level"], string(l))
	}
	lists["event"] = append(constants(t, "../complaint", "EventKind"), constants(t, "../store", "RevealedKind")...)
	lists["via"] = constants(t, "../notify", "Channel")
	lists["outcome"] = constants(t, "../quality", "Outcome")
	lists["cycleevent"] = cycleEventKinds(t)
	for field, values := range lists {
		for _, v := range values {
			named(t, "enum."+field+"."+v)
		}
	}
}

// constants are the values of the string constants of the package in dir whose
// type is named prefix, or whose name starts with it: every one the code declares,
// so a kind added there needs its names here.
func constants(t *testing.T, dir, prefix string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, _ := vs.Type.(*ast.Ident)
				for i, n := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if ok && lit.Kind == token.STRING && ((typ != nil && typ.Name == prefix) || (typ == nil && strings.HasPrefix(n.Name, prefix))) {
						v, _ := strconv.Unquote(lit.Value)
						values = append(values, v)
					}
				}
			}
		}
	}
	if len(values) == 0 {
		t.Fatalf("%s declares no %s", dir, prefix)
	}
	return values
}

// cycleEventKinds are the kinds a PDCA cycle's history holds: those its workflow
// records (c.record(ctx, "kind", …)) and the store's first, 'proposed'.
func cycleEventKinds(t *testing.T) []string {
	t.Helper()
	var kinds []string
	for glob, re := range map[string]*regexp.Regexp{
		"../../workflows/pdca*.go": regexp.MustCompile(`\.record\(ctx, "([a-z_]+)"`),
		"../store/pdca.go":         regexp.MustCompile(`INSERT INTO pdca_events [^;]*?VALUES \(\$1, \$2, '([a-z_]+)'`),
	} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s: %v", glob, err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllSubmatch(src, -1) {
				kinds = append(kinds, string(m[1]))
			}
		}
	}
	if len(kinds) < 10 {
		t.Fatalf("found only the cycle event kinds %q", kinds)
	}
	return kinds
}

func TestEnumName(t *testing.T) {
	inProgress, none := apiclient.ComplaintStatus("in_progress"), (*string)(nil)
	for _, tc := range []struct {
		lang, field string
		v           any
		want        string
	}{
		{langZH, "status", inProgress, "处理中"},
		{langEN, "status", &inProgress, "in progress"},
		{langZH, "channel", "wechat", "微信"},
		{langEN, "category", "after_sales", "after-sales"},
		{langZH, "urgency", "high", "高"},
		{langZH, "tier", apiclient.Level("low"), "低"},
		{langZH, "channel", "carrier_pigeon", "carrier_pigeon"}, // a value the API added since
		{langZH, "owner", "open", "open"},                       // a field without names
		{langZH, "category", none, ""},
	} {
		if got := enumName(tc.lang, tc.field, tc.v); got != tc.want {
			t.Errorf("enumName(%s, %s, %v) = %q, want %q", tc.lang, tc.field, tc.v, got, tc.want)
		}
	}
}

// Every figure a KPI target or a PDCA cycle is set for has its name, with its
// unit, in both languages.
func TestEveryKPIIsNamed(t *testing.T) {
	for _, k := range quality.KPIs {
		named(t, "enum.kpi."+string(k))
	}
	for _, m := range quality.Metrics {
		named(t, "enum.kpi."+string(m))
	}
	if got := kpiName(langZH, quality.FirstResponseMinutes); !strings.Contains(got, "分钟") {
		t.Errorf("the first response's name %q does not say minutes", got)
	}
}

func TestKPIValue(t *testing.T) {
	sixty := 60.0
	for _, tc := range []struct {
		lang, key string
		v         any
		want      string
	}{
		{langEN, "resolution_rate_pct", &sixty, "60 %"},
		{langZH, "first_response_minutes", 30.0, "30 分钟"},
		{langEN, "wait_seconds", 90.5, "90.5 s"},
		{langEN, "nps", 45.0, "45"},
		{langEN, "fcr_pct", (*float64)(nil), "—"},
	} {
		if got := kpiValue(tc.lang, tc.key, tc.v); got != tc.want {
			t.Errorf("kpiValue(%s, %s, %v) = %q, want %q", tc.lang, tc.key, tc.v, got, tc.want)
		}
	}
}

// A duration reads as a person writes it, its zero units left out; a form holds
// the compact form, which the API (time.ParseDuration) reads back to the same length.
func TestDurations(t *testing.T) {
	for _, tc := range []struct{ api, en, zh, form string }{
		{"2h0m0s", "2h", "2小时", "2h"},
		{"15m0s", "15m", "15分钟", "15m"},
		{"1h30m0s", "1h30m", "1小时30分钟", "1h30m"},
		{"24h0m0s", "24h", "24小时", "24h"},
		{"1m30s", "1m30s", "1分钟30秒", "1m30s"},
		{"8784h0m0s", "8784h", "8784小时", "8784h"},
		{"0s", "0s", "0秒", "0s"},
		{"soon", "soon", "soon", "soon"}, // not a duration: as it is
		{"", "", "", ""},
	} {
		if got := durationIn(langEN, tc.api); got != tc.en {
			t.Errorf("en %q: %q, want %q", tc.api, got, tc.en)
		}
		if got := durationIn(langZH, &tc.api); got != tc.zh {
			t.Errorf("zh %q: %q, want %q", tc.api, got, tc.zh)
		}
		if got := compactDuration(tc.api); got != tc.form {
			t.Errorf("form %q: %q, want %q", tc.api, got, tc.form)
		}
		if want, err := time.ParseDuration(tc.api); err == nil {
			if back, err := time.ParseDuration(compactDuration(tc.api)); err != nil || back != want {
				t.Errorf("%q reads back as %v (%v), want %v", compactDuration(tc.api), back, err, want)
			}
		}
	}
}

// The policy form is filled with compact durations, which it posts back as typed.
func TestPolicyFormDurationsAreCompact(t *testing.T) {
	res := "24h0m0s"
	in := policy{apiclient.Policy{FirstResponse: "1h30m0s", Resolution: &res, FollowUp: "15m0s",
		EscalationLevels: []apiclient.EscalationLevel{{Level: 1, After: "2h0m0s", Notify: "team_lead"}}}}.input()
	for field, want := range map[string]string{"first_response": "1h30m", "resolution": "24h", "follow_up": "15m", "escalation_levels": "1 2h team_lead"} {
		if in[field] != want {
			t.Errorf("%s is filled with %q, want %q", field, in[field], want)
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// untagged is the page's text without its tags.
func untagged(body string) string { return tags.ReplaceAllString(body, "") }

// The pages show the API's values in the viewer's language, and keep the API's
// spelling where a form or a script reads it.
func TestPagesNameValuesInTheViewersLanguage(t *testing.T) {
	c := everyPage(t)
	queue := drawn(t, c, langZH, "queue", http.StatusOK, map[string]any{"Filters": queueFilters{Channel: "wechat", Status: "in_progress"}})
	for _, want := range []string{`<option value="wechat" selected>微信</option>`, `<option value="in_progress" selected>处理中</option>`,
		`<option value="after_sales">售后</option>`, `<option value="high">高</option>`} {
		if !strings.Contains(queue, want) {
			t.Errorf("the queue's filters lack %s", want)
		}
	}
	rows, err := c.part(c.fragRow, "rows", map[string]any{"Lang": langZH,
		"Items": []complaint{{Complaint: apiclient.Complaint{Status: "waiting_on_customer", Urgency: "medium"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := untagged(string(rows.HTML)); !strings.Contains(got, "等待客户") || !strings.Contains(got, "中") || strings.Contains(got, "waiting_on_customer") {
		t.Errorf("a queue row reads %q", got)
	}

	base, target := 60.0, 80.0
	cy := cycle{Cycle: apiclient.Cycle{Title: "Walk", Metric: "resolution_rate_pct", Category: "logistics", Baseline: &base, Target: &target, PlanStatus: "draft"}}
	board, err := c.part(c.pages["pdca"], "board", map[string]any{"Lang": langEN, "Columns": []boardColumn{{Stage: "plan", Cycles: []cycle{cy}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := untagged(string(board.HTML)); !strings.Contains(got, "Resolution rate % · logistics") || !strings.Contains(got, "60 % → 80 %") {
		t.Errorf("a PDCA card reads %q", got)
	}

	kpi := drawn(t, c, langZH, "kpi", http.StatusOK, map[string]any{"Rows": []kpiTargetRow{{KPI: "wait_seconds", Index: -1, Note: "002 §7.1"}}})
	if !strings.Contains(kpi, `<label for="target-wait_seconds">等待时长 p90（秒）</label>`) {
		t.Errorf("the KPI register does not name wait_seconds: %s", snippet(kpi, "kpi-register"))
	}

	res := "24h0m0s"
	cells := map[string]policy{"high/high": {apiclient.Policy{Urgency: "high", Tier: "high", FirstResponse: "2h0m0s", Resolution: &res}}}
	pol := drawn(t, c, langZH, "admin_policies", http.StatusOK, map[string]any{"Levels": levels, "Cells": cells, "Form": adminForm{}, "SrcIn": map[string]string{}, "SrcRefusal": (*refusal)(nil)})
	if got := untagged(pol); !strings.Contains(got, "2小时 / 24小时") || strings.Contains(got, "0m0s") {
		t.Errorf("the policy matrix reads %q", snippet(pol, "policy-matrix"))
	}
}

// The dashboard's columns and rows named by the API's values are in the viewer's
// language, in the table, its chart and its CSV alike.
func TestDashboardNamesValues(t *testing.T) {
	one := 1.0
	vol := localized(dashTable{ID: "volume-channel", First: "period",
		Cols: []column{{"wechat", "wechat"}, {"total", "volume"}}, Rows: []dashRow{{"2026-01", []*float64{&one, &one}}}}, langZH)
	if vol.Cols[0].Head != "微信" || vol.Cols[0].Key != "wechat" {
		t.Errorf("the channel column is %+v, want 微信 keyed wechat", vol.Cols[0])
	}
	br := localized(dashTable{ID: "breakdown", First: "urgency", Cols: []column{{"volume", "volume"}},
		Rows: []dashRow{{"high", []*float64{&one}}, {"total", []*float64{&one}}}}, langZH)
	if br.Rows[0].Label != "高" || br.Rows[1].Label != translate(langZH, "dash.total") {
		t.Errorf("the breakdown's rows are %q, %q", br.Rows[0].Label, br.Rows[1].Label)
	}
	owners := localized(dashTable{ID: "breakdown", First: "owner", Rows: []dashRow{{"open", nil}}}, langZH)
	if owners.Rows[0].Label != "open" {
		t.Errorf("an owner named open reads %q", owners.Rows[0].Label)
	}
}

// The words the review found wrong: an English title with a Chinese quote, the
// improvement list called two names.
func TestPageWordsSayOneThingOnce(t *testing.T) {
	if en := messages["rk.ledger.title"].en; regexp.MustCompile(`\p{Han}`).MatchString(en) {
		t.Errorf("the English risk ledger is titled %q", en)
	}
	nav, empty := messages["nav.backlog"], messages["bl.none"]
	if !strings.Contains(strings.ToLower(empty.en), strings.ToLower(nav.en)) || !strings.Contains(empty.zh, nav.zh) {
		t.Errorf("the improvement list is %q / %q, its empty state says %q / %q", nav.en, nav.zh, empty.en, empty.zh)
	}
}
