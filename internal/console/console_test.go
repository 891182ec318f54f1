package console

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Writes from another site are refused before any handler runs; reads are not, and
// every answer carries the strict Content-Security-Policy.
func TestSecuredRefusesCrossSiteWrites(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := secured(ok)
	for _, tc := range []struct {
		name, method, origin, fetchSite, proto string
		tls                                    bool
		want                                   int
	}{
		{name: "behind a TLS proxy", method: "POST", origin: "https://console.test", proto: "https", want: 204},
		{name: "behind a TLS proxy, plain Origin", method: "POST", origin: "http://console.test", proto: "https", want: 403},
		{name: "a proxy rewrote Host; the browser says same-origin", method: "POST", origin: "https://public.example",
			fetchSite: "same-origin", proto: "https", want: 204},
		{name: "same-origin POST", method: "POST", origin: "http://console.test", fetchSite: "same-origin", want: 204},
		{name: "POST without browser headers", method: "POST", want: 204},
		{name: "cross-site fetch metadata", method: "POST", fetchSite: "cross-site", want: 403},
		{name: "same-site is not same-origin", method: "POST", fetchSite: "same-site", want: 403},
		{name: "foreign Origin", method: "POST", origin: "https://evil.example", want: 403},
		{name: "scheme differs", method: "POST", origin: "http://console.test", tls: true, want: 403},
		{name: "TLS same origin", method: "POST", origin: "https://console.test", tls: true, want: 204},
		{name: "cross-site GET is a read", method: "GET", fetchSite: "cross-site", want: 204},
	} {
		r := httptest.NewRequest(tc.method, "http://console.test/console/logout", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if tc.fetchSite != "" {
			r.Header.Set("Sec-Fetch-Site", tc.fetchSite)
		}
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if tc.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if got := rec.Code; got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != csp {
			t.Errorf("%s: CSP %q, want %q", tc.name, got, csp)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin", "Cache-Control": "no-store",
		} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("%s: %s %q, want %q", tc.name, name, got, want)
			}
		}
	}
}

// The console's CSP runs only its own files: no inline script or style (nonce-less
// 'unsafe-inline' would let an injected <script> run), no framing, no plugins.
func TestCSPAllowsNothingInline(t *testing.T) {
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, banned := range []string{"unsafe-inline", "unsafe-eval", "*", "data:"} {
		if strings.Contains(csp, banned) {
			t.Errorf("CSP %q allows %s", csp, banned)
		}
	}
}

// A refreshing part's poll hears 304 while the part is the one the page shows
// (its ETag sent back) and the part with a new ETag when it changed; the page
// embeds the same HTML the poll answers.
func TestPartAnswersNotModifiedWhileUnchanged(t *testing.T) {
	c := withPage(t, "queue")
	rows := func(subject string) map[string]any {
		return map[string]any{"Items": []complaint{{Complaint: apiclient.Complaint{Subject: subject}}}, "Lang": "en"}
	}
	drawn, err := c.part(c.pages["queue"], "rows", rows("parcel late"))
	if err != nil {
		t.Fatal(err)
	}
	ask := func(etag string, data map[string]any) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/console/queue/rows", nil)
		if etag != "" {
			r.Header.Set("If-None-Match", etag)
		}
		w := httptest.NewRecorder()
		c.partAnswer(w, r, c.pages["queue"], "rows", data)
		return w
	}
	for _, tc := range []struct {
		name, etag string
		data       map[string]any
		status     int
		changed    bool
	}{
		{"nothing changed", drawn.ETag, rows("parcel late"), http.StatusNotModified, false},
		{"a row changed", drawn.ETag, rows("parcel lost"), http.StatusOK, true},
		{"no fingerprint sent", "", rows("parcel late"), http.StatusOK, false},
	} {
		w := ask(tc.etag, tc.data)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.status)
		}
		if got := w.Header().Get("ETag"); (got != drawn.ETag) != tc.changed || got == "" {
			t.Errorf("%s: ETag %q (drawn %q), changed %v", tc.name, got, drawn.ETag, tc.changed)
		}
		if tc.status == http.StatusNotModified && w.Body.Len() != 0 {
			t.Errorf("%s: a 304 with a body of %d bytes", tc.name, w.Body.Len())
		}
		if tc.status == http.StatusOK && !tc.changed && w.Body.String() != string(drawn.HTML) {
			t.Errorf("%s: the poll answers %q, the page drew %q", tc.name, w.Body.String(), drawn.HTML)
		}
	}
}

// A refusal reads as its lead, status and the API's detail — but an action not
// confirmed in time gets the console's own words: the API's advice (retry with the
// same Idempotency-Key) is for API callers, and the form comes back with its key.
func TestRefusalSays(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r       refusal
		lang    string
		want    string
		mustNot string
	}{
		{"a field refused", refusal{Status: 400, Code: "invalid_request", Detail: "owner: no person nobody"}, "en",
			"Refused (400): owner: no person nobody", ""},
		{"nothing done", refusal{Status: 503, Code: "unavailable", Detail: "the database does not answer"}, "en",
			"Unavailable for now — try again (a form sent again is applied at most once) (503): the database does not answer", ""},
		{"not confirmed", refusal{Status: 503, Code: "unconfirmed", Detail: "the action was not confirmed within 10s (no worker, or Temporal unavailable); it may still be applied: retry with the same Idempotency-Key to learn its outcome"}, "en",
			"Not confirmed yet — no worker took the action in time", "Idempotency-Key"},
		{"changed elsewhere", refusal{Status: 412, Code: "precondition_failed", Detail: "backlog item 1 changed since …"}, "en",
			"Not saved: changed elsewhere since this page was drawn. What you typed is still here", ""},
		{"not confirmed, in Chinese", refusal{Status: 503, Code: "unconfirmed", Detail: "…"}, langZH,
			"尚未确认", "…"},
	} {
		got := tc.r.Says(tc.lang)
		if !strings.HasPrefix(got, tc.want) || tc.mustNot != "" && strings.Contains(got, tc.mustNot) {
			t.Errorf("%s: %q, want %q first and no %q", tc.name, got, tc.want, tc.mustNot)
		}
	}
}

// A poll's If-None-Match names the part shown by the weak comparison: a proxy's W/
// or a list of tags still match; another tag or none does not.
func TestShows(t *testing.T) {
	const etag = `"9f86d081"`
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{`"9f86d081"`, true},
		{`W/"9f86d081"`, true},
		{`"0badc0de", W/"9f86d081"`, true},
		{`*`, true},
		{`"0badc0de"`, false},
		{`9f86d081`, false},
		{``, false},
	} {
		if got := shows(tc.header, etag); got != tc.want {
			t.Errorf("If-None-Match %q: %v, want %v", tc.header, got, tc.want)
		}
	}
}
