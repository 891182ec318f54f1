package complaint

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// DecisionRule names a rule of CheckDecision, so that a caller can tell the rules
// apart: word a problem its own way, or leave a rule to another caller.
type DecisionRule string

// The rules of a decision itself.
const (
	RuleKind             DecisionRule = "kind"              // decision: one of Decisions
	RuleReasonLength     DecisionRule = "reason_length"     // reason: at most 2000 characters
	RuleUrgency          DecisionRule = "urgency"           // urgency: one of Levels
	RuleApplies          DecisionRule = "applies"           // owner only on approve and reassign, urgency only on approve
	RuleApproveChanges   DecisionRule = "approve_changes"   // approve: a raised urgency, a new owner or both
	RuleReason           DecisionRule = "reason"            // reject: a reason
	RuleOwner            DecisionRule = "owner"             // reassign: an owner
	RuleOwnerLength      DecisionRule = "owner_length"      // reassign: owner at most 64 characters
	RuleExtension        DecisionRule = "extension"         // extend: a positive whole number of seconds
	RuleCompensation     DecisionRule = "compensation"      // compensate: the compensation
	RuleCompensationKind DecisionRule = "compensation_kind" // compensation.kind: one of CompensationKinds
	RuleAmount           DecisionRule = "amount"            // compensation.amount: a number, 0 or more
	RuleAmountLimit      DecisionRule = "amount_limit"      // compensation.amount: at most MaxCompensation
	RuleCurrency         DecisionRule = "currency"          // compensation.currency: an ISO 4217 code, if any
	RuleNoteLength       DecisionRule = "note_length"       // compensation.note: at most 500 characters
)

// MaxCompensation bounds a compensation's amount.
const MaxCompensation = 1e9

// Longest texts of a decision, in characters (runes).
const (
	maxDecisionReason = 2000
	maxOwnerID        = 64
	maxCompensateNote = 500
)

// DecisionProblem is one thing wrong with a decision: the rule it breaks, the field
// in the API's dotted form ("compensation.amount") and what is wrong, as the API
// words it.
type DecisionProblem struct {
	Rule   DecisionRule
	Field  string
	Detail string
}

func (p DecisionProblem) String() string { return p.Field + " " + p.Detail }

// CheckDecision lists what is wrong with decision d itself, in the order the API
// reports it; nil when nothing is. Whether the decision fits the escalation and the
// complaint it decides (the seq is pending, the actor may decide, the urgency is a
// raise, the extension is within the policy's bound …) is the workflow's to check.
//
// Only the fields of d.Kind are read: an ExtensionSeconds outside extend, or a
// Compensation outside compensate, is ignored, while an Owner or Urgency where it
// does not apply is a problem. A NaN amount counts as out of range; the API passes
// it for a missing amount and names the problem its own way.
func CheckDecision(d Decision) []DecisionProblem {
	var out problems
	if detail := oneOf(d.Kind, Decisions); detail != "" {
		out.add(RuleKind, "decision", detail)
	}
	if tooLong(d.Reason, maxDecisionReason) {
		out.add(RuleReasonLength, "reason", lengthDetail(maxDecisionReason))
	}
	if d.Urgency != "" {
		if detail := oneOf(d.Urgency, Levels); detail != "" {
			out.add(RuleUrgency, "urgency", detail)
		}
	}
	if d.Owner != "" && d.Kind != DecisionApprove && d.Kind != DecisionReassign {
		out.add(RuleApplies, "owner", "applies only to approve and reassign")
	}
	if d.Urgency != "" && d.Kind != DecisionApprove {
		out.add(RuleApplies, "urgency", "applies only to approve")
	}
	return append(out, checkKindFields(d)...)
}

// DeciderRefusal says why actor may not decide escalation e — "" when they may.
// Only the escalation's eligible approvers decide: its current approver and the
// managers above them in the owner's reporting chain (e.Eligible, which moves up
// with the escalation). chain is that reporting chain, nearest first, and owner
// names whose chain it is; both serve only to say why someone is refused. The
// workflow's validator and the API's pre-check (403) both ask this.
func (e EscalationRecord) DeciderRefusal(actor string, chain []Member, owner string) string {
	if slices.Contains(e.Eligible, actor) {
		return ""
	}
	i := slices.IndexFunc(chain, func(m Member) bool { return m.ID == actor })
	switch {
	case actor == "":
		return "actor is required"
	case i >= 0 && !chain[i].Role.AtLeast(RoleManager):
		return fmt.Sprintf("%s is a %s; only a manager or higher in the owner's chain may decide", actor, chain[i].Role)
	case i >= 0:
		return fmt.Sprintf("escalation %d has moved up to level %d; only %v may decide", e.Seq, e.Level, e.Eligible)
	}
	return fmt.Sprintf("%s is not a manager in the reporting chain of %s", actor, owner)
}

// problems collects what CheckDecision finds, in order.
type problems []DecisionProblem

func (ps *problems) add(rule DecisionRule, field, detail string) {
	*ps = append(*ps, DecisionProblem{rule, field, detail})
}

// checkKindFields lists what is wrong with the fields of d's own kind.
func checkKindFields(d Decision) problems {
	var out problems
	switch d.Kind {
	case DecisionApprove:
		if d.Urgency == "" && d.Owner == "" {
			out.add(RuleApproveChanges, "urgency", "approve needs urgency, owner, or both")
		}
	case DecisionReject:
		switch {
		case strings.TrimSpace(d.Reason) == "":
			out.add(RuleReason, "reason", "is required")
		case tooLong(d.Reason, maxDecisionReason):
			// Said twice, as the API always has: once for any kind, once for a reject.
			out.add(RuleReasonLength, "reason", lengthDetail(maxDecisionReason))
		}
	case DecisionReassign:
		switch {
		case strings.TrimSpace(d.Owner) == "":
			out.add(RuleOwner, "owner", "is required")
		case tooLong(d.Owner, maxOwnerID):
			out.add(RuleOwnerLength, "owner", lengthDetail(maxOwnerID))
		}
	case DecisionExtend:
		if d.ExtensionSeconds <= 0 {
			out.add(RuleExtension, "extend_by", "must be a positive whole number of seconds")
		}
	case DecisionCompensate:
		return checkCompensation(d.Compensation)
	}
	return out
}

// checkCompensation lists what is wrong with the compensation of a compensate
// decision.
func checkCompensation(c *Compensation) problems {
	if c == nil {
		return problems{{RuleCompensation, "compensation", "is required: kind, amount and optionally currency and note"}}
	}
	var out problems
	if detail := oneOf(c.Kind, CompensationKinds); detail != "" {
		out.add(RuleCompensationKind, "compensation.kind", detail)
	}
	const amountRange = "must be between 0 and 1e9"
	switch {
	case c.Amount < 0 || math.IsNaN(c.Amount) || math.IsInf(c.Amount, 0):
		out.add(RuleAmount, "compensation.amount", amountRange)
	case c.Amount > MaxCompensation:
		out.add(RuleAmountLimit, "compensation.amount", amountRange)
	}
	if c.Currency != "" && !isCurrencyCode(c.Currency) {
		out.add(RuleCurrency, "compensation.currency", "must be an ISO 4217 code such as CNY")
	}
	if tooLong(c.Note, maxCompensateNote) {
		out.add(RuleNoteLength, "compensation.note", lengthDetail(maxCompensateNote))
	}
	return out
}

// oneOf is "" when v is one of allowed, else what is wrong with it.
func oneOf[T ~string](v T, allowed []T) string {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	switch {
	case v == "":
		return "is required; one of " + strings.Join(names, ", ")
	case !Valid(v, allowed):
		return fmt.Sprintf("%q is not one of %s", v, strings.Join(names, ", "))
	}
	return ""
}

func tooLong(s string, maxRunes int) bool { return utf8.RuneCountInString(s) > maxRunes }

func lengthDetail(maxRunes int) string { return fmt.Sprintf("must be at most %d characters", maxRunes) }

// isCurrencyCode reports whether s has the form of an ISO 4217 code: three capital
// letters. Whether the code is assigned is not checked.
func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
