package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// Every HTML answer of the API — found by asking every GET route of the router's
// table for text/html, with a genuine survey link for the survey page — carries the
// security headers, and its CSP allows each inline script and style of the page by
// nonce or hash, never by 'unsafe-inline'.
func TestEveryHTMLPageCarriesSecurityHeaders(t *testing.T) {
	a := newHostileAPI(t)
	ctx := context.Background()
	sv, err := a.store.OpenSurvey(ctx, survey.Survey{ID: uuid.NewString(), ComplaintID: a.valid["id"], Round: 1,
		WorkflowID: "survey:" + a.valid["id"], SentAt: time.Now(), ExpiresAt: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	key, err := a.store.SurveySigningKey(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{"token": survey.Sign(key, survey.Token{SurveyID: sv.ID, ExpiresAt: sv.ExpiresAt})}
	var pages []string
	for _, route := range a.routes {
		method, _, _ := strings.Cut(route.Pattern, " ")
		if method != http.MethodGet {
			continue
		}
		path := fill(route.Pattern, func(name string) string {
			if v, ok := values[name]; ok {
				return v
			}
			return a.valid[name]
		})
		req, _ := http.NewRequest(http.MethodGet, a.url+path, nil)
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		if len(route.Roles) > 0 {
			role := route.Roles[0]
			if slices.Contains(route.Roles, auth.RoleAdmin) {
				role = auth.RoleAdmin
			}
			req.Header.Set("Authorization", "Bearer "+a.tokens[role])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: %s without X-Content-Type-Options: nosniff", route.Pattern, resp.Header.Get("Content-Type"))
			}
			continue
		}
		pages = append(pages, route.Pattern)
		checkPageHeaders(t, route.Pattern, resp.Header, string(body))
	}
	for _, want := range []string{"GET /v1/docs", "GET /v1/surveys/{token}"} {
		if !slices.Contains(pages, want) {
			t.Errorf("%s answered no HTML page; pages found: %v", want, pages)
		}
	}
}

var (
	inlineTag = regexp.MustCompile(`(?s)<(script|style)([^>]*)>(.*?)</(?:script|style)>`)
	nonceAttr = regexp.MustCompile(`nonce="([^"]+)"`)
)

// checkPageHeaders asserts an HTML page's security headers, and that its CSP
// admits each of its inline scripts and styles by nonce or hash.
func checkPageHeaders(t *testing.T, page string, h http.Header, body string) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", page, csp, want)
		}
	}
	for _, banned := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, banned) {
			t.Errorf("%s: CSP %q allows %s", page, csp, banned)
		}
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Frame-Options": "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s %q, want %q", page, name, got, want)
		}
	}
	tags := inlineTag.FindAllStringSubmatch(body, -1)
	if len(tags) == 0 {
		t.Errorf("%s: no inline script or style; the test reads the wrong page", page)
	}
	for _, tag := range tags {
		directive := tag[1] + "-src"
		allowed := ""
		for d := range strings.SplitSeq(csp, ";") {
			if strings.HasPrefix(strings.TrimSpace(d), directive+" ") {
				allowed = d
			}
		}
		sum := sha256.Sum256([]byte(tag[3]))
		byHash := strings.Contains(allowed, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		n := nonceAttr.FindStringSubmatch(tag[2])
		byNonce := n != nil && strings.Contains(allowed, "'nonce-"+html.UnescapeString(n[1])+"'")
		if !byHash && !byNonce {
			t.Errorf("%s: an inline <%s> the CSP (%s) does not allow", page, tag[1], allowed)
		}
	}
}
