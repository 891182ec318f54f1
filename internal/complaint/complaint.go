// Package complaint holds the vocabulary shared by the API, the store, the
// activities and the workflows: statuses, urgencies, tiers, channels, categories and
// the events that make up a complaint's history. It depends only on the pure
// calendar package, so the deterministic workflow code can use it freely.
package complaint

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/complaintflow/complaintflow/internal/calendar"
)

// Status is where a complaint stands in its life cycle.
type Status string

// The statuses a complaint moves through: open → in_progress ⇄ waiting_on_customer
// (or backlog when the policy has no resolution clock) → resolved → closed; a
// resolved complaint may be reopened (back to in_progress).
const (
	StatusOpen              Status = "open"
	StatusInProgress        Status = "in_progress"
	StatusWaitingOnCustomer Status = "waiting_on_customer"
	StatusBacklog           Status = "backlog"
	StatusResolved          Status = "resolved"
	StatusClosed            Status = "closed"
)

// Statuses lists every status, in life-cycle order.
var Statuses = []Status{StatusOpen, StatusInProgress, StatusWaitingOnCustomer, StatusBacklog, StatusResolved, StatusClosed}

// Active reports whether the complaint still awaits resolution.
func (s Status) Active() bool {
	return s == StatusOpen || s == StatusInProgress || s == StatusWaitingOnCustomer || s == StatusBacklog
}

// Level is a three-step grade used for both urgency and customer tier.
type Level string

// Urgency and customer-tier grades (DOMAIN.md §1: tier × urgency matrix).
const (
	High   Level = "high"
	Medium Level = "medium"
	Low    Level = "low"
)

// Levels lists the grades from highest to lowest.
var Levels = []Level{High, Medium, Low}

// Sentiments an intake system may report (e.g. call-centre emotion detection).
var Sentiments = []string{"positive", "neutral", "negative", "angry"}

// Role is a person's rank in the reporting chain (DOMAIN.md §6).
type Role string

// Ranks from lowest to highest: agent → team lead → manager → director.
const (
	RoleAgent    Role = "agent"
	RoleTeamLead Role = "team_lead"
	RoleManager  Role = "manager"
	RoleDirector Role = "director"
)

// Roles lists the ranks, lowest first.
var Roles = []Role{RoleAgent, RoleTeamLead, RoleManager, RoleDirector}

// Rank orders roles: a higher rank outranks a lower one; unknown roles rank 0.
func (r Role) Rank() int { return slices.Index(Roles, r) + 1 }

// AtLeast reports whether r ranks at or above min.
func (r Role) AtLeast(min Role) bool { return r.Rank() >= min.Rank() && r.Rank() > 0 }

// Member is one person of a reporting chain.
type Member struct {
	ID   string `json:"id"`
	Role Role   `json:"role"`
}

// Channels a complaint may arrive through (DOMAIN.md §2 "Collect").
var Channels = []string{
	"phone", "web", "app", "mini_program", "wechat", "email", "social_media",
	"marketplace", "mystery_shopper", "survey", "other",
}

// Categories a complaint is classified under (DOMAIN.md §2 "Analyse").
var Categories = []string{"product", "service", "logistics", "after_sales", "other"}

// Valid reports whether v is one of allowed.
func Valid[T ~string](v T, allowed []T) bool { return slices.Contains(allowed, v) }

// Clock names an SLA clock.
type Clock string

// The SLA clocks of a complaint.
const (
	ClockFirstResponse Clock = "first_response"
	ClockResolution    Clock = "resolution"
)

// EventKind names a transition recorded in the append-only event log.
type EventKind string

// Event kinds written by the complaint workflow.
const (
	EventOpened       EventKind = "opened"
	EventAcknowledged EventKind = "acknowledged"
	EventSLAWarning   EventKind = "sla_warning"
	EventSLABreached  EventKind = "sla_breached"
	// A breach level of the ladder fired: the level's recipient was told.
	EventSLAEscalated EventKind = "sla_escalated"
	// An agent told the customer how work on the complaint is going (LESCANT "notify").
	EventProgressSent       EventKind = "progress_sent"
	EventPaused             EventKind = "paused"
	EventResumed            EventKind = "resumed"
	EventResolved           EventKind = "resolved"
	EventReopened           EventKind = "reopened"
	EventClosed             EventKind = "closed"
	EventEscalationRequest  EventKind = "escalation_requested"
	EventEscalationMovedUp  EventKind = "escalation_moved_up"
	EventEscalationOverdue  EventKind = "escalation_overdue"
	EventEscalationDecision EventKind = "escalation_decided"
	// The complaint was resolved while an escalation still awaited a decision.
	EventEscalationCancelled EventKind = "escalation_cancelled"
	// The feedback loop after a resolution (DOMAIN.md §2 "feed back → verify").
	EventSurveySent     EventKind = "survey_sent"
	EventSurveyReminded EventKind = "survey_reminded"
	EventSurveyAnswered EventKind = "survey_answered"
	// No answer before the survey's timeout, or the survey was withdrawn because an
	// agent reopened or closed the complaint first.
	EventSurveyExpired   EventKind = "survey_expired"
	EventSurveyCancelled EventKind = "survey_cancelled"
	// An angry customer's urgency was raised one level at intake (002 §3.2).
	EventUrgencyRaised EventKind = "urgency_raised"
)

// ActorCustomer is the actor of the customer's own steps in the event log: the
// survey's answer and what it decides, a verified close or a reopening
// (workflows/survey.go). No staff member may take it as an ID (ReservedActor), so
// a reopening by it is the customer's verdict on a fix (the training-gap reopen
// rate, store.TrainingReopens).
const ActorCustomer = "customer"

// ActorSystem is the actor of the steps the workflows take on their own: a timer's
// warning, breach or expiry, an escalation moving up, the close after the feedback
// loop. No staff member may take it as an ID (ReservedActor), so those steps never
// pass for a person's in the history and metrics, and a person named by a step is
// never mistaken for it (an escalation's decision is told to its requester unless
// that was the system).
const ActorSystem = "system"

// ReservedActor reports whether id is, or reads to a person as, an actor the event
// log records for no staff member, which no person's ID and no token's name may be.
// A history shows "System " or "ＣＵＳＴＯＭＥＲ" as it shows the system or the
// customer, so case, compatibility forms (full-width letters), surrounding spaces
// and invisible characters (Invisible: a zero-width space, a Hangul filler) are not
// told apart.
func ReservedActor(id string) bool {
	read := strings.TrimSpace(strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(id)))
	return strings.EqualFold(read, ActorCustomer) || strings.EqualFold(read, ActorSystem)
}

// Invisible reports whether r shows nothing where a name is read: a Unicode
// default-ignorable code point. The Default_Ignorable_Code_Point property is derived
// from the format characters (Cf: a zero-width space, a tag), the variation
// selectors and Other_Default_Ignorable_Code_Point (a combining grapheme joiner, the
// Hangul fillers U+115F, U+1160, U+3164 and U+FFA0); the standard library holds
// those three, not the derived property. All of Cf is taken, the few format
// characters the property leaves out (U+0600 and the other prepended marks) included.
func Invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// TrimInvisible is s without the white space and invisible characters (Invisible)
// at its ends.
func TrimInvisible(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || Invisible(r) })
}

// Event is one transition of a complaint. The workflow sets Key deterministically, so
// a retried activity writes the event (and its effect on the complaint) only once.
type Event struct {
	ComplaintID string    `json:"complaint_id"`
	Key         string    `json:"key"`
	Kind        EventKind `json:"kind"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
	// Status after the event; empty leaves it unchanged.
	Status Status `json:"status,omitempty"`

	Owner     string    `json:"owner,omitempty"`      // acknowledged, escalation_decided: owner of the complaint
	Message   string    `json:"message,omitempty"`    // acknowledged: first response to the customer
	Summary   string    `json:"summary,omitempty"`    // resolved
	RootCause string    `json:"root_cause,omitempty"` // resolved
	Reason    string    `json:"reason,omitempty"`     // closed, paused, reopened, progress_sent, escalation_*
	Clock     Clock     `json:"clock,omitempty"`      // sla_warning, sla_breached, sla_escalated
	Round     int       `json:"round,omitempty"`      // the clock's round: 0, then 1… after each reopening
	DueAt     time.Time `json:"due_at,omitzero"`      // sla_warning, sla_breached, sla_escalated
	Percent   int       `json:"percent,omitempty"`    // sla_warning: share of the clock used
	Level     int       `json:"level,omitempty"`      // sla_escalated, escalation_*: ladder or approval level
	Recipient string    `json:"recipient,omitempty"`  // sla_escalated: who was told
	// ResolutionDueAt is the resolution deadline after the event (resumed, reopened,
	// escalation_decided); zero leaves it unchanged.
	ResolutionDueAt time.Time `json:"resolution_due_at,omitzero"`
	Urgency         Level     `json:"urgency,omitempty"`        // escalation_decided: raised urgency
	PausedSeconds   float64   `json:"paused_seconds,omitempty"` // resumed: length of the pause
	ExtendedSeconds int64     `json:"extended_seconds,omitempty"`
	// ExpectedBy is, on progress_sent, when the agent told the customer they now
	// expect to resolve it (002 §9.3 「预计解决时间」); it moves no deadline.
	ExpectedBy time.Time `json:"expected_by,omitzero"`

	// FirstResponseDueAt is, on a reopened event, the round's first-response
	// deadline when the round has that clock (the customer's dissatisfied survey
	// answer reopened it, workflow revision 6); on an escalation_decided event, the
	// running first-response clock's deadline when the raised urgency moved it;
	// zero otherwise.
	FirstResponseDueAt time.Time `json:"first_response_due_at,omitzero"`
	// RoundSLA is, on a reopened event of a round the customer's dissatisfied answer
	// reopened, the SLA that round runs on; nil for an agent's reopening.
	RoundSLA *RoundSLA `json:"round_sla,omitempty"`

	Escalation *EscalationRecord `json:"escalation,omitempty"` // escalation_*
	// compensation_*: the front-line refund or compensation as the event leaves it.
	Compensation *CompensationRecord `json:"compensation,omitempty"`
	// handed_over: the owner before; Owner is the new one.
	PreviousOwner string `json:"previous_owner,omitempty"`

	SurveyID string        `json:"survey_id,omitempty"` // survey_*
	Survey   *SurveyAnswer `json:"survey,omitempty"`    // survey_answered
	// Verification is how a closing was verified (closed).
	Verification Verification `json:"verification,omitempty"`
}

// RoundSLA is the SLA of a round the customer's dissatisfied survey answer
// reopened (001 「对负面反馈在15分钟内进行初步响应」): the negative_feedback policy
// picked for it and the round's budgets — that policy's first response (or the
// 15-minute default) and the shorter of the follow-up and its resolution.
type RoundSLA struct {
	// PolicyID names the policy ("negative_feedback/*/*"); empty when none matched
	// and the round runs on the defaults.
	PolicyID             string `json:"policy_id,omitempty"`
	FirstResponseSeconds int64  `json:"first_response_seconds"`
	ResolutionSeconds    int64  `json:"resolution_seconds"`
}

// Verification is whether the customer confirmed the fix before the complaint closed.
type Verification string

// Closing outcomes: verified by a satisfied survey answer; unverified when the survey
// timed out or an agent closed the complaint without one.
const (
	Verified   Verification = "verified"
	Unverified Verification = "unverified"
)

// SurveyAnswer is the customer's answer to the satisfaction survey (DOMAIN.md §2):
// CSAT 1–5, NPS 0–10, CES 1–7 (lower is better), whether the problem was solved and
// a comment. NPS and CES are optional.
type SurveyAnswer struct {
	CSAT    int    `json:"csat"`
	NPS     *int   `json:"nps,omitempty"`
	CES     *int   `json:"ces,omitempty"`
	Solved  bool   `json:"solved"`
	Comment string `json:"comment,omitempty"`
	// The seeds' survey (002 §10.1) on 5-point scales, beside CSAT as overall
	// satisfaction; optional.
	ResponseSpeed   *int `json:"response_speed,omitempty"`
	ProblemSolved   *int `json:"problem_solved,omitempty"`
	ServiceAttitude *int `json:"service_attitude,omitempty"`
}

// Dissatisfied reports whether the answer sends the complaint back: CSAT ≤ 2, an NPS
// detractor (0–6) or "not solved". Anything else verifies the fix.
func (a SurveyAnswer) Dissatisfied() bool {
	return a.CSAT <= 2 || (a.NPS != nil && *a.NPS <= 6) || !a.Solved
}

// Reasons lists why the answer is dissatisfied, for the reopening and the customer.
func (a SurveyAnswer) Reasons() []string {
	var why []string
	if !a.Solved {
		why = append(why, "the customer says the problem is not solved")
	}
	if a.CSAT <= 2 {
		why = append(why, fmt.Sprintf("CSAT %d of 5", a.CSAT))
	}
	if a.NPS != nil && *a.NPS <= 6 {
		why = append(why, fmt.Sprintf("NPS %d (detractor)", *a.NPS))
	}
	return why
}

// EscalationRecord is the state of an escalation request as an event leaves it.
type EscalationRecord struct {
	ID            string     `json:"id"` // <complaint id>/<seq>
	Seq           int        `json:"seq"`
	Status        string     `json:"status"`
	RequestedBy   string     `json:"requested_by"`
	RequestedAt   time.Time  `json:"requested_at"`
	Reason        string     `json:"reason"`
	Automatic     bool       `json:"automatic,omitempty"`
	Level         int        `json:"level"`
	Approver      string     `json:"approver,omitempty"`
	Eligible      []string   `json:"eligible"`
	DecisionDueAt *time.Time `json:"decision_due_at,omitempty"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	Decision      *Decision  `json:"decision,omitempty"`
}

// DecisionKind is what a manager decided on an escalation.
type DecisionKind string

// Decisions a manager may take (DOMAIN.md §6).
const (
	DecisionApprove    DecisionKind = "approve"
	DecisionReject     DecisionKind = "reject"
	DecisionReassign   DecisionKind = "reassign"
	DecisionExtend     DecisionKind = "extend"
	DecisionCompensate DecisionKind = "compensate"
)

// Decisions lists every decision kind.
var Decisions = []DecisionKind{DecisionApprove, DecisionReject, DecisionReassign, DecisionExtend, DecisionCompensate}

// Decision is a manager's decision on an escalation.
type Decision struct {
	Kind             DecisionKind  `json:"decision"`
	Reason           string        `json:"reason,omitempty"`
	Urgency          Level         `json:"urgency,omitempty"`           // approve: raised urgency
	Owner            string        `json:"owner,omitempty"`             // approve, reassign: new owner
	ExtensionSeconds int64         `json:"extension_seconds,omitempty"` // extend
	Compensation     *Compensation `json:"compensation,omitempty"`      // compensate: service recovery
}

// CompensationKinds are the forms of service recovery a manager may grant.
var CompensationKinds = []string{"coupon", "voucher", "refund", "upgrade", "gift", "points", "other"}

// Compensation is service recovery granted to the customer.
type Compensation struct {
	Kind     string  `json:"kind"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency,omitempty"`
	Note     string  `json:"note,omitempty"`
}

// LadderLevel is one breach level of the escalation ladder: AfterSeconds after the
// breach (counted on the policy's calendar), the nearest person of rank Notify or
// higher above the owner is told.
type LadderLevel struct {
	Level        int   `json:"level"`
	AfterSeconds int64 `json:"after_seconds"`
	Notify       Role  `json:"notify"`
}

// WarningMarks are the warnings of a policy's warning_percents that a clock
// marks: those strictly between 0 and 100 (the workflow's sla_warning events, and
// the levels the console's countdown shows), in the policy's order (ascending).
func WarningMarks[T ~int | ~int64](percents []T) []int {
	out := []int{}
	for _, p := range percents {
		if p > 0 && p < 100 {
			out = append(out, int(p))
		}
	}
	return out
}

// Policy is an SLA policy as snapshotted into a complaint when it is filed: a later
// change to the policy or its calendar affects only complaints filed after it.
type Policy struct {
	FirstResponseSeconds int64          `json:"first_response_seconds"`
	ResolutionSeconds    *int64         `json:"resolution_seconds,omitempty"` // nil: backlog after acknowledgement
	WarningPercents      []int          `json:"warning_percents,omitempty"`
	EscalationLevels     []LadderLevel  `json:"escalation_levels,omitempty"`
	FollowUpSeconds      int64          `json:"follow_up_seconds,omitempty"`
	DecisionSeconds      int64          `json:"decision_seconds,omitempty"`
	MaxExtensionSeconds  int64          `json:"max_extension_seconds,omitempty"`
	AutoEscalateAngry    bool           `json:"auto_escalate_angry,omitempty"`
	AutoEscalateHighTier bool           `json:"auto_escalate_high_tier,omitempty"`
	CalendarID           string         `json:"calendar_id,omitempty"`
	Calendar             *calendar.Spec `json:"calendar,omitempty"` // nil: around the clock
	// The feedback loop after a resolution; 0 in snapshots taken before it existed.
	SurveyReminderSeconds int64 `json:"survey_reminder_seconds,omitempty"`
	SurveyTimeoutSeconds  int64 `json:"survey_timeout_seconds,omitempty"`
	// Key names the policy picked after filing (LoadPolicy, LoadSourcePolicy), for
	// a reopened round's record; nil in the snapshot taken at filing (the complaint
	// row names that one).
	Key *PolicyKey `json:"key,omitempty"`
}

// SLA is the service-level agreement a complaint was filed under: the policy in force
// at filing time, turned into due times, and who answers for the complaint.
type SLA struct {
	ComplaintID      string     `json:"complaint_id"`
	Urgency          Level      `json:"urgency"`
	Tier             Level      `json:"tier"`
	Category         string     `json:"category"`
	Status           Status     `json:"status"`
	Owner            string     `json:"owner,omitempty"`
	OpenedAt         time.Time  `json:"opened_at"`
	FirstResponseDue time.Time  `json:"first_response_due"`
	ResolutionDue    *time.Time `json:"resolution_due,omitempty"` // nil: backlog after acknowledgement

	// Policy is nil for complaints filed before the escalation ladder existed.
	Policy    *Policy `json:"policy,omitempty"`
	Sentiment string  `json:"sentiment,omitempty"`
	// Anger says why intake took the customer as angry (AngerReason); RaisedFrom is
	// the urgency asked for when that raised it. Empty when not.
	Anger      string `json:"anger,omitempty"`
	RaisedFrom Level  `json:"raised_from,omitempty"`
	Team       string `json:"team,omitempty"`
	// Chain is the reporting chain the complaint escalates along: the owner (or, for
	// an unassigned complaint, the team lead) first, then upward.
	Chain []Member `json:"chain,omitempty"`
}
