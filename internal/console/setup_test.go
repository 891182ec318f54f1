package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// setupAnswers are the API's reads of the quality setup page: a card of two
// dimensions, the review rules' defaults and the risk thresholds.
func setupAnswers() map[string]any {
	crit := func(key, name, dim string, points int) map[string]any {
		return map[string]any{"key": key, "name": name, "points": points, "dimension": dim}
	}
	rules := map[string]any{"resolution_rate_enabled": true, "resolution_rate_target_pct": 80, "sla_compliance_enabled": true,
		"sla_compliance_target_pct": 90, "keyword_cluster_enabled": false, "keyword_cluster_min": 20, "csat_drop_enabled": true,
		"csat_drop_points": 5, "min_volume": 10, "check_spec": "0 9 1,15 * *", "max_iterations": 6}
	thresholds := map[string]any{"updated_at": nil, "updated_by": nil}
	for _, s := range riskThresholdSettings {
		thresholds[s.Key] = 7
	}
	thresholds["red_handling"], thresholds["training_criterion_pct"], thresholds["training_window_days"] = "1h0m0s", 60, 30
	return map[string]any{
		"/v1/qa-scorecard": map[string]any{"sample_pct": 10, "updated_at": nil, "updated_by": nil, "criteria": []any{
			crit("tone", "Tone of voice", "attitude", 10), crit("empathy", "Empathy", "attitude", 10), crit("care", "Care", "attitude", 5),
			crit("know", "Knows the product", "expertise", 25), crit("fix", "Fixes it", "expertise", 25), crit("tools", "Tools", "expertise", 25)}},
		"/v1/review-rules":    rules,
		"/v1/risk-thresholds": thresholds,
	}
}

// The quality setup page shows the scorecard by readable dimension with the pass
// mark the risk thresholds set, and each review rule and risk threshold with its
// value, unit and seed rule; min_volume says PDCA checks use it. Each form is the
// API's writers' (quality, admin); a manager reads the values with a note saying
// who may, and the navigation links the page for who may read it.
func TestQualitySetupShowsTheSettings(t *testing.T) {
	c := (&fakeAPI{answers: setupAnswers()}).console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	status, body := getAs(t, c.qualitySetup, auth.RoleQuality, "/console/quality-setup")
	if status != http.StatusOK {
		t.Fatalf("HTTP %d %.500s", status, body)
	}
	dims := between(body, `id="setup-dimensions"`, "</table>")
	if !strings.Contains(dims, `<th scope="row">Attitude</th>`) || !strings.Contains(dims, "Tone of voice (10); Empathy (10); Care (5)</td><td>25</td>") ||
		!strings.Contains(dims, `<td id="card-total">100</td>`) {
		t.Errorf("the dimensions, by their names: %s", dims)
	}
	if pass := between(body, `id="setup-pass"`, "</p>"); !strings.Contains(pass, "at least 60 % of its points over the last 30 days") {
		t.Errorf("what pass means: %s", pass)
	}
	for _, want := range []string{
		`<label for="rules-min_volume">Fewest samples for a verdict</label><br><small class="note" id="min-volume-pdca">PDCA checks use it too`,
		`id="rules-min_volume" name="min_volume" inputmode="decimal" size="12" value="10">`,
		`id="rules-keyword_cluster_enabled" name="keyword_cluster_enabled" value="on">`,
		`id="thresholds-red_handling" name="red_handling" size="12" value="1h0m0s">`,
		`<td>duration: 1h, 90m</td>` + "\n" + `<td class="seed">002 §9.1「红色风险…需1小时内启动应急预案」</td>`,
		`<td>samples</td>` + "\n" + `<td class="seed">the service&#39;s own default</td>`,
		`id="sample_pct" name="sample_pct" inputmode="numeric" size="4" value="10">`,
		`id="dimension-0" name="dimension-0" aria-label="Dimension 0" value="attitude">` + "\n" + `<small class="note">Attitude</small>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	zh := httptest.NewRequest(http.MethodGet, "/console/quality-setup", nil)
	zh.Header.Set("Accept-Language", "zh-CN")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "qin", Role: auth.RoleQuality}, CSRF: "csrf"}
	rec := httptest.NewRecorder()
	c.qualitySetup(rec, zh.WithContext(context.WithValue(zh.Context(), viewerKey{}, v)))
	if body := rec.Body.String(); !strings.Contains(body, `<th scope="row">服务态度</th>`) ||
		!strings.Contains(body, `<label for="rules-min_volume">得出结论的最少样本数</label>`) || !strings.Contains(body, "<td>个样本</td>") {
		t.Errorf("the page in Chinese: %s", snippet(body, "rules-min_volume"))
	}
	for _, role := range []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin} {
		_, body := getAs(t, c.qualitySetup, role, "/console/quality-setup")
		may := role == auth.RoleQuality || role == auth.RoleAdmin
		for _, f := range []struct{ action, note string }{{"scorecard", "card-who"}, {"rules", "rules-who"}, {"thresholds", "thresholds-who"}} {
			form := strings.Contains(body, `action="/console/quality-setup/`+f.action+`"`)
			note := strings.Contains(body, `id="`+f.note+`">`) && strings.Contains(body, "quality, admin")
			if form != may || note == may {
				t.Errorf("%s as %s: form %v, note %v; want the form %v", f.action, role, form, note, may)
			}
		}
	}
	_, body = getAs(t, c.qualitySetup, auth.RoleManager, "/console/quality-setup")
	if !strings.Contains(body, `id="thresholds-kpi_min_volume" name="kpi_min_volume" inputmode="decimal" size="12" value="7" readonly>`) ||
		strings.Contains(body, `action="/console/quality-setup/`) {
		t.Errorf("a manager reads the values read-only: %s", snippet(body, "thresholds-kpi_min_volume"))
	}
	for _, role := range []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin} {
		_, body := getAs(t, c.kpiTargets, role, "/console/kpi-targets")
		if got, want := strings.Contains(body, `href="/console/quality-setup" id="nav-setup"`), role != auth.RoleAgent; got != want {
			t.Errorf("the navigation as %s links the quality setup: %v, want %v", role, got, want)
		}
	}
}

// postSetup sends a setup form to h as a quality lead.
func postSetup(h http.HandlerFunc, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", "csrf")
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "qin", Role: auth.RoleQuality, PersonID: "qin"}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	h(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	return w
}

// Each setup form sends what was typed against the version it was drawn with:
// the review rules whole (a switch off is false), the risk thresholds and the
// scorecard's criteria without the rows left empty. A refusal comes back on its
// form with each field's message next to the field and the typed values kept.
func TestQualitySetupFormsSendAndShowRefusals(t *testing.T) {
	f := &fakeAPI{answers: setupAnswers()}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})

	w := postSetup(c.setupRules, url.Values{"version": {`"seed"`}, "resolution_rate_enabled": {"on"}, "resolution_rate_target_pct": {"75"},
		"min_volume": {" 7 "}, "check_spec": {"0 9 * * MON"}, "max_iterations": {"4"}})
	w2 := postSetup(c.setupThresholds, url.Values{"version": {`"seed"`}, "kpi_min_volume": {"4"}, "red_handling": {"2h"}})
	w3 := postSetup(c.setupScorecard, url.Values{"version": {`"seed"`}, "rows": {"3"}, "sample_pct": {"15"},
		"key-0": {"speed"}, "name-0": {"Speed"}, "points-0": {"60"}, "key-2": {"fix"}, "name-2": {"Fix"}, "points-2": {"40"}})
	if w.Code != http.StatusSeeOther || w2.Code != http.StatusSeeOther || w3.Code != http.StatusSeeOther || len(f.writes) != 3 {
		t.Fatalf("HTTP %d, %d, %d; writes %v", w.Code, w2.Code, w3.Code, f.writes)
	}
	rules, thresholds, card := f.writes[0], f.writes[1], f.writes[2]
	if rules.Path != "/v1/review-rules" || rules.IfMatch != `"seed"` || rules.Body["min_volume"] != 7.0 || rules.Body["csat_drop_enabled"] != false ||
		rules.Body["resolution_rate_enabled"] != true || rules.Body["check_spec"] != "0 9 * * MON" || rules.Body["keyword_cluster_min"] != nil {
		t.Errorf("the review rules sent: %+v", rules)
	}
	if thresholds.Path != "/v1/risk-thresholds" || thresholds.Body["kpi_min_volume"] != 4.0 || thresholds.Body["red_handling"] != "2h" || len(thresholds.Body) != 2 {
		t.Errorf("the risk thresholds sent: %+v", thresholds)
	}
	if crit, _ := card.Body["criteria"].([]any); card.Path != "/v1/qa-scorecard" || card.Body["sample_pct"] != 15.0 || len(crit) != 2 ||
		crit[1].(map[string]any)["key"] != "fix" || crit[1].(map[string]any)["points"] != 40.0 {
		t.Errorf("the scorecard sent: %+v", card)
	}

	problem := func(field, message string) map[string]any {
		return map[string]any{"type": "about:blank", "title": "invalid request", "status": http.StatusBadRequest, "code": "validation_failed",
			"errors": []any{map[string]any{"field": field, "code": "out_of_range", "message": message}}}
	}
	var sent []string
	c.client.Client = keyAnswers{next: c.client.Client, sent: &sent, answers: map[string]any{
		"PUT /v1/review-rules":    problem("min_volume", "must be an integer from 1 to 1000000"),
		"PUT /v1/risk-thresholds": problem("red_handling", "must be a duration of at least 1m"),
		"PUT /v1/qa-scorecard":    problem("criteria[1].points", "must be at least 1"),
	}}
	for _, tc := range []struct {
		h          http.HandlerFunc
		form       url.Values
		id, msg    string
		typed      string
		otherForms []string
	}{
		{c.setupRules, url.Values{"min_volume": {"0"}}, "rules-min_volume", "must be an integer from 1 to 1000000",
			`name="min_volume" inputmode="decimal" size="12" value="0">`, []string{"red_handling-error", "points-2-error"}},
		{c.setupThresholds, url.Values{"red_handling": {"soon"}}, "thresholds-red_handling", "must be a duration of at least 1m",
			`name="red_handling" size="12" value="soon">`, []string{"min_volume-error", "points-2-error"}},
		// The second criterion sent is the form's third row: the message is at its row.
		{c.setupScorecard, url.Values{"rows": {"3"}, "key-0": {"a"}, "name-0": {"A"}, "points-0": {"100"}, "key-2": {"b"}, "name-2": {"B"}, "points-2": {"0"}},
			"points-2", "must be at least 1", `name="points-2" aria-label="Points 2" inputmode="numeric" size="4" value="0">`, []string{"min_volume-error", "red_handling-error"}},
	} {
		w := postSetup(tc.h, tc.form)
		body := w.Body.String()
		if w.Code != http.StatusBadRequest || !strings.Contains(body, `<span id="`+tc.id+`-error" class="error" role="alert">`+tc.msg+`</span>`) ||
			!strings.Contains(body, `aria-describedby="`+tc.id+`-error"`) || !strings.Contains(body, tc.typed) {
			t.Errorf("refused %s: HTTP %d, want its message next to it and the value kept: %s", tc.id, w.Code, snippet(body, tc.id))
		}
		for _, other := range tc.otherForms {
			if strings.Contains(body, other) {
				t.Errorf("refused %s: another form shows %s", tc.id, other)
			}
		}
	}
}

// Every label and unit the setup page makes from its settings is in the catalog in both languages.
func TestSetupSettingsAreInTheCatalog(t *testing.T) {
	for section, settings := range map[string][]setting{"rules": reviewRuleSettings, "thresholds": riskThresholdSettings} {
		for _, s := range settings {
			for _, id := range []string{"setup." + section + "." + s.Key, "setup.u." + s.Unit} {
				if m, ok := messages[id]; !ok || m.en == "" || m.zh == "" {
					t.Errorf("%s is not in the catalog in both languages", id)
				}
			}
		}
	}
}

// A settings form refused as stale (412: changed elsewhere since drawn) shows the
// settings as they are now with only what the user changed over them, marked where
// it was changed elsewhere too: sent again, it does not undo a colleague's change
// to a field the user never touched. The thresholds send only the fields changed
// (the API merges them field by field).
func TestQualitySetupStaleKeepsChangesMadeElsewhere(t *testing.T) {
	f := &fakeAPI{answers: setupAnswers()}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	drawn := func(settings []setting, read map[string]any, changed map[string]string) url.Values {
		form := url.Values{"version": {`"v1"`}}
		for _, row := range settingRows(settings, read) {
			form.Set("drawn-"+row.Key, row.Drawn)
			if v, ok := changed[row.Key]; ok {
				form.Set(row.Key, v)
			} else if row.Drawn != "" {
				form.Set(row.Key, row.Drawn)
			}
		}
		return form
	}
	rulesRead, thresholdsRead := f.answers["/v1/review-rules"].(map[string]any), f.answers["/v1/risk-thresholds"].(map[string]any)
	thresholdsForm := drawn(riskThresholdSettings, asRead(thresholdsRead), map[string]string{"kpi_min_volume": "4"})
	rulesForm := drawn(reviewRuleSettings, asRead(rulesRead), map[string]string{"csat_drop_enabled": ""})

	if w := postSetup(c.setupThresholds, thresholdsForm); w.Code != http.StatusSeeOther || len(f.writes) != 1 ||
		len(f.writes[0].Body) != 1 || f.writes[0].Body["kpi_min_volume"] != 4.0 {
		t.Fatalf("HTTP %d; the thresholds sent %+v, want only the field changed", w.Code, f.writes)
	}

	// Meanwhile a colleague saved other values.
	rulesRead["min_volume"] = 12
	thresholdsRead["csat_min_answers"], thresholdsRead["kpi_min_volume"] = 9, 8
	stale := map[string]any{"type": "about:blank", "title": "changed elsewhere", "status": http.StatusPreconditionFailed,
		"code": "precondition_failed"}
	var sent []string
	c.client.Client = keyAnswers{next: c.client.Client, sent: &sent, answers: map[string]any{
		"PUT /v1/review-rules": stale, "PUT /v1/risk-thresholds": stale}}

	// The scorecard, saved whole, shows as it is now: the colleague's 15 %, not the 20 typed.
	f.answers["/v1/qa-scorecard"].(map[string]any)["sample_pct"] = 15
	c.client.Client = keyAnswers{next: c.client.Client, sent: &sent, answers: map[string]any{"PUT /v1/qa-scorecard": stale}}
	card := postSetup(c.setupScorecard, url.Values{"version": {`"v1"`}, "sample_pct": {"20"}, "rows": {"0"}}).Body.String()
	if !strings.Contains(card, `name="sample_pct" inputmode="numeric" size="4" value="15">`) {
		t.Errorf("the stale scorecard form is not the card as saved elsewhere: %s", snippet(card, `name="sample_pct"`))
	}

	body := postSetup(c.setupThresholds, thresholdsForm).Body.String()
	for _, want := range []string{
		`name="csat_min_answers" inputmode="decimal" size="12" value="9">`, // untouched: as saved elsewhere
		`name="kpi_min_volume" inputmode="decimal" size="12" value="4">`,   // changed: as typed
		`<input type="hidden" name="drawn-kpi_min_volume" value="8">`,
		`<small class="note" id="thresholds-kpi_min_volume-saved">saved elsewhere meanwhile: 8</small>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the stale thresholds form lacks %q: %s", want, snippet(body, "thresholds-kpi_min_volume"))
		}
	}
	if strings.Contains(body, "thresholds-csat_min_answers-saved") {
		t.Error("an untouched threshold is marked as the user's change over another")
	}
	body = postSetup(c.setupRules, rulesForm).Body.String()
	for _, want := range []string{
		`name="min_volume" inputmode="decimal" size="12" value="12">`,
		`name="csat_drop_enabled" value="on">`, // switched off, as typed
		`name="resolution_rate_enabled" value="on" checked>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the stale rules form lacks %q: %s", want, snippet(body, "rules-min_volume"))
		}
	}
	if strings.Contains(body, "-saved\"") {
		t.Errorf("a rule not changed elsewhere is marked: %s", snippet(body, "-saved"))
	}
}

// asRead is an answer as the console decodes it (numbers float64).
func asRead(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
