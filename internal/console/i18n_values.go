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
}
