package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/complaintflow/complaintflow/internal/calendar"
)

// ComplaintCalendar is the business-hours calendar the complaint's SLA clocks count
// in: the one snapshotted with its policy when it was filed (a later change of the
// calendar does not move its deadlines); nil when its clocks run around the clock.
func (s *Store) ComplaintCalendar(ctx context.Context, id string) (*calendar.Calendar, error) {
	var spec []byte
	err := s.db.GetContext(ctx, &spec, `SELECT sla_snapshot->'calendar' FROM complaints WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read complaint %s calendar: %w", id, err)
	}
	if len(spec) == 0 || string(spec) == "null" {
		return nil, nil
	}
	var sp calendar.Spec
	if err := json.Unmarshal(spec, &sp); err != nil {
		return nil, fmt.Errorf("decode complaint %s calendar: %w", id, err)
	}
	return compileCalendar(&sp)
}
