package console

// decidedMessages are the labels of what a decision or an event says (decided.go)
// and the notes that say who may use a form another role sees in its place
// (roles.go).
var decidedMessages = map[string]message{
	"may.only":        {"Only these roles may do this here:", "仅以下角色可在此操作："},
	"may.notyours":    {"You may not act on this complaint:", "您不能处理此投诉："},
	"may.admin":       {"role {role} may not use this page; only {roles} may", "角色 {role} 无权使用此页面；仅 {roles} 可以使用"},
	"ev.decision":     {"Decision", "决定"},
	"ev.urgency":      {"Urgency", "紧急程度"},
	"ev.owner":        {"Owner", "负责人"},
	"ev.extendedby":   {"Extended by", "延长"},
	"ev.compensation": {"Compensation", "补偿"},
	"ev.due":          {"Resolution now due", "解决期限改为"},
	"ev.expected":     {"Customer told: expected by", "告知客户预计解决时间"},
	"ev.message":      {"Message", "消息"},
	"ev.pausedfor":    {"Paused for", "暂停时长"},
	"ev.csat":         {"CSAT", "CSAT"},
}
