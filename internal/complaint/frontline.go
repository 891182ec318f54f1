package complaint

import (
	"fmt"
	"strconv"
	"time"
)

// Front-line authority (002 §3.1): "赋予一线客服更多决策权,如小额退款(500元以下)、
// 服务补偿(200元以下)等权限直接下放,减少审批环节" — small refunds and service
// compensation are the agent's to grant; above the limit a manager decides.

// RecoveryKind is what an agent grants on their own authority.
type RecoveryKind string

// The kinds of front-line recovery, each with its own limit.
const (
	RecoveryRefund       RecoveryKind = "refund"
	RecoveryCompensation RecoveryKind = "compensation"
)

// RecoveryKinds lists the kinds of front-line recovery.
var RecoveryKinds = []RecoveryKind{RecoveryRefund, RecoveryCompensation}

// Events of front-line recovery and of hand-over inside the team.
const (
	// Granted at once within the limit, or by a manager's "compensate" decision.
	EventCompensationGranted EventKind = "compensation_granted"
	// Over the limit: an escalation request went to the manager.
	EventCompensationRequested EventKind = "compensation_requested"
	// The manager decided the escalation otherwise, or resolving made it moot.
	EventCompensationDeclined  EventKind = "compensation_declined"
	EventCompensationCancelled EventKind = "compensation_cancelled"
	// A team lead or the owner handed the complaint to someone of the team.
	EventHandedOver EventKind = "handed_over"
)

// Statuses of a compensation record.
const (
	CompensationGranted   = "granted"
	CompensationRequested = "requested"
	CompensationDeclined  = "declined"
	CompensationCancelled = "cancelled"
)

// CompensationLimit is how much one role may grant of one kind in one currency
// without approval: amounts up to Amount, Amount included (WithinAuthority).
type CompensationLimit struct {
	Role     Role         `json:"role"`
	Kind     RecoveryKind `json:"kind"`
	Currency string       `json:"currency"`
	Amount   float64      `json:"amount"`
}

// DefaultCompensationLimits are the limits seeded by the migration (002 §3.1).
var DefaultCompensationLimits = []CompensationLimit{
	{Role: RoleAgent, Kind: RecoveryRefund, Currency: "CNY", Amount: 500},
	{Role: RoleAgent, Kind: RecoveryCompensation, Currency: "CNY", Amount: 200},
}

// WithinAuthority reports whether an amount may be granted at once under limit:
// 「500元以下」 includes 500 — in Chinese legal usage 以下 includes the stated number
// (PRC Civil Code Art. 1259: 「民法所称的"以上"、"以下"、"以内"、"届满"，包括本数」),
// so an amount at the limit is within it. No limit (nil) means no authority.
func WithinAuthority(amount float64, limit *float64) bool {
	return limit != nil && amount <= *limit
}

// StrictlyWithinAuthority is the rule complaints of workflow revision 4 or older
// were recorded under: only amounts strictly below the limit. It differs from
// WithinAuthority at the limit alone.
func StrictlyWithinAuthority(amount float64, limit *float64) bool {
	return limit != nil && amount < *limit
}

// CompensationRecord is a front-line refund or compensation as an event leaves it.
type CompensationRecord struct {
	Seq         int          `json:"seq"`
	Kind        RecoveryKind `json:"kind"`
	Amount      float64      `json:"amount"`
	Currency    string       `json:"currency"`
	Note        string       `json:"note,omitempty"`
	Status      string       `json:"status"`
	RequestedBy string       `json:"requested_by"`
	RequestedAt time.Time    `json:"requested_at"`
	// Limit is the requester's limit when it was recorded; nil: none applied.
	Limit *float64 `json:"limit,omitempty"`
	// EscalationSeq is the escalation that asks the manager (over the limit).
	EscalationSeq int        `json:"escalation_seq,omitempty"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
}

// CompensationFields are the variables of the customer's "compensation" message
// (internal/message) for a granted compensation.
func (c CompensationRecord) CompensationFields() map[string]string {
	return map[string]string{
		"amount":   strconv.FormatFloat(c.Amount, 'f', -1, 64),
		"currency": c.Currency,
		"kind":     string(c.Kind),
		"status":   c.Status,
		"note":     c.Note,
	}
}

// Handover is what the hand-over rule needs to know (000 §7.1 three-tier
// support): who acts, the complaint's owner and team, the team's lead, and the
// person it goes to.
type Handover struct {
	Actor    string
	Owner    string
	Team     string // the complaint's team
	TeamLead string // the lead of that team; "" if none
	To       string
	ToTeam   string // the team of the person it goes to
	ToActive bool
}

// CheckHandover says why a hand-over is refused, "" when it is allowed: the team's
// lead, or the owner, may hand the complaint to another active member of the
// complaint's team without a manager; anyone else needs an escalation.
func CheckHandover(h Handover) string {
	switch {
	case h.Team == "":
		return "the complaint belongs to no team; a manager reassigns it through an escalation"
	case h.Actor != h.TeamLead && h.Actor != h.Owner:
		return fmt.Sprintf("%s is neither the lead of team %s nor the owner; a manager reassigns it through an escalation", h.Actor, h.Team)
	case h.To == h.Owner:
		return h.To + " already owns the complaint"
	case !h.ToActive:
		return h.To + " is not active in the directory"
	case h.ToTeam != h.Team && h.To != h.TeamLead:
		return fmt.Sprintf("%s is not in team %s; hand-over stays inside the team", h.To, h.Team)
	}
	return ""
}

// CurrencyCode reports whether s has the form of an ISO 4217 code (three capital
// letters), as a limit or a compensation names its currency.
func CurrencyCode(s string) bool { return isCurrencyCode(s) }
