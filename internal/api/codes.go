package api

import "net/http"

// The codes a program acts on. Every problem carries one problem code, and every
// item of its errors list one field code; both sets are stable (a code is never
// renamed or given a new meaning; a new one may be added). docs/errors.md lists
// them with their HTTP status and an example; the OpenAPI document enumerates them
// (ProblemCode, FieldErrorCode), and a test holds it to this file.

// Problem codes: the problem's "code", one per kind of failure.
const (
	// CodeInvalidRequest: the request's body, path or query breaks the API's rules
	// (400); errors names every bad field with its field code.
	CodeInvalidRequest = "invalid_request"
	// CodeMalformedJSON: the body is not one JSON object (empty, bad syntax, not
	// UTF-8, not an object, trailing data) (400).
	CodeMalformedJSON = "malformed_json"
	// CodeUnauthorized: no bearer token, or one that is not valid (401).
	CodeUnauthorized = "unauthorized"
	// CodeForbidden: the token's role may not do this (403).
	CodeForbidden = "forbidden"
	// CodeNotApprover: the caller acts for a person who is not an eligible approver
	// of the pending escalation they decide: neither its current approver nor a
	// manager above them in the owner's reporting chain (403).
	CodeNotApprover = "not_approver"
	// CodeNotFound: no such resource or route (404).
	CodeNotFound = "not_found"
	// CodeConflict: the resource's state forbids the request, e.g. it is closed or
	// the value clashes with another row (409).
	CodeConflict = "conflict"
	// CodeInvalidAction: the workflow's update validator refused the action, with
	// its reason; the action left no trace (409).
	CodeInvalidAction = "invalid_action"
	// CodeGone: the resource existed but is no longer available, e.g. an expired
	// survey link (410).
	CodeGone = "gone"
	// CodePreconditionFailed: the resource changed since the version the request's
	// If-Match names; nothing changed (412).
	CodePreconditionFailed = "precondition_failed"
	// CodePayloadTooLarge: the body exceeds 64 KiB (413).
	CodePayloadTooLarge = "payload_too_large"
	// CodeUnsupportedMediaType: the body's Content-Type is not application/json (415).
	CodeUnsupportedMediaType = "unsupported_media_type"
	// CodeUnprocessable: the request is well formed but cannot be carried out as
	// asked (422).
	CodeUnprocessable = "unprocessable"
	// CodeTooManyRequests: the client sent too many invalid tokens, or the token files
	// faster than its rate allows; retry after Retry-After seconds (429).
	CodeTooManyRequests = "too_many_requests"
	// CodeInternal: the server failed; the log says why (500).
	CodeInternal = "internal"
	// CodeUnavailable: a dependency is down or busy; retry later (503).
	CodeUnavailable = "unavailable"
	// CodeUnconfirmed: the action reached its workflow's queue but was not confirmed
	// in time (no worker, or Temporal unavailable) — unlike unavailable, it may
	// still be applied; the same request with the same Idempotency-Key is the same
	// action and learns its outcome (503).
	CodeUnconfirmed = "unconfirmed"
)

// Field codes: the "code" of an item of a problem's errors list, one per way a
// field can be wrong.
const (
	// FieldRequired: the field is missing, empty or blank.
	FieldRequired = "required"
	// FieldTooLong: the text has more characters than allowed.
	FieldTooLong = "too_long"
	// FieldInvalidType: the JSON value has the wrong type (a number for a string …).
	FieldInvalidType = "invalid_type"
	// FieldUnknown: the body has a field, or the query a parameter, the API does
	// not know.
	FieldUnknown = "unknown_field"
	// FieldNotAllowed: the value is not one of the field's allowed values.
	FieldNotAllowed = "not_allowed"
	// FieldInvalidFormat: the text does not parse as what the field holds (e-mail
	// address, RFC 3339 time, duration, cron spec, time zone, id, cursor …).
	FieldInvalidFormat = "invalid_format"
	// FieldOutOfRange: the number, duration, time or count is outside its bounds,
	// or out of order with another field (from after to …).
	FieldOutOfRange = "out_of_range"
	// FieldNotApplicable: the field does not apply to the rest of the request
	// (an owner on a reject, a keyword for another metric …).
	FieldNotApplicable = "not_applicable"
	// FieldNotFound: the value refers to something that does not exist (a person,
	// team, calendar, measure …).
	FieldNotFound = "not_found"
	// FieldInactive: the value refers to a person who is not active.
	FieldInactive = "inactive"
	// FieldConflict: the value clashes with existing data (a duplicate …).
	FieldConflict = "conflict"
	// FieldInvalid: the value breaks a rule none of the other codes names; the
	// message says which.
	FieldInvalid = "invalid"
)

// statusCodes is the problem code of a status when nothing more specific is known.
var statusCodes = map[int]string{
	http.StatusBadRequest:            CodeInvalidRequest,
	http.StatusUnauthorized:          CodeUnauthorized,
	http.StatusForbidden:             CodeForbidden,
	http.StatusNotFound:              CodeNotFound,
	http.StatusConflict:              CodeConflict,
	http.StatusGone:                  CodeGone,
	http.StatusRequestEntityTooLarge: CodePayloadTooLarge,
	http.StatusUnsupportedMediaType:  CodeUnsupportedMediaType,
	http.StatusUnprocessableEntity:   CodeUnprocessable,
	http.StatusTooManyRequests:       CodeTooManyRequests,
	http.StatusInternalServerError:   CodeInternal,
	http.StatusServiceUnavailable:    CodeUnavailable,
}

// codeOf is the problem code of status.
func codeOf(status int) string {
	if c, ok := statusCodes[status]; ok {
		return c
	}
	if status >= 500 {
		return CodeInternal
	}
	return CodeInvalidRequest
}
