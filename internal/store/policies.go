package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Policy is the SLA for one urgency × customer-tier cell.
type Policy struct {
	Urgency              complaint.Level `db:"urgency"`
	Tier                 complaint.Level `db:"tier"`
	FirstResponseSeconds int64           `db:"first_response_seconds"`
	ResolutionSeconds    sql.NullInt64   `db:"resolution_seconds"`
	UpdatedAt            time.Time       `db:"updated_at"`
	UpdatedBy            string          `db:"updated_by"`
}

// Policies lists the whole matrix.
func (s *Store) Policies(ctx context.Context) ([]Policy, error) {
	const q = `SELECT urgency, tier, first_response_seconds, resolution_seconds, updated_at, updated_by
		FROM sla_policies
		ORDER BY array_position(ARRAY['high','medium','low'], urgency), array_position(ARRAY['high','medium','low'], tier)`
	var ps []Policy
	if err := s.db.SelectContext(ctx, &ps, q); err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	return ps, nil
}

// Policy reads one cell of the matrix.
func (s *Store) Policy(ctx context.Context, urgency, tier complaint.Level) (Policy, error) {
	const q = `SELECT urgency, tier, first_response_seconds, resolution_seconds, updated_at, updated_by
		FROM sla_policies WHERE urgency = $1 AND tier = $2`
	var p Policy
	err := s.db.GetContext(ctx, &p, q, urgency, tier)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read policy: %w", err)
	}
	return p, nil
}

// PutPolicy creates or replaces one cell. Complaints already filed keep the SLA they
// were filed under; only later complaints see the change.
func (s *Store) PutPolicy(ctx context.Context, p Policy) (Policy, error) {
	const q = `INSERT INTO sla_policies (urgency, tier, first_response_seconds, resolution_seconds, updated_at, updated_by)
		VALUES (:urgency, :tier, :first_response_seconds, :resolution_seconds, now(), :updated_by)
		ON CONFLICT (urgency, tier) DO UPDATE SET
			first_response_seconds = EXCLUDED.first_response_seconds,
			resolution_seconds = EXCLUDED.resolution_seconds,
			updated_at = EXCLUDED.updated_at,
			updated_by = EXCLUDED.updated_by
		RETURNING urgency, tier, first_response_seconds, resolution_seconds, updated_at, updated_by`
	rows, err := s.db.NamedQueryContext(ctx, q, p)
	if err != nil {
		return p, fmt.Errorf("put policy: %w", err)
	}
	defer rows.Close()
	var out Policy
	if !rows.Next() {
		return p, fmt.Errorf("put policy: no row returned")
	}
	if err := rows.StructScan(&out); err != nil {
		return p, fmt.Errorf("put policy: %w", err)
	}
	return out, rows.Err()
}
