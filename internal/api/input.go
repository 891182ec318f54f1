package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// What every request may carry outside its body, checked once for every route
// before its handler runs (the body's strings are checked by decodeBody): a path
// parameter, a query parameter or the Idempotency-Key header holding a NUL or
// another control character, or bytes that are not UTF-8, is a 400 naming it. Such
// text names nothing, and PostgreSQL refuses it ("invalid byte sequence for
// encoding UTF8: 0x00") — which a handler would report as a 500.

// wildcard matches a ServeMux pattern's wildcard: {id}, {rest...}; not {$}.
var wildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(?:\.\.\.)?\}`)

// checkedInput serves h after checking the request's path parameters (those of the
// pattern it was routed by), query parameters and Idempotency-Key.
func checkedInput(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v validator
		for _, m := range wildcard.FindAllStringSubmatch(r.Pattern, -1) {
			v.text(m[1], r.PathValue(m[1]))
		}
		if r.URL.RawQuery != "" {
			for name, values := range r.URL.Query() {
				v.text(name, name)
				for _, val := range values {
					v.text(name, val)
				}
			}
		}
		v.text("Idempotency-Key", r.Header.Get("Idempotency-Key"))
		if p := v.problem(); p != nil {
			writeProblem(w, r, p)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// text names field when value is not text a person could have typed: bytes that
// are not UTF-8, a NUL or another control character (tabs and line breaks are
// text). The same rule as a body's strings (see noNUL), stricter outside bodies.
func (v *validator) text(field, value string) {
	switch {
	case !utf8.ValidString(value):
		v.reject(field, FieldInvalidFormat, "is not valid UTF-8")
	case strings.IndexFunc(value, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	}) >= 0:
		v.reject(field, FieldInvalidFormat, "must not contain a NUL or another control character")
	}
}

// isUUID reports whether s is a UUID in its canonical 36-character form.
func isUUID(s string) bool {
	_, err := ParseID(s)
	return err == nil
}

// ParseID reads an ID in its canonical 36-character form only. uuid.Parse also
// takes "urn:uuid:…", braces and bare hex, which PostgreSQL's uuid type partly
// refuses: an ID taken on uuid.Parse's word alone would be a 500. The console reads
// its path IDs with it too.
func ParseID(s string) (uuid.UUID, error) {
	if len(s) != 36 {
		return uuid.Nil, fmt.Errorf("%q is not a canonical UUID", s)
	}
	return uuid.Parse(s)
}
