package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/store"
)

// The HTTP kit every handler file uses: JSON in and out, pages and cursors, the
// resource a path's {id} names, and the conversions views need. Problems and the
// field validator are in problem.go.

// maxBodyBytes bounds every request body: a complaint is text, not an upload.
const maxBodyBytes = 64 << 10

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeItems answers a listing: {"items": [view of each]}.
func writeItems[T, V any](w http.ResponseWriter, xs []T, view func(T) V) {
	items := make([]V, len(xs))
	for i, x := range xs {
		items[i] = view(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// page reads the limit and cursor of a keyset listing. Which parameters a listing
// takes, and which may repeat, is the OpenAPI document's word (declaredQuery).
func page(v *validator, q map[string][]string) (limit int, at time.Time, id string) {
	limit = defaultPageSize
	if l := first(q, "limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPageSize {
			v.reject("limit", FieldOutOfRange, fmt.Sprintf("must be an integer from 1 to %d", maxPageSize))
		}
		limit = n
	}
	if cur := first(q, "cursor"); cur != "" {
		var err error
		if at, id, err = decodeCursor(cur); err != nil {
			v.reject("cursor", FieldInvalidFormat, "is not a cursor this API returned")
		}
	}
	return limit, at, id
}

func first(q map[string][]string, name string) string {
	if vs := q[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// writePage answers a keyset-paginated listing: the items, and the cursor of the
// last one when the page is full (there may be more).
func writePage[T, V any](w http.ResponseWriter, xs []T, limit int, view func(T) V, key func(T) (time.Time, string)) {
	items := make([]V, len(xs))
	for i, x := range xs {
		items[i] = view(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": nextCursor(xs, limit, key)})
}

// nextCursor is the cursor of the page after a full one, nil after the last.
func nextCursor[T any](xs []T, limit int, key func(T) (time.Time, string)) *string {
	if len(xs) == 0 || len(xs) < limit {
		return nil
	}
	cur := encodeCursor(key(xs[len(xs)-1]))
	return &cur
}

// fromPath loads what the path's {id} names with load; on failure it has written
// the problem: 404 naming what for an unknown id — or, when ids are UUIDs, one that
// is not a UUID (PostgreSQL would refuse it as a uuid parameter).
func fromPath[T any](s *Server, w http.ResponseWriter, r *http.Request, what string, uuidIDs bool,
	load func(context.Context, string) (T, error)) (T, bool) {
	id := r.PathValue("id")
	var row T
	if uuidIDs {
		if !isUUID(id) {
			writeProblem(w, r, problem(http.StatusNotFound, "no "+what+" "+id))
			return row, false
		}
	}
	row, err := load(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no "+what+" "+id))
		return row, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return row, false
	}
	return row, true
}

// utc is t in UTC, as views show times; nil stays nil.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func newID() string { return uuid.NewString() }

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(cur string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return time.Time{}, "", err
	}
	ts, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return time.Time{}, "", errors.New("malformed cursor")
	}
	if !isUUID(id) {
		return time.Time{}, "", errors.New("malformed cursor")
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	return at, id, err
}

// encodeOrderCursor is the cursor of a page in an order other than newest first:
// the order's mark (sort=due, sort=updated), the last row's key — for sort=due its
// next due time, "none" when it had no running clock — and its id. The mark keeps
// it apart from encodeCursor's and the other orders', which order otherwise.
func encodeOrderCursor(mark string, at *time.Time, id string) string {
	key := "none"
	if at != nil {
		key = at.UTC().Format(time.RFC3339Nano)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(mark + "|" + key + "|" + id))
}

func decodeOrderCursor(mark, cur string) (*time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return nil, "", err
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != mark || !isUUID(parts[2]) {
		return nil, "", errors.New("malformed cursor")
	}
	if parts[1] == "none" {
		return nil, parts[2], nil
	}
	at, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return nil, "", err
	}
	return &at, parts[2], nil
}

// The readers of a listing's filter parameters: each names what is wrong with a
// value on the parameter, so one 400 lists every bad parameter. An empty value
// filters nothing. Unknown parameters, and the repetition of a single-valued one,
// were refused before the handler ran (declaredQuery).

// once is the value of a single-valued parameter, at most maxRunes long.
func once(v *validator, q url.Values, name string, maxRunes int) string {
	val := first(q, name)
	v.optional(name, val, maxRunes)
	return val
}

// anyOf is the values of a parameter that may repeat or hold comma-separated
// values (status=open&status=resolved, status=open,resolved), each one of allowed.
func anyOf(v *validator, q url.Values, name string, allowed []string) []string {
	var out []string
	for _, raw := range q[name] {
		for val := range strings.SplitSeq(raw, ",") {
			if val = strings.TrimSpace(val); val == "" {
				continue
			}
			if !slices.Contains(allowed, val) {
				v.reject(name, FieldNotAllowed, fmt.Sprintf("%q is not one of %s", val, strings.Join(allowed, ", ")))
				continue
			}
			if !slices.Contains(out, val) {
				out = append(out, val)
			}
		}
	}
	return out
}

// boolean is a parameter that is true or false; nil when absent or empty.
func boolean(v *validator, q url.Values, name string) *bool {
	switch val := once(v, q, name, 5); val {
	case "":
		return nil
	case "true", "false":
		return new(val == "true")
	default:
		v.reject(name, FieldInvalidFormat, fmt.Sprintf("%q is not true or false", val))
		return nil
	}
}

// instant is a parameter holding an RFC 3339 time; nil when absent or empty.
func instant(v *validator, q url.Values, name string) *time.Time {
	val := once(v, q, name, 64)
	if val == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, val)
	if err != nil {
		v.reject(name, FieldInvalidFormat, fmt.Sprintf("%q is not an RFC 3339 time such as 2025-01-31T16:00:00Z or 2025-02-01T00:00:00%%2B08:00 (a + in a URL is %%2B)", val))
		return nil
	}
	return &t
}

// stringsOf converts named string types to the strings anyOf checks against.
func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// typed converts anyOf's strings back to a named string type.
func typed[S ~string](xs []string) []S {
	if len(xs) == 0 {
		return nil
	}
	out := make([]S, len(xs))
	for i, x := range xs {
		out[i] = S(x)
	}
	return out
}

// decodePut checks the {id} a PUT names and decodes its body into body, naming
// what is wrong with either in v; ok is false when it wrote a problem (the body is
// not a JSON object it can read: 400 malformed_json, 413, 415). The handler's own
// checks then add to v, and its v.problem() names a bad {id} with the body's bad
// fields in one 400: the id is used only once v holds nothing.
func decodePut(w http.ResponseWriter, r *http.Request, v *validator, body any) (id string, ok bool) {
	id = r.PathValue("id")
	v.id("id", id)
	if p := decodeBody(w, r, body, v); p != nil {
		writeProblem(w, r, p)
		return "", false
	}
	return id, true
}
