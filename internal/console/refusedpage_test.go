package console

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// refusingConsole is a console whose API answers every call with status: a
// problem for a 4xx or a 503, a bare failure for another 5xx.
func refusingConsole(t *testing.T, status int) *Console {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status >= 500 && status != http.StatusServiceUnavailable {
			http.Error(w, "boom", status)
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"type":"about:blank","title":"%s","status":%d,"code":"refused","detail":"role agent may not"}`,
			http.StatusText(status), status)
	})
	client, err := apiclient.NewClient("http://fake", apiclient.WithHTTPClient(&http.Client{Transport: inProcess{handler: h}}))
	if err != nil {
		t.Fatal(err)
	}
	c := &Console{client: client, pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler), grants: apiGrants()}
	if err := c.parseFirstPages(); err != nil {
		t.Fatal(err)
	}
	c.routes() // parses the other pages
	return c
}

// A page whose read the API refuses answers the API's status with the page — the
// console's header and navigation — showing the refusal as every page shows it
// (its lead, status and detail; a 503 with when to try again); a read that fails
// outright is the same 500 on every page. The complaint and cycle pages answered
// a refusal in plain text, and most other pages showed the detail alone.
func TestEveryPageShowsTheAPIsRefusalAlike(t *testing.T) {
	pages := []struct {
		name string
		h    func(*Console) http.HandlerFunc
		path string
	}{
		{"escalations", func(c *Console) http.HandlerFunc { return c.escalations }, "/console/escalations"},
		{"complaint", func(c *Console) http.HandlerFunc { return c.complaint }, "/console/complaints/" + testID},
		{"cycle", func(c *Console) http.HandlerFunc { return c.cycle }, "/console/pdca/" + testID},
		{"pdca", func(c *Console) http.HandlerFunc { return c.pdcaBoard }, "/console/pdca"},
		{"reviews", func(c *Console) http.HandlerFunc { return c.reviews }, "/console/reviews"},
		{"backlog", func(c *Console) http.HandlerFunc { return c.backlog }, "/console/backlog"},
		{"qa", func(c *Console) http.HandlerFunc { return c.qaQueue }, "/console/qa"},
		{"kpi", func(c *Console) http.HandlerFunc { return c.kpiTargets }, "/console/kpi-targets"},
		{"performance", func(c *Console) http.HandlerFunc { return c.performance }, "/console/performance"},
		{"dashboard", func(c *Console) http.HandlerFunc { return c.dashboardPage }, "/console/dashboard"},
		{"notifications", func(c *Console) http.HandlerFunc { return c.notifications }, "/console/notifications"},
		{"knowledge", func(c *Console) http.HandlerFunc { return c.knowledge }, "/console/knowledge"},
		{"article", func(c *Console) http.HandlerFunc { return c.article }, "/console/knowledge/" + testID},
	}
	for _, status := range []int{http.StatusForbidden, http.StatusNotFound, http.StatusServiceUnavailable, http.StatusBadGateway} {
		c := refusingConsole(t, status)
		for _, p := range pages {
			t.Run(fmt.Sprintf("%s %d", p.name, status), func(t *testing.T) {
				w := serveAs(t, p.h(c), auth.RoleAdmin, p.path, testID)
				body := w.Body.String()
				if status == http.StatusBadGateway {
					if w.Code != http.StatusInternalServerError || !strings.Contains(body, "internal error") {
						t.Errorf("API failed: HTTP %d, %.200q; want the console's 500", w.Code, body)
					}
					return
				}
				says := (&refusal{Status: status, Detail: "role agent may not"}).Says(langEN)
				if w.Code != status || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
					t.Errorf("HTTP %d, %s; want %d and the page", w.Code, w.Header().Get("Content-Type"), status)
				}
				if !strings.Contains(body, `<nav aria-label=`) || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, template.HTMLEscapeString(says)) {
					t.Errorf("the page does not show the refusal %q in its place:\n%.600s", says, body)
				}
				if retry := w.Header().Get("Retry-After"); (status == http.StatusServiceUnavailable) != (retry == api.RetryAfterHeader) {
					t.Errorf("Retry-After %q at %d", retry, status)
				}
			})
		}
	}
}

// serveAs serves target with h to a signed-in viewer of role, the path's id set.
func serveAs(t *testing.T, h http.HandlerFunc, role auth.Role, target, id string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.SetPathValue("id", id)
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: string(role), Role: role, PersonID: string(role)}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	h(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	return w
}
