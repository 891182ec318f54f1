package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Token lifecycle (docs/tokens.md): created with an optional expiry, listed without
// secrets, rotated (new secret shown once, old one dead) and revoked.

// Bounds of a token's lifetime: a token that dies before its first use is a mistake,
// and one living longer than a year should rather be rotated.
const (
	minTokenLifetime = time.Minute
	maxTokenLifetime = 366 * 24 * time.Hour
)

func (s *Server) registerTokenRoutes(mux *serveMux) {
	mux.Handle("POST /v1/tokens", s.authorize(s.createToken, auth.RoleAdmin))
	mux.Handle("GET /v1/tokens", s.authorize(s.listTokens, auth.RoleAdmin))
	mux.Handle("GET /v1/tokens/{id}", s.authorize(s.getToken, auth.RoleAdmin))
	mux.Handle("DELETE /v1/tokens/{id}", s.authorize(s.revokeToken, auth.RoleAdmin))
	mux.Handle("POST /v1/tokens/{id}/rotate", s.authorize(s.rotateToken, auth.RoleAdmin))
}

// expiryFields is a token's optional expiry: a lifetime or an instant, not both.
type expiryFields struct {
	// ExpiresIn is a Go duration ("720h") counted from now.
	ExpiresIn string `json:"expires_in,omitempty"`
	// ExpiresAt is an RFC 3339 instant. Strings, not time.Time, so a bad value is
	// named by the validator with the others rather than failing the decoding.
	ExpiresAt string `json:"expires_at,omitempty"`
}

// check validates the expiry against now; set is false when neither field is given.
func (e expiryFields) check(v *validator, now time.Time) (at *time.Time, set bool) {
	if e.ExpiresIn != "" && e.ExpiresAt != "" {
		v.reject("expires_in", FieldConflict, "give expires_in or expires_at, not both")
		v.reject("expires_at", FieldConflict, "give expires_in or expires_at, not both")
		return nil, false
	}
	bounds := "must be from " + minTokenLifetime.String() + " to " + maxTokenLifetime.String() + " from now"
	switch {
	case e.ExpiresIn != "":
		d, err := time.ParseDuration(e.ExpiresIn)
		if err != nil {
			v.reject("expires_in", FieldInvalidFormat, `must be a duration such as "720h"`)
			return nil, false
		}
		if d < minTokenLifetime || d > maxTokenLifetime {
			v.reject("expires_in", FieldOutOfRange, bounds)
			return nil, false
		}
		t := now.Add(d)
		return &t, true
	case e.ExpiresAt != "":
		t, err := time.Parse(time.RFC3339, e.ExpiresAt)
		if err != nil {
			v.reject("expires_at", FieldInvalidFormat, "must be an RFC 3339 time such as 2030-01-02T15:04:05Z")
			return nil, false
		}
		if d := t.Sub(now); d < minTokenLifetime || d > maxTokenLifetime {
			v.reject("expires_at", FieldOutOfRange, bounds)
			return nil, false
		}
		return &t, true
	}
	return nil, false
}

type createTokenBody struct {
	Role string `json:"role"`
	Name string `json:"name"`
	// PersonID makes the token act for an active person of the directory: their ID is
	// recorded on its actions and decides which escalations it may approve.
	PersonID string `json:"person_id,omitempty"`
	expiryFields
	// IntegrationID binds an intake token to an intake integration: complaints it
	// files are reported to the integration's callback URL.
	IntegrationID string `json:"integration_id,omitempty"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var body createTokenBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	roles := make([]string, len(auth.Roles))
	for i, role := range auth.Roles {
		roles[i] = string(role)
	}
	v.oneOf("role", body.Role, roles)
	v.required("name", body.Name, 200)
	if body.PersonID == "" {
		reserveActor(&v, "name", body.Name)
	}
	// Refused, not trimmed: a padded name is a slip the admin should see, and no
	// name is changed behind their back. An invisible character (a zero-width space)
	// pads it as white space does.
	if v.ok("name") && complaint.TrimInvisible(body.Name) != body.Name {
		v.reject("name", FieldInvalidFormat, "must not begin or end with white space or an invisible character")
	}
	expires, _ := body.check(&v, time.Now())
	if body.PersonID != "" {
		reason, err := s.unusablePerson(r.Context(), body.PersonID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if reason != "" {
			v.reject("person_id", codeOfReason(reason), reason)
		}
	}
	if body.IntegrationID != "" {
		if body.Role != string(auth.RoleIntake) {
			v.reject("integration_id", FieldNotApplicable, "only intake tokens belong to an integration")
		} else if _, err := s.store.Integration(r.Context(), body.IntegrationID); errors.Is(err, store.ErrNotFound) {
			v.reject("integration_id", FieldNotFound, "no integration "+body.IntegrationID)
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	secret := auth.NewSecret()
	t, err := s.store.CreateToken(r.Context(), store.Token{
		ID: newID(), Name: body.Name, Role: body.Role, Hash: auth.Hash(secret),
		CreatedBy: principalFrom(r.Context()).Actor(),
		PersonID:  null.IfEmpty(body.PersonID), ExpiresAt: expires,
		IntegrationID: null.IfEmpty(body.IntegrationID),
	})
	if errors.Is(err, store.ErrConflict) {
		writeProblem(w, r, problem(http.StatusConflict, "token collision; try again"))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, tokenViewOf(t).withSecret(secret))
}

// tokenView is a token as the API shows it: never its secret or hash, except the
// secret once, in the answer that created or rotated it.
type tokenView struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Role     string  `json:"role"`
	PersonID *string `json:"person_id"`
	// IntegrationID is the intake integration an intake token files for.
	IntegrationID *string    `json:"integration_id"`
	State         string     `json:"state"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     string     `json:"created_by"`
	LastUsedAt    *time.Time `json:"last_used_at"`
	ExpiresAt     *time.Time `json:"expires_at"`
	RotatedAt     *time.Time `json:"rotated_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
	// Token is the secret, shown once: only its hash is stored.
	Token string `json:"token,omitempty"`
}

func tokenViewOf(t store.Token) tokenView {
	state := "active"
	switch {
	case t.RevokedAt != nil:
		state = "revoked"
	case t.ExpiresAt != nil && !t.ExpiresAt.After(time.Now()):
		state = "expired"
	}
	return tokenView{
		ID: t.ID, Name: t.Name, Role: t.Role, PersonID: t.PersonID, IntegrationID: t.IntegrationID, State: state,
		CreatedAt: t.CreatedAt.UTC(), CreatedBy: t.CreatedBy, LastUsedAt: utc(t.LastUsedAt),
		ExpiresAt: utc(t.ExpiresAt), RotatedAt: utc(t.RotatedAt), RevokedAt: utc(t.RevokedAt),
	}
}

func (v tokenView) withSecret(secret string) tokenView {
	v.Token = secret
	return v
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	var v validator
	limit, at, id := page(&v, r.URL.Query())
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ts, err := s.store.Tokens(r.Context(), limit, at, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, ts, limit, tokenViewOf, func(t store.Token) (time.Time, string) { return t.CreatedAt, t.ID })
}

func (s *Server) getToken(w http.ResponseWriter, r *http.Request) {
	if t, ok := fromPath(s, w, r, "token", true, s.store.Token); ok {
		writeJSON(w, http.StatusOK, tokenViewOf(t))
	}
}

// revokeToken revokes a token for good, idempotently: revoking it again answers the
// same revoked token.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	t, ok := fromPath(s, w, r, "token", true, s.store.RevokeToken)
	if !ok {
		return
	}
	s.tokens.recheck() // this process refuses it at once; the others within a second
	writeJSON(w, http.StatusOK, tokenViewOf(t))
}

// rotateToken gives a token a new secret, shown once; the old secret stops working.
// The body is optional: a new expires_in or expires_at replaces the expiry, which
// otherwise stays.
func (s *Server) rotateToken(w http.ResponseWriter, r *http.Request) {
	var body expiryFields
	var v validator
	if p := decodeOptionalBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	expires, set := body.check(&v, time.Now())
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	id := r.PathValue("id")
	if !isUUID(id) {
		writeProblem(w, r, problem(http.StatusNotFound, "no token "+id))
		return
	}
	secret := auth.NewSecret()
	t, err := s.store.RotateToken(r.Context(), id, store.TokenRotation{Hash: auth.Hash(secret), SetExpiry: set, ExpiresAt: expires})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, problem(http.StatusNotFound, "no token "+id))
		return
	case errors.Is(err, store.ErrConflict): // revoked, expired, or a secret collision
		writeProblem(w, r, problem(http.StatusConflict, err.Error()))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.tokens.recheck()
	writeJSON(w, http.StatusOK, tokenViewOf(t).withSecret(secret))
}

// --- principal cache -------------------------------------------------------------

// Revocation latency: every API process caches principals, yet a revoked, rotated or
// expired token must be refused everywhere within seconds. Expiry is checked on the
// cached entry itself. For the rest, each process reads a generation counter that a
// trigger bumps in the same transaction as any token change (migration 00010), at
// most once per tokenGenerationPoll, and drops principals read under an older one.
// Chosen over a short TTL because it costs one tiny query a second per process
// whatever the number of tokens, with ~1 s latency; and over LISTEN/NOTIFY because
// a poll needs no dedicated connection and cannot miss a notice during a reconnect.
const (
	tokenGenerationPoll = time.Second
	// tokenCacheTTL only bounds how long an entry lives; revocation does not wait for it.
	tokenCacheTTL = 5 * time.Minute
	// tokenUseInterval: last_used_at is written at most this often per token and
	// process, asynchronously, so a request never waits for a write.
	tokenUseInterval = time.Minute
)

type tokenCache struct {
	mu         sync.Mutex
	entries    map[string]cachedPrincipal // hash of the secret → principal
	generation int64
	checked    time.Time            // when generation was last read; zero forces a read
	used       map[string]time.Time // token ID → when its use was last recorded
	reserved   map[string]struct{}  // IDs of tokens refuseReservedActor has logged
	// bad holds hashes of secrets the store did not know, under the current
	// generation: a client repeating one bad token costs no query. A new generation
	// (any token change) drops them, as it drops the principals.
	bad map[string]struct{}
}

// maxBadTokens bounds the negative cache; past it the cache starts over (a guesser
// sending fresh secrets is stopped by the budgets in throttle.go, not by this).
const maxBadTokens = 1024

type cachedPrincipal struct {
	principal  auth.Principal
	expires    *time.Time
	generation int64
	until      time.Time
}

// current returns the token generation, reading it when the last read is older than
// tokenGenerationPoll, and drops the entries of an older one. Reads are serialised:
// requests arriving meanwhile wait for the one query rather than each sending theirs.
func (c *tokenCache) current(ctx context.Context, st *store.Store) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) < tokenGenerationPoll {
		return c.generation, nil
	}
	g, err := st.TokenGeneration(ctx)
	if err != nil {
		return 0, err
	}
	if g != c.generation || c.entries == nil {
		c.entries, c.bad = map[string]cachedPrincipal{}, map[string]struct{}{}
	}
	c.generation, c.checked = g, time.Now()
	return g, nil
}

func (c *tokenCache) get(key string, generation int64, now time.Time) (auth.Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.generation != generation || !now.Before(e.until) || (e.expires != nil && !now.Before(*e.expires)) {
		return auth.Principal{}, false
	}
	return e.principal, true
}

func (c *tokenCache) put(key string, e cachedPrincipal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries != nil && e.generation == c.generation {
		c.entries[key] = e
	}
}

// isBad reports whether key was refused under generation.
func (c *tokenCache) isBad(key string, generation int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.bad[key]
	return ok && generation == c.generation
}

// putBad notes that key was refused under generation.
func (c *tokenCache) putBad(key string, generation int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bad == nil || generation != c.generation {
		return
	}
	if len(c.bad) >= maxBadTokens {
		c.bad = map[string]struct{}{}
	}
	c.bad[key] = struct{}{}
}

// recheck makes the next lookup read the generation: after a change made through
// this process, it refuses the old secret at once.
func (c *tokenCache) recheck() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked = time.Time{}
}

// dueForUse reports whether the token's use should be recorded now, and notes it.
func (c *tokenCache) dueForUse(id string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.used[id]) < tokenUseInterval {
		return false
	}
	if c.used == nil {
		c.used = map[string]time.Time{}
	}
	c.used[id] = now
	return true
}

// firstRefusal reports whether token id is refused as a reserved actor for the first
// time in this process, and notes it.
func (c *tokenCache) firstRefusal(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.reserved[id]; ok {
		return false
	}
	if c.reserved == nil {
		c.reserved = map[string]struct{}{}
	}
	c.reserved[id] = struct{}{}
	return true
}

// throttledError: the client's budget of refused tokens is spent (throttle.go); its
// token was not looked up.
type throttledError struct{ wait time.Duration }

func (e throttledError) Error() string {
	return "too many invalid tokens; retry after " + e.wait.String()
}

// principal finds the caller behind a secret, sent by the client of r: from the cache
// when its entry was read under the current generation; else, unless the client's
// bad-token budget is spent (throttledError) or the secret was refused already,
// from the store. A refused secret is charged to the client's budget.
func (s *Server) principal(r *http.Request, secret string) (auth.Principal, error) {
	ctx := r.Context()
	hash := auth.Hash(secret)
	key := string(hash)
	// The generation is read before the token row, so an entry can only be tagged
	// with a generation older than any change its row missed.
	gen, err := s.tokens.current(ctx, s.store)
	if err != nil {
		return auth.Principal{}, err
	}
	now := time.Now()
	p, ok := s.tokens.get(key, gen, now)
	if !ok {
		if wait := s.guessing(r, secret); wait > 0 {
			return auth.Principal{}, throttledError{wait}
		}
		if s.tokens.isBad(key, gen) {
			s.refused(r, secret)
			return auth.Principal{}, store.ErrNotFound
		}
		t, err := s.store.TokenByHash(ctx, hash)
		if err == nil {
			err = s.refuseReservedActor(t)
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.lookups.WithLabelValues("unknown").Inc()
			s.tokens.putBad(key, gen)
			s.refused(r, secret)
		case err != nil:
			s.lookups.WithLabelValues("error").Inc()
		default:
			s.lookups.WithLabelValues("found").Inc()
		}
		if err != nil {
			return auth.Principal{}, err
		}
		p = principalOf(t)
		s.tokens.put(key, cachedPrincipal{principal: p, expires: t.ExpiresAt, generation: gen, until: now.Add(tokenCacheTTL)})
	}
	s.recordUse(p.TokenID, now)
	return p, nil
}

// refuseReservedActor refuses a token whose actor (auth.Principal.Actor: its person,
// else its name) is one the event log records for no staff member
// (complaint.ReservedActor), as if it were revoked: its steps would pass for the
// customer's or the system's. The API refuses such names and people, and migration
// 00044 such people, but a token named so, or for a person so named, before them
// stays and is refused here. Logged once per token and process, with the fix.
func (s *Server) refuseReservedActor(t store.Token) error {
	actor := principalOf(t).Actor()
	if !complaint.ReservedActor(actor) {
		return nil
	}
	if s.tokens.firstRefusal(t.ID) {
		s.log.Warn("a token acting as a reserved actor authenticates as nothing: revoke it and create one under another name or for another person",
			"token_id", t.ID, "actor", actor)
	}
	return fmt.Errorf("token %s acts as the reserved actor %s: %w", t.ID, actor, store.ErrNotFound)
}

// principalOf is the caller a token row stands for.
func principalOf(t store.Token) auth.Principal {
	return auth.Principal{TokenID: t.ID, Name: t.Name, Role: auth.Role(t.Role), PersonID: null.Value(t.PersonID),
		IntegrationID: null.Value(t.IntegrationID)}
}

// recordUse writes last_used_at in the background, at most once per tokenUseInterval
// per token in this process; a failed write is logged and costs only precision.
func (s *Server) recordUse(id string, now time.Time) {
	if !s.tokens.dueForUse(id, now) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.store.TouchToken(ctx, id, now); err != nil {
			s.log.Warn("recording a token's last use failed", "token_id", id, "error", err)
		}
	}()
}
