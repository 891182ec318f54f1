package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/store"
)

// maxBodyBytes bounds every request body: a complaint is text, not an upload.
const maxBodyBytes = 64 << 10

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError names one bad field: Field in dotted form, Pointer as a JSON pointer
// into the request body (RFC 6901), as RFC 9457's examples do.
type FieldError struct {
	Field   string `json:"field"`
	Pointer string `json:"pointer,omitempty"`
	Detail  string `json:"detail"`
}

func (p *Problem) Error() string { return p.Detail }

func problem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

func fieldProblem(status int, errs ...FieldError) *Problem {
	p := problem(status, "")
	p.Type = "https://complaintflow.dev/problems/invalid-request"
	p.Title = "Invalid request"
	names := make([]string, len(errs))
	for i, e := range errs {
		names[i] = e.Field + ": " + e.Detail
		if errs[i].Pointer == "" && e.Field != "" {
			errs[i].Pointer = "/" + strings.ReplaceAll(e.Field, ".", "/")
		}
	}
	p.Detail = strings.Join(names, "; ")
	p.Errors = errs
	return p
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	p.Instance = r.URL.Path
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeJSON reads a JSON object into dst strictly: JSON content type, at most
// maxBodyBytes, valid UTF-8, one object, no unknown fields, right types. Each failure
// is a problem naming what was wrong.
// writeItems answers a listing: {"items": [view of each]}.
func writeItems[T, V any](w http.ResponseWriter, xs []T, view func(T) V) {
	items := make([]V, len(xs))
	for i, x := range xs {
		items[i] = view(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// page reads the limit and cursor of a keyset listing and rejects parameters not in
// allowed.
func page(v *validator, q map[string][]string, allowed ...string) (limit int, at time.Time, id string) {
	allowed = append(allowed, "limit", "cursor")
	for name := range q {
		if !slices.Contains(allowed, name) {
			v.add(name, "unknown query parameter; use "+strings.Join(allowed, ", "))
		}
	}
	limit = defaultPageSize
	if l := first(q, "limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPageSize {
			v.add("limit", fmt.Sprintf("must be an integer from 1 to %d", maxPageSize))
		}
		limit = n
	}
	if cur := first(q, "cursor"); cur != "" {
		var err error
		if at, id, err = decodeCursor(cur); err != nil {
			v.add("cursor", "is not a cursor this API returned")
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
	var next *string
	if len(xs) > 0 && len(xs) == limit {
		cur := encodeCursor(key(xs[len(xs)-1]))
		next = &cur
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) *Problem {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return problem(http.StatusUnsupportedMediaType, "Content-Type must be application/json, got "+ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return problem(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", maxBodyBytes))
	}
	if err != nil {
		return problem(http.StatusBadRequest, "reading request body: "+err.Error())
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return problem(http.StatusBadRequest, "request body is empty; a JSON object is required")
	}
	if !utf8.Valid(body) {
		return problem(http.StatusBadRequest, "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if dec.More() {
		return problem(http.StatusBadRequest, "request body must hold a single JSON object")
	}
	return nil
}

func decodeProblem(err error) *Problem {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return problem(http.StatusBadRequest, fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return problem(http.StatusBadRequest, "malformed JSON: unexpected end of input")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return problem(http.StatusBadRequest, "request body must be a JSON object")
		}
		return fieldProblem(http.StatusBadRequest, FieldError{Field: field, Detail: "must be a JSON " + jsonKind(typeErr.Type.Kind().String())})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldProblem(http.StatusBadRequest, FieldError{Field: field, Detail: "unknown field"})
	default:
		return problem(http.StatusBadRequest, "invalid JSON: "+err.Error())
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	case "ptr":
		return "value of the documented type"
	default:
		return "number"
	}
}

// validator collects field errors so one response names every bad field.
type validator struct{ errs []FieldError }

func (v *validator) add(field, detail string) {
	v.errs = append(v.errs, FieldError{Field: field, Detail: detail})
}

func (v *validator) required(field, value string, maxRunes int) {
	switch {
	case strings.TrimSpace(value) == "":
		v.add(field, "is required")
	case utf8.RuneCountInString(value) > maxRunes:
		v.add(field, fmt.Sprintf("must be at most %d characters", maxRunes))
	}
}

func (v *validator) optional(field, value string, maxRunes int) {
	if utf8.RuneCountInString(value) > maxRunes {
		v.add(field, fmt.Sprintf("must be at most %d characters", maxRunes))
	}
}

func (v *validator) oneOf(field, value string, allowed []string) {
	if value == "" {
		v.add(field, "is required; one of "+strings.Join(allowed, ", "))
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.add(field, fmt.Sprintf("%q is not one of %s", value, strings.Join(allowed, ", ")))
}

func (v *validator) problem() *Problem {
	if len(v.errs) == 0 {
		return nil
	}
	return fieldProblem(http.StatusBadRequest, v.errs...)
}

// fromPath loads what the path's {id} names with load; on failure it has written
// the problem: 404 naming what for an unknown id — or, when ids are UUIDs, one that
// is not a UUID (PostgreSQL would refuse it as a uuid parameter).
func fromPath[T any](s *Server, w http.ResponseWriter, r *http.Request, what string, uuidIDs bool,
	load func(context.Context, string) (T, error)) (T, bool) {
	id := r.PathValue("id")
	var row T
	if uuidIDs {
		if _, err := uuid.Parse(id); err != nil {
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
