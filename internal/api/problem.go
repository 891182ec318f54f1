package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

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
