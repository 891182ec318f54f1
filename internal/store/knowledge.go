package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The knowledge base (migration 00038): articles staff look up, each reviewed by its
// owner every review_every_days. An edit counts as a review; an article is retired,
// never deleted.

// KnowledgeArticle is a row of knowledge_articles.
type KnowledgeArticle struct {
	ID              string         `db:"id"`
	Title           string         `db:"title"`
	Body            string         `db:"body"`
	Category        string         `db:"category"`
	Keywords        pq.StringArray `db:"keywords"`
	Owner           string         `db:"owner"`
	ReviewEveryDays int            `db:"review_every_days"`
	ReviewedAt      time.Time      `db:"reviewed_at"`
	ReviewedBy      string         `db:"reviewed_by"`
	CreatedAt       time.Time      `db:"created_at"`
	CreatedBy       string         `db:"created_by"`
	UpdatedAt       time.Time      `db:"updated_at"`
	UpdatedBy       string         `db:"updated_by"`
	RetiredAt       *time.Time     `db:"retired_at"`
	RetiredBy       *string        `db:"retired_by"`
}

// DueAt is when the article's next review is due.
func (a KnowledgeArticle) DueAt() time.Time {
	return a.ReviewedAt.Add(time.Duration(a.ReviewEveryDays) * 24 * time.Hour)
}

const knowledgeColumns = `id, title, body, category, keywords, owner, review_every_days, reviewed_at, reviewed_by,
	created_at, created_by, updated_at, updated_by, retired_at, retired_by`

// knowledgeDue is when a row's review is due, in SQL.
const knowledgeDue = `(reviewed_at + review_every_days * interval '1 day')`

// knowledgeText is the expression the trigram index knowledge_articles_text_trgm
// covers; the filter repeats it verbatim for the planner to use the index.
const knowledgeText = `knowledge_search_text(title, body, keywords)`

// ErrRetired means a change to a retired article: it is kept as it was.
var ErrRetired = errors.New("the article is retired")

// NewKnowledgeArticle is an article to create, reviewed at At by By.
type NewKnowledgeArticle struct {
	ID              string
	Title, Body     string
	Category        string
	Keywords        []string
	Owner           string
	ReviewEveryDays int
	By              string
	At              time.Time
}

// CreateKnowledgeArticle creates an article (created true), or, under a key it was
// created with before, answers that one (created false) — ErrConflict, with it,
// when the key came with another body. The owner must be an active person of the
// directory (ErrInvalid naming owner).
func (s *Store) CreateKnowledgeArticle(ctx context.Context, a NewKnowledgeArticle, k Keyed) (KnowledgeArticle, bool, error) {
	var out KnowledgeArticle
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return out, false, fmt.Errorf("create knowledge article: %w", err)
	}
	defer tx.Rollback()
	if prior, found, err := knowledgeCreatedBefore(ctx, tx, k); found || err != nil {
		return prior, false, err
	}
	if err := checkActivePerson(ctx, tx, "owner", &a.Owner); err != nil {
		return out, false, err
	}
	at := a.At.UTC().Truncate(time.Microsecond)
	keywords := pq.StringArray(a.Keywords)
	if keywords == nil {
		keywords = pq.StringArray{}
	}
	const q = `INSERT INTO knowledge_articles (id, title, body, category, keywords, owner, review_every_days,
			reviewed_at, reviewed_by, created_at, created_by, updated_at, updated_by, idempotency_key, request_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, $8, $9, NULLIF($10, ''), NULLIF($11, ''))
		ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
		RETURNING ` + knowledgeColumns
	err = tx.GetContext(ctx, &out, q, a.ID, a.Title, a.Body, a.Category, keywords, a.Owner, a.ReviewEveryDays, at, a.By,
		k.Key, k.RequestHash)
	if errors.Is(err, sql.ErrNoRows) { // created meanwhile under the key
		prior, _, err := knowledgeCreatedBefore(ctx, tx, k)
		return prior, false, err
	}
	if err == nil {
		err = knowledgeEvent(ctx, tx, out.ID, "created", at, a.By, nil)
	}
	if err != nil {
		return out, false, fmt.Errorf("create knowledge article: %w", err)
	}
	return out, true, tx.Commit()
}

// knowledgeCreatedBefore finds the article created under k's key, if any:
// ErrConflict, with it, when it came with another body.
func knowledgeCreatedBefore(ctx context.Context, tx *sqlx.Tx, k Keyed) (KnowledgeArticle, bool, error) {
	var prior struct {
		KnowledgeArticle
		RequestHash string `db:"request_hash"`
	}
	if k.Key == "" {
		return prior.KnowledgeArticle, false, nil
	}
	err := tx.GetContext(ctx, &prior, `SELECT `+knowledgeColumns+`, request_hash FROM knowledge_articles WHERE idempotency_key = $1`, k.Key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return prior.KnowledgeArticle, false, nil
	case err != nil:
		return prior.KnowledgeArticle, false, fmt.Errorf("create knowledge article: %w", err)
	case prior.RequestHash != k.RequestHash:
		return prior.KnowledgeArticle, true, ErrConflict
	}
	return prior.KnowledgeArticle, true, nil
}

// KnowledgeArticle reads one article, retired or not; ErrNotFound for an unknown one.
func (s *Store) KnowledgeArticle(ctx context.Context, id string) (KnowledgeArticle, error) {
	var a KnowledgeArticle
	err := s.db.GetContext(ctx, &a, `SELECT `+knowledgeColumns+` FROM knowledge_articles WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("knowledge article %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("knowledge article %s: %w", id, err)
	}
	return a, nil
}

// KnowledgeFilter selects articles: live ones, or retired ones with Retired; of a
// category and an owner; whose title, body or keywords hold Text, and at least one
// of Any (any case); with StaleAt, only those whose review is due at that moment.
type KnowledgeFilter struct {
	Category, Owner, Text string
	Any                   []string
	Retired               bool
	StaleAt               *time.Time
	Limit                 int
	AfterCreatedAt        time.Time
	AfterID               string
}

// KnowledgeArticles lists articles newest first, one page at a time. Text is a
// substring match (ILIKE over the trigram index, as the complaints' q): Chinese has
// no spaces between words, so "物流" finds "物流慢怎么办" where word-based full text
// search would not.
func (s *Store) KnowledgeArticles(ctx context.Context, f KnowledgeFilter) ([]KnowledgeArticle, error) {
	preds := []pred{{"retired_at IS NULL", nil}}
	if f.Retired {
		preds[0] = pred{"retired_at IS NOT NULL", nil}
	}
	if f.Text != "" {
		preds = append(preds, pred{knowledgeText + " ILIKE ?", []any{"%" + likeEscaper.Replace(f.Text) + "%"}})
	}
	if len(f.Any) > 0 {
		// One ILIKE per word, each on the trigram index (a bitmap OR of its scans).
		ors, args := make([]string, len(f.Any)), make([]any, len(f.Any))
		for i, w := range f.Any {
			ors[i], args[i] = knowledgeText+" ILIKE ?", "%"+likeEscaper.Replace(w)+"%"
		}
		preds = append(preds, pred{"(" + strings.Join(ors, " OR ") + ")", args})
	}
	if f.StaleAt != nil {
		preds = append(preds, pred{knowledgeDue + " <= ?", []any{f.StaleAt.UTC()}})
	}
	return selectPage[KnowledgeArticle](ctx, s, keyset{
		what: "knowledge articles", query: `SELECT ` + knowledgeColumns + ` FROM knowledge_articles`, at: "created_at", id: "id",
		filters: []filter{{"category", f.Category}, {"owner", f.Owner}}, preds: preds,
		afterAt: f.AfterCreatedAt, afterID: f.AfterID, limit: f.Limit,
	})
}

// KnowledgeChange is an edit of an article (nil fields are kept) or, with none
// set, a review without change. Either way the article counts as reviewed at At
// by By. Version, when set, is the updated_at the change was made against. May,
// when set, says whether By may change the article as it is, locked for the
// change: it refuses the change with its error, and nothing changes.
type KnowledgeChange struct {
	Title, Body, Category, Owner *string
	Keywords                     *[]string
	ReviewEveryDays              *int
	By                           string
	At                           time.Time
	Version                      *time.Time
	May                          func(KnowledgeArticle) error
}

// ChangeKnowledgeArticle applies a change (or a review) and answers the article as
// it was before and after. ErrNotFound for an unknown article; ErrRetired for a
// retired one; ErrInvalid naming owner for a new owner who is not an active person;
// ErrStale, with the article as it is in before, when it is no longer c.Version;
// c.May's error when it refuses the article as it is.
func (s *Store) ChangeKnowledgeArticle(ctx context.Context, id string, c KnowledgeChange) (before, after KnowledgeArticle, err error) {
	var keywords any
	if c.Keywords != nil {
		keywords = pq.StringArray(append([]string{}, *c.Keywords...))
	}
	at := c.At.UTC().Truncate(time.Microsecond)
	err = s.changeKnowledge(ctx, id, c.Version, c.May, &before, func(tx *sqlx.Tx) error {
		if err := checkActivePerson(ctx, tx, "owner", c.Owner); err != nil {
			return err
		}
		const q = `UPDATE knowledge_articles SET
				title = COALESCE($2, title), body = COALESCE($3, body), category = COALESCE($4, category),
				keywords = COALESCE($5, keywords), owner = COALESCE($6, owner),
				review_every_days = COALESCE($7, review_every_days),
				reviewed_at = $8, reviewed_by = $9, updated_at = $8, updated_by = $9
			WHERE id = $1 RETURNING ` + knowledgeColumns
		if err := tx.GetContext(ctx, &after, q, id, c.Title, c.Body, c.Category, keywords, c.Owner, c.ReviewEveryDays, at, c.By); err != nil {
			return err
		}
		// An edit that changes nothing is a review.
		if changed := knowledgeChanged(before, after); changed != nil {
			return knowledgeEvent(ctx, tx, id, "edited", at, c.By, changed)
		}
		return knowledgeEvent(ctx, tx, id, "reviewed", at, c.By, nil)
	})
	return before, after, err
}

// knowledgeChanged is an edit's record: the fields it changed and what they held
// before; nil when it changed none.
func knowledgeChanged(before, after KnowledgeArticle) map[string]any {
	was := map[string]any{}
	for _, f := range []struct {
		name    string
		old     any
		changed bool
	}{
		{"title", before.Title, before.Title != after.Title},
		{"body", before.Body, before.Body != after.Body},
		{"category", before.Category, before.Category != after.Category},
		{"keywords", append([]string{}, before.Keywords...), !slices.Equal(before.Keywords, after.Keywords)},
		{"owner", before.Owner, before.Owner != after.Owner},
		{"review_every_days", before.ReviewEveryDays, before.ReviewEveryDays != after.ReviewEveryDays},
	} {
		if f.changed {
			was[f.name] = f.old
		}
	}
	if len(was) == 0 {
		return nil
	}
	return map[string]any{"changed": slices.Sorted(maps.Keys(was)), "before": was}
}

// knowledgeEvent appends an event to the article's history (migration 00040), in
// the transaction of the change it records.
func knowledgeEvent(ctx context.Context, tx *sqlx.Tx, id, kind string, at time.Time, actor string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO knowledge_article_events (article_id, kind, occurred_at, actor, data)
		VALUES ($1, $2, $3, $4, $5)`, id, kind, at, actor, string(b))
	return err
}

// KnowledgeEvent is a row of an article's history (migration 00040).
type KnowledgeEvent struct {
	Kind  string          `db:"kind"`
	At    time.Time       `db:"occurred_at"`
	Actor string          `db:"actor"`
	Data  json.RawMessage `db:"data"`
}

// KnowledgeHistory reads an article's history, oldest first: by when each change
// happened, as a review backfilled from the row (00042) was appended after later ones.
func (s *Store) KnowledgeHistory(ctx context.Context, id string) ([]KnowledgeEvent, error) {
	var out []KnowledgeEvent
	const q = `SELECT kind, occurred_at, actor, data FROM knowledge_article_events WHERE article_id = $1
		ORDER BY occurred_at, id`
	if err := s.db.SelectContext(ctx, &out, q, id); err != nil {
		return nil, fmt.Errorf("knowledge article %s history: %w", id, err)
	}
	return out, nil
}

// RetireKnowledgeArticle retires an article: it leaves the lists and the risk
// monitor, and stays readable by its ID. Retiring a retired article changes nothing
// and answers it.
func (s *Store) RetireKnowledgeArticle(ctx context.Context, id, by string, at time.Time) (KnowledgeArticle, error) {
	var before, after KnowledgeArticle
	at = at.UTC().Truncate(time.Microsecond)
	err := s.changeKnowledge(ctx, id, nil, nil, &before, func(tx *sqlx.Tx) error {
		const q = `UPDATE knowledge_articles SET retired_at = $2, retired_by = $3, updated_at = $2, updated_by = $3
			WHERE id = $1 RETURNING ` + knowledgeColumns
		if err := tx.GetContext(ctx, &after, q, id, at, by); err != nil {
			return err
		}
		return knowledgeEvent(ctx, tx, id, "retired", at, by, nil)
	})
	if errors.Is(err, ErrRetired) {
		return before, nil
	}
	return after, err
}

// changeKnowledge locks the article, reads it into before, refuses one may refuses
// (nil: none), a retired or a stale one, and applies update in the same
// transaction: who may change the article is judged on the row as it is changed,
// not as an earlier read found it (its owner may have been replaced since).
func (s *Store) changeKnowledge(ctx context.Context, id string, version *time.Time, may func(KnowledgeArticle) error,
	before *KnowledgeArticle, update func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("change knowledge article %s: %w", id, err)
	}
	defer tx.Rollback()
	err = func() error {
		if err := tx.GetContext(ctx, before, `SELECT `+knowledgeColumns+` FROM knowledge_articles WHERE id = $1 FOR UPDATE`, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if may != nil {
			if err := may(*before); err != nil {
				return err
			}
		}
		switch {
		case before.RetiredAt != nil:
			return ErrRetired
		case version != nil && !version.Equal(before.UpdatedAt):
			return ErrStale
		}
		if err := update(tx); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrStale) &&
		!errors.Is(err, ErrRetired) {
		err = fmt.Errorf("change knowledge article %s: %w", id, err)
	}
	return err
}

// KnowledgeDue reads every live article's review as the risk monitor judges it at.
func (s *Store) KnowledgeDue(ctx context.Context) ([]quality.KnowledgeDue, error) {
	var rows []struct {
		ID          string    `db:"id"`
		Title       string    `db:"title"`
		Owner       string    `db:"owner"`
		OwnerActive bool      `db:"owner_active"`
		ReviewedAt  time.Time `db:"reviewed_at"`
		DueAt       time.Time `db:"due_at"`
	}
	const q = `SELECT k.id, k.title, k.owner, COALESCE(p.active, false) AS owner_active, k.reviewed_at,
			` + knowledgeDue + ` AS due_at
		FROM knowledge_articles k LEFT JOIN people p ON p.id = k.owner
		WHERE k.retired_at IS NULL
		ORDER BY k.owner, k.id`
	if err := s.db.SelectContext(ctx, &rows, q); err != nil {
		return nil, fmt.Errorf("knowledge due: %w", err)
	}
	out := make([]quality.KnowledgeDue, len(rows))
	for i, r := range rows {
		out[i] = quality.KnowledgeDue{ID: r.ID, Title: r.Title, Owner: r.Owner, OwnerActive: r.OwnerActive,
			ReviewedAt: r.ReviewedAt.UTC(), DueAt: r.DueAt.UTC()}
	}
	return out, nil
}

// KnowledgeDueAt reads the articles live at the moment at, each with its review as
// it stood then, from their history (migration 00040): the last creation, edit or
// review by then, and the interval in force then — the current one unless a later
// edit changed it, whose "before" holds it. An article whose reviewed_at is not
// after at was not reviewed since, which also covers the reviews of the articles
// written before their history was kept.
func (s *Store) KnowledgeDueAt(ctx context.Context, at time.Time) ([]quality.KnowledgeDue, error) {
	var rows []struct {
		ID         string    `db:"id"`
		Title      string    `db:"title"`
		Owner      string    `db:"owner"`
		ReviewedAt time.Time `db:"reviewed_at"`
		DueAt      time.Time `db:"due_at"`
	}
	const q = `WITH as_then AS (
			SELECT k.id, k.title, k.owner,
				CASE WHEN k.reviewed_at <= $1 THEN k.reviewed_at ELSE
					COALESCE((SELECT max(e.occurred_at) FROM knowledge_article_events e
						WHERE e.article_id = k.id AND e.kind IN ('created', 'edited', 'reviewed') AND e.occurred_at <= $1), k.created_at)
				END AS reviewed_at,
				COALESCE((SELECT (e.data #>> '{before,review_every_days}')::int FROM knowledge_article_events e
					WHERE e.article_id = k.id AND e.kind = 'edited' AND e.occurred_at > $1
						AND e.data -> 'before' ? 'review_every_days'
					ORDER BY e.id LIMIT 1), k.review_every_days) AS every
			FROM knowledge_articles k
			WHERE k.created_at <= $1 AND (k.retired_at IS NULL OR k.retired_at > $1))
		SELECT id, title, owner, reviewed_at, reviewed_at + every * interval '1 day' AS due_at FROM as_then ORDER BY id`
	if err := s.db.SelectContext(ctx, &rows, q, at.UTC()); err != nil {
		return nil, fmt.Errorf("knowledge due at %s: %w", at, err)
	}
	out := make([]quality.KnowledgeDue, len(rows))
	for i, r := range rows {
		out[i] = quality.KnowledgeDue{ID: r.ID, Title: r.Title, Owner: r.Owner, ReviewedAt: r.ReviewedAt.UTC(), DueAt: r.DueAt.UTC()}
	}
	return out, nil
}
