package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Escalation is a row of the escalations table: a request for a manager's decision.
type Escalation struct {
	ID            string          `db:"id"`
	ComplaintID   string          `db:"complaint_id"`
	Seq           int             `db:"seq"`
	Status        string          `db:"status"`
	RequestedBy   string          `db:"requested_by"`
	RequestedAt   time.Time       `db:"requested_at"`
	Reason        string          `db:"reason"`
	Automatic     bool            `db:"automatic"`
	ApproverID    *string         `db:"approver_id"`
	Eligible      pq.StringArray  `db:"eligible"`
	Level         int             `db:"level"`
	DecisionDueAt *time.Time      `db:"decision_due_at"`
	DecidedBy     *string         `db:"decided_by"`
	DecidedAt     *time.Time      `db:"decided_at"`
	Decision      json.RawMessage `db:"decision"`
}

const escalationColumns = `id, complaint_id, seq, status, requested_by, requested_at, reason, automatic,
	approver_id, eligible, level, decision_due_at, decided_by, decided_at, COALESCE(decision, 'null') AS decision`

// Escalations lists a complaint's escalations, oldest first.
func (s *Store) Escalations(ctx context.Context, complaintID string) ([]Escalation, error) {
	var es []Escalation
	q := `SELECT ` + escalationColumns + ` FROM escalations WHERE complaint_id = $1 ORDER BY seq`
	if err := s.db.SelectContext(ctx, &es, q, complaintID); err != nil {
		return nil, fmt.Errorf("list escalations: %w", err)
	}
	return es, nil
}

// EscalationFilter selects escalations for an inbox.
type EscalationFilter struct {
	Status string
	// Person limits the list to escalations this person may decide; empty lists all.
	Person string
	Limit  int
}

// EscalationInbox lists escalations by status: pending ones the most urgent decision
// first, decided ones the latest decision first (a decision clears its due time, and
// oldest first would keep the newest out of reach of the limit for good).
func (s *Store) EscalationInbox(ctx context.Context, f EscalationFilter) ([]Escalation, error) {
	q := `SELECT ` + escalationColumns + ` FROM escalations WHERE status = $1 AND ($2 = '' OR $2 = ANY (eligible))
		ORDER BY decision_due_at NULLS LAST, decided_at DESC NULLS LAST, requested_at, id LIMIT $3`
	var es []Escalation
	if err := s.db.SelectContext(ctx, &es, q, f.Status, f.Person, f.Limit); err != nil {
		return nil, fmt.Errorf("list escalation inbox: %w", err)
	}
	return es, nil
}
