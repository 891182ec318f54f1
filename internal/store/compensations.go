package store

import (
	"context"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// CompensationLimit is a row of compensation_limits: amounts up to and including Amount
// of Kind in Currency are granted by Role at once (002 §3.1).
type CompensationLimit struct {
	Role      complaint.Role         `db:"role"`
	Kind      complaint.RecoveryKind `db:"kind"`
	Currency  string                 `db:"currency"`
	Amount    float64                `db:"amount"`
	UpdatedAt time.Time              `db:"updated_at"`
	UpdatedBy string                 `db:"updated_by"`
}

// Compensation is a front-line refund or compensation of a complaint, as its last
// compensation_* event left it.
type Compensation struct {
	ComplaintID   string                 `db:"complaint_id"`
	Seq           int                    `db:"seq"`
	Kind          complaint.RecoveryKind `db:"kind"`
	Amount        float64                `db:"amount"`
	Currency      string                 `db:"currency"`
	Note          *string                `db:"note"`
	Status        string                 `db:"status"`
	RequestedBy   string                 `db:"requested_by"`
	RequestedAt   time.Time              `db:"requested_at"`
	Limit         *float64               `db:"limit_amount"`
	EscalationSeq *int                   `db:"escalation_seq"`
	DecidedBy     *string                `db:"decided_by"`
	DecidedAt     *time.Time             `db:"decided_at"`
}

const (
	limitColumns        = `role, kind, currency, amount, updated_at, updated_by`
	compensationColumns = `complaint_id, seq, kind, amount, currency, note, status, requested_by, requested_at,
		limit_amount, escalation_seq, decided_by, decided_at`
)

// CompensationLimits lists the limits by role, kind and currency.
func (s *Store) CompensationLimits(ctx context.Context) ([]CompensationLimit, error) {
	var ls []CompensationLimit
	q := `SELECT ` + limitColumns + ` FROM compensation_limits ORDER BY role, kind, currency`
	if err := s.db.SelectContext(ctx, &ls, q); err != nil {
		return nil, fmt.Errorf("list compensation limits: %w", err)
	}
	return ls, nil
}

// CompensationLimit returns the limit of role for kind in currency; nil when there
// is none (no authority: the request goes to the manager).
func (s *Store) CompensationLimit(ctx context.Context, role complaint.Role, kind complaint.RecoveryKind, currency string) (*float64, error) {
	var amounts []float64
	const q = `SELECT amount FROM compensation_limits WHERE role = $1 AND kind = $2 AND currency = $3`
	if err := s.db.SelectContext(ctx, &amounts, q, role, kind, currency); err != nil {
		return nil, fmt.Errorf("read compensation limit: %w", err)
	}
	if len(amounts) == 0 {
		return nil, nil
	}
	return &amounts[0], nil
}

// LimitsVersion is the version of the set of limits: the latest updated_at of them
// (the set is replaced whole); the zero time for none.
func LimitsVersion(ls []CompensationLimit) time.Time {
	return latest(ls, func(l CompensationLimit) time.Time { return l.UpdatedAt })
}

// ReplaceCompensationLimits replaces every limit with ls, in one transaction. With
// a version (see ErrStale) only if the set is still that version, else ErrStale
// and the set as it is.
func (s *Store) ReplaceCompensationLimits(ctx context.Context, ls []CompensationLimit, by string, version *time.Time) ([]CompensationLimit, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("replace compensation limits: %w", err)
	}
	defer tx.Rollback()
	// Lock out a concurrent replacement: two interleaved sets would merge.
	if _, err := tx.ExecContext(ctx, `LOCK TABLE compensation_limits IN EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("replace compensation limits: %w", err)
	}
	if version != nil {
		var now []CompensationLimit
		if err := tx.SelectContext(ctx, &now, `SELECT `+limitColumns+` FROM compensation_limits ORDER BY role, kind, currency`); err != nil {
			return nil, fmt.Errorf("replace compensation limits: %w", err)
		}
		if !LimitsVersion(now).Equal(*version) {
			return now, ErrStale
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM compensation_limits`); err != nil {
		return nil, fmt.Errorf("replace compensation limits: %w", err)
	}
	const insert = `INSERT INTO compensation_limits (role, kind, currency, amount, updated_by) VALUES ($1, $2, $3, $4, $5)`
	for _, l := range ls {
		if _, err := tx.ExecContext(ctx, insert, l.Role, l.Kind, l.Currency, l.Amount, by); err != nil {
			return nil, fmt.Errorf("replace compensation limits: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("replace compensation limits: %w", err)
	}
	return s.CompensationLimits(ctx)
}

// Compensations lists a complaint's compensations in the order recorded.
func (s *Store) Compensations(ctx context.Context, complaintID string) ([]Compensation, error) {
	var cs []Compensation
	q := `SELECT ` + compensationColumns + ` FROM compensations WHERE complaint_id = $1 ORDER BY seq`
	if err := s.db.SelectContext(ctx, &cs, q, complaintID); err != nil {
		return nil, fmt.Errorf("list compensations: %w", err)
	}
	return cs, nil
}

// putCompensation writes the compensation as the event leaves it — while it is
// requested: granted, declined and cancelled are final, whatever order the
// workflow's events commit in (see putEscalation).
func putCompensation(ctx context.Context, tx execer, complaintID string, c complaint.CompensationRecord) error {
	var escalation *int
	if c.EscalationSeq != 0 {
		escalation = &c.EscalationSeq
	}
	const q = `INSERT INTO compensations (complaint_id, seq, kind, amount, currency, note, status, requested_by,
			requested_at, limit_amount, escalation_seq, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8, $9, $10, $11, NULLIF($12, ''), $13)
		ON CONFLICT (complaint_id, seq) DO UPDATE SET amount = EXCLUDED.amount, currency = EXCLUDED.currency,
			status = EXCLUDED.status, decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at
		WHERE compensations.status = 'requested'`
	if _, err := tx.ExecContext(ctx, q, complaintID, c.Seq, c.Kind, c.Amount, c.Currency, c.Note, c.Status,
		c.RequestedBy, c.RequestedAt, c.Limit, escalation, c.DecidedBy, c.DecidedAt); err != nil {
		return fmt.Errorf("write compensation %d of %s: %w", c.Seq, complaintID, err)
	}
	return nil
}
