package console

// escalationMessages are the texts that say where an escalation stands in the chain
// (inbox and complaint page), what a compensation request's decision does, and a
// clock met late.
var escalationMessages = map[string]message{
	"cd.metlate":    {"breached (met late)", "已超时（逾期达成）"},
	"esc.more":      {"More escalations wait than this page shows (the first 100, the soonest decision due first): decide these, then reload for the rest.", "等待的升级多于本页显示的数量（仅显示决定期限最近的前 100 个）：处理后请刷新查看其余。"},
	"esc.automatic": {"opened automatically", "系统自动发起"},
	"esc.due":       {"Decision due (then it moves up)", "决定期限（逾期则上移）"},
	"esc.duetop":    {"Decision due (nobody above: then it is overdue)", "决定期限（已在最高一级，逾期即标记为逾期）"},
	"esc.nodue":     {"no deadline (top of the chain, or no decision time)", "无期限（已在最高一级，或未设决定时限）"},
	"esc.level":     {"Level", "级别"},
	"esc.eligible":  {"Who may decide", "可决定人"},
	// An angry customer's escalation opened while the chain names no manager.
	"esc.awaitsmanager": {"awaits a manager: the complaint's reporting chain names none yet; it goes to the nearest manager once it does", "等待经理：投诉的汇报链中尚无经理，一旦有经理即转交最近的一位"},
	"esc.comp.asks":     {"Compensation over the requester's limit:", "超出申请人权限的补偿："},
	"esc.comp.request":  {"request", "申请"},
	"esc.comp.limit":    {"requester's limit", "申请人权限"},
	"esc.comp.only":     {"Only Compensate grants it; any other decision declines it.", "只有“补偿”会批准该补偿；其他任何决定都会拒绝它。"},
	"e.decide":          {"Decide in your inbox", "在待决定列表中决定"},
}
