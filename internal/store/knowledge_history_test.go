package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// knowledgeStore is a store whose directory holds ann and bob, who keep articles.
func knowledgeStore(t *testing.T) *store.Store {
	t.Helper()
	st := newStore(t)
	if _, err := st.DB().Exec(`INSERT INTO people (id, name, role, updated_by) VALUES
		('ann', 'Ann', 'agent', 't'), ('bob', 'Bob', 'agent', 't')`); err != nil {
		t.Fatal(err)
	}
	return st
}

// Any finds the articles holding at least one of several words over every article,
// not among the newest page: an old article on 催件 is found behind 60 newer ones of
// its category, and one holding neither word is not.
func TestKnowledgeAnyWordSearchesEveryArticle(t *testing.T) {
	st := knowledgeStore(t)
	ctx := context.Background()
	at := time.Now().Add(-100 * 24 * time.Hour)
	create := func(title, body string, keywords []string) string {
		t.Helper()
		a, _, err := st.CreateKnowledgeArticle(ctx, store.NewKnowledgeArticle{ID: uuid.NewString(), Title: title, Body: body,
			Category: "logistics", Keywords: keywords, Owner: "ann", ReviewEveryDays: 30, By: "quality", At: at}, store.Keyed{})
		if err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Hour)
		return a.ID
	}
	old := create("包裹长时间未更新", "联系承运商。", []string{"催件"})
	both := create("催件与退款", "先催件，超时退款。", nil)
	for i := range 60 {
		create(fmt.Sprintf("发货说明 %d", i), "仓库发货时间。", []string{"发货"})
	}
	list := func(f store.KnowledgeFilter) []string {
		t.Helper()
		as, err := st.KnowledgeArticles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(as))
		for i, a := range as {
			ids[i] = a.ID
		}
		return ids
	}
	if got := list(store.KnowledgeFilter{Category: "logistics", Any: []string{"催件", "退款"}, Limit: 50}); fmt.Sprint(got) != fmt.Sprint([]string{both, old}) {
		t.Errorf("any of 催件, 退款: %v, want the two holding one, newest first: %v", got, []string{both, old})
	}
	if got := list(store.KnowledgeFilter{Any: []string{"REFUND", "100%"}, Limit: 50}); len(got) != 0 {
		t.Errorf("words no article holds (%% as text): %v", got)
	}
	if got := list(store.KnowledgeFilter{Any: []string{"退款"}, Text: "超时", Limit: 50}); fmt.Sprint(got) != fmt.Sprint([]string{both}) {
		t.Errorf("any with q: %v, want both", got)
	}
}

// Every change of an article is recorded in its history in the change's
// transaction — its creation, an edit with the fields it changed and what they held
// before, a handover (an edit of owner), a review, an edit that changes nothing (a
// review), the retirement — and a refused change records nothing. The history is
// append-only.
func TestKnowledgeHistoryRecordsEachChange(t *testing.T) {
	st := knowledgeStore(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a, _, err := st.CreateKnowledgeArticle(ctx, store.NewKnowledgeArticle{ID: uuid.NewString(), Title: "物流慢怎么办", Body: "先查询。",
		Category: "logistics", Keywords: []string{"物流慢"}, Owner: "ann", ReviewEveryDays: 30, By: "quality", At: at}, store.Keyed{})
	if err != nil {
		t.Fatal(err)
	}
	change := func(c store.KnowledgeChange) error {
		t.Helper()
		at = at.Add(24 * time.Hour)
		c.At = at
		_, _, err := st.ChangeKnowledgeArticle(ctx, a.ID, c)
		return err
	}
	for _, c := range []store.KnowledgeChange{
		{Body: new("先查询物流单号。"), Keywords: &[]string{"物流慢", "催件"}, By: "ann"},
		{Owner: new("bob"), By: "quality"},
		{By: "bob"},
		{Title: new("物流慢怎么办"), By: "bob"}, // as it was: a review
	} {
		if err := change(c); err != nil {
			t.Fatal(err)
		}
	}
	stale := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := change(store.KnowledgeChange{Body: new("x"), By: "ann", Version: &stale}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("a stale edit: %v", err)
	}
	if _, err := st.RetireKnowledgeArticle(ctx, a.ID, "manager", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RetireKnowledgeArticle(ctx, a.ID, "manager", at.Add(2*time.Hour)); err != nil { // already retired
		t.Fatal(err)
	}
	history, err := st.KnowledgeHistory(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range history {
		got = append(got, fmt.Sprintf("%s %s %s %s", e.At.UTC().Format("01-02T15"), e.Kind, e.Actor, e.Data))
	}
	want := []string{
		`03-01T09 created quality {}`,
		`03-02T09 edited ann {"before": {"body": "先查询。", "keywords": ["物流慢"]}, "changed": ["body", "keywords"]}`,
		`03-03T09 edited quality {"before": {"owner": "ann"}, "changed": ["owner"]}`,
		`03-04T09 reviewed bob {}`,
		`03-05T09 reviewed bob {}`,
		`03-06T10 retired manager {}`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history:\n%s\nwant:\n%s", fmtLines(got), fmtLines(want))
	}
	for _, e := range history {
		if !json.Valid(e.Data) {
			t.Errorf("event data %s", e.Data)
		}
	}
	if _, err := st.DB().Exec(`UPDATE knowledge_article_events SET actor = 'x'`); err == nil {
		t.Error("the history was rewritten")
	}
	if _, err := st.DB().Exec(`DELETE FROM knowledge_article_events`); err == nil {
		t.Error("the history was deleted")
	}
}

func fmtLines(xs []string) string {
	out := ""
	for _, x := range xs {
		out += "  " + x + "\n"
	}
	return out
}

// Migration 00040 gives the articles written before it their creation and their
// retirement, as their rows say them (00042 their last review); down drops the
// history and keeps them.
func TestMigrationKnowledgeHistoryBackfills(t *testing.T) {
	st := knowledgeStore(t)
	ctx := context.Background()
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 39); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO knowledge_articles (id, title, body, category, owner, review_every_days,
			reviewed_at, reviewed_by, created_at, created_by, updated_at, updated_by, retired_at, retired_by)
		VALUES ('00000000-0000-0000-0000-0000000000a1', 't', 'b', 'other', 'ann', 30, '2026-01-02Z', 'ann', '2026-01-01Z', 'qa',
			'2026-01-03Z', 'mgr', '2026-01-03Z', 'mgr')`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	history, err := st.KnowledgeHistory(ctx, "00000000-0000-0000-0000-0000000000a1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range history {
		got = append(got, e.At.UTC().Format("01-02")+" "+e.Kind+" "+e.Actor)
	}
	if fmt.Sprint(got) != "[01-01 created qa 01-02 reviewed ann 01-03 retired mgr]" {
		t.Errorf("backfilled %v", got)
	}
}

// The knowledge update rate of a past moment is read from the history: the
// articles live then (not yet created, or retired by then, are not), each reviewed
// as it stood then and with the interval in force then (a later edit's "before").
func TestKnowledgeUpdateRateAtAPastMoment(t *testing.T) {
	st := knowledgeStore(t)
	ctx := context.Background()
	day := func(month time.Month, d int) time.Time { return time.Date(2026, month, d, 12, 0, 0, 0, time.UTC) }
	create := func(at time.Time, every int) string {
		t.Helper()
		a, _, err := st.CreateKnowledgeArticle(ctx, store.NewKnowledgeArticle{ID: uuid.NewString(), Title: "t", Body: "b",
			Category: "other", Owner: "ann", ReviewEveryDays: every, By: "quality", At: at}, store.Keyed{})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	a, b := create(day(1, 1), 30), create(day(1, 1), 30)
	c := create(day(3, 1), 10)
	for _, ch := range []struct {
		id string
		c  store.KnowledgeChange
	}{
		{a, store.KnowledgeChange{By: "ann", At: day(2, 15)}},
		{b, store.KnowledgeChange{ReviewEveryDays: new(90), By: "ann", At: day(3, 10)}},
	} {
		if _, _, err := st.ChangeKnowledgeArticle(ctx, ch.id, ch.c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RetireKnowledgeArticle(ctx, c, "quality", day(3, 20)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at            time.Time
		live, current int64
	}{
		{day(1, 20), 2, 2},
		{day(2, 10), 2, 0},  // both past their 30 days
		{day(2, 20), 2, 1},  // a reviewed on 15 February
		{day(3, 5), 3, 2},   // b still on its 30 days then, c new
		{day(3, 15), 3, 2},  // b edited (reviewed) on 10 March, c past its 10 days
		{day(3, 25), 2, 1},  // c retired, a past its 30 days since 15 February
		{day(12, 31), 2, 0}, // b's 90 days since 10 March are over too
	} {
		live, err := st.KnowledgeDueAt(ctx, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		u := quality.KnowledgeUpdateAt(live, tc.at)
		if u.Live != tc.live || u.Current != tc.current {
			t.Errorf("at %s: %d of %d live current, want %d of %d", tc.at.Format("01-02"), u.Current, u.Live, tc.current, tc.live)
		}
	}
}

// Migration 00042 records the last review of each article written before the
// history was kept (00040), as its row proves it, so that a later review does not
// lose it: the rate of a period it covered counts the article current. A review
// the history records is not added again, down removes only what up added, and up
// again adds it once.
func TestMigrationKnowledgeHistoryBackfillsTheLastReview(t *testing.T) {
	st := knowledgeStore(t)
	ctx := context.Background()
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 39); err != nil {
		t.Fatal(err)
	}
	const reviewed, never = "00000000-0000-0000-0000-0000000000b1", "00000000-0000-0000-0000-0000000000b2"
	if _, err := st.DB().Exec(`INSERT INTO knowledge_articles (id, title, body, category, owner, review_every_days,
			reviewed_at, reviewed_by, created_at, created_by, updated_at, updated_by)
		VALUES ($1, 't', 'b', 'other', 'ann', 30, '2026-03-01Z', 'ann', '2026-01-01Z', 'qa', '2026-03-01Z', 'ann'),
			($2, 't', 'b', 'other', 'bob', 30, '2026-01-01Z', 'qa', '2026-01-01Z', 'qa', '2026-01-01Z', 'qa')`, reviewed, never); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	history := func(id string) string {
		t.Helper()
		events, err := st.KnowledgeHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, fmt.Sprintf("%s %s %s %s", e.At.UTC().Format("01-02"), e.Kind, e.Actor, e.Data))
		}
		return fmt.Sprint(got)
	}
	want := map[string]string{reviewed: `[01-01 created qa {} 03-01 reviewed ann {"backfilled": true}]`, never: `[01-01 created qa {}]`}
	for id, w := range want {
		if got := history(id); got != w {
			t.Errorf("%s backfilled %s, want %s", id, got, w)
		}
	}
	if err := migrations.DownTo(ctx, db, 41); err != nil {
		t.Fatal(err)
	}
	if got := history(reviewed); got != `[01-01 created qa {}]` {
		t.Errorf("down kept %s", got)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		if got := history(id); got != w {
			t.Errorf("%s up again: %s, want %s", id, got, w)
		}
	}

	// Reviewed again since: the row no longer says 1 March, the history does.
	if _, _, err := st.ChangeKnowledgeArticle(ctx, reviewed, store.KnowledgeChange{By: "ann",
		At: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at            time.Time
		live, current int64
	}{
		{time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC), 2, 2},
		{time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC), 2, 0}, // both 30 days past their creation
		{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), 2, 1}, // reviewed on 1 March
		{time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC), 2, 0},
	} {
		live, err := st.KnowledgeDueAt(ctx, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if u := quality.KnowledgeUpdateAt(live, tc.at); u.Live != tc.live || u.Current != tc.current {
			t.Errorf("at %s: %d of %d live current, want %d of %d", tc.at.Format("01-02"), u.Current, u.Live, tc.current, tc.live)
		}
	}
	if got := history(reviewed); got != `[01-01 created qa {} 03-01 reviewed ann {"backfilled": true} 06-01 reviewed ann {}]` {
		t.Errorf("after a later review: %s", got)
	}
}
