// Package complaint holds the vocabulary shared by the API, the store, the
// activities and the workflows: statuses, urgencies, tiers, channels, categories and
// the events that make up a complaint's history. It has no dependencies, so the
// deterministic workflow code can use it freely.
package complaint

import (
	"slices"
	"time"
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
	EventSLABreached  EventKind = "sla_breached"
	EventResolved     EventKind = "resolved"
	EventClosed       EventKind = "closed"
)

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

	Owner     string    `json:"owner,omitempty"`      // acknowledged: owner taking the complaint
	Message   string    `json:"message,omitempty"`    // acknowledged: first response to the customer
	Summary   string    `json:"summary,omitempty"`    // resolved
	RootCause string    `json:"root_cause,omitempty"` // resolved
	Reason    string    `json:"reason,omitempty"`     // closed
	Clock     Clock     `json:"clock,omitempty"`      // sla_breached
	DueAt     time.Time `json:"due_at,omitzero"`      // sla_breached
}

// SLA is the service-level agreement a complaint was filed under: the policy in force
// at filing time, turned into due times.
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
}
