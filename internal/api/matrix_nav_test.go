package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/console"
)

// consoleLink is a link to a console page, without its query or fragment.
var consoleLink = regexp.MustCompile(`href="(/console/[^"?#]*)`)

// TestTheConsoleLinksNoPageItsViewerIsRefused: a viewer follows every link the
// console shows them, two clicks deep from the queue and from a complaint's page
// (the navigation, a pending escalation's "decide" link, …), and no page answers
// the API's refusal. A link is shown by the API's rule for what its page reads
// (console/roles.go): its route's roles, and a rule of internal/auth where the route
// asks who the principal is. The viewers are each role's token for no person, and
// an agent and a manager acting for a person of the directory.
func TestTheConsoleLinksNoPageItsViewerIsRefused(t *testing.T) {
	a, owned, _, _ := actingAPI(t)
	a.srv.UseLimits(api.Limits{})
	c, err := console.New(a.srv, a.store, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	h := c.Handler()
	get := func(path, cookie string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.AddCookie(&http.Cookie{Name: "cf_console", Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	viewers := append([]auth.Role{"ann", "dora"}, auth.Roles...)
	for _, viewer := range viewers {
		cookie := signIn(t, h, a.tokens[viewer])
		seen := map[string]string{"/console/lang": "", "/console/static/": ""}
		from := []string{"/console/", "/console/complaints/" + owned.ID}
		for _, p := range from {
			seen[p] = "(start)"
		}
		for depth := 0; depth <= 2 && len(from) > 0; depth++ {
			var next []string
			for _, p := range from {
				w := get(p, cookie)
				if w.Code == http.StatusForbidden || strings.Contains(w.Body.String(), "Refused (403)") {
					t.Errorf("%s follows the link to %s on %s: got %d, the API's refusal", viewer, p, seen[p], w.Code)
					continue
				}
				for _, m := range consoleLink.FindAllStringSubmatch(w.Body.String(), -1) {
					if _, ok := seen[m[1]]; !ok && !strings.HasPrefix(m[1], "/console/static/") {
						seen[m[1]] = p
						next = append(next, m[1])
					}
				}
			}
			from = next
		}
	}
}
