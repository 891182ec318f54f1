package console

// actionMessages say why a complaint or a PDCA cycle offers only some of its
// forms: each status ("act.<status>") and stage ("cy.forms.<stage>") takes its own
// actions (complaint.Allows, quality.CycleTakes). They also name who holds no
// owner or team.
var actionMessages = map[string]message{
	"act.open": {"Open: Pause, Resume, Reopen and Close do not apply until the complaint is acknowledged and resolved.",
		"未处理：确认受理并解决之前，暂停、恢复、重新打开和关闭均不适用。"},
	"act.in_progress": {"In progress: it was acknowledged; Resume applies only while waiting on the customer, Reopen and Close only once resolved.",
		"处理中：已确认受理；恢复仅在等待客户时适用，重新打开和关闭仅在解决后适用。"},
	"act.round": {"In progress, reopened by the customer's answer: Acknowledge gives this round's first response; Pause, Resume, Reopen and Close do not apply.",
		"处理中，因客户的反馈重新打开：确认受理即本轮的首次响应；暂停、恢复、重新打开和关闭均不适用。"},
	"act.waiting_on_customer": {"Waiting on the customer: Resume restarts the resolution clock; Acknowledge, Pause, Reopen and Close do not apply.",
		"等待客户：恢复后解决时限继续计时；确认受理、暂停、重新打开和关闭均不适用。"},
	"act.backlog": {"On the improvement list (no resolution clock): Acknowledge, Pause, Resume, Reopen and Close do not apply.",
		"已纳入改进清单（无解决时限）：确认受理、暂停、恢复、重新打开和关闭均不适用。"},
	"act.resolved": {"Resolved: only Reopen and Close apply.", "已解决：仅可重新打开或关闭。"},
	"act.closed":   {"Closed: no action applies any more.", "已关闭：不再有可执行的操作。"},

	"cy.forms.plan": {"Plan: a plan is submitted, then decided; progress, checks and the act decision come once it is approved.",
		"计划阶段：先提交计划，再审批；进展、检查和处置决定在计划批准后才可用。"},
	"cy.forms.do": {"Do: report progress and check now; the act decision comes after the final check.",
		"执行阶段：可报告进展、立即检查；处置决定在最终检查之后。"},
	"cy.forms.act": {"Act: decide after the final check — standardise, or the root cause and an adjusted plan.",
		"处置阶段：根据最终检查作出决定——标准化，或填写根本原因与调整后的计划。"},
	"cy.forms.closed": {"Closed: no action applies any more.", "已关闭：不再有可执行的操作。"},
	// auth.Principal.MayDecidePlan refuses a token that acts for no person, and only it.
	"may.noperson.plan": {"Your token acts for no person of the directory, so it may not decide plans: ask an administrator for a token with a person.",
		"您的令牌未代表组织目录中的人员，因此不能审批计划：请管理员签发关联人员的令牌。"},

	"c.unassigned": {"unassigned", "未分配"},
}
