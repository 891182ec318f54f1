package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// HistoricComplaint is a complaint handled in the past, written with its event log
// as the workflow would have left it (the demo's history, docs/metrics.md). Events
// carry Kind, At and their payload; IDs, keys and the actor are filled in.
type HistoricComplaint struct {
	ExternalID, Channel, Category, Urgency, Tier string
	Team, Owner                                  string // "" leaves it NULL
	CustomerID, CustomerName                     string
	Subject, Description                         string
	Keywords                                     []string
	Status                                       complaint.Status
	Events                                       []complaint.Event // the first is the opened event
}

// HistoricFeedback is feedback received in the past and recorded (not filed).
type HistoricFeedback struct {
	ExternalID, Kind, Channel, Text, ProblemType, Sentiment string
	Rating                                                  *int
	Keywords                                                []string
	ReceivedAt                                              time.Time
}

// SeedHistory writes past complaints, their events and past feedback in one
// transaction. It is idempotent by external ID: a complaint or feedback already
// there is left as it is, so seeding twice writes nothing the second time. The
// complaint_metrics trigger derives the metrics facts from the events as for any
// writer.
func (s *Store) SeedHistory(ctx context.Context, complaints []HistoricComplaint, feedback []HistoricFeedback) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed history: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// A nil slice would be NULL; the columns hold '{}' for none.
	words := func(w []string) pq.StringArray { return append(pq.StringArray{}, w...) }
	for _, c := range complaints {
		if len(c.Events) == 0 {
			return fmt.Errorf("seed history: complaint %s has no events", c.ExternalID)
		}
		id, opened := uuid.NewString(), c.Events[0].At
		var last time.Time
		var closed *time.Time // the closed event's time, as a live complaint's row has it (QA sampling reads it)
		for _, e := range c.Events {
			if e.At.After(last) {
				last = e.At
			}
			if e.Kind == complaint.EventClosed && c.Status == complaint.StatusClosed {
				at := e.At
				closed = &at
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel,
				customer_id, customer_name, customer_tier, category, urgency, subject, description, status, owner,
				team_id, keywords, sla_first_response_seconds, created_at, updated_at, first_response_due_at, closed_at)
			VALUES ($1, $2, 'seeded', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULLIF($13, ''), NULLIF($14, ''),
				$15, 7200, $16, $17, $18, $19)
			ON CONFLICT `+intakeKey+` DO NOTHING`,
			id, c.ExternalID, "seeded:"+id, c.Channel, c.CustomerID, c.CustomerName, c.Tier, c.Category, c.Urgency,
			c.Subject, c.Description, c.Status, c.Owner, c.Team, words(c.Keywords), opened, last, opened.Add(2*time.Hour), closed)
		if err != nil {
			return fmt.Errorf("seed complaint %s: %w", c.ExternalID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // seeded before
		}
		for i, e := range c.Events {
			e.ComplaintID, e.Key, e.Actor = id, fmt.Sprintf("seeded:%s/%d", c.ExternalID, i), "seed"
			data, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("seed complaint %s: %w", c.ExternalID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, e.Key, e.Kind, e.Actor, e.At, string(data)); err != nil {
				return fmt.Errorf("seed complaint %s event %s: %w", c.ExternalID, e.Kind, err)
			}
		}
	}
	for _, f := range feedback {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback (id, external_id, request_hash, kind, channel, text, rating,
				problem_type, urgency, scope, keywords, disposition, sentiment, received_at)
			VALUES ($1, $2, 'seeded', $3, $4, $5, $6, $7, 'low', 'individual', $8, 'recorded', $9, $10)
			ON CONFLICT `+intakeKey+` DO NOTHING`,
			uuid.NewString(), f.ExternalID, f.Kind, f.Channel, f.Text, f.Rating, f.ProblemType,
			words(f.Keywords), f.Sentiment, f.ReceivedAt); err != nil {
			return fmt.Errorf("seed feedback %s: %w", f.ExternalID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed history: %w", err)
	}
	return nil
}
