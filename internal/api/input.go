package api

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
)

// What every request may carry outside its body, checked once for every route
// before its handler runs (the body's strings are checked by decodeBody): a path
// parameter, a query parameter or the Idempotency-Key header holding a NUL or
// another control character, or bytes that are not UTF-8, is a 400 naming it. Such
// text names nothing, and PostgreSQL refuses it ("invalid byte sequence for
// encoding UTF8: 0x00") — which a handler would report as a 500. The query is held
// to the OpenAPI document too (declaredQuery).

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
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				// A pair it cannot decode would be dropped: a filter silently not applied.
				v.reject("query", FieldInvalidFormat, "is not a URL query: "+err.Error())
			}
			for name, values := range q {
				v.text(name, name)
				for _, val := range values {
					v.text(name, val)
				}
			}
			declaredQuery(&v, r.Pattern, q)
		}
		v.text("Idempotency-Key", r.Header.Get("Idempotency-Key"))
		if p := v.problem(); p != nil {
			writeProblem(w, r, p)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// declaredQuery holds a request's query to what the OpenAPI document declares for
// the operation its route serves — the one rule of every route, so no handler
// repeats it: a parameter the operation does not declare is unknown_field (a
// misspelt or unsupported filter is a bad request, not a listing that silently
// filters nothing, nor a POST that ignores it), and one that takes a single value
// given more than once is not_allowed (which one would count?). Parameters the
// document declares as lists (type: array) may repeat or hold comma-separated
// values; the handler reads them with anyOf.
func declaredQuery(v *validator, pattern string, q url.Values) {
	ops, err := openapi.QueryParameters()
	if err != nil {
		panic(err) // the embedded document is tested to load; routes() loads it first
	}
	declared, ok := ops[pattern]
	if !ok || declared == nil {
		return // not an operation of the document (a handler served beside the API), or open
	}
	names := slices.Sorted(maps.Keys(declared))
	use := "this operation takes no query parameters"
	if len(names) > 0 {
		use = "unknown query parameter; use " + strings.Join(names, ", ")
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		list, known := declared[name]
		switch {
		case !known:
			v.reject(name, FieldUnknown, use)
		case !list && len(q[name]) > 1:
			v.reject(name, FieldNotAllowed, "may be given once")
		}
	}
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
