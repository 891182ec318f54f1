package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// PendingWorkflowStarts lists up to limit complaints filed more than grace ago
// whose workflow start has not been confirmed (intake marks every new complaint so
// and WorkflowsStarted clears it), oldest first.
func (s *Store) PendingWorkflowStarts(ctx context.Context, grace time.Duration, limit int) ([]Complaint, error) {
	const q = `SELECT ` + complaintColumns + ` FROM complaints
		WHERE id IN (SELECT complaint_id FROM workflow_starts_pending
			WHERE filed_at < now() - make_interval(secs => $1) ORDER BY filed_at LIMIT $2)
		ORDER BY created_at`
	out := []Complaint{}
	if err := s.db.SelectContext(ctx, &out, q, grace.Seconds(), limit); err != nil {
		return nil, fmt.Errorf("list pending workflow starts: %w", err)
	}
	return out, nil
}

// WorkflowsStarted records that Temporal holds these complaints' workflows, in one
// statement however many: intake clears its marks in batches (api.startedMarks).
func (s *Store) WorkflowsStarted(ctx context.Context, complaintIDs ...string) error {
	const q = `DELETE FROM workflow_starts_pending WHERE complaint_id = ANY($1)`
	if _, err := s.db.ExecContext(ctx, q, pq.StringArray(complaintIDs)); err != nil {
		return fmt.Errorf("record workflows started: %w", err)
	}
	return nil
}

// QualityStart is a workflow started after its row is written and not confirmed by
// Temporal: a risk alert's (RiskAlertID) or PDCA cycle's (CycleID), or the done
// notice of a backlog item (BacklogItemID). The row's transaction marks it
// (OpenManualRiskAlert, OpenRiskAlert, ProposeCycle with StartPending,
// ChangeBacklogItem to done) and QualityWorkflowStarted clears it. The alerts a
// monitor run opens and the cycles a review proposes are started by that run, as
// children; their marks are cleared by the reconciler's start, which finds them
// running (a no-op), or starts them when the run failed first.
type QualityStart struct {
	RiskAlertID   *string `db:"risk_alert_id"`
	CycleID       *string `db:"cycle_id"`
	BacklogItemID *string `db:"backlog_item_id"`
}

// PendingQualityStarts lists up to limit quality workflows asked for more than
// grace ago and not confirmed, oldest first.
func (s *Store) PendingQualityStarts(ctx context.Context, grace time.Duration, limit int) ([]QualityStart, error) {
	const q = `SELECT risk_alert_id, cycle_id, backlog_item_id FROM quality_workflow_starts_pending
		WHERE asked_at < now() - make_interval(secs => $1) ORDER BY asked_at LIMIT $2`
	out := []QualityStart{}
	if err := s.db.SelectContext(ctx, &out, q, grace.Seconds(), limit); err != nil {
		return nil, fmt.Errorf("list pending quality workflow starts: %w", err)
	}
	return out, nil
}

// QualityWorkflowStarted records that Temporal holds the workflow.
func (s *Store) QualityWorkflowStarted(ctx context.Context, st QualityStart) error {
	const q = `DELETE FROM quality_workflow_starts_pending
		WHERE risk_alert_id = $1::uuid OR cycle_id = $2::uuid OR backlog_item_id = $3::uuid`
	if _, err := s.db.ExecContext(ctx, q, st.RiskAlertID, st.CycleID, st.BacklogItemID); err != nil {
		return fmt.Errorf("record quality workflow started: %w", err)
	}
	return nil
}

// markQualityStart marks a workflow as asked for, in the transaction that writes
// its row; marked already (an item done again before its notice started), it stays.
func markQualityStart(ctx context.Context, tx execer, st QualityStart) error {
	const q = `INSERT INTO quality_workflow_starts_pending (risk_alert_id, cycle_id, backlog_item_id)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`
	if _, err := tx.ExecContext(ctx, q, st.RiskAlertID, st.CycleID, st.BacklogItemID); err != nil {
		return fmt.Errorf("mark quality workflow start: %w", err)
	}
	return nil
}
