package message

// Variables every customer text may use.
var common = []Var{
	{"complaint_id", KindText, "the complaint's ID", nil, ""},
	{"customer_name", KindText, "the customer's name as filed", nil, ""},
}

func vars(extra ...Var) []Var { return append(append([]Var{}, common...), extra...) }

var (
	varDue     = Var{"resolution_due_at", KindTime, "the committed resolution time", nil, ""}
	varMessage = Var{"message", KindText, "the agent's words to the customer", nil, ""}
	varLink    = Var{"link", KindText, "the survey link", nil, ""}
	varExpires = Var{"expires_at", KindTime, "when the survey link stops working", nil, ""}
	varReasons = Var{"reasons", KindText, "why the answer sent the complaint back, as staff read it, in English (\"the customer says the problem is not solved; CSAT 1 of 5\"): the seeds do not show it to the customer", nil, ""}
	varWhy     = Var{"reason", KindText, "why it is not resolved yet, if the agent said", nil, ""}
	varExpects = Var{"expected_by", KindTime, "when the agent now expects to resolve it, if they said", nil, ""}
)

// The words of a compensation's kind (a manager's decision's: coupon … other; an
// agent's: refund, compensation) and status (internal/complaint), given to templates
// as kind_name and status_name beside the raw values, which templates saved before
// the names existed print and compare. An en word carries its article, so a template
// writes "granted you {{.kind_name}}".
var (
	compensationKinds = map[string]map[Locale]string{
		"coupon":       {ZhCN: "优惠券", En: "a coupon"},
		"voucher":      {ZhCN: "代金券", En: "a voucher"},
		"refund":       {ZhCN: "退款", En: "a refund"},
		"upgrade":      {ZhCN: "服务升级", En: "an upgrade"},
		"gift":         {ZhCN: "礼品", En: "a gift"},
		"points":       {ZhCN: "积分", En: "points"},
		"compensation": {ZhCN: "服务补偿", En: "compensation"},
		"other":        {ZhCN: "其他补偿", En: "compensation"},
	}
	compensationStatuses = map[string]map[Locale]string{
		"granted":   {ZhCN: "已发放", En: "granted"},
		"requested": {ZhCN: "待审批", En: "awaiting approval"},
		"declined":  {ZhCN: "未获批准", En: "declined"},
		"cancelled": {ZhCN: "已取消", En: "cancelled"},
	}
)

// definitions are the customer texts with their seeded zh-CN and en texts.
var definitions = []Definition{
	{Key: Acknowledgement, Description: "the first response, with the committed resolution time",
		Vars: vars(varMessage, varDue), Seeds: map[Locale]Text{
			ZhCN: {"我们已收到您的投诉（{{.complaint_id}}）",
				"{{.customer_name}}，您好：\n\n{{.message}}\n{{if .resolution_due_at}}\n我们承诺在 {{.resolution_due_at}} 前解决您的问题。{{end}}"},
			En: {"We have received your complaint ({{.complaint_id}})",
				"Dear {{.customer_name}},\n\n{{.message}}\n{{if .resolution_due_at}}\nWe commit to resolving it by {{.resolution_due_at}}.{{end}}"},
		}},
	{Key: Progress, Description: "an agent's progress update, within the committed resolution time",
		Vars: vars(varMessage, varDue, varWhy, varExpects), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉处理进展（{{.complaint_id}}）",
				"{{.customer_name}}，您好：\n\n{{.message}}{{if .reason}}\n\n尚未解决的原因：{{.reason}}{{end}}" +
					"{{if .expected_by}}\n\n我们预计在 {{.expected_by}} 前解决您的问题{{if .resolution_due_at}}，不晚于承诺的 {{.resolution_due_at}}{{end}}。" +
					"{{else if .resolution_due_at}}\n\n我们仍将在 {{.resolution_due_at}} 前解决您的问题。{{end}}"},
			En: {"An update on your complaint ({{.complaint_id}})",
				"Dear {{.customer_name}},\n\n{{.message}}{{if .reason}}\n\nWhy it is not resolved yet: {{.reason}}{{end}}" +
					"{{if .expected_by}}\n\nWe expect to resolve it by {{.expected_by}}{{if .resolution_due_at}}, within the time we committed to ({{.resolution_due_at}}){{end}}." +
					"{{else if .resolution_due_at}}\n\nWe still expect to resolve it by {{.resolution_due_at}}.{{end}}"},
		}},
	{Key: ProgressOverdue, Description: "an agent's progress update after the resolution deadline passed (never shows the missed time)",
		Vars: vars(varMessage, varWhy, varExpects), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉处理进展（{{.complaint_id}}）",
				"{{.customer_name}}，您好：\n\n{{.message}}\n\n非常抱歉，我们未能在承诺的时间内解决您的问题。{{if .reason}}\n原因：{{.reason}}{{end}}" +
					"{{if .expected_by}}\n我们现在预计在 {{.expected_by}} 前解决。{{else}}\n我们确定新的预计解决时间后会立即告诉您。{{end}}"},
			En: {"An update on your complaint ({{.complaint_id}})",
				"Dear {{.customer_name}},\n\n{{.message}}\n\nWe are sorry: we have not resolved your complaint in the time we committed to.{{if .reason}}\nWhy: {{.reason}}{{end}}" +
					"{{if .expected_by}}\nWe now expect to resolve it by {{.expected_by}}.{{else}}\nWe will tell you when we now expect to resolve it as soon as we know.{{end}}"},
		}},
	{Key: ResolutionOverdue, Description: "the resolution deadline passed unresolved (once per round)",
		Vars: vars(), Seeds: map[Locale]Text{
			ZhCN: {"很抱歉，您的投诉处理超出了承诺时间（{{.complaint_id}}）",
				"{{.customer_name}}，您好：\n\n非常抱歉，我们未能在承诺的时间内解决您的投诉（{{.complaint_id}}）。我们仍在处理，处理人员会尽快告诉您原因和新的预计解决时间。"},
			En: {"We are sorry: your complaint is taking longer than we committed to ({{.complaint_id}})",
				"Dear {{.customer_name}},\n\nWe are sorry: we have not resolved your complaint ({{.complaint_id}}) in the time we committed to. We are still working on it, and the person handling it will tell you why and when we now expect to resolve it."},
		}},
	{Key: Extension, Description: "an approved extension of the resolution time",
		Vars: vars(varDue, Var{"reason", KindText, "why more time is needed", nil, ""}), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉需要更多处理时间（{{.complaint_id}}）",
				"{{.customer_name}}，您好：\n\n很抱歉，解决您的问题需要更多时间{{if .reason}}（{{.reason}}）{{end}}。新的承诺解决时间为 {{.resolution_due_at}}。"},
			En: {"Your complaint needs more time ({{.complaint_id}})",
				"Dear {{.customer_name}},\n\nWe are sorry: resolving your complaint needs more time{{if .reason}} ({{.reason}}){{end}}. We now commit to resolving it by {{.resolution_due_at}}."},
		}},
	{Key: Paused, Description: "work waits on the customer's reply",
		Vars: vars(Var{"reason", KindText, "what we need from the customer", nil, ""}), Seeds: map[Locale]Text{
			ZhCN: {"我们在等待您的回复（{{.complaint_id}}）", "在收到您的回复之前，我们暂停处理您的投诉：{{.reason}}"},
			En:   {"We are waiting for your reply ({{.complaint_id}})", "We have paused work on your complaint until we hear from you: {{.reason}}"},
		}},
	{Key: Resumed, Description: "work resumed after the customer replied",
		Vars: vars(varDue), Seeds: map[Locale]Text{
			ZhCN: {"我们已继续处理您的投诉（{{.complaint_id}}）", "谢谢您的回复。我们已继续处理您的投诉，将在 {{.resolution_due_at}} 前解决。"},
			En:   {"We are working on your complaint again ({{.complaint_id}})", "Thank you. We are working on your complaint again and will resolve it by {{.resolution_due_at}}."},
		}},
	{Key: Resolution, Description: "the complaint was resolved",
		Vars: vars(Var{"summary", KindText, "what was done", nil, ""}), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉已处理完毕（{{.complaint_id}}）", "{{.customer_name}}，您好：\n\n{{.summary}}"},
			En:   {"Your complaint has been resolved ({{.complaint_id}})", "Dear {{.customer_name}},\n\n{{.summary}}"},
		}},
	{Key: Survey, Description: "the satisfaction survey e-mail",
		Vars: vars(varLink, varExpires), Seeds: map[Locale]Text{
			ZhCN: {"请评价我们的服务（{{.complaint_id}}）",
				"您的投诉 {{.complaint_id}} 已处理完毕。请告诉我们问题是否已解决、您是否满意：{{.link}}\n链接仅可使用一次，有效期至 {{.expires_at}}。"},
			En: {"How did we do? ({{.complaint_id}})",
				"Your complaint {{.complaint_id}} was resolved. Please tell us whether the problem is solved and how satisfied you are: {{.link}}\nThe link works once and until {{.expires_at}}."},
		}},
	{Key: SurveyReminder, Description: "the survey's one reminder",
		Vars: vars(varLink, varExpires), Seeds: map[Locale]Text{
			ZhCN: {"提醒：请评价我们的服务（{{.complaint_id}}）",
				"我们还没有收到您对投诉 {{.complaint_id}} 的评价。只需一分钟：{{.link}}\n链接有效期至 {{.expires_at}}。"},
			En: {"A reminder: how did we do? ({{.complaint_id}})",
				"We have not heard from you about complaint {{.complaint_id}} yet. The survey takes a minute: {{.link}}\nThe link works until {{.expires_at}}."},
		}},
	{Key: SurveyPage, Description: "the survey page's title (subject) and introduction (body)",
		Vars: vars(varExpires), Seeds: map[Locale]Text{
			ZhCN: {"投诉 {{.complaint_id}} 满意度调查", "感谢您花一分钟告诉我们处理结果如何。此链接有效期至 {{.expires_at}}。"},
			En:   {"Complaint {{.complaint_id}}: how did we do?", "Thank you for taking a minute to tell us how we did. This link works until {{.expires_at}}."},
		}},
	{Key: Reopened, Description: "an agent reopened the complaint",
		Vars: vars(varDue), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉已重新处理（{{.complaint_id}}）", "我们已重新处理您的投诉，预计在 {{.resolution_due_at}} 前解决。"},
			En:   {"We have reopened your complaint ({{.complaint_id}})", "We are working on it again and expect to resolve it by {{.resolution_due_at}}."},
		}},
	{Key: ReopenedDissatisfied, Description: "the survey answer sent the complaint back",
		Vars: vars(varDue, varReasons), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉已重新处理（{{.complaint_id}}）",
				"很抱歉问题尚未解决。您的投诉已重新打开，我们预计在 {{.resolution_due_at}} 前解决。"},
			En: {"We have reopened your complaint ({{.complaint_id}})",
				"We are sorry the problem is not solved. Your complaint is open again with a follow-up deadline; we expect to resolve it by {{.resolution_due_at}}."},
		}},
	{Key: ClosedVerified, Description: "closed after the customer confirmed the fix",
		Vars: vars(), Seeds: map[Locale]Text{
			ZhCN: {"感谢您的确认，投诉已关闭（{{.complaint_id}}）", "感谢您确认问题已解决。我们已关闭您的投诉。"},
			En:   {"Thank you — your complaint is closed ({{.complaint_id}})", "Thank you for confirming that the problem is solved. We have closed your complaint."},
		}},
	{Key: ClosedUnverified, Description: "closed without an answer to the survey",
		Vars: vars(), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉已关闭（{{.complaint_id}}）", "我们没有收到您的回复，因此已关闭您的投诉。如果问题仍然存在，请引用投诉编号 {{.complaint_id}} 联系我们。"},
			En:   {"Your complaint is closed ({{.complaint_id}})", "We did not hear back from you, so we have closed your complaint. If the problem persists, contact us quoting complaint {{.complaint_id}}."},
		}},
	{Key: ClosedByStaff, Description: "closed by staff after the resolution, before the customer answered the survey",
		Vars: vars(
			Var{"survey", KindText, "set when a satisfaction survey was sent for the resolution: it no longer takes answers", nil, ""},
		), Seeds: map[Locale]Text{
			ZhCN: {"您的投诉已关闭（{{.complaint_id}}）", "我们已关闭您的投诉{{if .survey}}，此前发给您的满意度调查不再接受回复{{end}}。如果问题仍然存在，请引用投诉编号 {{.complaint_id}} 联系我们。"},
			En:   {"Your complaint is closed ({{.complaint_id}})", "We have closed your complaint{{if .survey}}; the satisfaction survey we sent you no longer takes answers{{end}}. If the problem persists, contact us quoting complaint {{.complaint_id}}."},
		}},
	{Key: Compensation, Description: "compensation granted to the customer (service recovery)",
		Vars: vars(
			Var{"amount", KindText, "the amount, as a number", nil, ""},
			Var{"currency", KindText, "its ISO 4217 currency, if any", nil, ""},
			Var{"kind", KindText, "what is granted, as the API names it (coupon, refund, compensation …): for comparisons", nil, ""},
			Var{"kind_name", KindText, "what is granted, in the customer's words (优惠券, a coupon …)", compensationKinds, "kind"},
			Var{"status", KindText, "where the compensation stands, as the API names it (granted …): for comparisons", nil, ""},
			Var{"status_name", KindText, "where the compensation stands, in the customer's words (已发放, granted …)", compensationStatuses, "status"},
			Var{"note", KindText, "a note to the customer, if any", nil, ""},
		), Seeds: map[Locale]Text{
			ZhCN: {"向您致歉：投诉补偿（{{.complaint_id}}）",
				"为表歉意，我们为您提供{{.kind_name}}：{{.amount}} {{.currency}}（{{.status_name}}）。{{if .note}}\n{{.note}}{{end}}"},
			En: {"We are sorry: compensation for your complaint ({{.complaint_id}})",
				"As an apology we have granted you {{.kind_name}} of {{.amount}} {{.currency}} ({{.status_name}}).{{if .note}}\n{{.note}}{{end}}"},
		}},
	{Key: SuggestionDone, Description: "an improvement the customer's feedback suggested is done (improvement list)",
		Vars: vars(
			Var{"title", KindText, "the improvement item's title", nil, ""},
		), Seeds: map[Locale]Text{
			ZhCN: {"感谢您的建议：我们已完成改进",
				"您好{{if .customer_name}}，{{.customer_name}}{{end}}：您此前提出的建议「{{.title}}」已完成改进。感谢您帮助我们做得更好。"},
			En: {"Thank you: your suggestion is done",
				"Hello{{if .customer_name}} {{.customer_name}}{{end}}, the improvement you suggested (\"{{.title}}\") is now done. Thank you for helping us do better."},
		}},
}
