package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/store"
)

// cookieName holds the random session ID; the browser never sees the API token.
const cookieName = "cf_console"

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login", nil)
}

// maxFormBytes bounds a console form's body. What a form sends goes to the API,
// which takes 64 KiB; unbounded, Go read up to ~42 MB of a form into memory (and
// more to temporary files) for anyone, signed in or not.
const maxFormBytes = 256 << 10

// signIn checks the token with the API's own check and opens a session for it.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	secret := strings.TrimSpace(r.PostFormValue("token"))
	if secret == "" {
		c.render(w, r, http.StatusBadRequest, "login", map[string]any{"Error": "Enter your API token."})
		return
	}
	p, err := c.api.SignIn(r, secret)
	if wait, ok := api.Throttled(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		c.render(w, r, http.StatusTooManyRequests, "login", map[string]any{"Error": "Too many invalid tokens from this address; try again in a minute."})
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		c.render(w, r, http.StatusUnauthorized, "login", map[string]any{"Error": "This token is not valid (unknown, revoked or expired)."})
		return
	}
	if err == nil {
		err = c.startSession(w, r, p.TokenID)
	}
	switch {
	case store.Unavailable(err):
		// The form again, not an error page: signing in is what the user will retry.
		w.Header().Set("Retry-After", api.RetryAfterHeader)
		c.render(w, r, http.StatusServiceUnavailable, "login", map[string]any{"Error": "The service is unavailable for now (its database does not answer); try again in a few seconds."})
	case err != nil:
		c.fail(w, r, err)
	default:
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	}
}

// startSession stores a new session of the token and gives the browser its cookie.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, tokenID string) error {
	id, expires := randomToken(), time.Now().Add(sessionLifetime)
	err := c.store.CreateConsoleSession(r.Context(), store.ConsoleSession{
		IDHash: hashID(id), TokenID: tokenID, CSRFToken: randomToken(), ExpiresAt: expires,
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: id, Path: "/console/", Expires: expires, MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: servedOverTLS(r),
	})
	return nil
}

// signOut deletes the session, so its cookie acts no more even if kept.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(cookieName); err == nil {
		if err := c.store.DeleteConsoleSession(r.Context(), hashID(ck.Value)); err != nil {
			c.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/console/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: servedOverTLS(r)})
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
}

// session admits a request of a signed-in person: it finds the session, checks the
// CSRF token of a write, and marks the context so API calls act as the session's
// token. Without a session a page goes to the sign-in form and a write gets 401.
func (c *Console) session(h http.HandlerFunc) http.Handler {
	return sessioned{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, v, err := c.signedIn(r)
		if errors.Is(err, store.ErrNotFound) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/console/login", http.StatusSeeOther)
			} else {
				http.Error(w, "not signed in", http.StatusUnauthorized)
			}
			return
		}
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if r.Method != http.MethodGet {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		if r.Method != http.MethodGet && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(v.CSRF)) != 1 {
			http.Error(w, "missing or wrong CSRF token", http.StatusForbidden)
			return
		}
		h(w, r.WithContext(context.WithValue(ctx, viewerKey{}, v)))
	})}
}

// sessioned is a handler behind session; the mux records that it needs one.
type sessioned struct{ http.Handler }

// signedIn finds the request's session and the principal of its token, which must
// still be live; store.ErrNotFound when there is none.
func (c *Console) signedIn(r *http.Request) (context.Context, viewer, error) {
	ck, err := r.Cookie(cookieName)
	if err != nil || ck.Value == "" {
		return nil, viewer{}, store.ErrNotFound
	}
	s, err := c.store.ConsoleSession(r.Context(), hashID(ck.Value))
	if err != nil {
		return nil, viewer{}, err
	}
	ctx, p, err := c.api.ActingAs(r.Context(), s.TokenID)
	if err != nil {
		return nil, viewer{}, err
	}
	return ctx, viewer{Principal: p, CSRF: s.CSRFToken}, nil
}
