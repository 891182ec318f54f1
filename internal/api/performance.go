package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Per-agent performance (002 §3.3, §7.2; docs/metrics.md): the daily efficiency
// view, the monthly service-star ranking and its weights. Both views are the
// metrics grouped by owner over a day or a month, plus the QA input.
func (s *Server) registerPerformanceRoutes(mux *serveMux) {
	readers := []auth.Role{auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	mux.Handle("GET /v1/metrics/efficiency", s.authorize(s.getEfficiency, readers...))
	mux.Handle("GET /v1/metrics/service-stars", s.authorize(s.getServiceStars, readers...))
	mux.Handle("GET /v1/service-star-weights", s.authorize(s.getStarWeights, readers...))
	mux.Handle("PUT /v1/service-star-weights", s.authorize(s.putStarWeights, auth.RoleQuality, auth.RoleAdmin))
}

// efficiencyView is the answer of GET /v1/metrics/efficiency.
type efficiencyView struct {
	Date     string               `json:"date"`
	TimeZone string               `json:"time_zone"`
	From     time.Time            `json:"from"`
	To       time.Time            `json:"to"`
	Agents   []quality.Efficiency `json:"agents"`
}

// starsView is the answer of GET /v1/metrics/service-stars.
type starsView struct {
	Month    string              `json:"month"`
	TimeZone string              `json:"time_zone"`
	From     time.Time           `json:"from"`
	To       time.Time           `json:"to"`
	Weights  quality.StarWeights `json:"weights"`
	Agents   []quality.StarEntry `json:"agents"`
}

// parseCalendarQuery reads the one calendar parameter name (a date or a month in
// layout), time_zone and format (csvAsked); a missing name is def(today in the zone).
func parseCalendarQuery(r *http.Request, name, layout, example string, def func(time.Time) time.Time, now time.Time) (time.Time, *time.Location, bool, *Problem) {
	var v validator
	q := r.URL.Query()
	asCSV := csvAsked(r, &v)
	loc := zoneParam(&v, q)
	local := now.In(loc)
	start := def(time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc))
	if q.Has(name) {
		t, err := time.ParseInLocation(layout, q.Get(name), loc)
		if err != nil {
			v.reject(name, FieldInvalidFormat, "must look like "+example)
		}
		start = t
	}
	return start, loc, asCSV, v.problem()
}

// getEfficiency is the daily efficiency view: per agent, the complaints filed that
// day (in time_zone; default yesterday) that the agent owns.
func (s *Server) getEfficiency(w http.ResponseWriter, r *http.Request) {
	yesterday := func(today time.Time) time.Time { return today.AddDate(0, 0, -1) }
	from, loc, asCSV, p := parseCalendarQuery(r, "date", time.DateOnly, "2025-03-01", yesterday, time.Now())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	to := from.AddDate(0, 0, 1)
	report, err := s.store.Metrics(r.Context(), from, to, "owner")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	qa, err := s.store.AgentQAScores(r.Context(), from, to)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := efficiencyView{Date: from.Format(time.DateOnly), TimeZone: loc.String(),
		From: from.UTC(), To: to.UTC(), Agents: quality.EfficiencyOf(report.Groups, qa)}
	if asCSV {
		rows := [][]string{{"date", "owner", "handled", "resolved", "handling_seconds", "sla_compliance_pct", "csat_satisfied_pct", "qa_score"}}
		for _, e := range view.Agents {
			rows = append(rows, []string{view.Date, csvText(e.Owner), strconv.FormatInt(e.Handled, 10), strconv.FormatInt(e.Resolved, 10),
				csvNum(e.HandlingSeconds), csvNum(e.SLACompliancePct), csvNum(e.CSATSatisfiedPct), csvNum(e.QAScore)})
		}
		s.writeCSV(w, r, "efficiency-"+view.Date+".csv", rows)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// getServiceStars ranks the agents for a month (in time_zone; default last month)
// by the weights in force.
func (s *Server) getServiceStars(w http.ResponseWriter, r *http.Request) {
	lastMonth := func(today time.Time) time.Time {
		return time.Date(today.Year(), today.Month()-1, 1, 0, 0, 0, 0, today.Location())
	}
	from, loc, asCSV, p := parseCalendarQuery(r, "month", "2006-01", "2025-03", lastMonth, time.Now())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	to := from.AddDate(0, 1, 0)
	weights, _, err := s.store.StarWeights(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	report, err := s.store.Metrics(r.Context(), from, to, "owner")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	qa, err := s.store.AgentQAScores(r.Context(), from, to)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := starsView{Month: from.Format("2006-01"), TimeZone: loc.String(), From: from.UTC(), To: to.UTC(),
		Weights: weights, Agents: quality.RankStars(report.Groups, qa, weights)}
	if asCSV {
		// The weights in force are in each row, so a downloaded ranking says how it was scored.
		rows := [][]string{{"month", "rank", "owner", "volume", "quality", "satisfaction", "resolution", "teamwork", "score",
			"weight_quality", "weight_satisfaction", "weight_resolution", "weight_teamwork"}}
		for _, e := range view.Agents {
			rank := ""
			if e.Rank > 0 {
				rank = strconv.Itoa(e.Rank)
			}
			in := e.Inputs
			rows = append(rows, []string{view.Month, rank, csvText(e.Owner), strconv.FormatInt(e.Volume, 10),
				csvNum(in.Quality), csvNum(in.Satisfaction), csvNum(in.Resolution), csvNum(in.Teamwork), csvNum(e.Score),
				csvNum(&weights.Quality), csvNum(&weights.Satisfaction), csvNum(&weights.Resolution), csvNum(&weights.Teamwork)})
		}
		s.writeCSV(w, r, "service-stars-"+view.Month+".csv", rows)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) getStarWeights(w http.ResponseWriter, r *http.Request) {
	weights, version, err := s.store.StarWeights(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(version.At))
	writeJSON(w, http.StatusOK, weights)
}

// putStarWeights replaces the weights: each 0–100, at least one above 0; a field
// left out is 0 (not counted).
func (s *Server) putStarWeights(w http.ResponseWriter, r *http.Request) {
	var weights quality.StarWeights
	var v validator
	if p := decodeBody(w, r, &weights, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	fields := []struct {
		name string
		x    float64
	}{{"quality", weights.Quality}, {"satisfaction", weights.Satisfaction}, {"resolution", weights.Resolution}, {"teamwork", weights.Teamwork}}
	total := 0.0
	for _, f := range fields {
		if f.x < 0 || f.x > 100 {
			v.reject(f.name, FieldOutOfRange, "must be from 0 to 100")
		}
		total += max(f.x, 0)
	}
	if total == 0 {
		// Nothing would be scored: every weight is named, as any one of them fixes it.
		for _, f := range fields {
			v.reject(f.name, FieldOutOfRange, "at least one of quality, satisfaction, resolution, teamwork must be above 0")
		}
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	saved, err := s.store.PutStarWeights(r.Context(), weights, principalFrom(r.Context()).Actor(), time.Now(), version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "the service star weights", *version, saved.By, saved.At, "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "service star weights replaced", "by", principalFrom(r.Context()).Actor())
	w.Header().Set("ETag", TimeETag(saved.At))
	writeJSON(w, http.StatusOK, weights)
}
