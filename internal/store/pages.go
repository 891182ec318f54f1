package store

import (
	"context"
	"fmt"
	"strings"
)

// keyset is one page of a listing: rows matching every filter (an empty value
// matches anything), ordered by (at, id) descending — newest first — or ascending
// when asc, after the last row of the previous page.
type keyset struct {
	what    string // for errors: "complaints"
	query   string // SELECT … FROM …, without WHERE
	at, id  string // the ordering columns, or an indexed expression and a column
	asc     bool
	filters []filter
	preds   []pred
	// afterAt is the previous page's last at: a time.Time, or a value PostgreSQL
	// reads as one ("infinity").
	afterAt any
	afterID string
	limit   int
}

type filter struct{ column, value string }

// pred is a condition beyond column = value: SQL from code in which each "?" binds
// the next of args, in order.
type pred struct {
	sql  string
	args []any
}

// selectPage runs the page's query; column names come from code, values are bound.
func selectPage[T any](ctx context.Context, s *Store, k keyset) ([]T, error) {
	q, args, err := k.sql()
	if err != nil {
		return nil, err
	}
	// An empty page is [], not nil, so no caller has to say so again.
	out := []T{}
	if err := s.db.SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("list %s: %w", k.what, err)
	}
	return out, nil
}

// sql is the page's query and its arguments.
func (k keyset) sql() (string, []any, error) {
	var where []string
	var args []any
	bind := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	for _, f := range k.filters {
		if f.value != "" {
			where = append(where, f.column+" = "+bind(f.value))
		}
	}
	for _, p := range k.preds {
		parts := strings.Split(p.sql, "?")
		if len(parts) != len(p.args)+1 {
			return "", nil, fmt.Errorf("list %s: condition %q has %d arguments", k.what, p.sql, len(p.args))
		}
		var b strings.Builder
		for i, part := range parts {
			b.WriteString(part)
			if i < len(p.args) {
				b.WriteString(bind(p.args[i]))
			}
		}
		where = append(where, "("+b.String()+")")
	}
	after, dir := "<", "DESC"
	if k.asc {
		after, dir = ">", "ASC"
	}
	if k.afterID != "" {
		where = append(where, fmt.Sprintf("(%s, %s) %s (%s, %s)", k.at, k.id, after, bind(k.afterAt), bind(k.afterID)))
	}
	q := k.query
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY %s %s, %s %s LIMIT %s", k.at, dir, k.id, dir, bind(k.limit))
	return q, args, nil
}
