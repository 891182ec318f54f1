package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The in-process seam the web console (internal/console) calls the API through: it
// signs a person in with a token's secret once, keeps only the token's ID in its
// session, and then serves each API request as that token without the secret. Only
// authentication is skipped; every route's role check and every handler's rule run
// as they do for a bearer request.

type actingKey struct{}

// SignIn resolves a token's secret to the principal it acts as, as the bearer
// check does, throttled as it is (Throttled); store.ErrNotFound when the secret is
// unknown, revoked or expired, or acts as a reserved actor.
func (s *Server) SignIn(r *http.Request, secret string) (auth.Principal, error) {
	return s.principal(r, secret)
}

// Throttled reports whether err is SignIn refusing to look a token up because its
// client sent too many bad ones, and how long the client must wait.
func Throttled(err error) (time.Duration, bool) {
	var t throttledError
	if errors.As(err, &t) {
		return t.wait, true
	}
	return 0, false
}

// ActingAs returns ctx marked so that the Handler serves requests made with it as
// the token with this ID, and that token's principal; store.ErrNotFound when the
// token is unknown, revoked or expired (a session outliving its token dies with it),
// or acts as a reserved actor (refuseReservedActor).
// The mark is an unexported context key: no HTTP request can carry it.
func (s *Server) ActingAs(ctx context.Context, tokenID string) (context.Context, auth.Principal, error) {
	t, err := s.store.Token(ctx, tokenID)
	if err != nil {
		return ctx, auth.Principal{}, err
	}
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !time.Now().Before(*t.ExpiresAt)) {
		return ctx, auth.Principal{}, fmt.Errorf("token %s is revoked or expired: %w", tokenID, store.ErrNotFound)
	}
	if err := s.refuseReservedActor(t); err != nil {
		return ctx, auth.Principal{}, err
	}
	p := principalOf(t)
	return context.WithValue(ctx, actingKey{}, p), p, nil
}

// actingPrincipal is the principal ActingAs marked the request with, if any.
func actingPrincipal(r *http.Request) (auth.Principal, bool) {
	p, ok := r.Context().Value(actingKey{}).(auth.Principal)
	return p, ok
}
