package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/lib/pq"
)

// RecordMarks appends the events of SLA marks that fired together (warnings,
// breaches, ladder steps) of one complaint and applies them to its row, in one
// statement: one round trip instead of a transaction of three or four per event,
// the per-statement cost that made PostgreSQL the busiest process of a burst of
// breaches. Events whose key was recorded before (a retried activity) are skipped
// and change nothing; it returns how many were new.
func (s *Store) RecordMarks(ctx context.Context, events []complaint.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	n := len(events)
	keys, kinds, actors, ats, datas, breached := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	levels := make([]int64, n)
	for i, e := range events {
		switch {
		case e.ComplaintID != events[0].ComplaintID:
			return 0, fmt.Errorf("record marks: events of complaints %s and %s", events[0].ComplaintID, e.ComplaintID)
		case e.Kind == complaint.EventSLABreached:
			breached[i] = string(e.Clock)
		case e.Kind == complaint.EventSLAEscalated:
			levels[i] = int64(e.Level)
		case e.Kind != complaint.EventSLAWarning:
			return 0, fmt.Errorf("record marks: %s is not the event of a mark", e.Kind)
		}
		data, err := json.Marshal(eventData(e))
		if err != nil {
			return 0, fmt.Errorf("encode event: %w", err)
		}
		keys[i], kinds[i], actors[i], ats[i], datas[i] = e.Key, string(e.Kind), e.Actor, e.At.UTC().Format(time.RFC3339Nano), string(data)
	}
	// Only the events inserted now change the row, as RecordEvent's applyEvent would
	// have: a breach sets its clock's flag, a ladder step raises the level, a warning
	// leaves the row alone.
	const q = `WITH marks AS (
			SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::int[])
				AS m(key, kind, actor, at, data, breached, level)
		), inserted AS (
			INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			SELECT $1, key, kind, actor, at, data FROM marks
			ON CONFLICT (idempotency_key) DO NOTHING
			RETURNING idempotency_key
		), effect AS (
			SELECT COALESCE(bool_or(m.breached = 'first_response'), false) AS first_response,
				COALESCE(bool_or(m.breached = 'resolution'), false) AS resolution,
				max(NULLIF(m.level, 0)) AS level
			FROM marks m JOIN inserted i ON i.idempotency_key = m.key
		), applied AS (
			UPDATE complaints c SET first_response_breached = c.first_response_breached OR e.first_response,
				resolution_breached = c.resolution_breached OR e.resolution,
				escalation_level = GREATEST(c.escalation_level, e.level), updated_at = now()
			FROM effect e
			WHERE c.id = $1 AND (e.first_response OR e.resolution OR e.level IS NOT NULL)
			RETURNING 1
		)
		SELECT count(*) FROM inserted` // applied runs all the same: PostgreSQL runs every data-modifying WITH
	var recorded int
	err := s.db.QueryRowContext(ctx, q, events[0].ComplaintID, pq.Array(keys), pq.Array(kinds), pq.Array(actors),
		pq.Array(ats), pq.Array(datas), pq.Array(breached), pq.Array(levels)).Scan(&recorded)
	if err != nil {
		return 0, fmt.Errorf("record marks: %w", err)
	}
	return recorded, nil
}
