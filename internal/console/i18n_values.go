package console

// valueMessages are the names of the API's values (values.go): its enums as
// "enum.<field>.<value>", for every value the OpenAPI document lists (a test
// checks), the KPIs and PDCA metrics with their units, and the units of durations.
var valueMessages = map[string]message{
	"enum.status.open":                {"open", "未处理"},
	"enum.status.in_progress":         {"in progress", "处理中"},
	"enum.status.waiting_on_customer": {"waiting on the customer", "等待客户"},
	"enum.status.backlog":             {"on the improvement list", "已纳入改进清单"},
	"enum.status.resolved":            {"resolved", "已解决"},
	"enum.status.closed":              {"closed", "已关闭"},

	// An urgency or a customer tier.
	"enum.level.high":   {"high", "高"},
	"enum.level.medium": {"medium", "中"},
	"enum.level.low":    {"low", "低"},

	"enum.category.product":     {"product", "产品"},
	"enum.category.service":     {"service", "服务"},
	"enum.category.logistics":   {"logistics", "物流"},
	"enum.category.after_sales": {"after-sales", "售后"},
	"enum.category.other":       {"other", "其他"},

	"enum.channel.phone":           {"phone", "电话"},
	"enum.channel.web":             {"web", "网站"},
	"enum.channel.app":             {"app", "App"},
	"enum.channel.mini_program":    {"mini program", "小程序"},
	"enum.channel.wechat":          {"WeChat", "微信"},
	"enum.channel.email":           {"email", "邮件"},
	"enum.channel.social_media":    {"social media", "社交媒体"},
	"enum.channel.marketplace":     {"marketplace", "电商平台"},
	"enum.channel.mystery_shopper": {"mystery shopper", "神秘顾客"},
	"enum.channel.survey":          {"survey", "调查问卷"},
	"enum.channel.other":           {"other", "其他"},

	"enum.source.direct":            {"filed directly", "直接提交"},
	"enum.source.negative_feedback": {"negative feedback", "负面反馈"},
	"enum.source.social_mention":    {"social media mention", "社交媒体提及"},
	"enum.source.feedback":          {"feedback", "反馈"},

	"enum.scope.industry":   {"industry", "行业"},
	"enum.scope.group":      {"group", "群体"},
	"enum.scope.individual": {"individual", "个人"},

	// A risk alert's status (RiskAlertStatus) and condition (RiskCondition).
	"enum.riskstatus.open":           {"open", "待处理"},
	"enum.riskstatus.responded":      {"responded", "已响应"},
	"enum.riskstatus.closed":         {"closed", "已关闭"},
	"enum.condition.csat_drop":       {"CSAT drop", "CSAT 下降"},
	"enum.condition.volume_spike":    {"volume spike", "投诉量激增"},
	"enum.condition.sla_compliance":  {"SLA compliance under target", "SLA 达成率低于目标"},
	"enum.condition.slow_response":   {"slow system response", "系统响应缓慢"},
	"enum.condition.staff_turnover":  {"staff turnover", "人员流失"},
	"enum.condition.kpi_target":      {"KPI target missed", "KPI 目标未达成"},
	"enum.condition.training_gap":    {"training gap", "培训缺口"},
	"enum.condition.stale_knowledge": {"stale knowledge base", "知识库未及时更新"},
	"enum.condition.manual":          {"raised by hand", "人工上报"},

	// A PDCA cycle's stage (CycleStage) and plan status (Cycle.plan_status).
	"enum.stage.plan":     {"plan", "计划"},
	"enum.stage.do":       {"do", "执行"},
	"enum.stage.act":      {"act", "处置"},
	"enum.stage.closed":   {"closed", "已关闭"},
	"enum.plan.draft":     {"draft", "草稿"},
	"enum.plan.submitted": {"submitted", "已提交"},
	"enum.plan.sent_back": {"sent back", "已退回"},
	"enum.plan.approved":  {"approved", "已批准"},

	// A notice's delivery (NotificationStatus), the channel it went by (notify's
	// Channel constants) and the event it tells of (the complaint's EventKind).
	"enum.notification.pending":   {"pending", "待发送"},
	"enum.notification.sending":   {"sending", "发送中"},
	"enum.notification.sent":      {"sent", "已发送"},
	"enum.notification.failed":    {"failed", "发送失败"},
	"enum.notification.uncertain": {"uncertain", "结果未知"},
	"enum.via.log":                {"log", "日志"},
	"enum.via.email":              {"email", "邮件"},
	"enum.via.webhook":            {"webhook", "Webhook"},
	"enum.via.callback":           {"callback to the intake system", "回调来源系统"},

	"enum.event.opened":                 {"opened", "已创建"},
	"enum.event.acknowledged":           {"acknowledged", "已受理"},
	"enum.event.sla_warning":            {"SLA warning", "SLA 预警"},
	"enum.event.sla_breached":           {"SLA breached", "SLA 超时"},
	"enum.event.sla_escalated":          {"SLA escalated", "SLA 超时升级"},
	"enum.event.progress_sent":          {"progress sent", "已告知进展"},
	"enum.event.paused":                 {"paused", "已暂停"},
	"enum.event.resumed":                {"resumed", "已恢复"},
	"enum.event.resolved":               {"resolved", "已解决"},
	"enum.event.reopened":               {"reopened", "已重开"},
	"enum.event.closed":                 {"closed", "已关闭"},
	"enum.event.escalation_requested":   {"escalation requested", "已申请升级"},
	"enum.event.escalation_moved_up":    {"escalation moved up", "升级已上移"},
	"enum.event.escalation_overdue":     {"escalation overdue", "升级决定逾期"},
	"enum.event.escalation_decided":     {"escalation decided", "升级已决定"},
	"enum.event.escalation_cancelled":   {"escalation cancelled", "升级已取消"},
	"enum.event.survey_sent":            {"survey sent", "已发送调查"},
	"enum.event.survey_reminded":        {"survey reminder sent", "已提醒调查"},
	"enum.event.survey_answered":        {"survey answered", "调查已答复"},
	"enum.event.survey_expired":         {"survey expired", "调查已过期"},
	"enum.event.survey_cancelled":       {"survey cancelled", "调查已取消"},
	"enum.event.urgency_raised":         {"urgency raised", "紧急程度已提高"},
	"enum.event.compensation_granted":   {"compensation granted", "补偿已发放"},
	"enum.event.compensation_requested": {"compensation requested", "已申请补偿"},
	"enum.event.compensation_declined":  {"compensation declined", "补偿已拒绝"},
	"enum.event.compensation_cancelled": {"compensation cancelled", "补偿已取消"},
	"enum.event.handed_over":            {"handed over", "已转交"},
	"enum.event.personal_data_revealed": {"personal data revealed", "已查看个人信息"},

	// A compensation's kind (RecoveryKind) and status (Compensation.status), a
	// survey's status (Survey.status), an escalation's (EscalationStatus).
	"enum.recovery.refund":        {"refund", "退款"},
	"enum.recovery.compensation":  {"compensation", "补偿"},
	"enum.compensation.granted":   {"granted", "已发放"},
	"enum.compensation.requested": {"requested", "待审批"},
	"enum.compensation.declined":  {"declined", "已拒绝"},
	"enum.compensation.cancelled": {"cancelled", "已取消"},
	"enum.survey.open":            {"open", "待答复"},
	"enum.survey.answered":        {"answered", "已答复"},
	"enum.survey.expired":         {"expired", "已过期"},
	"enum.survey.cancelled":       {"cancelled", "已取消"},
	"enum.escalation.pending":     {"pending", "待决定"},
	"enum.escalation.approved":    {"approved", "已批准"},
	"enum.escalation.rejected":    {"rejected", "已驳回"},
	"enum.escalation.reassigned":  {"reassigned", "已转派"},
	"enum.escalation.extended":    {"extended", "已延期"},
	"enum.escalation.compensated": {"compensated", "已补偿"},
	"enum.escalation.cancelled":   {"cancelled", "已取消"},

	// A review's kind (ReviewScheduleKind, ReviewKind) and an improvement item's
	// status (BacklogStatus).
	"enum.review.monthly_planning":   {"monthly planning", "月度策划"},
	"enum.review.weekly_tracking":    {"weekly tracking", "每周跟踪"},
	"enum.review.quarterly_planning": {"quarterly planning", "季度策划"},
	"enum.review.risk_monitor":       {"risk monitor", "风险监测"},
	"enum.review.qa_sampling":        {"QA sampling", "质检抽样"},
	"enum.backlog.new":               {"new", "新建"},
	"enum.backlog.planned":           {"planned", "已计划"},
	"enum.backlog.done":              {"done", "已完成"},
	"enum.backlog.rejected":          {"rejected", "已拒绝"},

	// What happened to a PDCA cycle (its history's kinds, which the workflow
	// records) and how it ended (Cycle.outcome).
	"enum.cycleevent.proposed":               {"proposed", "已提出"},
	"enum.cycleevent.plan_submitted":         {"plan submitted", "计划已提交"},
	"enum.cycleevent.plan_approval_recorded": {"plan approval recorded", "已记录计划审批"},
	"enum.cycleevent.plan_sent_back":         {"plan sent back", "计划已退回"},
	"enum.cycleevent.plan_approved":          {"plan approved", "计划已批准"},
	"enum.cycleevent.progress_reported":      {"progress reported", "已报告进展"},
	"enum.cycleevent.checked":                {"checked", "已检查"},
	"enum.cycleevent.reminded":               {"reminder sent", "已发送提醒"},
	"enum.cycleevent.act_decided":            {"action decided", "已决定处置"},
	"enum.cycleevent.standardised":           {"standardised", "已标准化"},
	"enum.cycleevent.continued":              {"next iteration begun", "已进入下一轮"},
	"enum.cycleevent.closed":                 {"closed", "已关闭"},
	"enum.cycleevent.withdrawn":              {"withdrawn", "已撤回"},
	"enum.outcome.standardised":              {"standardised", "已标准化"},
	"enum.outcome.not_met":                   {"target not met", "未达目标"},
	"enum.outcome.withdrawn":                 {"withdrawn", "已撤回"},

	// A token's role (Role) and a person's rank (PersonRole).
	"enum.role.intake":    {"intake", "接入系统"},
	"enum.role.agent":     {"agent", "坐席"},
	"enum.role.team_lead": {"team lead", "组长"},
	"enum.role.manager":   {"manager", "经理"},
	"enum.role.director":  {"director", "总监"},
	"enum.role.quality":   {"quality", "质量"},
	"enum.role.admin":     {"admin", "管理员"},

	// An API token's state (Token.state).
	"enum.token.active":  {"active", "有效"},
	"enum.token.expired": {"expired", "已过期"},
	"enum.token.revoked": {"revoked", "已吊销"},

	// The KPIs (quality.KPIs) and PDCA metrics (quality.Metrics), named with the
	// unit of their values, as the dashboard's columns are.
	"enum.kpi.first_response_minutes": {"First response p90 (min)", "首次响应 p90（分钟）"},
	"enum.kpi.csat_score":             {"CSAT score (of 100)", "CSAT 得分（百分制）"},
	"enum.kpi.csat_satisfied_pct":     {"CSAT satisfied %", "CSAT 满意率 %"},
	"enum.kpi.nps":                    {"NPS", "NPS"},
	"enum.kpi.fcr_pct":                {"First-contact resolution (FCR) %", "首次联系解决率（FCR）%"},
	"enum.kpi.sla_compliance_pct":     {"SLA compliance %", "SLA 达成率 %"},
	"enum.kpi.wait_seconds":           {"Wait p90 (s)", "等待时长 p90（秒）"},
	"enum.kpi.resolution_rate_pct":    {"Resolution rate %", "解决率 %"},
	"enum.kpi.loop_closure_pct":       {"Loop closure %", "闭环率 %"},
	"enum.kpi.reopen_rate_pct":        {"Reopen rate %", "重开率 %"},
	"enum.kpi.escalation_rate_pct":    {"Escalation rate %", "升级率 %"},
	"enum.kpi.complaint_volume":       {"Complaints (count)", "投诉量（件）"},
	"enum.kpi.keyword_volume":         {"Complaints with the keyword (count)", "含关键词的投诉量（件）"},

	"unit.pct": {"%", "%"},
	"unit.min": {"min", "分钟"},
	"unit.h":   {"h", "小时"},
	"unit.m":   {"m", "分钟"},
	"unit.s":   {"s", "秒"},

	// The other units of a risk alert's figures (riskUnits).
	"unit.perday":   {"complaints a day", "件/天"},
	"unit.targets":  {"KPI targets", "项指标"},
	"unit.articles": {"articles", "篇"},
}
