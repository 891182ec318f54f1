package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/null"
)

// Feedback is a row of the feedback table, with the backlog item it became, if any.
type Feedback struct {
	ID                string         `db:"id"`
	ExternalID        *string        `db:"external_id"`
	RequestHash       string         `db:"request_hash"`
	Kind              string         `db:"kind"`
	Channel           string         `db:"channel"`
	Text              string         `db:"text"`
	Rating            *int64         `db:"rating"`
	CustomerID        *string        `db:"customer_id"`
	CustomerName      *string        `db:"customer_name"`
	CustomerTier      *string        `db:"customer_tier"`
	CustomerPhone     *string        `db:"customer_phone"`
	CustomerEmail     *string        `db:"customer_email"`
	CustomerAddress   *string        `db:"customer_address"`
	ProblemType       string         `db:"problem_type"`
	Urgency           string         `db:"urgency"`
	Scope             string         `db:"scope"`
	MatchedRules      string         `db:"matched_rules"` // JSON array
	Keywords          pq.StringArray `db:"keywords"`
	Disposition       string         `db:"disposition"`
	DispositionReason string         `db:"disposition_reason"`
	ComplaintID       *string        `db:"complaint_id"`
	BacklogID         *string        `db:"backlog_id"`
	ReceivedAt        time.Time      `db:"received_at"`
	FiledBy           *string        `db:"filed_by"` // the ID of the token that sent it
	// IntegrationID is the intake integration of the sending token, as a complaint's:
	// it scopes ExternalID and is the complaint's the feedback becomes.
	IntegrationID *string `db:"integration_id"`
	FeedbackSentiment
}

// FeedbackSentiment is the sentiment of feedback text at intake (migration 00019).
type FeedbackSentiment struct {
	Sentiment      string         `db:"sentiment"`
	SentimentScore float64        `db:"sentiment_score"`
	Anger          bool           `db:"anger"`
	AngerReasons   pq.StringArray `db:"anger_reasons"`
	Failures       pq.StringArray `db:"failures"`
}

const feedbackColumns = `f.id, f.external_id, f.request_hash, f.kind, f.channel, f.text, f.rating, f.customer_id,
	f.customer_name, f.customer_tier, f.customer_phone, f.customer_email, f.customer_address, f.problem_type,
	f.urgency, f.scope, CAST(f.matched_rules AS text) AS matched_rules, f.keywords, f.disposition, f.disposition_reason,
	f.complaint_id, b.id AS backlog_id, f.received_at, f.filed_by, f.integration_id, f.sentiment, f.sentiment_score, f.anger, f.anger_reasons,
	f.failures`

const feedbackFrom = ` FROM feedback f LEFT JOIN improvement_backlog b ON b.feedback_id = f.id`

// NewFeedback is classified feedback as intake records it. With disposition
// "backlog" an improvement item titled BacklogTitle is created with it.
type NewFeedback struct {
	ID                string         `db:"id"`
	ExternalID        *string        `db:"external_id"`
	RequestHash       string         `db:"request_hash"`
	Kind              string         `db:"kind"`
	Channel           string         `db:"channel"`
	Text              string         `db:"text"`
	Rating            *int64         `db:"rating"`
	CustomerID        *string        `db:"customer_id"`
	CustomerName      *string        `db:"customer_name"`
	CustomerTier      *string        `db:"customer_tier"`
	CustomerPhone     *string        `db:"customer_phone"`
	CustomerEmail     *string        `db:"customer_email"`
	CustomerAddress   *string        `db:"customer_address"`
	ProblemType       string         `db:"problem_type"`
	Urgency           string         `db:"urgency"`
	Scope             string         `db:"scope"`
	MatchedRules      string         `db:"matched_rules"` // JSON array, as text (binary parameters)
	Keywords          pq.StringArray `db:"keywords"`
	Disposition       string         `db:"disposition"`
	DispositionReason string         `db:"disposition_reason"`
	BacklogID         string         `db:"backlog_id"`
	BacklogTitle      string         `db:"backlog_title"`
	// FiledBy is the ID of the sending token (docs/privacy.md).
	FiledBy *string `db:"filed_by"`
	// IntegrationID is the sending token's intake integration; a deleted one is not
	// recorded. It scopes ExternalID (intakeKey).
	IntegrationID *string `db:"integration_id"`
	FeedbackSentiment
}

// CreateFeedback records feedback, and its backlog item, in one transaction: a retry
// never makes a second item. Feedback with an external ID is recorded once per intake
// system (intakeKey): a second call with the same request hash returns the first row
// (created false), with a different hash ErrConflict.
func (s *Store) CreateFeedback(ctx context.Context, f NewFeedback) (Feedback, bool, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return Feedback{}, false, fmt.Errorf("create feedback: %w", err)
	}
	defer tx.Rollback()
	insert := `INSERT INTO feedback (id, external_id, request_hash, kind, channel, text, rating, customer_id,
			customer_name, customer_tier, customer_phone, customer_email, customer_address, problem_type, urgency,
			scope, matched_rules, keywords, disposition, disposition_reason, filed_by, sentiment, sentiment_score, anger,
			anger_reasons, failures, integration_id)
		VALUES (:id, :external_id, :request_hash, :kind, :channel, :text, :rating, :customer_id,
			:customer_name, :customer_tier, :customer_phone, :customer_email, :customer_address, :problem_type, :urgency,
			:scope, CAST(:matched_rules AS jsonb), COALESCE(CAST(:keywords AS text[]), '{}'), :disposition, :disposition_reason, :filed_by,
			COALESCE(NULLIF(:sentiment, ''), 'neutral'), :sentiment_score, :anger,
			COALESCE(CAST(:anger_reasons AS text[]), '{}'), COALESCE(CAST(:failures AS text[]), '{}'),
			` + liveIntegration(":integration_id") + `)
		ON CONFLICT ` + intakeKey + ` DO NOTHING`
	res, err := tx.NamedExecContext(ctx, insert, f)
	if err != nil {
		return Feedback{}, false, fmt.Errorf("insert feedback: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		tx.Rollback()
		existing, err := s.FeedbackByExternalID(ctx, null.Value(f.IntegrationID), null.Value(f.ExternalID))
		if err != nil {
			return Feedback{}, false, err
		}
		if existing.RequestHash != f.RequestHash {
			return existing, false, fmt.Errorf("external_id %q was sent with a different body: %w", null.Value(f.ExternalID), ErrConflict)
		}
		return existing, false, nil
	}
	if f.Disposition == "backlog" {
		const item = `INSERT INTO improvement_backlog (id, feedback_id, title, problem_type, keywords)
			VALUES (:backlog_id, :id, :backlog_title, :problem_type, COALESCE(CAST(:keywords AS text[]), '{}'))`
		if _, err := tx.NamedExecContext(ctx, item, f); err != nil {
			return Feedback{}, false, fmt.Errorf("insert backlog item: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Feedback{}, false, fmt.Errorf("create feedback: %w", err)
	}
	created, err := s.Feedback(ctx, f.ID)
	return created, true, err
}

// SetFeedbackComplaint links feedback to the complaint it was filed as. Linking the
// same complaint again is a no-op; another complaint is ErrConflict.
func (s *Store) SetFeedbackComplaint(ctx context.Context, feedbackID, complaintID string) error {
	const q = `UPDATE feedback SET complaint_id = $2
		WHERE id = $1 AND disposition = 'complaint' AND (complaint_id IS NULL OR complaint_id = $2)`
	res, err := s.db.ExecContext(ctx, q, feedbackID, complaintID)
	if err != nil {
		return fmt.Errorf("link feedback %s to complaint: %w", feedbackID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("link feedback %s to complaint %s: %w", feedbackID, complaintID, ErrConflict)
	}
	return nil
}

// Feedback reads one piece of feedback by ID.
func (s *Store) Feedback(ctx context.Context, id string) (Feedback, error) {
	return s.oneFeedback(ctx, `SELECT `+feedbackColumns+feedbackFrom+` WHERE f.id = $1`, id)
}

func (s *Store) oneFeedback(ctx context.Context, q string, args ...any) (Feedback, error) {
	var f Feedback
	err := s.db.GetContext(ctx, &f, q, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("read feedback: %w", err)
	}
	return f, nil
}

// FeedbackFilter selects feedback for a listing page. Empty fields match anything.
type FeedbackFilter struct {
	Kind        string
	Disposition string
	// CustomerID is the customer as named at intake; feedback without one never matches.
	CustomerID string
	// After is the (received_at, id) of the last row of the previous page.
	AfterReceivedAt time.Time
	AfterID         string
	Limit           int
}

// FeedbackList lists feedback newest first, one keyset page at a time.
func (s *Store) FeedbackList(ctx context.Context, f FeedbackFilter) ([]Feedback, error) {
	return selectPage[Feedback](ctx, s, keyset{
		what: "feedback", query: `SELECT ` + feedbackColumns + feedbackFrom, at: "f.received_at", id: "f.id",
		filters: []filter{{"f.kind", f.Kind}, {"f.disposition", f.Disposition}, {"f.customer_id", f.CustomerID}},
		afterAt: f.AfterReceivedAt, afterID: f.AfterID, limit: f.Limit,
	})
}

// BacklogItem is a row of improvement_backlog: from low-urgency feedback
// (FeedbackID) or a complaint that joined the backlog (ComplaintID), exactly one.
type BacklogItem struct {
	ID          string         `db:"id"`
	FeedbackID  *string        `db:"feedback_id"`
	ComplaintID *string        `db:"complaint_id"`
	Title       string         `db:"title"`
	ProblemType string         `db:"problem_type"`
	Keywords    pq.StringArray `db:"keywords"`
	Status      string         `db:"status"`
	CreatedAt   time.Time      `db:"created_at"`
	UpdatedAt   time.Time      `db:"updated_at"`
	UpdatedBy   string         `db:"updated_by"`
	// The improvement list (migration 00021): who owns the item, when it is due
	// (a date, "2006-01-02"), the PDCA cycle that took it up and when it was done.
	Owner   *string    `db:"owner"`
	DueOn   *string    `db:"due_on"`
	CycleID *string    `db:"cycle_id"`
	DoneAt  *time.Time `db:"done_at"`
}

// BacklogStatuses lists the statuses of a backlog item.
var BacklogStatuses = []string{"new", "planned", "done", "rejected"}

const backlogColumns = `id, feedback_id, complaint_id, title, problem_type, keywords, status, created_at, updated_at, updated_by,
	owner, to_char(due_on, 'YYYY-MM-DD') AS due_on, cycle_id, done_at`

// BacklogFilter selects backlog items for a listing page.
type BacklogFilter struct {
	Status         string
	ProblemType    string
	AfterCreatedAt time.Time
	AfterID        string
	Limit          int
}

// BacklogItems lists improvement items newest first, one keyset page at a time.
func (s *Store) BacklogItems(ctx context.Context, f BacklogFilter) ([]BacklogItem, error) {
	return selectPage[BacklogItem](ctx, s, keyset{
		what: "backlog", query: `SELECT ` + backlogColumns + ` FROM improvement_backlog`, at: "created_at", id: "id",
		filters: []filter{{"status", f.Status}, {"problem_type", f.ProblemType}},
		afterAt: f.AfterCreatedAt, afterID: f.AfterID, limit: f.Limit,
	})
}

// BacklogItem reads one item; ErrNotFound for an unknown one.
func (s *Store) BacklogItem(ctx context.Context, id string) (BacklogItem, error) {
	var it BacklogItem
	err := s.db.GetContext(ctx, &it, `SELECT `+backlogColumns+` FROM improvement_backlog WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("backlog item %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("backlog item %s: %w", id, err)
	}
	return it, nil
}

// BacklogChange is a change to a backlog item: nil fields are kept; an empty Owner,
// DueOn or CycleID clears it. Version, when set, is the item's updated_at the
// change was made against: another is ErrStale.
type BacklogChange struct {
	Status  *string
	Owner   *string
	DueOn   *string
	CycleID *string
	By      string
	Version *time.Time
}

// ChangeBacklogItem applies a change to an item and answers the item as it was
// before and after (done_at is set when it first becomes done, cleared when it
// leaves done; becoming done marks its customer notice's start, QualityStart). ErrNotFound for an unknown item; ErrInvalid when the owner or the
// cycle does not exist; ErrStale, with the item as it is in before, when it is no
// longer c.Version (checked under the row's lock, so no change slips between).
func (s *Store) ChangeBacklogItem(ctx context.Context, id string, c BacklogChange) (before, after BacklogItem, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return before, after, fmt.Errorf("change backlog item %s: %w", id, err)
	}
	defer tx.Rollback()
	err = func() error {
		if err := tx.GetContext(ctx, &before, `SELECT `+backlogColumns+` FROM improvement_backlog WHERE id = $1 FOR UPDATE`, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if c.Version != nil && !c.Version.Equal(before.UpdatedAt) {
			return ErrStale
		}
		// Both looked up first, so one answer names both when both are wrong (the
		// foreign keys below would name only the first).
		if err := fieldChecks(
			checkRef(ctx, tx, "owner", `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1)`, c.Owner, "no person %s in the directory"),
			checkRef(ctx, tx, "cycle_id", `SELECT EXISTS (SELECT 1 FROM pdca_cycles WHERE id = $1::uuid)`, c.CycleID, "no PDCA cycle %s"),
		); err != nil {
			return err
		}
		const q = `UPDATE improvement_backlog SET
				status   = COALESCE($2, status),
				owner    = CASE WHEN $3::text IS NULL THEN owner ELSE NULLIF($3, '') END,
				due_on   = CASE WHEN $4::text IS NULL THEN due_on ELSE CAST(NULLIF($4, '') AS date) END,
				cycle_id = CASE WHEN $5::text IS NULL THEN cycle_id ELSE CAST(NULLIF($5, '') AS uuid) END,
				done_at  = CASE WHEN COALESCE($2, status) <> 'done' THEN NULL ELSE COALESCE(done_at, now()) END,
				updated_by = $6, updated_at = now()
			WHERE id = $1 RETURNING ` + backlogColumns
		err := tx.GetContext(ctx, &after, q, id, c.Status, c.Owner, c.DueOn, c.CycleID, c.By)
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23503" { // foreign_key_violation
			if pqErr.Constraint == "improvement_backlog_owner_fkey" {
				return invalidField("owner", "no person "+null.Value(c.Owner)+" in the directory")
			}
			return invalidField("cycle_id", "no PDCA cycle "+null.Value(c.CycleID))
		}
		if err != nil {
			return err
		}
		if after.Status == "done" && before.Status != "done" {
			// The customer's notice, which the API starts after the commit.
			if err := markQualityStart(ctx, tx, QualityStart{BacklogItemID: &after.ID}); err != nil {
				return err
			}
		}
		return tx.Commit()
	}()
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrStale) {
		err = fmt.Errorf("change backlog item %s: %w", id, err)
	}
	return before, after, err
}
