package store

import (
	"context"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// ComplaintFilter selects complaints for a listing page. Every set field must hold
// (AND); within a list field any value may (OR). Empty fields match anything.
type ComplaintFilter struct {
	ExternalID string
	CustomerID string
	Owner      string
	TeamID     string
	Statuses   []complaint.Status
	Urgencies  []complaint.Level
	Categories []string
	Channels   []string
	// Breached: whether either SLA clock (first response, resolution) was breached.
	Breached *bool
	// EscalationPending: whether an escalation waits for a manager's decision.
	EscalationPending *bool
	// CreatedFrom and CreatedTo bound created_at, from inclusive, to exclusive.
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	// Text is a case-insensitive substring of the subject or the description.
	Text string
	// After is the (created_at, id) of the last row of the previous page.
	AfterCreatedAt time.Time
	AfterID        string
	Limit          int
}

// complaintText is the expression the trigram index complaints_text_trgm covers;
// the filter must repeat it verbatim for the planner to use the index.
const complaintText = `(subject || E'\n' || description)`

// Complaints lists complaints newest first, one page at a time (keyset pagination,
// so a page is cheap however deep it is). Each filter has an index (migration 00008).
func (s *Store) Complaints(ctx context.Context, f ComplaintFilter) ([]Complaint, error) {
	var preds []pred
	if len(f.Statuses) > 0 {
		preds = append(preds, pred{"status = ANY(?)", []any{pq.Array(f.Statuses)}})
	}
	if len(f.Urgencies) > 0 {
		preds = append(preds, pred{"urgency = ANY(?)", []any{pq.Array(f.Urgencies)}})
	}
	if len(f.Categories) > 0 {
		preds = append(preds, pred{"category = ANY(?)", []any{pq.Array(f.Categories)}})
	}
	if len(f.Channels) > 0 {
		preds = append(preds, pred{"channel = ANY(?)", []any{pq.Array(f.Channels)}})
	}
	// Written as the partial indexes' predicates (not "= true"), so the planner
	// sees they apply.
	if b := f.Breached; b != nil {
		preds = append(preds, pred{not(!*b) + "(first_response_breached OR resolution_breached)", nil})
	}
	if p := f.EscalationPending; p != nil {
		preds = append(preds, pred{not(!*p) + `EXISTS (SELECT 1 FROM escalations e
			WHERE e.complaint_id = complaints.id AND e.status = 'pending')`, nil})
	}
	if f.CreatedFrom != nil {
		preds = append(preds, pred{"created_at >= ?", []any{*f.CreatedFrom}})
	}
	if f.CreatedTo != nil {
		preds = append(preds, pred{"created_at < ?", []any{*f.CreatedTo}})
	}
	if f.Text != "" {
		preds = append(preds, pred{complaintText + " ILIKE ?", []any{"%" + likeEscaper.Replace(f.Text) + "%"}})
	}
	return selectPage[Complaint](ctx, s, keyset{
		what: "complaints", query: `SELECT ` + complaintColumns + ` FROM complaints`, at: "created_at", id: "id",
		filters: []filter{{"external_id", f.ExternalID}, {"customer_id", f.CustomerID}, {"owner", f.Owner},
			{"team_id", f.TeamID}},
		preds:   preds,
		afterAt: f.AfterCreatedAt, afterID: f.AfterID, limit: f.Limit,
	})
}

func not(negate bool) string {
	if negate {
		return "NOT "
	}
	return ""
}

// likeEscaper makes text match itself in a LIKE pattern: its %, _ and the escape
// character \ are literal.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
