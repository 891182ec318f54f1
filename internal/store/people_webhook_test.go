package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// A person takes the key offered when given a webhook they had not, keeps it while
// they keep a webhook (whatever its URL), and loses it with the webhook.
func TestPutPersonIssuesKeepsAndDropsTheWebhookSecret(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	put := func(url, offered string) string {
		t.Helper()
		p, _, err := st.PutPerson(ctx, store.Person{ID: "ann", Name: "Ann", Role: complaint.RoleAgent,
			WebhookURL: null.IfEmpty(url), WebhookSecret: &offered, Active: true, UpdatedBy: "test"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if read, err := st.Person(ctx, "ann"); err != nil || null.Value(read.WebhookSecret) != null.Value(p.WebhookSecret) {
			t.Fatalf("read %v (%v), written %v", read.WebhookSecret, err, p.WebhookSecret)
		}
		return null.Value(p.WebhookSecret)
	}
	for _, step := range []struct{ what, url, offered, want string }{
		{"no webhook", "", "k1", ""},
		{"given a webhook", "https://hooks.example.com/ann", "k2", "k2"},
		{"same webhook", "https://hooks.example.com/ann", "k3", "k2"},
		{"another URL", "https://hooks.example.com/v2/ann", "k4", "k2"},
		{"webhook removed", "", "k5", ""},
		{"given one again", "https://hooks.example.com/ann", "k6", "k6"},
	} {
		if got := put(step.url, step.offered); got != step.want {
			t.Errorf("%s: key %q, want %q", step.what, got, step.want)
		}
	}
	if c, err := st.NotificationContacts(ctx, "", "ann"); err != nil || c.PersonWebhookSecret != "k6" {
		t.Errorf("contacts: key %q (%v), want k6", c.PersonWebhookSecret, err)
	}
}

func TestRotateWebhookSecret(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	url, key := "https://hooks.example.com/ann", "k1"
	ann, _, err := st.PutPerson(ctx, store.Person{ID: "ann", Name: "Ann", Role: complaint.RoleAgent, WebhookURL: &url,
		WebhookSecret: &key, Active: true, UpdatedBy: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutPerson(ctx, store.Person{ID: "bob", Name: "Bob", Role: complaint.RoleAgent, WebhookSecret: &key,
		Active: true, UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RotateWebhookSecret(ctx, "ann", "k2", "admin", &time.Time{}); !errors.Is(err, store.ErrStale) {
		t.Errorf("stale version: %v, want ErrStale", err)
	}
	p, err := st.RotateWebhookSecret(ctx, "ann", "k2", "admin", &ann.UpdatedAt)
	if err != nil || null.Value(p.WebhookSecret) != "k2" || p.UpdatedBy != "admin" {
		t.Errorf("rotated: %v %v, want k2 by admin", p.WebhookSecret, err)
	}
	var fe *store.FieldError
	if _, err := st.RotateWebhookSecret(ctx, "bob", "k3", "admin", nil); !errors.As(err, &fe) || fe.Field != "webhook_url" ||
		!errors.Is(err, store.ErrConflict) {
		t.Errorf("no webhook: %v, want a conflict naming webhook_url", err)
	}
	if _, err := st.RotateWebhookSecret(ctx, "ghost", "k3", "admin", nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no person: %v, want ErrNotFound", err)
	}
}

// UnkeyedWebhooks counts the active people whose webhook has no key of its own;
// PersonWebhook reads a person's webhook, active or not.
func TestUnkeyedWebhooksAndPersonWebhook(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	if _, err := st.DB().Exec(`INSERT INTO people (id, name, role, webhook_url, webhook_secret, active, updated_by) VALUES
		('old', 'Old', 'agent', 'https://hooks.example.com/old', NULL, true, 'test'),
		('gone', 'Gone', 'agent', 'https://hooks.example.com/gone', NULL, false, 'test'),
		('new', 'New', 'agent', 'https://hooks.example.com/new', 'k', true, 'test'),
		('none', 'None', 'agent', NULL, NULL, true, 'test')`); err != nil {
		t.Fatal(err)
	}
	if n, err := st.UnkeyedWebhooks(ctx); err != nil || n != 1 {
		t.Errorf("unkeyed webhooks: %d (%v), want 1 (old)", n, err)
	}
	for id, want := range map[string][2]string{"gone": {"https://hooks.example.com/gone", ""},
		"new": {"https://hooks.example.com/new", "k"}, "none": {}, "ghost": {}} {
		if url, key, err := st.PersonWebhook(ctx, id); err != nil || [2]string{url, key} != want {
			t.Errorf("%s's webhook: %q %q (%v), want %q", id, url, key, err, want)
		}
	}
}

// Migration 00041: people whose webhook was set before get no key (their webhooks
// stay signed with the shared one); a key needs a webhook; down removes the column.
func TestMigrationPersonWebhookSecret(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 40); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO people (id, name, role, webhook_url, updated_by)
		VALUES ('old', 'Old', 'agent', 'https://hooks.example.com/old', 'test')`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	var secret *string
	if err := db.QueryRow(`SELECT webhook_secret FROM people WHERE id = 'old'`).Scan(&secret); err != nil || secret != nil {
		t.Errorf("existing webhook: key %v (%v), want none", secret, err)
	}
	if _, err := db.Exec(`INSERT INTO people (id, name, role, webhook_secret, updated_by) VALUES ('x', 'X', 'agent', 'k', 'test')`); err == nil {
		t.Error("a key without a webhook was stored")
	}
	if err := migrations.DownTo(ctx, db, 40); err != nil {
		t.Fatal(err)
	}
	var columns int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'people' AND column_name = 'webhook_secret'`).Scan(&columns); err != nil || columns != 0 {
		t.Errorf("people keeps webhook_secret after down (%d, %v)", columns, err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
}
