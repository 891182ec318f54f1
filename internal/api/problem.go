package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Problem is an RFC 9457 problem detail. Code is stable and machine-readable (see
// codes.go); Detail and the items' Message are for people and may change.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Code     string       `json:"code"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError names one bad field: Pointer as a JSON pointer into the request body
// (RFC 6901), as RFC 9457's examples do, Field in dotted form, Code one of the
// field codes of codes.go and Message what is wrong, for people. All four are
// always sent: a body the handler's types could not hold at all has pointer ""
// (RFC 6901's whole document) and field "".
type FieldError struct {
	Pointer string `json:"pointer"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (p *Problem) Error() string { return p.Detail }

// problem is a problem with the code its status implies.
func problem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: codeOf(status), Detail: detail}
}

// problemWithCode is a problem whose code says more than its status.
func problemWithCode(status int, code, detail string) *Problem {
	p := problem(status, detail)
	p.Code = code
	return p
}

// fieldProblem names bad fields; its detail joins them for people.
func fieldProblem(status int, errs ...FieldError) *Problem {
	p := problem(status, "")
	p.Type = "https://complaintflow.dev/problems/invalid-request"
	p.Title = "Invalid request"
	names := make([]string, len(errs))
	for i, e := range errs {
		names[i] = e.Field + ": " + e.Message
		if errs[i].Pointer == "" && e.Field != "" {
			errs[i].Pointer = pointerOf(e.Field)
		}
		if errs[i].Code == "" {
			errs[i].Code = FieldInvalid
		}
	}
	p.Detail = strings.Join(names, "; ")
	p.Errors = errs
	return p
}

// pointerOf is the JSON pointer of a dotted field name: "rules[2].keywords[0]" is
// "/rules/2/keywords/0".
func pointerOf(field string) string {
	r := strings.NewReplacer("~", "~0", "/", "~1", ".", "/", "[", "/", "]", "")
	return "/" + r.Replace(field)
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	p.Instance = r.URL.Path
	// Every 503 is an outage the caller should wait out: tell it how long.
	if p.Status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", RetryAfterHeader)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// validator collects field errors so one response names every bad field. The
// body's decoding comes first (decodeBody): a field it found wrong (or a field
// under it) is not named again by the handler's own checks, so a value of the
// wrong type is reported as such and not also as missing.
type validator struct{ errs []FieldError }

// add names a bad field with the generic code FieldInvalid; reject says which
// rule it breaks.
func (v *validator) add(field, message string) {
	v.reject(field, FieldInvalid, message)
}

// reject names a bad field, the field code of the rule it breaks and what is wrong.
func (v *validator) reject(field, code, message string) {
	v.errs = append(v.errs, FieldError{Field: field, Code: code, Message: message})
}

// ok reports whether nothing is named wrong with field yet: a check that looks the
// field up (in the directory) runs when the field itself is well formed, whatever
// else is wrong, so one 400 names every bad field.
func (v *validator) ok(field string) bool {
	for _, e := range v.errs {
		if e.Field == field {
			return false
		}
	}
	return true
}

// rejectAt is reject for a field whose JSON pointer is known (decoding).
func (v *validator) rejectAt(pointer, field, code, message string) {
	v.errs = append(v.errs, FieldError{Pointer: pointer, Field: field, Code: code, Message: message})
}

func (v *validator) required(field, value string, maxRunes int) {
	switch {
	case value == "":
		v.reject(field, FieldRequired, "is required")
	case strings.TrimSpace(value) == "":
		v.reject(field, FieldRequired, "must not be blank")
	case utf8.RuneCountInString(value) > maxRunes:
		v.reject(field, FieldTooLong, fmt.Sprintf("must be at most %d characters", maxRunes))
	}
}

func (v *validator) optional(field, value string, maxRunes int) {
	if utf8.RuneCountInString(value) > maxRunes {
		v.reject(field, FieldTooLong, fmt.Sprintf("must be at most %d characters", maxRunes))
	}
}

func (v *validator) oneOf(field, value string, allowed []string) {
	if value == "" {
		v.reject(field, FieldRequired, "is required; one of "+strings.Join(allowed, ", "))
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.reject(field, FieldNotAllowed, fmt.Sprintf("%q is not one of %s", value, strings.Join(allowed, ", ")))
}

// problem is the 400 naming every bad field, nil when there is none. A field the
// decoding found wrong keeps that error only (see validator).
func (v *validator) problem() *Problem {
	if len(v.errs) == 0 {
		return nil
	}
	return fieldProblem(http.StatusBadRequest, v.deduplicated()...)
}

// deduplicated drops the errors of fields under or at a field the decoding
// found wrong, and exact repeats.
func (v *validator) deduplicated() []FieldError {
	var decoded []string
	for _, e := range v.errs {
		if e.Code == FieldInvalidType || e.Code == FieldUnknown {
			if e.Pointer != "" {
				decoded = append(decoded, e.Pointer)
			}
		}
	}
	out := make([]FieldError, 0, len(v.errs))
	seen := map[FieldError]bool{}
	for _, e := range v.errs {
		if seen[e] {
			continue
		}
		seen[e] = true
		if e.Pointer == "" && e.Field != "" {
			ptr := pointerOf(e.Field)
			if shadowed(ptr, decoded) {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// shadowed reports whether ptr is one of roots or under one of them.
func shadowed(ptr string, roots []string) bool {
	for _, r := range roots {
		if ptr == r || strings.HasPrefix(ptr, r+"/") {
			return true
		}
	}
	return false
}

// codeOfReason is the field code of a reason worded by a package that checks
// without codes (the calendar's spec, the store's directory writes, classification
// rules, PDCA plans): it tells the few kinds they use apart by their fixed wording,
// and is FieldInvalid for the rest.
func codeOfReason(reason string) string {
	switch {
	case reason == "required" || strings.HasPrefix(reason, "is required"):
		return FieldRequired
	case strings.HasPrefix(reason, "no "):
		return FieldNotFound
	case strings.HasSuffix(reason, "is not active"):
		return FieldInactive
	case strings.Contains(reason, "is not one of"):
		return FieldNotAllowed
	case strings.HasPrefix(reason, "must be at most") && strings.HasSuffix(reason, "characters"):
		return FieldTooLong
	case strings.HasPrefix(reason, "want ") || strings.HasPrefix(reason, "unknown "):
		return FieldInvalidFormat
	}
	return FieldInvalid
}
