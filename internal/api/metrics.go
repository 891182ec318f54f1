package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The period GET /v1/metrics reports on: the last 30 days unless asked otherwise,
// and never more than a year and a day, which bounds the query's cost.
const (
	defaultMetricsSpan = 30 * 24 * time.Hour
	maxMetricsSpan     = 366 * 24 * time.Hour
)

func (s *Server) registerMetricsRoutes(mux *serveMux) {
	mux.Handle("GET /v1/metrics", s.authorize(s.getMetrics,
		auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin))
	s.registerPerformanceRoutes(mux)
}

// metricsView is the answer of GET /v1/metrics; group_by and interval are null when
// not asked for, and then groups and series are [].
type metricsView struct {
	From     time.Time              `json:"from"`
	To       time.Time              `json:"to"`
	GroupBy  *string                `json:"group_by"`
	Interval *string                `json:"interval"`
	TimeZone string                 `json:"time_zone"`
	Total    quality.MetricsGroup   `json:"total"`
	Groups   []quality.MetricsGroup `json:"groups"`
	// Series is the period cut at the interval's calendar starts (002 §7.2 trends):
	// each point is the same report over its own cohort.
	Series []seriesPoint `json:"series"`
	// Sentiment counts the feedback received in the period by sentiment, per
	// category (problem type) and per channel; complaints are not in it.
	Sentiment sentimentSharesView `json:"sentiment"`
	// KPITargets is each enabled standing target against the period's total (000
	// §3.1, 002 §2.1), judged by kpiRule: actual and met are null when the figure has
	// fewer than kpi_min_volume of its own samples in the period.
	KPITargets []quality.KPIStanding `json:"kpi_targets"`
	// WaitTarget is the wait every group's wait_seconds.within_target counts up to.
	WaitTarget float64 `json:"wait_target_seconds"`
}

// seriesPoint is one interval of a series: its total and, with group_by, its groups.
type seriesPoint struct {
	From   time.Time              `json:"from"`
	To     time.Time              `json:"to"`
	Total  quality.MetricsGroup   `json:"total"`
	Groups []quality.MetricsGroup `json:"groups"`
}

type sentimentSharesView struct {
	ByCategory []store.SentimentShare `json:"by_category"`
	ByChannel  []store.SentimentShare `json:"by_channel"`
}

// getMetrics reports the metrics of the complaints opened in [from, to), in total
// and, with group_by, per category, channel, team, urgency or customer tier.
func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request) {
	q, p := parseMetricsQuery(r.URL.Query(), time.Now())
	if p == nil && !r.URL.Query().Has("format") && wantsMetricsCSV(r) {
		q.csv = true
	}
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	report, err := s.store.Metrics(r.Context(), q.from, q.to, q.groupBy)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	byCategory, byChannel, err := s.store.SentimentShares(r.Context(), q.from, q.to)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	targets, minSamples, err := s.kpiRule(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := metricsView{From: report.From.UTC(), To: report.To.UTC(), TimeZone: q.loc.String(),
		Total: report.Total, Groups: nonNilGroups(report.Groups), Series: []seriesPoint{},
		Sentiment:  sentimentSharesView{ByCategory: byCategory, ByChannel: byChannel},
		KPITargets: targets.Standings(report.Total, minSamples), WaitTarget: report.WaitTarget}
	if q.groupBy != "" {
		view.GroupBy = &q.groupBy
	}
	if q.interval != "" {
		interval := string(q.interval)
		view.Interval = &interval
		// The buckets are checked in parseMetricsQuery; one report per point keeps each
		// point's figures exactly those of GET /v1/metrics over its period.
		buckets, err := quality.Buckets(q.from, q.to, q.interval, q.loc)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, b := range buckets {
			p, err := s.store.Metrics(r.Context(), b.From, b.To, q.groupBy)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			view.Series = append(view.Series, seriesPoint{From: b.From, To: b.To, Total: p.Total, Groups: nonNilGroups(p.Groups)})
		}
	}
	// None granted is an empty cost of recovery, not null.
	groups := append([]*quality.MetricsGroup{&view.Total}, pointers(view.Groups)...)
	for i := range view.Series {
		groups = append(append(groups, &view.Series[i].Total), pointers(view.Series[i].Groups)...)
	}
	for _, g := range groups {
		if g.RecoveryCost == nil {
			g.RecoveryCost = []quality.RecoveryCost{}
		}
	}
	if q.csv {
		s.writeMetricsCSV(w, r, view)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// kpiRule reads the standing targets and how many of its own samples a figure needs
// to be judged: the risk thresholds' kpi_min_volume, the risk monitor's KPI check's
// minimum. The metrics and the insight report judge by it too, so neither calls a
// target missed on fewer samples than the KPI alert needs.
func (s *Server) kpiRule(ctx context.Context) (quality.KPITargets, int64, error) {
	targets, err := s.store.KPITargets(ctx)
	if err != nil {
		return quality.KPITargets{}, 0, err
	}
	thresholds, err := s.store.RiskThresholds(ctx)
	return targets, thresholds.KPIMinVolume, err
}

type metricsParams struct {
	from, to time.Time
	groupBy  string
	interval quality.Interval
	loc      *time.Location
	csv      bool
}

// parseMetricsQuery reads from, to (RFC 3339; to defaults to now, from to 30 days
// before to), group_by, interval, time_zone and format, naming every bad parameter.
func parseMetricsQuery(q url.Values, now time.Time) (metricsParams, *Problem) {
	var v validator
	out := metricsParams{to: now.UTC().Truncate(time.Second), loc: time.UTC}
	toOK, fromOK := true, true
	if raw := q.Get("to"); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			v.reject("to", FieldInvalidFormat, "must be an RFC 3339 time like 2025-04-01T00:00:00Z")
			toOK = false
		}
		out.to = t
	}
	out.from = out.to.Add(-defaultMetricsSpan)
	if raw := q.Get("from"); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			v.reject("from", FieldInvalidFormat, "must be an RFC 3339 time like 2025-03-01T00:00:00Z")
			fromOK = false
		}
		out.from = t
	}
	if fromOK && toOK {
		switch {
		case !out.from.Before(out.to):
			v.reject("from", FieldOutOfRange, "must be before to ("+out.to.UTC().Format(time.RFC3339)+")")
		case out.to.Sub(out.from) > maxMetricsSpan:
			v.reject("from", FieldOutOfRange, fmt.Sprintf("must be at most %d days before to", int(maxMetricsSpan.Hours()/24)))
		}
	}
	if q.Has("group_by") {
		g, groupings := q.Get("group_by"), store.MetricsGroupings()
		if !slices.Contains(groupings, g) {
			v.reject("group_by", FieldNotAllowed, fmt.Sprintf("%q is not one of %s", g, strings.Join(groupings, ", ")))
		}
		out.groupBy = g
	}
	parseSeriesQuery(q, &out, &v, fromOK && toOK)
	return out, v.problem()
}

// pointers returns a pointer to each element of xs.
func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// nonNilGroups is groups, or [] for none.
func nonNilGroups(groups []quality.MetricsGroup) []quality.MetricsGroup {
	if groups == nil {
		return []quality.MetricsGroup{}
	}
	return groups
}
