package console

import (
	"net/http"
	"strings"
)

// titleMessages are the pages' titles (the browser tab, the window list, and the
// first thing a screen reader says of a page): "title.<page>" for each page render
// draws, so every page says which page it is.
var titleMessages = map[string]message{
	"title.page":        {"{page} — complaintflow", "{page} — complaintflow"},
	"title.refused":     {"Refused: {page} — complaintflow", "被拒绝：{page} — complaintflow"},
	"title.unavailable": {"Unavailable: {page} — complaintflow", "暂不可用：{page} — complaintflow"},

	"title.login":         {"Sign in", "登录"},
	"title.queue":         {"Queue", "投诉队列"},
	"title.complaint":     {"Complaint", "投诉详情"},
	"title.escalations":   {"Escalations", "升级审批"},
	"title.notifications": {"Notices", "通知"},
	"title.reviews":       {"Reviews", "评审"},
	"title.pdca":          {"PDCA cycles", "PDCA 循环"},
	"title.cycle":         {"PDCA cycle", "PDCA 循环详情"},
	"title.risk":          {"Risk alerts", "风险预警"},
	"title.performance":   {"Agent performance", "客服绩效"},
	"title.qa":            {"QA queue", "质检队列"},
	"title.backlog":       {"Improvement list", "改进清单"},
	"title.insight":       {"Insight report", "需求洞察报告"},
	"title.kpi":           {"KPI targets", "KPI 目标"},
	"title.dashboard":     {"Dashboard", "仪表板"},
	"title.confirm":       {"Confirm", "确认"},

	"title.admin_policies":       {"SLA policies — Admin", "SLA 策略 — 管理"},
	"title.admin_directory":      {"Directory — Admin", "组织目录 — 管理"},
	"title.admin_routing":        {"Routing — Admin", "分派规则 — 管理"},
	"title.admin_calendars":      {"Calendars — Admin", "工作日历 — 管理"},
	"title.admin_classification": {"Classification — Admin", "分类规则 — 管理"},
	"title.admin_tokens":         {"Tokens — Admin", "API 令牌 — 管理"},
	"title.admin_limits":         {"Compensation limits — Admin", "补偿权限额度 — 管理"},
	"title.admin_integrations":   {"Integrations — Admin", "集成 — 管理"},
	"title.admin_messages":       {"Customer messages — Admin", "客户消息模板 — 管理"},
}

// pageTitle is the <title> of page in lang: "Queue — complaintflow". A page drawn
// with a refusal (a form the API refused, a page it would not show: any status
// from 400) says so first, so a reader hears it before anything else.
func pageTitle(lang, page string, status int) string {
	frame := "title.page"
	switch {
	case status == http.StatusServiceUnavailable:
		frame = "title.unavailable"
	case status >= http.StatusBadRequest:
		frame = "title.refused"
	}
	return strings.Replace(translate(lang, frame), "{page}", translate(lang, "title."+page), 1)
}
