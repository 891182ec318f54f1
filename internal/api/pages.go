package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
)

// The API's two HTML pages — the customer's survey form, whose URL holds the
// survey token, and the reference page — carry the console's protections: a
// Content-Security-Policy that runs no script or style but the page's own (by nonce
// or hash: no 'unsafe-inline'), no framing (clickjacking the survey's submit), no
// content sniffing, no Referer (it would carry the token to any site the page
// links to) and no caching of a page that holds a credential.

// writeHTMLHeaders sets the headers of an HTML page whose own sources are sources
// (script-src, style-src, connect-src directives), everything else refused.
func writeHTMLHeaders(w http.ResponseWriter, sources string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; "+sources+
		"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY") // frame-ancestors, for browsers without CSP level 2
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// newNonce is a fresh CSP nonce: 128 random bits, base64url (CSP allows - and _).
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)                            // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b) // no character html/template escapes
}

var inlineStyle = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// styleHashes are the CSP sources of a fixed page's inline <style> blocks, by hash.
func styleHashes(page []byte) string {
	out := ""
	for _, m := range inlineStyle.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		out += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	if out == "" {
		return " 'none'"
	}
	return out
}
