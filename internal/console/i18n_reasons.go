package console

// reasonMessages are the texts the system writes in English that the console says
// in the viewer's language (reasons.go): their English is the recorded wording —
// complaint.PickPolicy's and workflows/frontline.go's — word for word.
var reasonMessages = map[string]message{
	"why.matrix": {"no policy for source %s: the urgency %s × tier %s cell of the SLA matrix",
		"来源“%s”没有专属策略：采用 SLA 矩阵中紧急程度 %s × 客户等级 %s 的单元格"},
	"why.own": {"source %s has a policy of its own (%s), which outranks the urgency × tier matrix",
		"来源“%s”有专属策略（%s），优先于紧急程度 × 客户等级矩阵"},
	"why.urgency": {"urgency %s", "紧急程度 %s"},
	"why.tier":    {"tier %s", "客户等级 %s"},
	"why.and":     {", ", "、"},
	"why.any":     {"any urgency and tier", "任意紧急程度与客户等级"},
	"why.asks": {"compensation %d: %s of %g %s asks for approval (the requester's limit: %s)",
		"补偿 %d：%s %g %s 超出申请人权限，待审批（申请人权限额度：%s）"},
	"why.nolimit": {"none", "无"},
}
