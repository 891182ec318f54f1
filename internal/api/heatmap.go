package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The heat map: complaints and feedback by problem type and keyword over a period.

const (
	defaultHeatmapKeywords = 20
	defaultHeatmapPeriod   = 30 * 24 * time.Hour
	maxHeatmapPeriod       = 366 * 24 * time.Hour
)

type heatRow struct {
	Keyword string         `json:"keyword"`
	Total   int            `json:"total"`
	Counts  map[string]int `json:"counts"`
}

// heatmap counts keyword × category over [from, to): how many complaints (by
// category) and feedback (by problem type) mention each of the top keywords.
// from and to are RFC 3339 times or dates (midnight UTC); the default period is the
// last 30 days.
func (s *Server) heatmap(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	hq := store.HeatmapQuery{Source: store.HeatmapAll, Limit: defaultHeatmapKeywords, To: time.Now().UTC()}
	toGiven := q.Get("to") != ""
	if t, ok := parseInstant(&v, "to", q.Get("to")); ok && toGiven {
		hq.To = t
	}
	hq.From = hq.To.Add(-defaultHeatmapPeriod)
	if t, ok := parseInstant(&v, "from", q.Get("from")); ok && q.Get("from") != "" {
		hq.From = t
	}
	if src := q.Get("source"); src != "" {
		v.oneOf("source", src, []string{store.HeatmapComplaints, store.HeatmapFeedback, store.HeatmapAll})
		hq.Source = src
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPageSize {
			v.reject("limit", FieldOutOfRange, fmt.Sprintf("must be an integer from 1 to %d", maxPageSize))
		}
		hq.Limit = n
	}
	if len(v.errs) == 0 {
		switch {
		case !hq.From.Before(hq.To):
			v.reject("to", FieldOutOfRange, "must be after from")
		case hq.To.Sub(hq.From) > maxHeatmapPeriod:
			v.reject("from", FieldOutOfRange, "the period may span at most 366 days")
		}
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	cells, err := s.store.Heatmap(r.Context(), hq)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := []heatRow{}
	for _, c := range cells {
		if len(rows) == 0 || rows[len(rows)-1].Keyword != c.Keyword {
			counts := make(map[string]int, len(complaint.Categories))
			for _, cat := range complaint.Categories {
				counts[cat] = 0
			}
			rows = append(rows, heatRow{Keyword: c.Keyword, Total: c.Total, Counts: counts})
		}
		rows[len(rows)-1].Counts[c.Category] += c.Count
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": hq.From, "to": hq.To, "source": hq.Source, "categories": complaint.Categories, "items": rows,
	})
}

// parseInstant reads an RFC 3339 time or a date; ok is false (and v names the
// parameter) when it is neither. An empty value is ok and zero.
func parseInstant(v *validator, name, value string) (time.Time, bool) {
	if value == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, value); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, value); err == nil {
		return t, true
	}
	v.reject(name, FieldInvalidFormat, "must be an RFC 3339 time (2026-11-01T00:00:00Z) or a date (2026-11-01)")
	return time.Time{}, false
}
