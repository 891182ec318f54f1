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
	// IntegrationID is the intake system the complaint was filed through.
	IntegrationID string
	Owner         string
	TeamID        string
	Statuses      []complaint.Status
	Urgencies     []complaint.Level
	Categories    []string
	Channels      []string
	// Breached: whether either SLA clock (first response, resolution) was breached.
	Breached *bool
	// EscalationPending: whether an escalation waits for a manager's decision.
	EscalationPending *bool
	// CreatedFrom and CreatedTo bound created_at, from inclusive, to exclusive.
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	// UpdatedFrom and UpdatedTo bound updated_at (the last change to the row), from
	// inclusive, to exclusive.
	UpdatedFrom *time.Time
	UpdatedTo   *time.Time
	// Text is a case-insensitive substring of the subject or the description.
	Text string
	// DueFrom and DueTo bound the nearest running deadline (complaintNextDue), from
	// inclusive, to exclusive; a complaint with no running clock matches neither.
	// Together they are "breaching soon": due from now to now + N hours.
	DueFrom *time.Time
	DueTo   *time.Time
	// ReportsTo is a person: complaints owned by anyone below them in the reporting
	// line (people.manager_id, at any depth) — their reports, not their own.
	ReportsTo string
	// Order is the listing's order; the zero value is newest first.
	Order ComplaintOrder
	// After is the last row of the previous page: its created_at (newest first),
	// its NextDueAt (nearest deadline first; nil when it had no running clock) or
	// its updated_at (oldest change first), and its id.
	AfterCreatedAt time.Time
	AfterDueAt     *time.Time
	AfterUpdatedAt time.Time
	AfterID        string
	Limit          int
}

// ComplaintOrder is the order of a complaints listing.
type ComplaintOrder string

const (
	// ComplaintsNewestFirst orders by filing time, newest first.
	ComplaintsNewestFirst ComplaintOrder = "newest"
	// ComplaintsDueFirst orders by the nearest open SLA deadline (complaintNextDue),
	// soonest — or most overdue — first; complaints with no running clock last.
	ComplaintsDueFirst ComplaintOrder = "due"
	// ComplaintsChangedFirst orders by updated_at, oldest change first: the walk an
	// intake system catching up makes. A row changed after the walk passed it moves
	// to the end, where the walk meets it again.
	ComplaintsChangedFirst ComplaintOrder = "updated"
)

// complaintNextDue is a complaint's nearest open SLA deadline: the earliest due
// time of the clocks still running — the first response until it is given, and
// again while a round the customer's dissatisfied answer reopened awaits its own
// (firstResponseRuns); the resolution until the complaint is resolved — breached
// or not; NULL when none runs. A paused resolution clock (waiting on the customer)
// does not run: its due time moves when the complaint resumes, so nothing is due
// meanwhile. Pausing stops only that clock, as the workflow does. Status decides
// first, so a resolved or closed complaint has no running clock whatever its
// columns say.
const complaintNextDue = `LEAST(
	CASE WHEN ` + firstResponseRuns + `
		THEN first_response_due_at END,
	CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
		THEN resolution_due_at END)`

// firstResponseRuns is whether the first-response clock first_response_due_at
// names runs: until the complaint's first response (first_response_at, which
// stays the first for the metrics), and again from a reopening that gave its
// round a first response until that round's acknowledgement or resolution
// (round_response_pending, migration 00037). Complaint.FirstResponseRunning reads it.
const firstResponseRuns = `status NOT IN ('resolved', 'closed') AND (first_response_at IS NULL OR round_response_pending)`

// complaintDueKey orders by complaintNextDue with no running clock last. The
// indexes of migration 00037 (which rebuilt 00027's) are on this expression; it
// must stay the same expression (whitespace aside) for the planner to use them.
const complaintDueKey = `COALESCE(` + complaintNextDue + `, 'infinity'::timestamptz)`

// complaintText is the expression the trigram index complaints_text_trgm covers;
// the filter must repeat it verbatim for the planner to use the index.
const complaintText = `(subject || E'\n' || description)`

// complaintSearchText is what q searches: the text without the customer's phone,
// e-mail and address where quoted (replace with an empty pattern changes nothing).
const complaintSearchText = `replace(replace(replace(` + complaintText + `, coalesce(customer_phone, ''), ' '),
	coalesce(customer_email, ''), ' '), coalesce(customer_address, ''), ' ')`

// Complaints lists complaints newest first, nearest deadline first or oldest
// change first, one page at a time (keyset pagination, so a page is cheap however
// deep it is). Each filter has an index (migration 00008), the deadline order its
// own (00027), the change order and the integration filter theirs (00048).
func (s *Store) Complaints(ctx context.Context, f ComplaintFilter) ([]Complaint, error) {
	return selectPage[Complaint](ctx, s, complaintsPage(f))
}

// complaintsPage is the listing's query for f.
func complaintsPage(f ComplaintFilter) keyset {
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
	if f.UpdatedFrom != nil {
		preds = append(preds, pred{"updated_at >= ?", []any{*f.UpdatedFrom}})
	}
	if f.UpdatedTo != nil {
		preds = append(preds, pred{"updated_at < ?", []any{*f.UpdatedTo}})
	}
	// On the deadline index's own expression (migration 00027), so a range of it is
	// an index range.
	if f.DueFrom != nil {
		preds = append(preds, pred{complaintDueKey + " >= ?", []any{*f.DueFrom}})
	}
	if f.DueTo != nil {
		preds = append(preds, pred{complaintDueKey + " < ?", []any{*f.DueTo}})
	}
	if f.ReportsTo != "" {
		// UNION, not UNION ALL: a cycle the store refuses could still not loop here.
		preds = append(preds, pred{`owner IN (WITH RECURSIVE below (id) AS (
				SELECT id FROM people WHERE manager_id = ?
				UNION SELECT p.id FROM people p JOIN below b ON p.manager_id = b.id)
			SELECT id FROM below)`, []any{f.ReportsTo}})
	}
	if f.Text != "" {
		// The first match uses the trigram index; the second leaves out the customer's
		// own contacts quoted in the text, which every masked read shows redacted —
		// else a reader probing "+86 13", "+86 138" … would learn the number.
		like := "%" + likeEscaper.Replace(f.Text) + "%"
		preds = append(preds, pred{complaintText + " ILIKE ? AND " + complaintSearchText + " ILIKE ?", []any{like, like}})
	}
	k := keyset{
		what:  "complaints",
		query: `SELECT ` + complaintColumns + `, ` + complaintNextDue + ` AS next_due_at FROM complaints`,
		at:    "created_at", id: "id",
		filters: []filter{{"external_id", f.ExternalID}, {"customer_id", f.CustomerID}, {"owner", f.Owner},
			{"team_id", f.TeamID}, {"integration_id", f.IntegrationID}},
		preds:   preds,
		afterAt: f.AfterCreatedAt, afterID: f.AfterID, limit: f.Limit,
	}
	switch f.Order {
	case ComplaintsDueFirst:
		k.at, k.asc, k.afterAt = complaintDueKey, true, "infinity"
		if f.AfterDueAt != nil {
			k.afterAt = *f.AfterDueAt
		}
	case ComplaintsChangedFirst:
		k.at, k.asc, k.afterAt = "updated_at", true, f.AfterUpdatedAt
	}
	return k
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
