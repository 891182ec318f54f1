package quality

import (
	"encoding/json"
	"fmt"
	"time"
)

// The risk monitor's vocabulary (DOMAIN.md §4): what a check of a condition found,
// the alerts it opens and their events. The monitor and alert workflows, the
// activities, the store and the API share these types; the workflows pass them as
// activity arguments and results, so their field names and JSON tags are the form
// recorded in workflow histories. The db tags are the risk_alerts and
// risk_alert_events columns the store scans into them.

// RiskDetails are the counts behind a check and the windows they cover.
type RiskDetails struct {
	From         time.Time        `json:"from"` // the observed window [from, to)
	To           time.Time        `json:"to"`
	BaselineFrom *time.Time       `json:"baseline_from,omitempty"` // the window the baseline comes from, if any
	BaselineTo   *time.Time       `json:"baseline_to,omitempty"`
	Counts       map[string]int64 `json:"counts"`
	// A training gap's evidence (training_gap only).
	Training *TrainingEvidence `json:"training,omitempty"`
	// Stale knowledge's evidence (stale_knowledge only).
	Knowledge *KnowledgeEvidence `json:"knowledge,omitempty"`
}

// Scan reads details stored as JSON.
func (d *RiskDetails) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, d)
	case string:
		return json.Unmarshal([]byte(v), d)
	case nil:
		*d = RiskDetails{}
		return nil
	}
	return fmt.Errorf("risk details: cannot scan %T", src)
}

// RiskCheck is the verdict on one condition at one moment. Grade is "" when the
// condition does not hold; Note then says why no verdict was possible, if so.
// Observed and Baseline are in the condition's unit (CSAT and SLA: %; volume:
// complaints a day). Threshold is the observed value at which Grade begins (or, when
// the condition does not hold, at which the lowest grade would): CSAT ≤ baseline −
// drop points, volume ≥ baseline × (1 + spike %), SLA compliance under target.
// Subject is whom the check is about: "agent:<id>" or "team:<id>" for a training
// gap, "agent:<owner>" for stale knowledge, "" for a condition of the whole service.
type RiskCheck struct {
	Condition       Condition   `json:"condition"`
	Subject         string      `json:"subject,omitempty"`
	Grade           Grade       `json:"grade,omitempty"`
	Note            string      `json:"note,omitempty"`
	Observed        float64     `json:"observed"`
	Baseline        float64     `json:"baseline"`
	Threshold       float64     `json:"threshold"`
	HandlingSeconds int64       `json:"handling_seconds,omitempty"` // of Grade, from the thresholds in force
	Details         RiskDetails `json:"details"`
}

// Holds reports whether the check found the condition.
func (c RiskCheck) Holds() bool { return c.Grade != "" }

// RiskEvaluation is the risk monitor's look at the event log at one moment.
type RiskEvaluation struct {
	At         time.Time      `json:"at"`
	Thresholds RiskThresholds `json:"thresholds"`
	Checks     []RiskCheck    `json:"checks"` // in Conditions order: one per condition, one per subject found for a training gap or stale knowledge
}

// Findings are the checks whose condition holds.
func (e RiskEvaluation) Findings() []RiskCheck {
	var out []RiskCheck
	for _, c := range e.Checks {
		if c.Holds() {
			out = append(out, c)
		}
	}
	return out
}

// RiskAlertStatus is where an alert stands.
type RiskAlertStatus string

// An alert is open until its owner responds (contingency plan, analysis report or
// rectification plan), then closed with its ledger entry.
const (
	RiskOpen      RiskAlertStatus = "open"
	RiskResponded RiskAlertStatus = "responded"
	RiskClosed    RiskAlertStatus = "closed"
)

// RiskAlertStatuses lists the statuses.
var RiskAlertStatuses = []RiskAlertStatus{RiskOpen, RiskResponded, RiskClosed}

// RiskAlert is a row of risk_alerts. Nil pointers are NULL columns.
type RiskAlert struct {
	ID              string          `db:"id"`
	Condition       Condition       `db:"condition"`
	Subject         string          `db:"subject"` // a training gap's agent or team, stale knowledge's owner; "" for the others
	Grade           Grade           `db:"grade"`
	Status          RiskAlertStatus `db:"status"`
	OpenedAt        time.Time       `db:"opened_at"`
	HandlingSeconds int64           `db:"handling_seconds"`
	HandlingDueAt   time.Time       `db:"handling_due_at"`
	EscalationLevel int             `db:"escalation_level"`
	EscalatedTo     *string         `db:"escalated_to"`
	Observed        float64         `db:"observed"`
	Baseline        float64         `db:"baseline"`
	Threshold       float64         `db:"threshold"`
	Details         RiskDetails     `db:"details"`
	MonitorRun      string          `db:"monitor_run"`
	OwnerID         *string         `db:"owner_id"`
	Response        *string         `db:"response"`
	RespondedAt     *time.Time      `db:"responded_at"`
	RespondedBy     *string         `db:"responded_by"`
	RootCause       *string         `db:"root_cause"`
	Solution        *string         `db:"solution"`
	Executor        *string         `db:"executor"`
	ActionDeadline  *time.Time      `db:"action_deadline"`
	Verification    *string         `db:"verification"`
	ClosedAt        *time.Time      `db:"closed_at"`
	ClosedBy        *string         `db:"closed_by"`
	LastSeenAt      time.Time       `db:"last_seen_at"`
	SeenCount       int             `db:"seen_count"`
	Description     string          `db:"description"` // a manual alert's; "" for the monitor's
	OpenedBy        string          `db:"opened_by"`   // risk-monitor, or who opened it by hand
	// The PDCA cycles opened for the alert (Cycle.RiskAlertID), oldest first.
	CycleIDs IDs `db:"cycle_ids"`
}

// IDs is a list of IDs stored as a JSON array.
type IDs []string

// Scan reads IDs stored as a JSON array; NULL is none.
func (ids *IDs) Scan(src any) error {
	*ids = IDs{}
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, ids)
	case string:
		return json.Unmarshal([]byte(v), ids)
	case nil:
		return nil
	}
	return fmt.Errorf("ids: cannot scan %T", src)
}

// RiskEventKind is the kind of an alert's event.
type RiskEventKind string

// What happens to an alert.
const (
	RiskEventOpened    RiskEventKind = "opened"
	RiskEventSeenAgain RiskEventKind = "seen_again" // a later monitor run found the open alert's condition again
	RiskEventNotified  RiskEventKind = "notified"
	RiskEventEscalated RiskEventKind = "escalated"
	RiskEventOverdue   RiskEventKind = "overdue" // past the top of the owner's chain
	RiskEventResponded RiskEventKind = "responded"
	RiskEventClosed    RiskEventKind = "closed"
)

// RiskLedgerEntry is what closing an alert records (DOMAIN.md §1 "风险处置台账").
type RiskLedgerEntry struct {
	RootCause      string    `json:"root_cause"`
	Solution       string    `json:"solution"`
	Executor       string    `json:"executor"`
	ActionDeadline time.Time `json:"action_deadline"`
	Verification   string    `json:"verification"`
}

// RiskEventData is an alert event's payload; each kind sets its own fields.
type RiskEventData struct {
	MonitorRun string           `json:"monitor_run,omitempty"` // opened, seen_again
	Check      *RiskCheck       `json:"check,omitempty"`       // opened, seen_again: what the monitor saw
	Recipients []string         `json:"recipients,omitempty"`  // notified, escalated, overdue
	Level      int              `json:"level,omitempty"`       // escalated: 1 for the first step up
	To         string           `json:"to,omitempty"`          // escalated
	NextDueAt  *time.Time       `json:"next_due_at,omitempty"` // escalated
	Response   string           `json:"response,omitempty"`    // responded
	Ledger     *RiskLedgerEntry `json:"ledger,omitempty"`      // closed
	Reason     string           `json:"reason,omitempty"`
}

// Scan reads event data stored as JSON.
func (d *RiskEventData) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, d)
	case string:
		return json.Unmarshal([]byte(v), d)
	case nil:
		*d = RiskEventData{}
		return nil
	}
	return fmt.Errorf("risk event data: cannot scan %T", src)
}

// RiskAlertEvent is a row of risk_alert_events.
type RiskAlertEvent struct {
	AlertID string        `db:"alert_id"`
	Key     string        `db:"idempotency_key"`
	Kind    RiskEventKind `db:"kind"`
	At      time.Time     `db:"occurred_at"`
	Actor   string        `db:"actor"`
	Data    RiskEventData `db:"data"`
}

// NewRiskAlert asks to open an alert for a check whose condition holds. Key (the
// monitor run and the condition) makes the request idempotent.
type NewRiskAlert struct {
	ID         string
	Key        string
	MonitorRun string
	Check      RiskCheck
	At         time.Time
	OwnerID    string // "" for none
}

// NewManualRiskAlert asks to open an alert by hand (002 §9.1): a quality lead or a
// manager names the grade and describes the risk — an outage or a major complaint is
// red at once. ID makes the request idempotent.
type NewManualRiskAlert struct {
	ID              string
	Grade           Grade
	Description     string
	HandlingSeconds int64
	At              time.Time
	By              string
	OwnerID         string // "" for none
}
