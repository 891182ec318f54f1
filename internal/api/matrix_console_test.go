package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/console"
)

// consoleRoutes is the console's expected table: every route and whether it needs a
// signed-in session. What a session may then do is the API's rule — each page calls
// the API in process as the session's token — and TestRoleRouteMatrix holds those.
var consoleRoutes = map[string]bool{
	"GET /console/static/":                          false,
	"GET /console/login":                            false,
	"POST /console/login":                           false,
	"GET /console/lang":                             false,
	"POST /console/logout":                          true,
	"GET /console/{$}":                              true,
	"GET /console/queue/rows":                       true,
	"GET /console/notifications/rows":               true,
	"GET /console/escalations/pending":              true,
	"GET /console/complaints/{id}/events":           true,
	"GET /console/risk/alerts":                      true,
	"GET /console/risk/{id}":                        true,
	"GET /console/pdca/{id}/events":                 true,
	"GET /console/pdca/board":                       true,
	"GET /console/complaints/{id}":                  true,
	"POST /console/complaints/{id}/reveal":          true,
	"POST /console/complaints/{id}/{action}":        true,
	"GET /console/escalations":                      true,
	"GET /console/notifications":                    true,
	"POST /console/escalations/{id}/{seq}/decide":   true,
	"GET /console/reviews":                          true,
	"POST /console/reviews/schedules":               true,
	"POST /console/reviews/run":                     true,
	"POST /console/reviews/schedules/{id}/{action}": true,
	"GET /console/backlog":                          true,
	"GET /console/insight":                          true,
	"GET /console/insight.csv":                      true,
	"POST /console/backlog/{id}":                    true,
	"GET /console/pdca":                             true,
	"POST /console/pdca":                            true,
	"GET /console/pdca/{id}":                        true,
	"POST /console/pdca/{id}/{action}":              true,
	"GET /console/risk":                             true,
	"GET /console/risk/ledger.csv":                  true,
	"POST /console/risk/{id}/{action}":              true,
	"GET /console/performance":                      true,
	"POST /console/performance/weights":             true,
	"GET /console/kpi-targets":                      true,
	"POST /console/kpi-targets":                     true,
	"GET /console/quality-setup":                    true,
	"POST /console/quality-setup/scorecard":         true,
	"POST /console/quality-setup/rules":             true,
	"POST /console/quality-setup/thresholds":        true,
	"GET /console/qa":                               true,
	"GET /console/qa/pending":                       true,
	"GET /console/reviews/list":                     true,
	"GET /console/backlog/items":                    true,
	"POST /console/qa/{id}/score":                   true,
	"POST /console/risk/open":                       true,
	"GET /console/dashboard":                        true,
	"GET /console/dashboard.csv":                    true,
	"GET /console/dashboard/figures":                true,
	"GET /console/admin/{$}":                        true,
	"GET /console/admin/policies":                   true,
	"POST /console/admin/policies/{urgency}/{tier}": true,
	"POST /console/admin/policies/sources":          true,
	"POST /console/admin/policies/sources/{source}/{urgency}/{tier}/delete": true,
	"GET /console/admin/directory":                                          true,
	"POST /console/admin/teams":                                             true,
	"POST /console/admin/people":                                            true,
	"POST /console/admin/people/{id}/webhook-secret":                        true,
	"GET /console/admin/routing":                                            true,
	"POST /console/admin/routing":                                           true,
	"GET /console/admin/calendars":                                          true,
	"POST /console/admin/calendars":                                         true,
	"GET /console/admin/classification":                                     true,
	"POST /console/admin/classification":                                    true,
	"GET /console/admin/tokens":                                             true,
	"POST /console/admin/tokens":                                            true,
	"POST /console/admin/tokens/{id}/{action}":                              true,
	"GET /console/admin/limits":                                             true,
	"POST /console/admin/limits/{action}":                                   true,
	"GET /console/admin/integrations":                                       true,
	"GET /console/confirm/{kind}/{id}":                                      true,
	"POST /console/remove/{kind}/{id}":                                      true,
	"GET /console/admin/messages":                                           true,
	"POST /console/admin/messages":                                          true,
	"GET /console/knowledge":                                                true,
	"POST /console/knowledge":                                               true,
	"GET /console/knowledge/{id}":                                           true,
	"POST /console/knowledge/{id}/{action}":                                 true,
}

// TestConsoleRouteMatrix holds the console's registered routes to consoleRoutes and
// calls each with no session, a forged session cookie, and a session of each role
// and of an agent outside the complaint's team: without a session a page goes to
// the sign-in form and a write gets 401; with one, a page is served (never sent to
// sign in) and a write without the session's CSRF token gets 403.
func TestConsoleRouteMatrix(t *testing.T) {
	a, owned, _, _ := actingAPI(t)
	a.srv.UseLimits(api.Limits{})
	c, err := console.New(a.srv, a.store, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	routes := c.Routes()
	registered := map[string]bool{}
	for _, r := range routes {
		registered[r.Pattern] = true
		session, ok := consoleRoutes[r.Pattern]
		switch {
		case !ok:
			t.Errorf("console route %s is not in consoleRoutes", r.Pattern)
		case session != r.Session:
			t.Errorf("console route %s: session %v, want %v", r.Pattern, r.Session, session)
		}
	}
	for p := range consoleRoutes {
		if !registered[p] {
			t.Errorf("consoleRoutes names %s, which the console does not register", p)
		}
	}
	if t.Failed() {
		return
	}

	h := c.Handler()
	cookies := map[string]string{"none": "", "forged": "not-a-session", "outsider": signIn(t, h, a.tokens["oz"])}
	for _, role := range auth.Roles {
		cookies[string(role)] = signIn(t, h, a.tokens[role])
	}
	cookies["agent"], cookies["manager"] = signIn(t, h, a.tokens["ann"]), signIn(t, h, a.tokens["dora"])

	for _, r := range routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = concrete(path, owned.ID)
		anonymous, _ := consoleCall(h, method, path, "")
		for caller, cookie := range cookies {
			cell := r.Pattern + " × " + caller
			status, location := consoleCall(h, method, path, cookie)
			switch {
			case !r.Session:
				if status != anonymous {
					t.Errorf("%s: got %d, want %d as without a session", cell, status, anonymous)
				}
			case caller == "none" || caller == "forged":
				if method == "GET" && (status != http.StatusSeeOther || location != "/console/login") {
					t.Errorf("%s: got %d to %q, want 303 to /console/login", cell, status, location)
				}
				if method != "GET" && status != http.StatusUnauthorized {
					t.Errorf("%s: got %d, want 401", cell, status)
				}
			case method == "GET":
				if status == http.StatusUnauthorized || location == "/console/login" {
					t.Errorf("%s: got %d to %q, want the session admitted", cell, status, location)
				}
			default:
				if status != http.StatusForbidden {
					t.Errorf("%s: got %d, want 403 without the CSRF token", cell, status)
				}
			}
		}
	}
}

// signIn opens a console session for secret and returns its cookie's value.
func signIn(t *testing.T, h http.Handler, secret string) string {
	t.Helper()
	r := httptest.NewRequest("POST", "/console/login", strings.NewReader(url.Values{"token": {secret}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == "cf_console" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("sign-in: got %d and no session cookie", w.Code)
	return ""
}

// consoleCall calls h with the session cookie (if any) and an empty form; a page
// that reaches for Temporal (the test has none) panics after the session admitted
// it, reported as 0.
func consoleCall(h http.Handler, method, path, cookie string) (status int, location string) {
	r := httptest.NewRequest(method, path, strings.NewReader(""))
	if method != "GET" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: "cf_console", Value: cookie})
	}
	w := httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			status, location = 0, ""
		}
	}()
	h.ServeHTTP(w, r)
	return w.Code, w.Header().Get("Location")
}

// TestConsoleSignInIsThrottled: the sign-in form spends the same bad-token budget
// as the API; past it the form answers 429 with Retry-After, and a valid token
// already known to the process still signs in.
func TestConsoleSignInIsThrottled(t *testing.T) {
	a := newDirectoryAPI(t)
	a.srv.UseLimits(api.Limits{BadTokensPerMinute: 6, BadTokenBurst: 2})
	c, err := console.New(a.srv, a.store, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	h := c.Handler()
	signIn(t, h, a.tokens[auth.RoleAgent]) // known to the process from now on
	try := func(secret string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/console/login", strings.NewReader(url.Values{"token": {secret}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i, want := range []int{401, 401, 429} {
		got := try("cf_wrong-" + string(rune('a'+i)))
		if got.Code != want {
			t.Fatalf("bad sign-in %d: got %d, want %d", i, got.Code, want)
		}
		if want == 429 && got.Header().Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	if got := try(a.tokens[auth.RoleAgent]); got.Code != http.StatusSeeOther {
		t.Errorf("a known valid token while throttled: got %d, want 303", got.Code)
	}
}
