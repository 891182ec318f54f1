package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// ErrUnknownGrouping means Metrics was asked to group by a dimension it does not know.
var ErrUnknownGrouping = errors.New("unknown metrics grouping")

// metricsGroupings maps each group_by value to the SQL expression over the complaints
// row (alias c) that names a complaint's group. Only these fixed expressions ever
// reach the query text; the caller's string is a map key, never SQL.
var metricsGroupings = map[string]string{
	"category": "c.category",
	"channel":  "c.channel",
	"team":     "COALESCE(c.team_id, 'unassigned')",
	"urgency":  "c.urgency",
	"tier":     "c.customer_tier",
	// The agent who owns the complaint now (002 §3.3 per-agent performance).
	"owner": "COALESCE(c.owner, 'unassigned')",
}

// MetricsGroupings lists the dimensions Metrics can group by, sorted.
func MetricsGroupings() []string {
	names := make([]string, 0, len(metricsGroupings))
	for name := range metricsGroupings {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// metricsQuery computes every metric of a cohort in one statement, from the
// complaint_metrics rows of its complaints (migration 00013): one narrow row of facts
// per complaint, kept by PostgreSQL from the complaint's events whenever events are
// added, with the expressions this query used to apply to the whole event log. Here
// only the cohort's rows are read, through the opened_at index, and aggregated.
// %[1]s is the group expression, taken from metricsGroupings, over the complaint's
// current row c, which every report joins for the customer's wait (filed on the
// complaint, not an event: docs/metrics.md "Wait time"); $1 and $2 bound the cohort,
// $3 is the wait target in seconds. Rates are computed in numeric and rounded to 2
// decimals, percentiles to the millisecond, so the answer carries no floating-point
// noise.
const metricsQuery = `
WITH facts AS (
    SELECT %[1]s AS grp,
        f.resolved, f.breached, f.escalated, f.reopened, f.verified,
        -- Due for resolution: resolved, or its resolution deadline recorded as passed
        -- (docs/metrics.md "Resolution rate"); one still within it is not counted yet.
        f.resolved OR f.resolution_breached AS resolution_due,
        f.csat_answers, f.csat_satisfied, f.nps_answers, f.nps_promoters, f.nps_detractors,
        f.ces_answers, f.ces_sum, f.csat_sum, f.speed_n, f.speed_sum, f.solved_n, f.solved_sum,
        f.attitude_n, f.attitude_sum,
        extract(epoch FROM f.responded_at - f.opened_at)::float8 AS first_response_s,
        (extract(epoch FROM f.resolved_at - f.opened_at) - f.paused_seconds)::float8 AS resolution_s,
        c.wait_seconds::float8 AS wait_s,
        f.resolved OR f.breached AS sla_known,
        -- Resolved at first contact (docs/metrics.md "First-contact resolution"): by its
        -- first handling, acknowledging included, without the customer coming back
        -- (reopened; waited on, i.e. paused, before the first resolution) or the
        -- complaint being passed on (an escalation request, a handover: passed_on). The
        -- breach ladder's sla_escalated, which comes with every breach, does not pass it
        -- on: a late resolution is still first-contact.
        f.resolved AND NOT f.reopened AND f.paused_seconds = 0 AND NOT f.passed_on AS fcr
    FROM complaint_metrics f
    JOIN complaints c ON c.id = f.complaint_id
    -- The cohort: complaints whose first opened event falls in [from, to).
    WHERE f.opened_at >= $1 AND f.opened_at < $2
)
SELECT GROUPING(grp) = 1 AS is_total, COALESCE(grp, '') AS key,
    count(*) AS volume,
    count(first_response_s) AS first_response_count,
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_s)::numeric, 3)::float8 AS first_response_p50,
    round(percentile_cont(0.9) WITHIN GROUP (ORDER BY first_response_s)::numeric, 3)::float8 AS first_response_p90,
    count(resolution_s) AS resolution_count,
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_s)::numeric, 3)::float8 AS resolution_p50,
    round(percentile_cont(0.9) WITHIN GROUP (ORDER BY resolution_s)::numeric, 3)::float8 AS resolution_p90,
    count(wait_s) AS wait_count,
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_s)::numeric, 3)::float8 AS wait_p50,
    round(percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_s)::numeric, 3)::float8 AS wait_p90,
    count(*) FILTER (WHERE wait_s <= $3) AS wait_within,
    round(100 * (count(*) FILTER (WHERE wait_s <= $3))::numeric / NULLIF(count(wait_s), 0), 2)::float8 AS wait_within_pct,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(*) FILTER (WHERE resolution_due) AS resolution_due,
    count(*) FILTER (WHERE sla_known) AS sla_known,
    count(*) FILTER (WHERE sla_known AND NOT breached) AS sla_met,
    round(100 * (count(*) FILTER (WHERE sla_known AND NOT breached))::numeric
        / NULLIF(count(*) FILTER (WHERE sla_known), 0), 2)::float8 AS sla_compliance_pct,
    count(*) FILTER (WHERE escalated) AS escalated,
    round(100 * (count(*) FILTER (WHERE escalated))::numeric / NULLIF(count(*), 0), 2)::float8 AS escalation_rate_pct,
    count(*) FILTER (WHERE resolved AND reopened) AS reopened,
    round(100 * (count(*) FILTER (WHERE resolved AND reopened))::numeric
        / NULLIF(count(*) FILTER (WHERE resolved), 0), 2)::float8 AS reopen_rate_pct,
    count(*) FILTER (WHERE fcr) AS first_contact_resolved,
    round(100 * (count(*) FILTER (WHERE fcr))::numeric
        / NULLIF(count(*) FILTER (WHERE resolved), 0), 2)::float8 AS fcr_pct,
    COALESCE(sum(csat_answers), 0)::bigint AS csat_answers,
    COALESCE(sum(csat_satisfied), 0)::bigint AS csat_satisfied,
    round(100 * sum(csat_satisfied) / NULLIF(sum(csat_answers), 0), 2)::float8 AS csat_satisfied_pct,
    COALESCE(sum(nps_answers), 0)::bigint AS nps_answers,
    COALESCE(sum(nps_promoters), 0)::bigint AS nps_promoters,
    COALESCE(sum(nps_detractors), 0)::bigint AS nps_detractors,
    round(100 * (sum(nps_promoters) - sum(nps_detractors)) / NULLIF(sum(nps_answers), 0), 2)::float8 AS nps,
    COALESCE(sum(ces_answers), 0)::bigint AS ces_answers,
    round(sum(ces_sum) / NULLIF(sum(ces_answers), 0), 2)::float8 AS ces,
    COALESCE(sum(csat_answers), 0)::bigint AS csat_n,
    round(sum(csat_sum)::numeric / NULLIF(sum(csat_answers), 0), 2)::float8 AS csat_mean,
    COALESCE(sum(csat_sum), 0)::bigint AS csat_sum,
    COALESCE(sum(speed_n), 0)::bigint AS speed_n,
    round(sum(speed_sum)::numeric / NULLIF(sum(speed_n), 0), 2)::float8 AS speed_mean,
    COALESCE(sum(speed_sum), 0)::bigint AS speed_sum,
    COALESCE(sum(solved_n), 0)::bigint AS solved_n,
    round(sum(solved_sum)::numeric / NULLIF(sum(solved_n), 0), 2)::float8 AS solved_mean,
    COALESCE(sum(solved_sum), 0)::bigint AS solved_sum,
    COALESCE(sum(attitude_n), 0)::bigint AS attitude_n,
    round(sum(attitude_sum)::numeric / NULLIF(sum(attitude_n), 0), 2)::float8 AS attitude_mean,
    COALESCE(sum(attitude_sum), 0)::bigint AS attitude_sum,
    count(*) FILTER (WHERE resolved AND verified) AS verified,
    round(100 * (count(*) FILTER (WHERE resolved AND verified))::numeric
        / NULLIF(count(*) FILTER (WHERE resolved), 0), 2)::float8 AS loop_closure_pct
FROM facts
GROUP BY GROUPING SETS ((grp), ())`

// metricsRow is one row of metricsQuery: a group, or the total.
type metricsRow struct {
	IsTotal              bool     `db:"is_total"`
	Key                  string   `db:"key"`
	Volume               int64    `db:"volume"`
	FirstResponseCount   int64    `db:"first_response_count"`
	FirstResponseP50     *float64 `db:"first_response_p50"`
	FirstResponseP90     *float64 `db:"first_response_p90"`
	ResolutionCount      int64    `db:"resolution_count"`
	ResolutionP50        *float64 `db:"resolution_p50"`
	ResolutionP90        *float64 `db:"resolution_p90"`
	WaitCount            int64    `db:"wait_count"`
	WaitP50              *float64 `db:"wait_p50"`
	WaitP90              *float64 `db:"wait_p90"`
	WaitWithin           int64    `db:"wait_within"`
	WaitWithinPct        *float64 `db:"wait_within_pct"`
	Resolved             int64    `db:"resolved"`
	ResolutionDue        int64    `db:"resolution_due"`
	SLAKnown             int64    `db:"sla_known"`
	SLAMet               int64    `db:"sla_met"`
	SLACompliancePct     *float64 `db:"sla_compliance_pct"`
	Escalated            int64    `db:"escalated"`
	EscalationRatePct    *float64 `db:"escalation_rate_pct"`
	Reopened             int64    `db:"reopened"`
	ReopenRatePct        *float64 `db:"reopen_rate_pct"`
	FirstContactResolved int64    `db:"first_contact_resolved"`
	FCRPct               *float64 `db:"fcr_pct"`
	CSATAnswers          int64    `db:"csat_answers"`
	CSATSatisfied        int64    `db:"csat_satisfied"`
	CSATSatisfiedPct     *float64 `db:"csat_satisfied_pct"`
	NPSAnswers           int64    `db:"nps_answers"`
	NPSPromoters         int64    `db:"nps_promoters"`
	NPSDetractors        int64    `db:"nps_detractors"`
	NPS                  *float64 `db:"nps"`
	CESAnswers           int64    `db:"ces_answers"`
	CES                  *float64 `db:"ces"`
	CSATN                int64    `db:"csat_n"`
	CSATMean             *float64 `db:"csat_mean"`
	CSATSum              int64    `db:"csat_sum"`
	SpeedN               int64    `db:"speed_n"`
	SpeedMean            *float64 `db:"speed_mean"`
	SpeedSum             int64    `db:"speed_sum"`
	SolvedN              int64    `db:"solved_n"`
	SolvedMean           *float64 `db:"solved_mean"`
	SolvedSum            int64    `db:"solved_sum"`
	AttitudeN            int64    `db:"attitude_n"`
	AttitudeMean         *float64 `db:"attitude_mean"`
	AttitudeSum          int64    `db:"attitude_sum"`
	Verified             int64    `db:"verified"`
	LoopClosurePct       *float64 `db:"loop_closure_pct"`
}

func (r metricsRow) group() quality.MetricsGroup {
	return quality.MetricsGroup{
		Key: r.Key, Volume: r.Volume,
		FirstResponseSeconds: quality.Percentiles{Count: r.FirstResponseCount, P50: r.FirstResponseP50, P90: r.FirstResponseP90},
		ResolutionSeconds:    quality.Percentiles{Count: r.ResolutionCount, P50: r.ResolutionP50, P90: r.ResolutionP90},
		WaitSeconds: quality.WaitTime{Percentiles: quality.Percentiles{Count: r.WaitCount, P50: r.WaitP50, P90: r.WaitP90},
			WithinTarget: r.WaitWithin, WithinTargetPct: r.WaitWithinPct},
		Resolved: r.Resolved, ResolutionDue: r.ResolutionDue,
		SLAKnown: r.SLAKnown, SLAMet: r.SLAMet, SLACompliancePct: r.SLACompliancePct,
		Escalated: r.Escalated, EscalationRatePct: r.EscalationRatePct,
		Reopened: r.Reopened, ReopenRatePct: r.ReopenRatePct,
		FirstContactResolved: r.FirstContactResolved, FCRPct: r.FCRPct,
		CSATAnswers: r.CSATAnswers, CSATSatisfied: r.CSATSatisfied, CSATSatisfiedPct: r.CSATSatisfiedPct,
		NPSAnswers: r.NPSAnswers, NPSPromoters: r.NPSPromoters, NPSDetractors: r.NPSDetractors, NPS: r.NPS,
		CESAnswers: r.CESAnswers, CES: r.CES,
		Survey: quality.SurveyDimensions{
			OverallSatisfaction: quality.Mean{Answers: r.CSATN, Sum: r.CSATSum, Mean: r.CSATMean},
			ResponseSpeed:       quality.Mean{Answers: r.SpeedN, Sum: r.SpeedSum, Mean: r.SpeedMean},
			ProblemSolved:       quality.Mean{Answers: r.SolvedN, Sum: r.SolvedSum, Mean: r.SolvedMean},
			ServiceAttitude:     quality.Mean{Answers: r.AttitudeN, Sum: r.AttitudeSum, Mean: r.AttitudeMean},
		},
		Verified: r.Verified, LoopClosurePct: r.LoopClosurePct,
	}
}

// Metrics computes the service's metrics (DOMAIN.md §2) over the complaints whose
// opened event falls in [from, to), from the facts PostgreSQL keeps of each
// complaint's event log (complaint_metrics): the total, and when groupBy is one of
// MetricsGroupings, one group per value, sorted by key. Events after to still count
// for a complaint of the cohort, so a period's figures settle as its complaints are
// resolved and answered.
func (s *Store) Metrics(ctx context.Context, from, to time.Time, groupBy string) (quality.MetricsReport, error) {
	ctx = planEachRun(ctx)
	report := quality.MetricsReport{From: from, To: to, GroupBy: groupBy, Groups: []quality.MetricsGroup{}}
	if !from.Before(to) {
		return report, fmt.Errorf("metrics: from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	// No grouping: the one group equals the total and is dropped.
	expr := "NULL::text"
	if groupBy != "" {
		var ok bool
		if expr, ok = metricsGroupings[groupBy]; !ok {
			return report, fmt.Errorf("metrics: group by %q: %w", groupBy, ErrUnknownGrouping)
		}
	}
	targets, err := s.KPITargets(ctx)
	if err != nil {
		return report, err
	}
	report.WaitTarget = targets.WaitTarget()
	var rows []metricsRow
	if err := s.db.SelectContext(ctx, &rows, fmt.Sprintf(metricsQuery, expr), from, to, report.WaitTarget); err != nil {
		return report, fmt.Errorf("compute metrics: %w", err)
	}
	for _, r := range rows {
		switch {
		case r.IsTotal:
			report.Total = r.group()
		case groupBy != "":
			report.Groups = append(report.Groups, r.group())
		}
	}
	slices.SortFunc(report.Groups, func(a, b quality.MetricsGroup) int { return strings.Compare(a.Key, b.Key) })
	if err := s.addRecoveryCost(ctx, &report, expr, groupBy != ""); err != nil {
		return report, err
	}
	return report, s.addQAScores(ctx, &report, groupBy)
}

// qaQuery counts the QA samples scored in [$1, $2) and averages their totals per
// group and over all; %[1]s is the group expression, %[2]s the join it needs.
const qaQuery = `
SELECT GROUPING(grp) = 1 AS is_total, COALESCE(grp, '') AS key,
    count(*) AS scored, round(avg(total), 2)::float8 AS average
FROM (SELECT %[1]s AS grp, s.total
      FROM qa_samples s %[2]s
      WHERE s.scored_at >= $1 AND s.scored_at < $2) q
GROUP BY ROLLUP (grp)`

// addQAScores fills each group's QA score: the samples scored in the period, not
// the cohort's, so an owner's figure is the QAScores one (the agent the sample was
// taken of, not whoever owns the complaint now). Other groupings read the sampled
// complaint's current row, like the cohort's groups. A group key with scores but
// no complaint in the cohort has no group to show them in.
func (s *Store) addQAScores(ctx context.Context, report *quality.MetricsReport, groupBy string) error {
	expr, join := "NULL::text", ""
	switch groupBy {
	case "":
	case "owner":
		expr = "s.agent"
	default:
		expr, join = metricsGroupings[groupBy], "JOIN complaints c ON c.id = s.complaint_id"
	}
	var rows []struct {
		IsTotal bool     `db:"is_total"`
		Key     string   `db:"key"`
		Scored  int64    `db:"scored"`
		Average *float64 `db:"average"`
	}
	if err := s.db.SelectContext(ctx, &rows, fmt.Sprintf(qaQuery, expr, join), report.From, report.To); err != nil {
		return fmt.Errorf("compute the QA scores: %w", err)
	}
	for _, r := range rows {
		if r.IsTotal {
			report.Total.QAScored, report.Total.QAScore = r.Scored, r.Average
			continue
		}
		for i := range report.Groups {
			if groupBy != "" && report.Groups[i].Key == r.Key {
				report.Groups[i].QAScored, report.Groups[i].QAScore = r.Scored, r.Average
			}
		}
	}
	return nil
}

// recoveryQuery sums the compensations granted to the cohort per group and
// currency, and per currency over all; %s is the group expression.
const recoveryQuery = `
WITH cohort AS (
    SELECT o.complaint_id
    FROM complaint_events o
    WHERE o.kind = 'opened' AND o.occurred_at >= $1 AND o.occurred_at < $2
      AND NOT EXISTS (
          SELECT 1 FROM complaint_events p
          WHERE p.complaint_id = o.complaint_id AND p.kind = 'opened'
            AND (p.occurred_at, p.id) < (o.occurred_at, o.id))
), granted AS (
    SELECT %s AS grp, k.currency, k.amount
    FROM compensations k
    JOIN cohort USING (complaint_id)
    JOIN complaints c ON c.id = k.complaint_id
    WHERE k.status = 'granted'
)
SELECT GROUPING(grp) = 1 AS is_total, COALESCE(grp, '') AS key, currency,
    sum(amount)::float8 AS amount, count(*) AS granted
FROM granted
GROUP BY GROUPING SETS ((grp, currency), (currency))
ORDER BY currency`

// addRecoveryCost fills the cost of recovery of the report's total and groups.
func (s *Store) addRecoveryCost(ctx context.Context, report *quality.MetricsReport, expr string, grouped bool) error {
	var rows []struct {
		IsTotal bool   `db:"is_total"`
		Key     string `db:"key"`
		quality.RecoveryCost
	}
	if err := s.db.SelectContext(ctx, &rows, fmt.Sprintf(recoveryQuery, expr), report.From, report.To); err != nil {
		return fmt.Errorf("compute the cost of recovery: %w", err)
	}
	for _, r := range rows {
		if r.IsTotal {
			report.Total.RecoveryCost = append(report.Total.RecoveryCost, r.RecoveryCost)
			continue
		}
		if !grouped {
			continue
		}
		for i := range report.Groups {
			if report.Groups[i].Key == r.Key {
				report.Groups[i].RecoveryCost = append(report.Groups[i].RecoveryCost, r.RecoveryCost)
			}
		}
	}
	return nil
}

// KeywordVolume counts the complaints opened in [from, to) whose intake keywords
// include keyword, within category unless it is "".
func (s *Store) KeywordVolume(ctx context.Context, keyword, category string, from, to time.Time) (int64, error) {
	ctx = planEachRun(ctx)
	const q = `SELECT count(*) FROM complaints
		WHERE created_at >= $1 AND created_at < $2 AND $3 = ANY (keywords) AND ($4 = '' OR category = $4)`
	var n int64
	if err := s.db.GetContext(ctx, &n, q, from, to, keyword, category); err != nil {
		return 0, fmt.Errorf("keyword volume: %w", err)
	}
	return n, nil
}

// SentimentShare counts the feedback received in a period by sentiment, for one
// problem type or channel (Key).
type SentimentShare struct {
	Key      string `db:"key" json:"key"`
	Feedback int64  `db:"feedback" json:"feedback"`
	Negative int64  `db:"negative" json:"negative"`
	Neutral  int64  `db:"neutral" json:"neutral"`
	Positive int64  `db:"positive" json:"positive"`
	Angry    int64  `db:"angry" json:"angry"`
}

// SentimentShares counts the feedback received in [from, to) by sentiment, per
// problem type and per channel (issue 16: what customers praise and where they
// complain), each sorted by key. Each piece counts as classify.CountsAs says, from
// what was stored at intake: the rule applies to feedback recorded before it.
func (s *Store) SentimentShares(ctx context.Context, from, to time.Time) (byCategory, byChannel []SentimentShare, err error) {
	ctx = planEachRun(ctx)
	const q = `SELECT %s AS key, COALESCE(rating, 0) AS rating, disposition, sentiment, anger, count(*) AS feedback
		FROM feedback WHERE received_at >= $1 AND received_at < $2
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1`
	if byCategory, err = s.sentimentShares(ctx, fmt.Sprintf(q, "problem_type"), from, to); err != nil {
		return nil, nil, fmt.Errorf("sentiment shares by category: %w", err)
	}
	if byChannel, err = s.sentimentShares(ctx, fmt.Sprintf(q, "channel"), from, to); err != nil {
		return nil, nil, fmt.Errorf("sentiment shares by channel: %w", err)
	}
	return byCategory, byChannel, nil
}

func (s *Store) sentimentShares(ctx context.Context, q string, from, to time.Time) ([]SentimentShare, error) {
	var rows []struct {
		Key         string `db:"key"`
		Rating      int    `db:"rating"`
		Disposition string `db:"disposition"`
		Sentiment   string `db:"sentiment"`
		Anger       bool   `db:"anger"`
		Feedback    int64  `db:"feedback"`
	}
	if err := s.db.SelectContext(ctx, &rows, q, from, to); err != nil {
		return nil, err
	}
	out := []SentimentShare{}
	for _, r := range rows { // sorted by key
		if len(out) == 0 || out[len(out)-1].Key != r.Key {
			out = append(out, SentimentShare{Key: r.Key})
		}
		sh := &out[len(out)-1]
		sh.Feedback += r.Feedback
		switch classify.CountsAs(r.Rating, classify.Disposition(r.Disposition), classify.Sentiment{Label: r.Sentiment, Anger: r.Anger}) {
		case classify.SentimentNegative:
			sh.Negative += r.Feedback
		case classify.SentimentPositive:
			sh.Positive += r.Feedback
		default:
			sh.Neutral += r.Feedback
		}
		if r.Anger {
			sh.Angry += r.Feedback
		}
	}
	return out, nil
}
