package api

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/store"
)

// putCalendarBody is a calendar's name and its calendar.Spec, spelled out rather
// than embedded so the body's fields stay this API's, whatever the Spec type grows.
type putCalendarBody struct {
	Name        string                     `json:"name"`
	TimeZone    string                     `json:"time_zone"`
	WeeklyHours map[string][]calendar.Span `json:"weekly_hours"`
	Holidays    []string                   `json:"holidays,omitempty"`
	WorkingDays []string                   `json:"working_days,omitempty"`
}

func (b putCalendarBody) spec() calendar.Spec {
	return calendar.Spec{TimeZone: b.TimeZone, WeeklyHours: b.WeeklyHours, Holidays: b.Holidays, WorkingDays: b.WorkingDays}
}

type calendarView struct {
	ID          string                     `json:"id"`
	Name        string                     `json:"name"`
	TimeZone    string                     `json:"time_zone"`
	WeeklyHours map[string][]calendar.Span `json:"weekly_hours"`
	Holidays    []string                   `json:"holidays"`
	WorkingDays []string                   `json:"working_days"`
	CreatedAt   time.Time                  `json:"created_at"`
	UpdatedAt   time.Time                  `json:"updated_at"`
	UpdatedBy   string                     `json:"updated_by"`
}

func calendarViewOf(c store.Calendar) calendarView {
	v := calendarView{
		ID: c.ID, Name: c.Name, TimeZone: c.Spec.TimeZone, WeeklyHours: c.Spec.WeeklyHours,
		Holidays: c.Spec.Holidays, WorkingDays: c.Spec.WorkingDays,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), UpdatedBy: c.UpdatedBy,
	}
	// Empty lists, not nulls: clients iterate them.
	if v.Holidays == nil {
		v.Holidays = []string{}
	}
	if v.WorkingDays == nil {
		v.WorkingDays = []string{}
	}
	return v
}

// specIndex turns the calendar package's "weekly_hours.mon[0].end" into the JSON
// pointer "/weekly_hours/mon/0/end".
var specIndex = regexp.MustCompile(`\[(\d+)\]`)

func specPointer(field string) string {
	return "/" + strings.ReplaceAll(specIndex.ReplaceAllString(field, ".$1"), ".", "/")
}

func (s *Server) putCalendar(w http.ResponseWriter, r *http.Request) {
	var v validator
	var body putCalendarBody
	id, ok := decodePut(w, r, &v, &body)
	if !ok {
		return
	}
	body.validate(&v)
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	c, created, err := s.store.PutCalendar(r.Context(), store.Calendar{
		ID: id, Name: body.Name, Spec: body.spec(), UpdatedBy: principalFrom(r.Context()).Actor(),
	}, version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "calendar "+id, *version, c.UpdatedBy, c.UpdatedAt, "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(c.UpdatedAt))
	writePut(w, r, created, calendarViewOf(c))
}

// validate names every bad field of the calendar: its name, and what the calendar
// package finds wrong with its spec.
func (b putCalendarBody) validate(v *validator) {
	v.required("name", b.Name, 200)
	for _, e := range b.spec().Validate() {
		v.errs = append(v.errs, FieldError{Field: e.Field, Pointer: specPointer(e.Field), Code: codeOfReason(e.Reason), Message: e.Reason})
	}
}

func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request) {
	cs, err := s.store.Calendars(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, cs, calendarViewOf)
}

// getCalendar shows a calendar or, given ?from=<RFC 3339>&add=<duration>, previews
// the deadline a clock of that length started at from would get on it.
func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, err := s.store.Calendar(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no calendar "+id))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	if len(q) == 0 {
		w.Header().Set("ETag", TimeETag(c.UpdatedAt))
		writeJSON(w, http.StatusOK, calendarViewOf(c))
		return
	}
	from, add, p := parsePreview(q)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	compiled, err := calendar.Compile(c.Spec)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("stored calendar %s does not compile: %w", c.ID, err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"calendar_id": c.ID, "from": from.UTC(), "add": add.String(),
		"deadline": compiled.Add(from, add).UTC(),
	})
}

// parsePreview reads the from and add query parameters of a deadline preview.
func parsePreview(q map[string][]string) (time.Time, time.Duration, *Problem) {
	var v validator
	get := func(name string) string {
		if vals := q[name]; len(vals) > 0 {
			return vals[0]
		}
		return ""
	}
	from, err := time.Parse(time.RFC3339, get("from"))
	switch {
	case get("from") == "":
		v.reject("from", FieldRequired, "is required with add: an RFC 3339 time like 2025-01-06T09:00:00Z")
	case err != nil:
		v.reject("from", FieldInvalidFormat, "must be an RFC 3339 time like 2025-01-06T09:00:00Z")
	}
	add, err := time.ParseDuration(get("add"))
	switch {
	case get("add") == "":
		v.reject("add", FieldRequired, `is required with from: a duration like "90m" or "24h"`)
	case err != nil:
		v.reject("add", FieldInvalidFormat, `must be a duration like "90m" or "24h"`)
	case add < 0 || add > maxSLA:
		v.reject("add", FieldOutOfRange, "must be between 0s and 8784h")
	}
	return from, add, v.problem()
}

func (s *Server) deleteCalendar(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	answered, err := deleteAt(w, r, "calendar "+id, func(version *time.Time) error {
		return s.store.DeleteCalendar(r.Context(), id, version)
	}, func() (string, time.Time, error) {
		c, err := s.store.Calendar(r.Context(), id)
		return c.UpdatedBy, c.UpdatedAt, err
	})
	if answered {
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no calendar "+id))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
