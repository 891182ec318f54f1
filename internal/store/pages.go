package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// keyset is one page of a newest-first listing: rows matching every filter (an
// empty value matches anything), ordered by (at, id) descending, after the last
// row of the previous page.
type keyset struct {
	what    string // for errors: "complaints"
	query   string // SELECT … FROM …, without WHERE
	at, id  string // the ordering columns
	filters []filter
	preds   []pred
	afterAt time.Time
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
			return nil, fmt.Errorf("list %s: condition %q has %d arguments", k.what, p.sql, len(p.args))
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
	if k.afterID != "" {
		where = append(where, fmt.Sprintf("(%s, %s) < (%s, %s)", k.at, k.id, bind(k.afterAt), bind(k.afterID)))
	}
	q := k.query
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY %s DESC, %s DESC LIMIT %s", k.at, k.id, bind(k.limit))
	// An empty page is [], not nil, so no caller has to say so again.
	out := []T{}
	if err := s.db.SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("list %s: %w", k.what, err)
	}
	return out, nil
}
