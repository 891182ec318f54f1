package console

import (
	"net/http"
	"slices"
	"strings"
)

// setting is one of the review rules or risk thresholds as the setup page shows it:
// its field in the API's JSON (and in the form), the unit its value is in
// ("setup.u.<Unit>" in the catalog; "onoff" a switch, "duration" and "cron" text)
// and the seed rule its default comes from ("": the service's own choice). Its
// label is "setup.<section>.<Key>" in the catalog.
type setting struct {
	Key, Unit, Seed string
}

// reviewRuleSettings are the review rules (quality.ReviewRules) in the page's order.
var reviewRuleSettings = []setting{
	{"resolution_rate_enabled", "onoff", ""},
	{"resolution_rate_target_pct", "pct", "002 §9.2「如发现\"物流咨询解决率仅60%\"问题」"},
	{"sla_compliance_enabled", "onoff", ""},
	{"sla_compliance_target_pct", "pct", "002 §9.1 黄色风险「关键指标未达标」"},
	{"keyword_cluster_enabled", "onoff", ""},
	{"keyword_cluster_min", "complaints", "002 §9.3「提取高频关键词」"},
	{"csat_drop_enabled", "onoff", ""},
	{"csat_drop_points", "points", "002 §9.1「客户满意度异常波动(单周下降≥5%)」"},
	// The minimum a review judges a category on, and a PDCA check a metric on.
	{"min_volume", "samples", ""},
	{"check_spec", "cron", "002 §9.2「每两周进行效果评估」"},
	{"max_iterations", "cycles", ""},
}

// riskThresholdSettings are the risk thresholds (quality.RiskThresholds) the API
// takes, in the page's order.
var riskThresholdSettings = []setting{
	{"csat_drop_points", "points", "002 §9.1「客户满意度异常波动(单周下降≥5%)」"},
	{"csat_drop_red_points", "points", ""},
	{"csat_min_answers", "answers", ""},
	{"volume_spike_pct", "pct", "002 §9.1「投诉率突增(日均值超30%)」"},
	{"volume_spike_red_pct", "pct", ""},
	{"volume_trailing_days", "days", ""},
	{"volume_min_daily_average", "complaints", ""},
	{"sla_target_pct", "pct", "002 §9.1 黄色风险「关键指标未达标」"},
	{"sla_red_points", "points", ""},
	{"sla_min_known", "complaints", ""},
	{"slow_window_minutes", "minutes", "002 §9.1「系统故障(响应时间>5秒)」"},
	{"slow_pct", "pct", "002 §9.1「系统故障(响应时间>5秒)」"},
	{"slow_red_pct", "pct", ""},
	{"slow_min_requests", "requests", ""},
	{"turnover_pct", "pct", "002 §9.1「人员流失率(单月>15%)」"},
	{"turnover_min_headcount", "people", ""},
	{"kpi_window_days", "days", ""},
	{"kpi_min_volume", "samples", ""},
	{"training_window_days", "days", ""},
	{"training_criterion_pct", "pct", "002 §9.1 蓝色风险「培训覆盖率不足」, 002 §10.1《客服质检评分表模板》"},
	{"training_min_scorecards", "scorecards", ""},
	{"training_reopen_pct", "pct", "002 §7.1 重开率"},
	{"training_min_resolutions", "complaints", ""},
	{"knowledge_stale_min", "articles", "002 §9.1 蓝色风险「知识库更新滞后」"},
	{"knowledge_review_days", "days", "002 §9.1 蓝色风险「知识库更新滞后」"},
	{"red_handling", "duration", "002 §9.1「红色风险…需1小时内启动应急预案」"},
	{"yellow_handling", "duration", "002 §9.1「黄色风险…需4小时内提交分析报告并制定改进措施」"},
	{"blue_handling", "duration", "002 §9.1「蓝色风险…需24小时内完成整改方案」"},
}

// settingRow is a setting with its value as read, or as a refused form sent it.
// Drawn is the value the page was drawn with (a switch's "on" or ""), which the
// form sends back (drawn-<key>) to tell the fields the user changed (Changed).
// Saved is the value saved elsewhere meanwhile (a switch's "on" or "off"), when a form refused as stale shows
// the user's change over it ("" when it does not differ).
type settingRow struct {
	setting
	Value   string
	On      bool // a switch's state
	Drawn   string
	Changed bool
	Saved   string
}

// shown is the row's value as its field holds it: a switch's "on" or "".
func (s settingRow) shown() string {
	if s.Unit == "onoff" {
		if s.On {
			return "on"
		}
		return ""
	}
	return s.Value
}

// settingRows are the settings with their values in the API's answer.
func settingRows(settings []setting, read map[string]any) []settingRow {
	rows := make([]settingRow, len(settings))
	for i, s := range settings {
		rows[i] = settingRow{setting: s, Value: settingValue(read[s.Key])}
		rows[i].On, _ = read[s.Key].(bool)
		rows[i].Drawn = rows[i].shown()
	}
	return rows
}

// overStale are the settings as they are now (current) with, over them, what the
// user changed in a form refused as stale (typed): a field the user did not touch
// shows what was saved elsewhere, not the value it was drawn with (sent again, it
// would undo that change); a changed one keeps what was typed, marked with what was
// saved elsewhere when that changed it too.
func overStale(current, typed []settingRow) []settingRow {
	out := slices.Clone(current)
	for i := range out {
		if i >= len(typed) || !typed[i].Changed {
			continue
		}
		now := out[i].shown()
		out[i].Value, out[i].On, out[i].Changed = typed[i].Value, typed[i].On, true
		switch {
		case now == out[i].shown() || now == typed[i].Drawn: // not changed elsewhere
		case out[i].Unit != "onoff":
			out[i].Saved = now
		case now == "on":
			out[i].Saved = "on" // setup.saved.on
		default:
			out[i].Saved = "off"
		}
	}
	return out
}

// settingsSent is a settings form as the API's body, and as typed: a number as
// typed (number: a word goes as it is, for the API to name), a switch as true or
// false, a duration or cron spec as text; an empty field left out, and, when
// onlyChanged (the API merges field by field), a field the user did not change
// from the value drawn. A form without the drawn values counts every field changed.
func settingsSent(r *http.Request, settings []setting, onlyChanged bool) (map[string]any, []settingRow) {
	body := map[string]any{}
	rows := make([]settingRow, len(settings))
	_ = r.ParseForm()
	for i, s := range settings {
		rows[i] = settingRow{setting: s, Value: strings.TrimSpace(r.PostFormValue(s.Key)), On: r.PostFormValue(s.Key) != ""}
		drawn, ok := r.PostForm["drawn-"+s.Key]
		rows[i].Changed = true
		if ok {
			rows[i].Drawn = drawn[0]
			rows[i].Changed = rows[i].shown() != rows[i].Drawn
		}
		switch {
		case onlyChanged && !rows[i].Changed:
		case s.Unit == "onoff":
			body[s.Key] = rows[i].On
		case rows[i].Value == "":
		case s.Unit == "duration" || s.Unit == "cron":
			body[s.Key] = rows[i].Value
		default:
			number(body, s.Key, rows[i].Value)
		}
	}
	return body, rows
}

// settingValue is a value of the API's JSON as a form field holds it.
func settingValue(v any) string {
	switch v := v.(type) {
	case float64:
		return trimFloat(v)
	case string:
		return v
	}
	return ""
}
