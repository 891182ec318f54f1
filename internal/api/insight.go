package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The monthly customer-needs insight report (002 §2.1 「每月输出客户需求洞察报告」,
// §7.3): for a period, the suggestions the improvement backlog received, the keyword
// trends of feedback and complaints against the period before, the root causes the
// complaints were resolved with, the KPIs against the standing targets (the KPI
// register), the improvement list's tracking, each agent's QA score (quality
// inspection, 002 §10.1) and the knowledge update rate at the period's end. As
// JSON, or as CSV with format=csv.

// insightKeywordLimit is how many keywords each trend lists.
const insightKeywordLimit = 20

type insightReport struct {
	Period            string                   `json:"period"`
	TimeZone          string                   `json:"time_zone"`
	From              time.Time                `json:"from"`
	To                time.Time                `json:"to"`
	PreviousFrom      time.Time                `json:"previous_from"`
	Suggestions       []backlogView            `json:"suggestions"`
	Backlog           quality.BacklogTracking  `json:"backlog"`
	FeedbackKeywords  []quality.KeywordTrend   `json:"feedback_keywords"`
	ComplaintKeywords []quality.KeywordTrend   `json:"complaint_keywords"`
	RootCauses        []quality.RootCauseCount `json:"root_causes"`
	KPIGaps           []quality.KPIGap         `json:"kpi_gaps"`
	QAScores          []quality.AgentQAScore   `json:"qa_scores"`
	Knowledge         quality.KnowledgeUpdate  `json:"knowledge"`
}

func (s *Server) getInsightReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	loc := zoneParam(&v, q)
	zone := loc.String()
	format := "json"
	if q.Has("format") {
		format = q.Get("format")
		v.oneOf("format", format, []string{"json", "csv"})
	}
	period := strings.TrimSpace(q.Get("period"))
	var from, to time.Time
	if period == "" {
		v.reject("period", FieldRequired, "name the period: a month 2026-10, a quarter 2026-Q3, an ISO week 2026-W42 or days 2026-10-01/2026-10-15")
	} else if f, t, err := quality.ParsePeriod(period, loc); err != nil {
		v.reject("period", FieldInvalidFormat, err.Error())
	} else {
		from, to = f, t
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ctx := r.Context()
	prev := quality.PreviousPeriod(from, to, loc)
	rep := insightReport{Period: period, TimeZone: zone, From: from.UTC(), To: to.UTC(), PreviousFrom: prev.UTC()}
	items, err := s.store.BacklogSuggestions(ctx, from, to)
	if err == nil {
		rep.Suggestions = make([]backlogView, len(items))
		for i, it := range items {
			rep.Suggestions[i] = backlogViewOf(it)
		}
		rep.Backlog, err = s.store.BacklogTracking(ctx, from, to, zone)
	}
	if err == nil {
		rep.FeedbackKeywords, err = s.store.KeywordTrends(ctx, "feedback", prev, from, to, insightKeywordLimit)
	}
	if err == nil {
		rep.ComplaintKeywords, err = s.store.KeywordTrends(ctx, "complaints", prev, from, to, insightKeywordLimit)
	}
	if err == nil {
		rep.RootCauses, err = s.store.RootCauses(ctx, from, to)
	}
	if err == nil {
		var targets quality.KPITargets
		var minSamples int64
		if targets, minSamples, err = s.kpiRule(ctx); err == nil {
			var m quality.MetricsReport
			if m, err = s.store.Metrics(ctx, from, to, "category"); err == nil {
				// judged on as many samples as the risk monitor's KPI check asks
				rep.KPIGaps = quality.KPIGaps(targets, m, minSamples)
			}
		}
	}
	if err == nil {
		var scores []quality.AgentQAScore
		if scores, err = s.store.QAScoresByDimension(ctx, from, to); err == nil {
			rep.QAScores = quality.RoundedQAScores(scores)
		}
	}
	if err == nil {
		// The knowledge update rate (002 「老員工知識更新率不足20%」) at the period's end,
		// or now for a period not over yet: a rate of the future would be a guess.
		at := to
		if now := time.Now(); now.Before(at) {
			at = now
		}
		var live []quality.KnowledgeDue
		if live, err = s.store.KnowledgeDueAt(ctx, at); err == nil {
			rep.Knowledge = quality.KnowledgeUpdateAt(live, at)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if format == "csv" {
		writeInsightCSV(w, rep)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// writeInsightCSV writes the report as one table: section, item, category, then
// the section's figures (now and before for trends; value, target and gap for KPIs;
// now the samples scored and value the average for QA scores). Text people typed —
// a suggestion's title, a root cause, an owner — goes through csvText, so a
// spreadsheet shows it rather than running it.
func writeInsightCSV(w http.ResponseWriter, rep insightReport) {
	name := "insight-" + strings.NewReplacer("/", "_", ":", "_").Replace(rep.Period) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(w)
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	rows := [][]string{{"section", "item", "category", "now", "before", "value", "target", "gap", "missed", "status", "owner", "due_on", "samples"}}
	for _, it := range rep.Suggestions {
		rows = append(rows, []string{"suggestion", csvText(it.Title), it.ProblemType, "", "", "", "", "", "", it.Status, csvText(deref(it.Owner)), deref(it.DueOn)})
	}
	b := rep.Backlog
	for _, f := range []struct {
		name string
		n    int64
	}{{"open", b.Open}, {"overdue", b.Overdue}, {"unassigned", b.Unassigned}, {"done", b.Done}} {
		rows = append(rows, []string{"backlog", f.name, "", i64(f.n), "", "", "", "", "", "", "", ""})
	}
	for _, k := range rep.FeedbackKeywords {
		rows = append(rows, []string{"feedback_keyword", csvText(k.Keyword), "", i64(k.Now), i64(k.Before), "", "", "", "", "", "", ""})
	}
	for _, k := range rep.ComplaintKeywords {
		rows = append(rows, []string{"complaint_keyword", csvText(k.Keyword), "", i64(k.Now), i64(k.Before), "", "", "", "", "", "", ""})
	}
	for _, c := range rep.RootCauses {
		rows = append(rows, []string{"root_cause", csvText(c.RootCause), csvText(c.Category), i64(c.Complaints), "", "", "", "", "", "", "", ""})
	}
	for _, g := range rep.KPIGaps {
		target := g.Target
		rows = append(rows, []string{"kpi", string(g.KPI), g.Category, "", "", num(g.Value), num(&target), num(g.Gap),
			strconv.FormatBool(g.Missed), "", "", "", i64(g.Samples)})
	}
	for _, q := range rep.QAScores {
		rows = append(rows, []string{"qa_score", csvText(q.Agent), "", strconv.Itoa(q.Scored), "", num(q.Average), "", "", "", "", "", ""})
	}
	// now the articles reviewed within their interval, value the rate of the live ones.
	k := rep.Knowledge
	rows = append(rows, []string{"knowledge", "update_rate", "", i64(k.Current), "", num(k.UpdateRatePct), "", "", "", "", "", ""})
	for i := range rows { // samples is the kpi rows' alone
		for len(rows[i]) < len(rows[0]) {
			rows[i] = append(rows[i], "")
		}
	}
	_ = cw.WriteAll(rows) // the status is sent; a broken connection is the client's
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
