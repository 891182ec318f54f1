package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

func newFeedback(externalID, disposition string, keywords ...string) store.NewFeedback {
	var ext *string // none: NULL
	if externalID != "" {
		ext = &externalID
	}
	return store.NewFeedback{
		ID: uuid.NewString(), ExternalID: ext,
		RequestHash: "hash-" + externalID, Kind: "suggestion", Channel: "app", Text: "建议增加夜间配送",
		ProblemType: "logistics", Urgency: "low", Scope: "individual", MatchedRules: `[]`,
		Keywords: keywords, Disposition: disposition, DispositionReason: "test",
		BacklogID: uuid.NewString(), BacklogTitle: "建议增加夜间配送",
	}
}

func count(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFeedbackMigrationSeedsRulesAndGoesDownAndUp(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	rules, err := st.ClassificationRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Every problem type, high urgency, group and industry scope, in Chinese and English.
	covered := map[string][2]bool{}
	for _, r := range rules {
		key := r.Dimension + "/" + r.Value
		c := covered[key]
		for _, k := range r.Keywords {
			if k[0] < 0x80 {
				c[1] = true
			} else {
				c[0] = true
			}
		}
		covered[key] = c
	}
	for _, want := range []string{"problem_type/product", "problem_type/service", "problem_type/logistics",
		"problem_type/after_sales", "urgency/high", "urgency/medium", "urgency/low", "scope/group", "scope/industry"} {
		if c := covered[want]; !c[0] || !c[1] {
			t.Errorf("seeded rules for %s: Chinese %v, English %v; want both", want, c[0], c[1])
		}
	}

	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 3); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"feedback", "improvement_backlog", "classification_rules"} {
		var exists bool
		if err := db.QueryRow(`SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil || exists {
			t.Errorf("%s after down: exists=%v err=%v", table, exists, err)
		}
	}
	var columns int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'complaints' AND column_name IN ('keywords', 'scope')`).Scan(&columns); err != nil || columns != 0 {
		t.Errorf("complaints keeps %d of keywords, scope after down (err %v)", columns, err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	again, err := st.ClassificationRules(ctx)
	if err != nil || len(again) != len(rules) {
		t.Fatalf("rules after up again: %d (err %v), want %d", len(again), err, len(rules))
	}
}

func TestCreateComplaintStoresKeywordsAndScope(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	nc := newComplaint("kw-1", complaint.Medium, complaint.Low)
	nc.Keywords, nc.Scope = pq.StringArray{"物流慢", "态度差"}, "group"
	c, _, err := st.CreateComplaint(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := st.CreateComplaint(ctx, newComplaint("kw-2", complaint.Medium, complaint.Low))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][2]string{c.ID: {"{物流慢,态度差}", "group"}, plain.ID: {"{}", "individual"}} {
		var kw, scope string
		if err := st.DB().QueryRow(`SELECT keywords::text, scope FROM complaints WHERE id = $1`, id).Scan(&kw, &scope); err != nil {
			t.Fatal(err)
		}
		if kw != want[0] || scope != want[1] {
			t.Errorf("complaint %s: keywords %s scope %s, want %s %s", id, kw, scope, want[0], want[1])
		}
	}
}

func TestCreateFeedbackIsIdempotentAndMakesOneBacklogItem(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	nf := newFeedback("fb-1", "backlog", "夜间配送")
	f, created, err := st.CreateFeedback(ctx, nf)
	if err != nil || !created {
		t.Fatalf("first: created=%v err=%v", created, err)
	}
	if f.BacklogID == nil || *f.BacklogID != nf.BacklogID || f.Disposition != "backlog" || !slices.Equal(f.Keywords, []string{"夜间配送"}) {
		t.Errorf("created feedback: %+v", f)
	}

	retry := nf
	retry.ID, retry.BacklogID = uuid.NewString(), uuid.NewString() // a retry makes new IDs; the first win
	again, created, err := st.CreateFeedback(ctx, retry)
	if err != nil || created || again.ID != f.ID || null.Value(again.BacklogID) != null.Value(f.BacklogID) {
		t.Fatalf("retry: got %s/%s created=%v err=%v, want %s/%s", again.ID, null.Value(again.BacklogID), created, err, f.ID, null.Value(f.BacklogID))
	}
	different := retry
	different.RequestHash = "another body"
	if _, _, err := st.CreateFeedback(ctx, different); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("different body: got %v, want ErrConflict", err)
	}
	if n := count(t, st, "feedback"); n != 1 {
		t.Errorf("%d feedback rows, want 1", n)
	}
	if n := count(t, st, "improvement_backlog"); n != 1 {
		t.Errorf("%d backlog items, want 1", n)
	}

	// Without an external ID every call is new feedback.
	for range 2 {
		if _, created, err := st.CreateFeedback(ctx, newFeedback("", "recorded")); err != nil || !created {
			t.Fatalf("anonymous feedback: created=%v err=%v", created, err)
		}
	}
	if n := count(t, st, "feedback"); n != 3 {
		t.Errorf("%d feedback rows, want 3", n)
	}
	if n := count(t, st, "improvement_backlog"); n != 1 {
		t.Errorf("recorded feedback made backlog items: %d", n)
	}
}

func TestSetFeedbackComplaint(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	f, _, err := st.CreateFeedback(ctx, newFeedback("fb-c", "complaint"))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := st.CreateComplaint(ctx, newComplaint("feedback:"+f.ID, complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // linking the same complaint again is a no-op
		if err := st.SetFeedbackComplaint(ctx, f.ID, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	other, _, err := st.CreateComplaint(ctx, newComplaint("other", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetFeedbackComplaint(ctx, f.ID, other.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second complaint: got %v, want ErrConflict", err)
	}
	got, err := st.Feedback(ctx, f.ID)
	if err != nil || null.Value(got.ComplaintID) != c.ID {
		t.Errorf("feedback complaint %q (err %v), want %s", null.Value(got.ComplaintID), err, c.ID)
	}
	backlog, _, err := st.CreateFeedback(ctx, newFeedback("fb-b", "backlog"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetFeedbackComplaint(ctx, backlog.ID, c.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("backlog feedback linked to a complaint: %v", err)
	}
}

func TestFeedbackAndBacklogPageAndFilter(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for i, d := range []string{"backlog", "recorded", "backlog", "backlog", "recorded"} {
		if _, _, err := st.CreateFeedback(ctx, newFeedback("p"+string(rune('a'+i)), d)); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	f := store.FeedbackFilter{Disposition: "backlog", Limit: 2}
	for range 5 {
		page, err := st.FeedbackList(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, fb := range page {
			seen = append(seen, null.Value(fb.ExternalID))
		}
		if len(page) < f.Limit {
			break
		}
		f.AfterReceivedAt, f.AfterID = page[len(page)-1].ReceivedAt, page[len(page)-1].ID
	}
	if want := []string{"pd", "pc", "pa"}; !slices.Equal(seen, want) {
		t.Errorf("feedback pages %v, want %v", seen, want)
	}

	items, err := st.BacklogItems(ctx, store.BacklogFilter{Status: "new", Limit: 10})
	if err != nil || len(items) != 3 {
		t.Fatalf("%d new items (err %v), want 3", len(items), err)
	}
	moved := changeBacklog(t, st, items[0].ID, store.BacklogChange{Status: ptr("planned"), By: "quality-lead"})
	if moved.Status != "planned" || moved.UpdatedBy != "quality-lead" {
		t.Fatalf("planned: %+v", moved)
	}
	if _, _, err := st.ChangeBacklogItem(ctx, uuid.NewString(), store.BacklogChange{Status: ptr("done")}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
	if _, _, err := st.ChangeBacklogItem(ctx, items[1].ID, store.BacklogChange{Status: ptr("someday")}); err == nil {
		t.Error("the database accepted status someday")
	}
	// A change made against the version before "planned" is stale and changes
	// nothing; against the version now, it is made.
	was := items[0].UpdatedAt
	if cur, _, err := st.ChangeBacklogItem(ctx, items[0].ID, store.BacklogChange{Owner: ptr(""), By: "ann", Version: &was}); !errors.Is(err, store.ErrStale) ||
		!cur.UpdatedAt.Equal(moved.UpdatedAt) || cur.Status != "planned" {
		t.Errorf("a stale change: %v, the item answered %+v; want ErrStale and the item as it is", err, cur)
	}
	if again, _ := st.BacklogItems(ctx, store.BacklogFilter{Status: "planned", Limit: 10}); len(again) != 1 || again[0].UpdatedBy != "quality-lead" {
		t.Errorf("after a stale change: %+v, want the item unchanged", again)
	}
	if done := changeBacklog(t, st, items[0].ID, store.BacklogChange{Status: ptr("rejected"), By: "ann", Version: &moved.UpdatedAt}); done.Status != "rejected" {
		t.Errorf("a change against the current version: %+v", done)
	}
	changeBacklog(t, st, items[0].ID, store.BacklogChange{Status: ptr("planned"), By: "quality-lead"})
	planned, err := st.BacklogItems(ctx, store.BacklogFilter{Status: "planned", ProblemType: "logistics", Limit: 10})
	if err != nil || len(planned) != 1 || planned[0].ID != items[0].ID {
		t.Errorf("planned items: %+v err %v", planned, err)
	}
}

func TestReplaceClassificationRules(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	want := []store.ClassificationRule{
		{Dimension: "urgency", Value: "high", Keywords: pq.StringArray{"起火", "fire"}, Priority: 9},
		{Dimension: "problem_type", Value: "logistics", Keywords: pq.StringArray{"物流"}, Priority: 1},
	}
	got, err := st.ReplaceClassificationRules(ctx, want, "admin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Value != "high" || got[1].Value != "logistics" || got[0].UpdatedBy != "admin" ||
		!slices.Equal(got[0].Keywords, want[0].Keywords) {
		t.Errorf("replaced rules: %+v", got)
	}
	bad := []store.ClassificationRule{want[0], {Dimension: "urgency", Value: "logistics", Keywords: pq.StringArray{"x"}}}
	if _, err := st.ReplaceClassificationRules(ctx, bad, "admin", nil); err == nil {
		t.Fatal("the database accepted urgency logistics")
	}
	if after, _ := st.ClassificationRules(ctx); len(after) != 2 {
		t.Errorf("a failed replacement left %d rules, want the 2 before it", len(after))
	}
}

func TestHeatmapCountsKeywordsByCategory(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	file := func(ext, category string, keywords ...string) {
		nc := newComplaint(ext, complaint.Medium, complaint.Low)
		nc.Category, nc.Keywords = category, keywords
		if _, _, err := st.CreateComplaint(ctx, nc); err != nil {
			t.Fatal(err)
		}
	}
	file("c1", "logistics", "物流慢", "包裹")
	file("c2", "logistics", "物流慢")
	file("c3", "service", "态度差", "物流慢")
	if _, _, err := st.CreateFeedback(ctx, newFeedback("f1", "backlog", "物流慢", "夜间配送")); err != nil {
		t.Fatal(err)
	}
	// Filed as a complaint: with source all it counts through its complaint only.
	if _, _, err := st.CreateFeedback(ctx, newFeedback("f2", "complaint", "物流慢")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	period := store.HeatmapQuery{From: now.Add(-time.Hour), To: now.Add(time.Hour), Limit: 10}
	tests := []struct {
		source string
		limit  int
		want   []store.HeatCell
	}{
		{store.HeatmapAll, 10, []store.HeatCell{
			{"物流慢", "logistics", 3, 4}, {"物流慢", "service", 1, 4},
			{"包裹", "logistics", 1, 1}, {"夜间配送", "logistics", 1, 1}, {"态度差", "service", 1, 1},
		}},
		{store.HeatmapComplaints, 1, []store.HeatCell{{"物流慢", "logistics", 2, 3}, {"物流慢", "service", 1, 3}}},
		{store.HeatmapFeedback, 10, []store.HeatCell{{"物流慢", "logistics", 2, 2}, {"夜间配送", "logistics", 1, 1}}},
	}
	for _, tt := range tests {
		q := period
		q.Source, q.Limit = tt.source, tt.limit
		got, err := st.Heatmap(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		// Keywords of equal count come in byte order, whatever the database's collation.
		if !slices.Equal(got, tt.want) {
			t.Errorf("source %s: got %v, want %v", tt.source, got, tt.want)
		}
	}
	before := period
	before.Source, before.From, before.To = store.HeatmapAll, now.Add(-2*time.Hour), now.Add(-time.Hour)
	if got, err := st.Heatmap(ctx, before); err != nil || len(got) != 0 {
		t.Errorf("an earlier period: %v (err %v), want nothing", got, err)
	}
}

func changeBacklog(t *testing.T, st *store.Store, id string, c store.BacklogChange) store.BacklogItem {
	t.Helper()
	_, after, err := st.ChangeBacklogItem(context.Background(), id, c)
	if err != nil {
		t.Fatalf("change %+v: %v", c, err)
	}
	return after
}

// The improvement list: owner, due date and cycle are kept when left out and
// cleared by ""; done_at is set once on done and cleared when the item leaves
// done; an unknown owner or cycle is named.
func TestChangeBacklogItemOwnerDueCycleDone(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if _, _, err := st.CreateFeedback(ctx, newFeedback("imp", "backlog")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO people (id, name, role, updated_by) VALUES ('olga', 'Olga', 'agent', 't')`); err != nil {
		t.Fatal(err)
	}
	items, err := st.BacklogItems(ctx, store.BacklogFilter{Limit: 1})
	if err != nil || len(items) != 1 {
		t.Fatalf("items %v err %v", items, err)
	}
	id := items[0].ID
	got := changeBacklog(t, st, id, store.BacklogChange{Owner: ptr("olga"), DueOn: ptr("2026-12-31"), By: "q"})
	if null.Value(got.Owner) != "olga" || null.Value(got.DueOn) != "2026-12-31" || got.Status != "new" || got.DoneAt != nil {
		t.Fatalf("owner and due: %+v", got)
	}
	if marks, _ := st.PendingQualityStarts(ctx, 0, 10); len(marks) != 0 {
		t.Fatalf("marks before done: %+v", marks)
	}
	done := changeBacklog(t, st, id, store.BacklogChange{Status: ptr("done"), By: "q"})
	if done.DoneAt == nil || null.Value(done.Owner) != "olga" || null.Value(done.DueOn) != "2026-12-31" {
		t.Fatalf("done: %+v", done)
	}
	// Becoming done marks the customer's notice for the API to start (and its
	// reconciler, if the API could not).
	if marks, _ := st.PendingQualityStarts(ctx, 0, 10); len(marks) != 1 || null.Value(marks[0].BacklogItemID) != id {
		t.Fatalf("marks after done: %+v, want the item's notice", marks)
	}
	if read, err := st.BacklogItem(ctx, id); err != nil || read.Status != "done" || !read.UpdatedAt.Equal(done.UpdatedAt) {
		t.Fatalf("BacklogItem: %+v, %v; want it as changed", read, err)
	}
	if _, err := st.BacklogItem(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown item: %v, want ErrNotFound", err)
	}
	before, again, err := st.ChangeBacklogItem(ctx, id, store.BacklogChange{Status: ptr("done"), By: "q"})
	if err != nil || before.Status != "done" || again.DoneAt == nil || !again.DoneAt.Equal(*done.DoneAt) {
		t.Fatalf("done twice: before %+v after %+v err %v", before, again, err)
	}
	back := changeBacklog(t, st, id, store.BacklogChange{Status: ptr("planned"), Owner: ptr(""), By: "q"})
	if back.DoneAt != nil || back.Owner != nil || null.Value(back.DueOn) != "2026-12-31" {
		t.Fatalf("back to planned, owner cleared: %+v", back)
	}
	for _, tc := range []struct {
		change store.BacklogChange
		field  string
	}{
		{store.BacklogChange{Owner: ptr("nobody")}, "owner"},
		{store.BacklogChange{CycleID: ptr(uuid.NewString())}, "cycle_id"},
	} {
		_, _, err := st.ChangeBacklogItem(ctx, id, tc.change)
		var fe *store.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%+v: got %v, want a field error on %s", tc.change, err, tc.field)
		}
	}
}

func ptr[T any](v T) *T { return &v }
