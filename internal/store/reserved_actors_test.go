package store_test

import (
	"context"
	"testing"

	"github.com/complaintflow/complaintflow/migrations"
)

// Migration 00044: no new person takes the ID customer or system, bypassing the API
// or not; people written before stay and can still be deactivated, but not changed
// otherwise, nor upserted while active. Tokens get no check (the API refuses one
// named so for no person): a token written before is still written to when used.
func TestMigrationReservedActors(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 43); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) error {
		_, err := db.ExecContext(ctx, q)
		return err
	}
	for _, q := range []string{
		`INSERT INTO people (id, name, role, updated_by) VALUES ('system', 'Old', 'agent', 'test')`,
		`INSERT INTO api_tokens (id, name, role, token_hash, created_by)
			VALUES ('00000000-0000-0000-0000-000000000001', 'customer', 'agent', '\x01', 'test')`,
	} {
		if err := exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	var kept int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM people WHERE id = 'system') +
		(SELECT count(*) FROM api_tokens WHERE name = 'customer')`).Scan(&kept); err != nil || kept != 2 {
		t.Errorf("rows written before: %d kept (%v), want 2", kept, err)
	}
	for what, q := range map[string]string{
		"a person customer":      `INSERT INTO people (id, name, role, updated_by) VALUES ('customer', 'C', 'agent', 'test')`,
		"the old person renamed": `UPDATE people SET name = 'Older' WHERE id = 'system'`,
		"the old person upserted": `INSERT INTO people (id, name, role, updated_by) VALUES ('system', 'Old', 'agent', 'test')
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
	} {
		if err := exec(q); err == nil {
			t.Errorf("%s: written, want refused", what)
		}
	}
	for what, q := range map[string]string{
		"a token system for a person": `INSERT INTO people (id, name, role, updated_by) VALUES ('ann', 'Ann', 'agent', 'test');
			INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id) VALUES (gen_random_uuid(), 'system', 'agent', '\x03', 'test', 'ann')`,
		"the old token used":         `UPDATE api_tokens SET last_used_at = now() WHERE name = 'customer'`,
		"the old person deactivated": `UPDATE people SET active = false WHERE id = 'system'`,
		"the old token revoked":      `UPDATE api_tokens SET revoked_at = now() WHERE name = 'customer'`,
	} {
		if err := exec(q); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	if err := migrations.DownTo(ctx, db, 43); err != nil {
		t.Fatal(err)
	}
	if err := exec(`INSERT INTO people (id, name, role, updated_by) VALUES ('customer', 'C', 'agent', 'test')`); err != nil {
		t.Errorf("after down: %v", err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
}

// A person with a reserved actor's ID written before migration 00044 can be given
// no key (the check refuses any change but their deactivation), so the worker's
// warning about unkeyed webhooks, which tells the admin to rotate, leaves them out.
func TestUnkeyedWebhooksLeaveReservedActorsOut(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 43); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO people (id, name, role, webhook_url, active, updated_by) VALUES
		('system', 'Old', 'agent', 'https://hooks.example.com/system', true, 'test'),
		('ann', 'Ann', 'agent', 'https://hooks.example.com/ann', true, 'test')`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if n, err := st.UnkeyedWebhooks(ctx); err != nil || n != 1 {
		t.Errorf("unkeyed webhooks: %d (%v), want 1 (ann)", n, err)
	}
}
