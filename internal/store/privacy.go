package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Reveal is a row of personal_data_reveals: who saw which personal fields of a
// complaint or of feedback in full, and when (docs/privacy.md).
type Reveal struct {
	ID          string         `db:"id"`
	ComplaintID *string        `db:"complaint_id"`
	FeedbackID  *string        `db:"feedback_id"`
	Actor       string         `db:"actor"`
	TokenID     string         `db:"token_id"`
	Fields      pq.StringArray `db:"fields"`
	RevealedAt  time.Time      `db:"revealed_at"`
}

// RevealedKind is the kind of the complaint event a reveal appends.
const RevealedKind = "personal_data_revealed"

// RecordReveal records a reveal, once per call (the caller gives each call a fresh
// ID), and for a complaint appends a personal_data_revealed event to its log in the
// same transaction, so the audit row and the timeline never disagree. It returns
// the row as stored.
func (s *Store) RecordReveal(ctx context.Context, r Reveal) (Reveal, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return Reveal{}, fmt.Errorf("record reveal: %w", err)
	}
	defer tx.Rollback()
	const insert = `INSERT INTO personal_data_reveals (id, complaint_id, feedback_id, actor, token_id, fields)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id, complaint_id, feedback_id, actor, token_id, fields, revealed_at`
	var out Reveal
	if err := tx.GetContext(ctx, &out, insert, r.ID, r.ComplaintID, r.FeedbackID, r.Actor, r.TokenID, r.Fields); err != nil {
		return Reveal{}, fmt.Errorf("record reveal: %w", err)
	}
	if r.ComplaintID != nil {
		data, err := json.Marshal(map[string]any{"fields": []string(out.Fields), "token_id": out.TokenID, "reveal_id": out.ID})
		if err != nil {
			return Reveal{}, fmt.Errorf("encode reveal event: %w", err)
		}
		const event = `INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1, $2, $3, $4, $5, $6)`
		if _, err := tx.ExecContext(ctx, event, *r.ComplaintID, "reveal:"+out.ID, RevealedKind, out.Actor,
			out.RevealedAt, string(data)); err != nil {
			return Reveal{}, fmt.Errorf("record reveal event: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Reveal{}, fmt.Errorf("record reveal: %w", err)
	}
	return out, nil
}

// Reveals lists the reveals of a complaint or of feedback (whichever ID is given),
// oldest first.
func (s *Store) Reveals(ctx context.Context, complaintID, feedbackID string) ([]Reveal, error) {
	const q = `SELECT id, complaint_id, feedback_id, actor, token_id, fields, revealed_at
		FROM personal_data_reveals
		WHERE complaint_id = NULLIF($1, '')::uuid OR feedback_id = NULLIF($2, '')::uuid
		ORDER BY revealed_at, id`
	var rs []Reveal
	if err := s.db.SelectContext(ctx, &rs, q, complaintID, feedbackID); err != nil {
		return nil, fmt.Errorf("list reveals: %w", err)
	}
	return rs, nil
}
