package console

// pdcaOpenMessages are the texts of the board's form that opens a PDCA cycle by hand
// (pdca_open.go, templates/pdca_open.html).
var pdcaOpenMessages = map[string]message{
	"pdca.open": {"New cycle", "新建 PDCA 循环"},
	"pdca.open.help": {"Open an improvement cycle by hand: what to improve, the metric that measures it, where it stands and where it should get to. Its plan is written on the cycle's page.",
		"手动发起改进循环：改进什么、用哪个指标衡量、现状如何、目标是多少。计划在循环页面上填写。"},
	"pdca.open.title":    {"Title", "标题"},
	"pdca.open.category": {"Category (empty: every complaint)", "类别（留空：全部投诉）"},
	"pdca.open.keyword":  {"Keyword", "关键词"},
	"pdca.open.keyword.hint": {"Needed only for the metric “Complaints with the keyword (count)”; leave it empty for any other metric.",
		"仅在指标为“含关键词的投诉量（件）”时填写且必填；其他指标请留空。"},
	"pdca.open.baseline": {"Baseline (where the metric stands now)", "基线（指标现值）"},
	"pdca.open.target.hint": {"Must improve on the baseline: higher for a rate, NPS or CSAT; lower for a count, reopenings or escalations.",
		"须优于基线：比率、NPS、CSAT 须更高；投诉量、重开率、升级率须更低。"},
	"pdca.open.zone":       {"Time zone of the checks", "检查所用时区"},
	"pdca.open.zone.hint":  {"An IANA zone, e.g. Asia/Shanghai; yours is filled in; empty is UTC.", "IANA 时区，例如 Asia/Shanghai；默认填入您所在的时区；留空为 UTC。"},
	"pdca.open.spec":       {"Check schedule (cron)", "检查计划（cron）"},
	"pdca.open.spec.hint":  {"When the Do stage checks the metric, in the zone above; empty is the default shown.", "执行阶段按此计划（上述时区）检查指标；留空为所示默认值。"},
	"pdca.open.iterations": {"Iterations at most (1–24)", "最多迭代次数（1–24）"},
	"pdca.open.btn":        {"Open the cycle", "发起循环"},
	"pdca.open.who":        {"Only these roles may open a cycle:", "仅以下角色可发起循环："},
}
