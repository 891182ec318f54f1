package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// Who may edit or review an article is judged on the article as it is changed:
// ann, its owner when her request read it, was replaced by bob before her change
// took the row's lock, so her edit and her review (no If-Match) are a 403 and
// change nothing. The handover is held uncommitted on the row until her change
// waits for it, so the request's own read sees ann.
func TestAReplacedOwnerMayNotChangeTheArticle(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	ctx := context.Background()
	db := a.store.DB()
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPatch, "", `{"body": "ann's answer"}`},
		{http.MethodPost, "/review", ""},
	} {
		created := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", `{"title": "物流慢怎么办", "body": "先查询。",
			"category": "logistics", "owner": "ann"}`)
		if created.status != http.StatusCreated {
			t.Fatalf("create: %d %v", created.status, created.body)
		}
		id := created.body["id"].(string)
		handover, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := handover.Exec(`UPDATE knowledge_articles SET owner = 'bob' WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		done := make(chan response, 1)
		go func() { done <- a.call("ann", c.method, "/v1/knowledge/"+id+c.path, c.body) }()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var waiting int
			if err := db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
				AND wait_event_type = 'Lock' AND query LIKE '%FROM knowledge_articles WHERE id = $1 FOR UPDATE%'`); err != nil {
				t.Fatal(err)
			}
			if waiting > 0 {
				break
			}
			if time.Now().After(deadline) {
				_ = handover.Rollback()
				t.Fatalf("%s: ann's change never waited on the article's lock (answered %v)", c.method, <-done)
			}
		}
		if err := handover.Commit(); err != nil {
			t.Fatal(err)
		}
		r := <-done
		if detail, _ := r.body["detail"].(string); r.status != http.StatusForbidden || detail != "only the article's owner or quality, manager, admin may change it" {
			t.Errorf("%s by the replaced owner: %d %v, want 403", c.method, r.status, r.body)
		}
		got := a.call(auth.RoleQuality, http.MethodGet, "/v1/knowledge/"+id, "")
		if got.body["body"] != "先查询。" || got.body["owner"] != "bob" || got.body["updated_at"] != created.body["updated_at"] ||
			len(got.body["events"].([]any)) != 1 {
			t.Errorf("%s refused, the article changed: %v", c.method, got.body)
		}
	}
}

// A keyed create retried after its owner left the directory is answered the
// article it created (replayed before the directory is asked); the key with
// another body is still a 409, and a new article for the inactive owner a 400
// naming owner.
func TestAKeyedCreateReplaysAfterItsOwnerLeft(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	body := `{"title": "Gift wrap", "body": "Offer it free.", "category": "service", "owner": "oz"}`
	first := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body, "Idempotency-Key", "kb-left")
	if first.status != http.StatusCreated {
		t.Fatalf("create: %d %v", first.status, first.body)
	}
	a.admin(http.MethodDelete, "/v1/people/oz", "", http.StatusOK)
	if retry := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body, "Idempotency-Key", "kb-left"); retry.status != http.StatusOK ||
		retry.body["id"] != first.body["id"] || retry.body["owner"] != "oz" {
		t.Errorf("the retry after oz left: %d %v, want the article it created", retry.status, retry.body)
	}
	other := `{"title": "Gift wrap", "body": "Offer it for 5 yuan.", "category": "service", "owner": "oz"}`
	if r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", other, "Idempotency-Key", "kb-left"); r.status != http.StatusConflict {
		t.Errorf("the key with another body: %d %v, want 409", r.status, r.body)
	}
	for _, key := range []string{"", "kb-new"} {
		if r := a.call(auth.RoleQuality, http.MethodPost, "/v1/knowledge", body, "Idempotency-Key", key); r.status != http.StatusBadRequest ||
			len(r.fields()) != 1 || r.fields()[0] != "owner" {
			t.Errorf("a new article for oz (key %q): %d %v, want 400 naming owner", key, r.status, r.body)
		}
	}
	var n int
	if err := a.store.DB().Get(&n, `SELECT count(*) FROM knowledge_articles`); err != nil || n != 1 {
		t.Errorf("%d articles (%v), want the one", n, err)
	}
}
