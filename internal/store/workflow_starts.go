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
