package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/text/language"
)

// The console speaks English and Simplified Chinese (docs/console.md, Languages).
const (
	langEN = "en"
	langZH = "zh-CN"
)

// langCookie keeps the viewer's choice from the header's switch; without it the
// browser's Accept-Language decides.
const langCookie = "lang"

// langOf is the language to render r in: the cookie's choice, else the best match
// of Accept-Language (any zh is Simplified Chinese), else English.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langEN || c.Value == langZH) {
		return c.Value
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return langEN
	}
	// Tags come most preferred first: the first Chinese or English one decides.
	for _, tag := range tags {
		switch base, _ := tag.Base(); base.String() {
		case "zh":
			return langZH
		case "en":
			return langEN
		}
	}
	return langEN
}

// setLang remembers the chosen language and goes back to the page it was chosen on.
// A preference changes nothing the API keeps, so a GET may set it.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("to")
	if l != langEN && l != langZH {
		http.Error(w, "unknown language", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/console/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	back := "/console/"
	// Only a path of our own: never an open redirect to another site.
	if u, err := url.Parse(r.URL.Query().Get("back")); err == nil && u.Scheme == "" && u.Host == "" &&
		len(u.Path) >= len("/console/") && u.Path[:len("/console/")] == "/console/" {
		back = u.RequestURI()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// translate is the message id in lang; English when the catalog has no Chinese, and
// the id itself (plainly visible in review) when it has neither.
func translate(lang, id string) string {
	m, ok := messages[id]
	if !ok {
		return id
	}
	if lang == langZH && m.zh != "" {
		return m.zh
	}
	return m.en
}

// localTime is a time for the viewer's zone: console.js rewrites its text from the
// datetime attribute; without script it reads in UTC.
func localTime(t time.Time) template.HTML {
	if t.IsZero() {
		return "—"
	}
	return template.HTML(fmt.Sprintf(`<time class="local" datetime="%s">%s</time>`,
		t.UTC().Format(time.RFC3339), t.UTC().Format("2006-01-02 15:04:05 UTC")))
}

// message is one text of the console in each language.
type message struct{ en, zh string }

// messages is the catalog the templates read with {{t $.Lang "id"}}.
var messages = map[string]message{
	"title":           {"complaintflow console", "complaintflow 控制台"},
	"nav.label":       {"Console", "控制台"},
	"nav.queue":       {"Queue", "队列"},
	"nav.escalations": {"Escalations", "升级"},
	"nav.reviews":     {"Reviews", "评审"},
	"nav.pdca":        {"PDCA", "PDCA"},
	"nav.risk":        {"Risk", "风险"},
	"nav.dashboard":   {"Dashboard", "仪表板"},

	// The dashboard's sentiment of feedback (docs/classification.md).
	"dash.sentiment.category": {"Feedback sentiment by category, whole period", "反馈情感（按问题类型，整个期间）"},
	"dash.sentiment.channel":  {"Feedback sentiment by channel, whole period", "反馈情感（按渠道，整个期间）"},
	"dash.sentiment.unit":     {"feedback", "条反馈"},
	"dash.sentiment.negative": {"negative", "负面"},
	"dash.sentiment.neutral":  {"neutral", "中性"},
	"dash.sentiment.positive": {"positive (praise)", "正面（表扬）"},
	"dash.sentiment.angry":    {"angry", "愤怒"},
	"dash.sentiment.feedback": {"feedback", "反馈总数"},
	"nav.admin":               {"Admin", "管理"},
	"signout":                 {"Sign out", "退出登录"},
	"lang.label":              {"Language", "语言"},

	"login.title":  {"Sign in", "登录"},
	"login.token":  {"API token", "API 令牌"},
	"login.submit": {"Sign in", "登录"},

	"queue.title":      {"Queue", "投诉队列"},
	"queue.owner":      {"Owner", "负责人"},
	"queue.owner.hint": {"me, a person id or any", "me、人员 ID 或 any"},
	"queue.team":       {"Team", "团队"},
	"queue.status":     {"Status", "状态"},
	"queue.urgency":    {"Urgency", "紧急程度"},
	"queue.breached":   {"Breached", "已超时"},
	"queue.category":   {"Category", "类别"},
	"queue.channel":    {"Channel", "渠道"},
	"queue.escalation": {"Escalation pending", "待决升级"},
	"queue.search":     {"Search", "搜索"},
	"queue.filter":     {"Filter", "筛选"},
	"queue.any":        {"any", "全部"},
	"queue.either":     {"either", "不限"},
	"queue.yes":        {"yes", "是"},
	"queue.no":         {"no", "否"},
	"queue.caption":    {"Complaints, nearest deadline first", "投诉（最近截止时间在前）"},
	"queue.subject":    {"Subject", "主题"},
	"queue.sla":        {"SLA", "SLA"},

	"cd.ontrack":  {"on track", "正常"},
	"cd.w50":      {"50% warning", "50% 预警"},
	"cd.w75":      {"75% warning", "75% 预警"},
	"cd.w90":      {"90% warning", "90% 预警"},
	"cd.breached": {"BREACHED", "已超时"},
	"cd.left":     {"left", "剩余"},
	"cd.overdue":  {"overdue", "逾期"},
	"cd.paused":   {"paused (due {due} before the pause)", "已暂停（暂停前截止 {due}）"},

	"c.status":      {"Status", "状态"},
	"c.channel":     {"Channel", "渠道"},
	"c.category":    {"Category", "类别"},
	"c.urgency":     {"Urgency", "紧急程度"},
	"c.scope":       {"Scope", "范围"},
	"c.keywords":    {"Keywords", "关键词"},
	"c.owner":       {"Owner", "负责人"},
	"c.team":        {"Team", "团队"},
	"c.customer":    {"Customer", "客户"},
	"c.created":     {"Created", "创建时间"},
	"c.description": {"Description", "描述"},
	"c.resolution":  {"Resolution", "解决方案"},
	"c.clocks":      {"SLA clocks", "SLA 计时"},
	"c.clock":       {"Clock", "计时"},
	"c.due":         {"Due", "截止"},
	"c.state":       {"State", "状态"},
	"c.actions":     {"Actions", "操作"},
	"c.refused":     {"Refused", "被拒绝"},
	"c.ack":         {"Acknowledge", "确认受理"},
	"c.ack.message": {"Message to the customer", "给客户的消息"},
	"c.pause":       {"Wait on the customer (pause)", "等待客户（暂停）"},
	"c.pause.btn":   {"Pause", "暂停"},
	"c.reason":      {"Reason", "原因"},
	"c.reason.opt":  {"Reason (optional)", "原因（可选）"},
	"c.resume":      {"Resume", "恢复"},
	"c.note":        {"Note", "备注"},
	"c.resolve":     {"Resolve", "解决"},
	"c.summary":     {"Summary", "摘要"},
	"c.rootcause":   {"Root cause", "根本原因"},
	"c.escalate":    {"Request escalation", "申请升级"},
	"c.reopen":      {"Reopen", "重新打开"},
	"c.close":       {"Close", "关闭"},
	"c.pauses":      {"Pause history", "暂停记录"},
	"c.surveys":     {"Surveys", "满意度调查"},
	"c.notices":     {"Notices sent", "已发送通知"},
	"c.escalations": {"Escalations", "升级"},
	"c.timeline":    {"Timeline", "时间线"},

	"esc.title":       {"Escalations awaiting your decision", "待您决定的升级"},
	"esc.tier":        {"Customer tier", "客户等级"},
	"esc.urgency":     {"Urgency", "紧急程度"},
	"esc.sla":         {"SLA", "SLA"},
	"esc.requestedby": {"Requested by", "申请人"},
	"esc.at":          {"at", "于"},
	"esc.reason":      {"Reason", "原因"},
	"esc.decision":    {"Decision", "决定"},
	"esc.decide":      {"Decide", "提交决定"},
	"esc.none":        {"No escalation waits for you.", "没有等待您决定的升级。"},
}
