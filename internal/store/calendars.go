package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/calendar"
)

// Calendar is a named business-hours calendar an SLA policy may count its clocks in.
type Calendar struct {
	ID        string
	Name      string
	Spec      calendar.Spec
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// InUseError refuses to delete a row that other rows still reference; it wraps
// ErrConflict.
type InUseError struct {
	What string   // "calendar office"
	By   []string // "sla policy high/medium"
}

func (e *InUseError) Error() string {
	return e.What + " is used by " + strings.Join(e.By, ", ")
}

func (e *InUseError) Unwrap() error { return ErrConflict }

// calendarRow is a calendars row as scanned: the spec is jsonb text.
type calendarRow struct {
	ID        string    `db:"id"`
	Name      string    `db:"name"`
	Spec      string    `db:"spec"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
	UpdatedBy string    `db:"updated_by"`
}

func (r calendarRow) calendar() (Calendar, error) {
	c := Calendar{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy}
	if err := json.Unmarshal([]byte(r.Spec), &c.Spec); err != nil {
		return c, fmt.Errorf("decode calendar %s: %w", r.ID, err)
	}
	return c, nil
}

const calendarColumns = `id, name, spec, created_at, updated_at, updated_by`

// PutCalendar creates or replaces a calendar and reports whether it was created. The
// caller validates the spec. Complaints already filed keep the calendar snapshotted
// into their SLA; only later complaints see the change. With a version, only if
// the calendar is still that version (see ErrStale; the calendar as it is comes
// back with it). Written under the directory's lock, as the directory is.
func (s *Store) PutCalendar(ctx context.Context, c Calendar, version *time.Time) (Calendar, bool, error) {
	spec, err := json.Marshal(c.Spec)
	if err != nil {
		return c, false, fmt.Errorf("encode calendar %s: %w", c.ID, err)
	}
	// Binary parameters send a []byte as bytea; jsonb takes the text form.
	const q = `INSERT INTO calendars (id, name, spec, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, spec = EXCLUDED.spec,
			updated_at = now(), updated_by = EXCLUDED.updated_by
		RETURNING ` + calendarColumns + `, (xmax = 0) AS created`
	var out struct {
		calendarRow
		Created bool `db:"created"`
	}
	err = s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		if err := atVersion(ctx, tx, version, `SELECT updated_at FROM calendars WHERE id = $1`, c.ID); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, q, c.ID, c.Name, string(spec), c.UpdatedBy)
	})
	if errors.Is(err, ErrStale) {
		now, err := staleAs(err, func() (Calendar, error) { return s.Calendar(ctx, c.ID) })
		return now, false, err
	}
	if err != nil {
		return c, false, fmt.Errorf("put calendar %s: %w", c.ID, err)
	}
	saved, err := out.calendar()
	return saved, out.Created, err
}

// Calendar reads one calendar.
func (s *Store) Calendar(ctx context.Context, id string) (Calendar, error) {
	var r calendarRow
	err := s.db.GetContext(ctx, &r, `SELECT `+calendarColumns+` FROM calendars WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Calendar{}, ErrNotFound
	}
	if err != nil {
		return Calendar{}, fmt.Errorf("read calendar %s: %w", id, err)
	}
	return r.calendar()
}

// Calendars lists every calendar by ID.
func (s *Store) Calendars(ctx context.Context) ([]Calendar, error) {
	var rows []calendarRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+calendarColumns+` FROM calendars ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	cs := make([]Calendar, len(rows))
	for i, r := range rows {
		c, err := r.calendar()
		if err != nil {
			return nil, err
		}
		cs[i] = c
	}
	return cs, nil
}

// DeleteCalendar removes a calendar no SLA policy uses; an *InUseError naming the
// policies otherwise. The foreign key backs the check against a policy that takes
// the calendar between the check and the delete. With a version, only if the
// calendar is still that version (ErrStale otherwise).
func (s *Store) DeleteCalendar(ctx context.Context, id string, version *time.Time) error {
	users, err := s.calendarUsers(ctx, id)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return &InUseError{What: "calendar " + id, By: users}
	}
	var n int64
	// Under the directory lock, as PutCalendar (see DeleteRoute).
	err = s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM calendars WHERE id = $1 AND ($2::timestamptz IS NULL OR updated_at = $2)`, id, version)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	if isForeignKeyViolation(err) {
		return &InUseError{What: "calendar " + id, By: []string{"an sla policy"}}
	}
	if err != nil {
		return fmt.Errorf("delete calendar %s: %w", id, err)
	}
	if n == 0 {
		return goneOrStale(version, func() error { _, err := s.Calendar(ctx, id); return err })
	}
	return nil
}

func (s *Store) calendarUsers(ctx context.Context, id string) ([]string, error) {
	const q = `SELECT 'sla policy ' || urgency || '/' || tier FROM sla_policies WHERE calendar_id = $1
		ORDER BY array_position(ARRAY['high','medium','low'], urgency), array_position(ARRAY['high','medium','low'], tier)`
	var users []string
	if err := s.db.SelectContext(ctx, &users, q, id); err != nil {
		return nil, fmt.Errorf("find users of calendar %s: %w", id, err)
	}
	return users, nil
}

func isForeignKeyViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23503"
}
