package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/store"
)

func mustCreateToken(t *testing.T, st *store.Store, name string, hash []byte, expires *time.Time) store.Token {
	t.Helper()
	tok, err := st.CreateToken(context.Background(), store.Token{
		ID: uuid.NewString(), Name: name, Role: "agent", Hash: hash, CreatedBy: "test", ExpiresAt: expires,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func generation(t *testing.T, st *store.Store) int64 {
	t.Helper()
	g, err := st.TokenGeneration(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestTokenLookupRefusesRevokedAndExpired(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	live := mustCreateToken(t, st, "live", []byte("live"), &future)
	mustCreateToken(t, st, "expired", []byte("expired"), &past)
	revoked := mustCreateToken(t, st, "revoked", []byte("revoked"), nil)
	if _, err := st.RevokeToken(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		hash   string
		wantID string // "" for ErrNotFound
	}{
		{"live", live.ID},
		{"expired", ""},
		{"revoked", ""},
	}
	for _, tt := range tests {
		got, err := st.TokenByHash(ctx, []byte(tt.hash))
		if tt.wantID == "" && !errors.Is(err, store.ErrNotFound) || tt.wantID != "" && (err != nil || got.ID != tt.wantID) {
			t.Errorf("%s: got %q, %v; want %q", tt.hash, got.ID, err, tt.wantID)
		}
	}
}

func TestRevokeIsIdempotentAndBumpsTheGeneration(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	tok := mustCreateToken(t, st, "t", []byte("t"), nil)
	g0 := generation(t, st)
	first, err := st.RevokeToken(ctx, tok.ID)
	if err != nil || first.RevokedAt == nil {
		t.Fatalf("revoke: got %+v, %v", first, err)
	}
	g1 := generation(t, st)
	if g1 <= g0 {
		t.Errorf("generation after revoke: got %d, want > %d", g1, g0)
	}
	// Neither a revocation that changes nothing nor recording use is a change a
	// cached principal depends on: the generation stays.
	again, err := st.RevokeToken(ctx, tok.ID)
	if err != nil || !again.RevokedAt.Equal(*first.RevokedAt) {
		t.Errorf("second revoke: got %v, %v; want the first revocation time %v", again.RevokedAt, err, first.RevokedAt)
	}
	if _, err := st.RevokeToken(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: got %v, want ErrNotFound", err)
	}
	if err := st.TouchToken(ctx, tok.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if g := generation(t, st); g != g1 {
		t.Errorf("generation after a repeated revoke and TouchToken: got %d, want %d", g, g1)
	}
	// A change by hand is announced too.
	if _, err := st.DB().Exec(`UPDATE api_tokens SET role = 'admin' WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	if g := generation(t, st); g != g1+1 {
		t.Errorf("generation after a role change: got %d, want %d", g, g1+1)
	}
}

func TestRotationRetiresTheOldSecretForGood(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	expires := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	tok := mustCreateToken(t, st, "bootstrap-admin", []byte("old"), &expires)
	other := mustCreateToken(t, st, "other", []byte("other"), nil)
	for i, id := range []string{tok.ID, other.ID} { // signed in to the console with each
		if err := st.CreateConsoleSession(ctx, store.ConsoleSession{IDHash: []byte{byte(i)}, TokenID: id, CSRFToken: "x",
			ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	g0 := generation(t, st)
	got, err := st.RotateToken(ctx, tok.ID, store.TokenRotation{Hash: []byte("new")})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.RotatedAt == nil || got.ExpiresAt == nil || !got.ExpiresAt.Equal(expires) {
		t.Errorf("rotated: got %+v, want same ID, rotated_at set, expiry %v kept", got, expires)
	}
	if g := generation(t, st); g <= g0 {
		t.Errorf("generation after rotate: got %d, want > %d", g, g0)
	}
	if _, err := st.TokenByHash(ctx, []byte("old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old secret: got %v, want ErrNotFound", err)
	}
	if found, err := st.TokenByHash(ctx, []byte("new")); err != nil || found.ID != tok.ID {
		t.Errorf("new secret: got %q, %v", found.ID, err)
	}
	// A console session signed in with the old secret ends; another token's stays.
	if _, err := st.ConsoleSession(ctx, []byte{0}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the rotated token's console session: %v, want ended", err)
	}
	if s, err := st.ConsoleSession(ctx, []byte{1}); err != nil || s.TokenID != other.ID {
		t.Errorf("another token's console session: %+v, %v", s, err)
	}
	// A restart seeding the bootstrap token from its old secret must not revive it.
	if err := st.EnsureToken(ctx, store.Token{ID: uuid.NewString(), Name: "bootstrap-admin", Role: "admin", Hash: []byte("old"), CreatedBy: "env"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenByHash(ctx, []byte("old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old secret after EnsureToken: got %v, want ErrNotFound", err)
	}

	// A new expiry replaces the old one; nil with SetExpiry clears it.
	later := time.Now().Add(48 * time.Hour).Truncate(time.Microsecond)
	if got, err = st.RotateToken(ctx, tok.ID, store.TokenRotation{Hash: []byte("newer"), SetExpiry: true, ExpiresAt: &later}); err != nil || !got.ExpiresAt.Equal(later) {
		t.Errorf("rotate with expiry: got %v, %v; want %v", got.ExpiresAt, err, later)
	}
}

func TestRotationRefusesRevokedAndExpiredTokens(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	past := time.Now().Add(-time.Minute)
	expired := mustCreateToken(t, st, "expired", []byte("expired"), &past)
	revoked := mustCreateToken(t, st, "revoked", []byte("revoked"), nil)
	if _, err := st.RevokeToken(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name    string
		id      string
		rot     store.TokenRotation
		wantErr error // nil: rotated
	}{
		{"revoked", revoked.ID, store.TokenRotation{Hash: []byte("r2")}, store.ErrConflict},
		{"revoked with expiry", revoked.ID, store.TokenRotation{Hash: []byte("r3"), SetExpiry: true, ExpiresAt: &future}, store.ErrConflict},
		{"expired", expired.ID, store.TokenRotation{Hash: []byte("e2")}, store.ErrConflict},
		{"unknown", uuid.NewString(), store.TokenRotation{Hash: []byte("u")}, store.ErrNotFound},
		{"expired renewed", expired.ID, store.TokenRotation{Hash: []byte("e3"), SetExpiry: true, ExpiresAt: &future}, nil},
	}
	for _, tt := range tests {
		_, err := st.RotateToken(ctx, tt.id, tt.rot)
		if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	// The refused rotations retired nothing and changed no secret.
	for _, h := range []string{"r2", "r3", "e2"} {
		if _, err := st.TokenByHash(ctx, []byte(h)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("secret %s: got %v, want ErrNotFound", h, err)
		}
	}
}

func TestTokensListNewestFirstInPages(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	var want []string
	for _, name := range []string{"a", "b", "c"} {
		want = append([]string{mustCreateToken(t, st, name, []byte(name), nil).ID}, want...)
	}
	var got []string
	var at time.Time
	var after string
	for {
		page, err := st.Tokens(ctx, 2, at, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range page {
			got = append(got, tok.ID)
		}
		if len(page) < 2 {
			break
		}
		at, after = page[len(page)-1].CreatedAt, page[len(page)-1].ID
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestTouchTokenNeverMovesBack(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	tok := mustCreateToken(t, st, "t", []byte("t"), nil)
	now := time.Now().Truncate(time.Microsecond)
	for _, at := range []time.Time{now, now.Add(-time.Hour)} {
		if err := st.TouchToken(ctx, tok.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Token(ctx, tok.ID)
	if err != nil || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
		t.Errorf("last_used_at: got %v, %v; want %v", got.LastUsedAt, err, now)
	}
}
