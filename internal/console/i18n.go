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
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: servedOverTLS(r)})
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

// localTime is a time (a time.Time, or a *time.Time where nil is none) for the
// viewer's zone: console.js rewrites its text from the datetime attribute; without
// script it reads in UTC.
func localTime(v any) template.HTML {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	}
	if t.IsZero() {
		return "—"
	}
	return template.HTML(fmt.Sprintf(`<time class="local" datetime="%s">%s</time>`,
		t.UTC().Format(time.RFC3339), t.UTC().Format("2006-01-02 15:04:05 UTC")))
}

// message is one text of the console in each language.
type message struct{ en, zh string }

// messages is the catalog the templates read with {{t $.Lang "id"}}.
var messages = merged(coreMessages, pageMessages, titleMessages, escalationMessages, decidedMessages, reasonMessages, knowledgeMessages, layoutMessages,
	valueMessages, actionMessages, pdcaOpenMessages, webhookKeyMessages, roundMessages, alertCycleMessages, setupMessages)

// merged is one catalog of several; an id in two is a mistake caught at start.
func merged(parts ...map[string]message) map[string]message {
	out := map[string]message{}
	for _, p := range parts {
		for id, m := range p {
			if _, dup := out[id]; dup {
				panic("console: message " + id + " is defined twice")
			}
			out[id] = m
		}
	}
	return out
}

// coreMessages are the layout's, sign-in's, queue's, complaint page's and inbox's texts.
var coreMessages = map[string]message{
	"nav.label":       {"Console", "控制台"},
	"nav.queue":       {"Queue", "队列"},
	"nav.escalations": {"Escalations", "升级"},
	"nav.reviews":     {"Reviews", "评审"},
	"nav.backlog":     {"Improvement list", "改进清单"},
	"nav.insight":     {"Insight report", "需求洞察报告"},
	"nav.pdca":        {"PDCA", "PDCA"},
	"nav.risk":        {"Risk", "风险"},
	"nav.qa":          {"QA", "质检"},
	"nav.dashboard":   {"Dashboard", "仪表板"},
	"nav.performance": {"Performance", "绩效"},

	// The dashboard's sentiment of feedback (docs/classification.md).
	"dash.cap.sentiment-category": {"Feedback sentiment by category, whole period", "反馈情感（按问题类型，整个期间）"},
	"dash.cap.sentiment-channel":  {"Feedback sentiment by channel, whole period", "反馈情感（按渠道，整个期间）"},
	"dash.sentiment.unit":         {"feedback", "条反馈"},
	"dash.sentiment.negative":     {"negative", "负面"},
	"dash.sentiment.neutral":      {"neutral", "中性"},
	"dash.sentiment.positive":     {"positive (praise)", "正面（表扬）"},
	"dash.sentiment.angry":        {"angry", "愤怒"},
	"dash.sentiment.feedback":     {"feedback", "反馈总数"},
	"nav.admin":                   {"Admin", "管理"},
	"signout":                     {"Sign out", "退出登录"},
	"lang.label":                  {"Language", "语言"},

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
	"queue.breaching":  {"Breaching within", "即将超时（小时内）"},
	"queue.reports":    {"Owned by", "负责人范围"},
	"queue.myreports":  {"My reports", "我的下属"},
	"queue.search":     {"Search", "搜索"},
	"queue.filter":     {"Filter", "筛选"},
	"queue.any":        {"any", "全部"},
	"queue.either":     {"either", "不限"},
	"queue.yes":        {"yes", "是"},
	"queue.no":         {"no", "否"},
	"queue.caption":    {"Complaints, nearest deadline first", "投诉（最近截止时间在前）"},
	"queue.noanswer":   {"no answer", "无应答"},
	"queue.stale":      {"Not up to date: not refreshed since {since} ({why}); trying again every 3 s", "列表未更新：自 {since} 起未能刷新（{why}）；每 3 秒重试"},
	"watch.changed":    {"Changed since this page was drawn: {events}.", "本页显示后有新的变化：{events}。"},
	"watch.shownew":    {"Show them", "显示"},
	"queue.signedout":  {"Signed out: not refreshed since {since}.", "已退出登录：自 {since} 起未再刷新。"},
	"queue.updated":    {"List updated at {at}", "列表已于 {at} 更新"},
	"queue.signin":     {"Sign in again", "重新登录"},
	"queue.views":      {"Queues", "队列"},
	"queue.mine":       {"My queue", "我的队列"},
	"queue.myteam":     {"My team", "我的团队"},
	"queue.all":        {"All", "全部投诉"},
	"queue.active":     {"still to do (open, in progress, waiting, backlog)", "待处理（未处理、处理中、等待客户、待办）"},
	"queue.pages":      {"Pages", "分页"},
	"queue.next":       {"Next page", "下一页"},
	"queue.first":      {"First page", "第一页"},
	"queue.subject":    {"Subject", "主题"},
	"queue.sla":        {"SLA", "SLA"},

	"cd.ontrack":  {"on track", "正常"},
	"cd.warning":  {"{p}% warning", "{p}% 预警"},
	"cd.breached": {"BREACHED", "已超时"},
	"cd.left":     {"left", "剩余"},
	"cd.overdue":  {"overdue", "逾期"},
	"cd.paused":   {"paused (due {due} before the pause)", "已暂停（暂停前截止 {due}）"},
	"cd.h":        {"h", "小时"},
	"cd.m":        {"m", "分"},
	"cd.s":        {"s", "秒"},

	"c.status":       {"Status", "状态"},
	"c.onbacklog":    {"(on the improvement list: resolved when its item there is done)", "（已纳入改进清单：该改进项完成时即解决）"},
	"c.channel":      {"Channel", "渠道"},
	"c.category":     {"Category", "类别"},
	"c.urgency":      {"Urgency", "紧急程度"},
	"c.scope":        {"Scope", "范围"},
	"c.keywords":     {"Keywords", "关键词"},
	"c.owner":        {"Owner", "负责人"},
	"c.team":         {"Team", "团队"},
	"c.customer":     {"Customer", "客户"},
	"c.created":      {"Created", "创建时间"},
	"c.description":  {"Description", "描述"},
	"c.resolution":   {"Resolution", "解决方案"},
	"c.clocks":       {"SLA clocks", "SLA 计时"},
	"c.clock":        {"Clock", "计时"},
	"c.due":          {"Due", "截止"},
	"c.state":        {"State", "状态"},
	"c.actions":      {"Actions", "操作"},
	"c.refused":      {"Refused", "被拒绝"},
	"nw.banner":      {"No worker is running: actions will not be confirmed and SLA deadlines will fire late until one starts — tell your administrator", "没有运行中的工作进程：在其启动前，操作无法确认，SLA 截止提醒会延迟——请通知管理员"},
	"nw.since":       {"Last seen", "最后一次出现于"},
	"c.workflow":     {"Workflow", "工作流"},
	"c.workflow.ui":  {"open in Temporal Web UI", "在 Temporal Web UI 中打开"},
	"c.unavailable":  {"Unavailable for now — try again (a form sent again is applied at most once)", "暂时不可用——请重试（再次提交的表单最多执行一次）"},
	"c.stale":        {"Not saved: changed elsewhere since this page was drawn. What you typed is still here, now against the new version — send it again to apply it over that change", "未保存：本页显示后已在别处修改。您输入的内容仍在，现已对应新版本——再次提交即会覆盖该修改"},
	"c.unconfirmed":  {"Not confirmed yet — no worker took the action in time (none running, or Temporal unavailable), so it may still be applied. Send the form again to learn what happened: it is applied at most once", "尚未确认——没有 worker 及时处理该操作（没有运行中的 worker，或 Temporal 不可用），它仍可能被执行。再次提交表单即可得知结果：最多执行一次"},
	"c.ack":          {"Acknowledge", "确认受理"},
	"c.ack.message":  {"Message to the customer", "给客户的消息"},
	"c.pause":        {"Wait on the customer (pause)", "等待客户（暂停）"},
	"c.pause.btn":    {"Pause", "暂停"},
	"c.reason":       {"Reason", "原因"},
	"c.reason.opt":   {"Reason (optional)", "原因（可选）"},
	"c.resume":       {"Resume", "恢复"},
	"c.note":         {"Note", "备注"},
	"c.resolve":      {"Resolve", "解决"},
	"c.summary":      {"Summary", "摘要"},
	"c.rootcause":    {"Root cause", "根本原因"},
	"c.escalate":     {"Request escalation", "申请升级"},
	"c.reopen":       {"Reopen", "重新打开"},
	"c.close":        {"Close", "关闭"},
	"c.pauses":       {"Pause history", "暂停记录"},
	"c.surveys":      {"Surveys", "满意度调查"},
	"c.notices":      {"Notices sent", "已发送通知"},
	"c.tocustomer":   {"Messages to the customer", "发给客户的消息"},
	"tc.sentat":      {"at", "于"},
	"tc.none":        {"Nothing sent to the customer yet.", "尚未向客户发送消息。"},
	"tc.masked":      {"As the customer read them, in their language; their name and contacts and any survey link are masked here.", "即客户收到的原文（客户的语言）；此处已隐去客户姓名、联系方式及满意度调查链接。"},
	"c.escalations":  {"Escalations", "升级"},
	"c.reload":       {"Show the complaint as it is now", "查看投诉的最新状态"},
	"c.timeline":     {"Timeline", "时间线"},
	"c.pii.masked":   {"personal data masked", "个人信息已脱敏"},
	"c.pii.show":     {"Show personal data", "显示个人信息"},
	"c.pii.revealed": {"Personal data, shown to you once and recorded in the timeline:", "个人信息（仅此次向您显示，已记入时间线）："},

	"comp.title":           {"Refunds and compensation", "退款与补偿"},
	"comp.form":            {"Grant a refund or compensation", "给予退款或补偿"},
	"comp.kind":            {"Kind", "类型"},
	"comp.refund":          {"refund", "退款"},
	"comp.comp":            {"compensation", "服务补偿"},
	"comp.amount":          {"Amount", "金额"},
	"comp.currency":        {"Currency", "币种"},
	"comp.note":            {"Note (optional)", "备注（可选）"},
	"comp.btn":             {"Grant", "给予"},
	"comp.hint":            {"Up to your limit it is granted at once; otherwise it goes to your manager.", "在您的权限额度以内（含本数）立即给予，否则提交经理审批。"},
	"comp.yours":           {"Your limits:", "您的权限额度："},
	"comp.yours.none":      {"none: every grant goes to a manager.", "无：所有补偿都提交经理审批。"},
	"comp.seq":             {"#", "序号"},
	"comp.status":          {"Status", "状态"},
	"comp.requested":       {"Requested by", "申请人"},
	"comp.limit":           {"Limit", "额度"},
	"comp.decided":         {"Decided by", "决定人"},
	"comp.escalation":      {"Escalation", "升级"},
	"comp.none":            {"None.", "无。"},
	"ho.form":              {"Hand over inside the team", "团队内移交"},
	"ho.to":                {"To (person ID)", "移交给（人员 ID）"},
	"ho.pick":              {"To (a member of the team, or its lead)", "移交给（本团队成员或团队负责人）"},
	"ho.choose":            {"— choose —", "— 请选择 —"},
	"ho.btn":               {"Hand over", "移交"},
	"lim.title":            {"Compensation limits", "补偿额度"},
	"lim.caption":          {"Amounts up to and including a limit are granted at once", "额度以内（含本数）的金额立即给予"},
	"lim.role":             {"Role", "角色"},
	"lim.kind":             {"Kind", "类型"},
	"lim.currency":         {"Currency", "币种"},
	"lim.amount":           {"Limit", "额度"},
	"lim.updated":          {"Updated", "更新"},
	"lim.form":             {"Add or change a limit", "新增或修改额度"},
	"lim.save":             {"Save limit", "保存额度"},
	"lim.delete":           {"Remove", "删除"},
	"lim.none":             {"No limit: every request goes to a manager.", "无额度：所有申请都提交经理。"},
	"c.source":             {"Source", "来源"},
	"c.anger":              {"Angry customer", "客户愤怒"},
	"c.raisedfrom":         {"urgency raised from", "紧急程度提升自"},
	"c.policy":             {"SLA policy applied", "适用的 SLA 策略"},
	"policy.sources":       {"Policies by complaint source", "按投诉来源的策略"},
	"policy.sources.none":  {"No source policy: every complaint takes its urgency × tier cell.", "没有来源策略：所有投诉按紧急程度 × 客户等级取策略。"},
	"policy.source":        {"Source", "来源"},
	"policy.urgency":       {"Urgency", "紧急程度"},
	"policy.tier":          {"Customer tier", "客户等级"},
	"policy.any":           {"* (any)", "*（任意）"},
	"policy.clock":         {"First response / resolution", "首次响应 / 解决"},
	"policy.source.form":   {"Create or change a source policy", "新建或修改来源策略"},
	"policy.source.hint":   {"A source policy outranks the urgency × tier matrix; the most specific wins (docs/policies.md).", "来源策略优先于紧急程度 × 客户等级矩阵；越具体越优先。"},
	"policy.source.save":   {"Save source policy", "保存来源策略"},
	"policy.source.edit":   {"Edit", "编辑"},
	"policy.source.delete": {"Delete", "删除"},
	"routing.tier":         {"Customer tier", "客户等级"},
	"routing.channel":      {"Channel", "渠道"},
	"routing.precedence":   {"The most specific rule wins: tier, then channel, then category.", "最具体的规则优先：先客户等级，再渠道，再类别。"},
	"c.progress":           {"Send the customer a progress update", "向客户发送进展"},
	"c.progress.message":   {"Progress update (sent in the customer's language template)", "进展内容（按客户语言的模板发送）"},
	"c.progress.btn":       {"Send progress", "发送进展"},
	"c.progress.hint":      {"A progress update does not stop the first-response clock: only acknowledging does, so acknowledge an open complaint first.", "发送进展不会停止首次响应计时：只有“确认受理”会，因此请先确认受理未处理的投诉。"},
	"c.progress.reason":    {"Why it is not resolved yet (optional)", "尚未解决的原因（可选）"},
	"c.progress.expected":  {"Expected resolution time (optional; no later than the deadline until it has passed)", "预计解决时间（可选；截止时间未过时不得晚于截止时间）"},
	"c.locale":             {"Customer language", "客户语言"},
	"msg.title":            {"Admin: customer messages", "管理：客户消息"},
	"msg.intro":            {"What customers are told, per language; a template may use only its variables.", "客户收到的文字，按语言区分；模板只能使用其变量。"},
	"msg.caption":          {"Customer message templates per locale", "各语言的客户消息模板"},
	"msg.key":              {"Message", "消息"},
	"msg.locale":           {"Language", "语言"},
	"msg.subject":          {"Subject", "主题"},
	"msg.body":             {"Body", "正文"},
	"msg.customized":       {"Text", "文字"},
	"msg.changed":          {"changed", "已修改"},
	"msg.seeded":           {"as shipped", "默认"},
	"msg.edit":             {"Edit", "编辑"},
	"msg.variables":        {"Variables", "变量"},
	"msg.save":             {"Save message", "保存消息"},

	"esc.title":        {"Escalations awaiting your decision", "待您决定的升级"},
	"esc.tier":         {"Customer tier", "客户等级"},
	"esc.urgency":      {"Urgency", "紧急程度"},
	"esc.sla":          {"SLA", "SLA"},
	"esc.requestedby":  {"Requested by", "申请人"},
	"esc.at":           {"at", "于"},
	"esc.reason":       {"Reason", "原因"},
	"esc.decision":     {"Decision", "决定"},
	"esc.decide":       {"Decide", "提交决定"},
	"esc.new":          {"New since this page was drawn: {n} more escalation(s) wait for your decision.", "本页显示后，又有 {n} 个升级等待您决定。"},
	"esc.gone":         {"No longer waiting for you: decided, cancelled or moved up the chain since this page was drawn. Its form is closed.", "本页显示后，此升级已不再等待您：已被决定、取消或已上移至更高一级。表单已关闭。"},
	"esc.none":         {"No escalation waits for you.", "没有等待您决定的升级。"},
	"esc.linked":       {"Linked from your notice", "来自您收到的通知中的链接"},
	"esc.history":      {"History (latest events)", "历史（最近事件）"},
	"esc.nohistory":    {"History not shown", "未显示历史"},
	"esc.fullhistory":  {"Full timeline", "完整时间线"},
	"esc.d.approve":    {"Approve", "批准"},
	"esc.d.reject":     {"Reject", "驳回"},
	"esc.d.reassign":   {"Reassign", "改派"},
	"esc.d.extend":     {"Extend the deadline", "延长期限"},
	"esc.d.compensate": {"Compensate", "补偿"},
	"esc.f.urgency":    {"Raised urgency (approve)", "提升后的紧急程度（批准）"},
	"esc.f.unchanged":  {"— unchanged —", "— 不变 —"},
	"esc.f.owner":      {"New owner, a person ID (approve, reassign)", "新负责人，人员 ID（批准、改派）"},
	"esc.f.reason":     {"Reason (required to reject)", "原因（驳回时必填）"},
	"esc.f.extend_by":  {"Extend by, e.g. 6h (extend)", "延长时长，如 6h（延长期限）"},
	"esc.f.kind":       {"Compensation kind (compensate)", "补偿类型（补偿）"},
	"esc.f.nokind":     {"— none —", "— 无 —"},
	"esc.f.amount":     {"Amount (compensate)", "金额（补偿）"},
	"esc.f.currency":   {"Currency, e.g. CNY (compensate, optional)", "币种，如 CNY（补偿，可选）"},
	"esc.f.note":       {"Note (compensate, optional)", "备注（补偿，可选）"},
	"esc.lvl.high":     {"high", "高"},
	"esc.lvl.medium":   {"medium", "中"},
	"esc.lvl.low":      {"low", "低"},
	"esc.kind.coupon":  {"coupon", "优惠券"},
	"esc.kind.voucher": {"voucher", "代金券"},
	"esc.kind.refund":  {"refund", "退款"},
	"esc.kind.upgrade": {"upgrade", "升级服务"},
	"esc.kind.gift":    {"gift", "礼品"},
	"esc.kind.points":  {"points", "积分"},
	"esc.kind.other":   {"other", "其他"},
}
