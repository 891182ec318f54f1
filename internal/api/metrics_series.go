package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// zoneParam reads the time_zone query parameter of a report: an IANA zone, UTC when
// absent; empty, "Local" or unknown is named (PostgreSQL knows no zone "", and
// "Local" is the server's, whatever it is) and UTC stands in.
func zoneParam(v *validator, q url.Values) *time.Location {
	if !q.Has("time_zone") {
		return time.UTC
	}
	raw := q.Get("time_zone")
	loc, err := time.LoadLocation(raw)
	if err != nil || raw == "" || raw == "Local" {
		v.reject("time_zone", FieldInvalidFormat, "must be an IANA time zone like Asia/Shanghai")
		return time.UTC
	}
	return loc
}

// parseSeriesQuery reads interval (day, week or month), time_zone (IANA, default
// UTC: where a day starts) and format (json or csv; Accept: text/csv asks for CSV
// too) into out. ok says from and to are valid, so the series can be cut.
func parseSeriesQuery(q url.Values, out *metricsParams, v *validator, ok bool) {
	out.loc = zoneParam(v, q)
	if q.Has("interval") {
		raw, names := q.Get("interval"), []string{}
		for _, i := range quality.Intervals() {
			names = append(names, string(i))
		}
		if !slices.Contains(names, raw) {
			v.reject("interval", FieldNotAllowed, fmt.Sprintf("%q is not one of %s", raw, strings.Join(names, ", ")))
		} else if out.interval = quality.Interval(raw); ok && out.from.Before(out.to) {
			if _, err := quality.Buckets(out.from, out.to, out.interval, out.loc); err != nil {
				v.reject("interval", FieldOutOfRange, fmt.Sprintf("cuts the period into more than %d points; use a longer interval", quality.MaxSeriesPoints))
			}
		}
	}
	out.csv = parseFormat(q, v)
}

// parseFormat reads format: json (the default) or csv.
func parseFormat(q url.Values, v *validator) bool {
	if !q.Has("format") {
		return false
	}
	switch q.Get("format") {
	case "json":
	case "csv":
		return true
	default:
		v.reject("format", FieldNotAllowed, fmt.Sprintf("%q is not one of json, csv", q.Get("format")))
	}
	return false
}

// csvAsked is the CSV convention of every view that answers CSV too: format=csv,
// or, without format, Accept: text/csv.
func csvAsked(r *http.Request, v *validator) bool {
	if !r.URL.Query().Has("format") {
		return wantsMetricsCSV(r)
	}
	return parseFormat(r.URL.Query(), v)
}

// writeCSV answers rows (the header first) as a CSV download named name.
func (s *Server) writeCSV(w http.ResponseWriter, r *http.Request, name string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := csv.NewWriter(w).WriteAll(rows); err != nil {
		// The status is sent; all that is left is to note the broken download.
		s.log.ErrorContext(r.Context(), "CSV download failed", "name", name, "error", err)
	}
}

// csvNum is a number's cell; null is an empty cell.
func csvNum(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// wantsMetricsCSV says whether the request asks for CSV by its Accept header.
func wantsMetricsCSV(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		media, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(media), "text/csv") {
			return true
		}
	}
	return false
}

// metricsCSVHeader names the CSV's columns: the period of the row, whether it is
// the total or a group, the group's key, then every metric of docs/metrics.md
// (a duration's count, p50 and p90; a survey question's answers and mean).
var metricsCSVHeader = []string{"from", "to", "row", "key", "volume",
	"first_response_count", "first_response_p50", "first_response_p90",
	"resolution_count", "resolution_p50", "resolution_p90", "resolved",
	"sla_known", "sla_met", "sla_compliance_pct", "escalated", "escalation_rate_pct",
	"reopened", "reopen_rate_pct", "first_contact_resolved", "fcr_pct",
	"csat_answers", "csat_satisfied", "csat_satisfied_pct",
	"nps_answers", "nps_promoters", "nps_detractors", "nps", "ces_answers", "ces",
	"overall_satisfaction_answers", "overall_satisfaction_mean", "response_speed_answers", "response_speed_mean",
	"problem_solved_answers", "problem_solved_mean", "service_attitude_answers", "service_attitude_mean",
	"verified", "loop_closure_pct", "recovery_cost", "qa_scored", "qa_score",
	"wait_count", "wait_p50", "wait_p90", "wait_within_target", "wait_within_target_pct", "resolution_due"}

// writeMetricsCSV writes the report as CSV: the period's total and groups, then
// each series point's total and groups. A null metric is an empty cell.
func (s *Server) writeMetricsCSV(w http.ResponseWriter, r *http.Request, view metricsView) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="metrics.csv"`)
	out := csv.NewWriter(w)
	rows := [][]string{metricsCSVHeader}
	add := func(from, to time.Time, total quality.MetricsGroup, groups []quality.MetricsGroup) {
		rows = append(rows, metricsCSVRow(from, to, "total", total))
		for _, g := range groups {
			rows = append(rows, metricsCSVRow(from, to, "group", g))
		}
	}
	add(view.From, view.To, view.Total, view.Groups)
	for _, p := range view.Series {
		add(p.From, p.To, p.Total, p.Groups)
	}
	if err := out.WriteAll(rows); err != nil {
		// The status is sent; all that is left is to note the broken download.
		s.log.ErrorContext(r.Context(), "metrics CSV failed", "error", err)
	}
}

func metricsCSVRow(from, to time.Time, row string, g quality.MetricsGroup) []string {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	f := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	costs := make([]string, len(g.RecoveryCost))
	for i, c := range g.RecoveryCost {
		costs[i] = fmt.Sprintf("%s %s (%d)", c.Currency, strconv.FormatFloat(c.Amount, 'f', -1, 64), c.Granted)
	}
	s := g.Survey
	return []string{from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), row, csvText(g.Key), n(g.Volume),
		n(g.FirstResponseSeconds.Count), f(g.FirstResponseSeconds.P50), f(g.FirstResponseSeconds.P90),
		n(g.ResolutionSeconds.Count), f(g.ResolutionSeconds.P50), f(g.ResolutionSeconds.P90), n(g.Resolved),
		n(g.SLAKnown), n(g.SLAMet), f(g.SLACompliancePct), n(g.Escalated), f(g.EscalationRatePct),
		n(g.Reopened), f(g.ReopenRatePct), n(g.FirstContactResolved), f(g.FCRPct),
		n(g.CSATAnswers), n(g.CSATSatisfied), f(g.CSATSatisfiedPct),
		n(g.NPSAnswers), n(g.NPSPromoters), n(g.NPSDetractors), f(g.NPS), n(g.CESAnswers), f(g.CES),
		n(s.OverallSatisfaction.Answers), f(s.OverallSatisfaction.Mean), n(s.ResponseSpeed.Answers), f(s.ResponseSpeed.Mean),
		n(s.ProblemSolved.Answers), f(s.ProblemSolved.Mean), n(s.ServiceAttitude.Answers), f(s.ServiceAttitude.Mean),
		n(g.Verified), f(g.LoopClosurePct), strings.Join(costs, "; "), n(g.QAScored), f(g.QAScore),
		n(g.WaitSeconds.Count), f(g.WaitSeconds.P50), f(g.WaitSeconds.P90), n(g.WaitSeconds.WithinTarget), f(g.WaitSeconds.WithinTargetPct),
		n(g.ResolutionDue)}
}

// csvText makes a cell that would start like a spreadsheet formula inert (OWASP
// CSV injection): group keys are names people typed (categories, owners).
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
