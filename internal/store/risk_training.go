package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// trainingScoresQuery takes each criterion's score of the QA samples scored in
// [$2, $1) as % of the criterion's points on the scorecard the sample was scored on,
// and averages it by agent, by the agent's team (of the directory today) and over
// everyone (quality.TrainingAll). An agent's or a team's samples scored before its
// last training_gap alert closed are left out: that alert judged them, and the
// rectification plan it was answered with is judged by the samples after it.
const trainingScoresQuery = `
WITH scored AS (
    SELECT s.id, s.agent, COALESCE(p.team_id, '') AS team, s.scored_at, c->>'key' AS criterion,
           100 * (s.scores->>(c->>'key'))::numeric / (c->>'points')::numeric AS pct
    FROM qa_samples s
    CROSS JOIN LATERAL jsonb_array_elements(s.criteria) c
    LEFT JOIN people p ON p.id = s.agent
    WHERE s.scored_at >= $2 AND s.scored_at < $1
      AND s.scores ? (c->>'key') AND (c->>'points')::numeric > 0
), subjects AS (
    SELECT 'agent:' || agent AS subject, team, agent, id, scored_at, criterion, pct FROM scored
    UNION ALL
    SELECT 'team:' || team, team, agent, id, scored_at, criterion, pct FROM scored WHERE team <> ''
    UNION ALL
    SELECT 'all', '', agent, id, scored_at, criterion, pct FROM scored
), judged AS (
    SELECT subject, max(closed_at) AS until
    FROM risk_alerts
    WHERE condition = 'training_gap' AND status = 'closed' AND closed_at < $1
    GROUP BY subject
)
SELECT x.subject, min(x.team) AS team, x.criterion, count(*) AS scorecards, count(DISTINCT x.agent) AS agents,
       round(avg(x.pct), 2)::float8 AS average_pct,
       CASE WHEN x.subject = 'all' THEN '{}'
            ELSE array_agg(x.id::text ORDER BY x.scored_at, x.id) END AS samples
FROM subjects x LEFT JOIN judged j ON j.subject = x.subject
WHERE j.until IS NULL OR x.scored_at >= j.until
GROUP BY x.subject, x.criterion
ORDER BY x.subject, x.criterion`

// TrainingScores reads the QA figures the training-gap check grades, over the
// samples scored in [from, at).
func (s *Store) TrainingScores(ctx context.Context, from, at time.Time) ([]quality.TrainingScores, error) {
	var rows []struct {
		Subject    string         `db:"subject"`
		Team       string         `db:"team"`
		Criterion  string         `db:"criterion"`
		Scorecards int64          `db:"scorecards"`
		Agents     int64          `db:"agents"`
		AveragePct float64        `db:"average_pct"`
		Samples    pq.StringArray `db:"samples"`
	}
	if err := s.db.SelectContext(planEachRun(ctx), &rows, trainingScoresQuery, at.UTC(), from.UTC()); err != nil {
		return nil, fmt.Errorf("training scores: %w", err)
	}
	out := make([]quality.TrainingScores, len(rows))
	for i, r := range rows {
		out[i] = quality.TrainingScores{Subject: r.Subject, Team: r.Team, Criterion: r.Criterion, Scorecards: r.Scorecards,
			Agents: r.Agents, AveragePct: r.AveragePct, Samples: r.Samples}
	}
	return out, nil
}

// trainingReopensQuery takes each resolution of [$2, $1) — a resolved event, the
// agent being the complaint's owner it names (the owner the metrics credit with the
// complaint) — whose customer's verdict was known before $1, and whether the
// verdict was a reopening. The survey loop reopens as $3 (complaint.ActorCustomer,
// workflows/survey.go), while an agent's or a manager's reopening carries their ID
// and is not the customer's verdict. The verdict is known once, after the
// resolution and before any other reopening, the customer reopened it, the survey
// was answered or expired, or the complaint closed: a resolution whose survey is
// still open is left out rather than counted as holding, and so is one an agent
// reopened before the customer could judge it (its survey withdrawn). The events
// say it as of $1 (the surveys table holds only each survey's state now). A
// reopening always follows the resolution it undoes, as only a resolved complaint
// reopens. It counts them by agent, by the agent's team (of the directory today)
// and over everyone (quality.TrainingAll), leaving out, as the QA figures do, the
// resolutions before the subject's last training_gap alert closed.
const trainingReopensQuery = `
WITH resolutions AS (
    SELECT r.complaint_id, r.data->>'owner' AS agent, COALESCE(p.team_id, '') AS team, r.occurred_at,
           COALESCE(n.actor = $3, false) AS reopened
    FROM complaint_events r
    LEFT JOIN people p ON p.id = r.data->>'owner'
    LEFT JOIN LATERAL (
        SELECT o.actor, o.occurred_at, o.id FROM complaint_events o
        WHERE o.complaint_id = r.complaint_id AND o.kind = 'reopened' AND o.occurred_at < $1
          AND (o.occurred_at, o.id) > (r.occurred_at, r.id)
        ORDER BY o.occurred_at, o.id
        LIMIT 1) n ON true
    WHERE r.kind = 'resolved' AND r.occurred_at >= $2 AND r.occurred_at < $1 AND r.data->>'owner' <> ''
      AND (n.actor = $3 OR EXISTS (
          SELECT 1 FROM complaint_events v
          WHERE v.complaint_id = r.complaint_id AND v.kind IN ('survey_answered', 'survey_expired', 'closed')
            AND v.occurred_at < $1 AND (v.occurred_at, v.id) > (r.occurred_at, r.id)
            AND (n.id IS NULL OR (v.occurred_at, v.id) < (n.occurred_at, n.id))))
), subjects AS (
    SELECT 'agent:' || agent AS subject, team, agent, complaint_id, occurred_at, reopened FROM resolutions
    UNION ALL
    SELECT 'team:' || team, team, agent, complaint_id, occurred_at, reopened FROM resolutions WHERE team <> ''
    UNION ALL
    SELECT 'all', '', agent, complaint_id, occurred_at, reopened FROM resolutions
), judged AS (
    SELECT subject, max(closed_at) AS until
    FROM risk_alerts
    WHERE condition = 'training_gap' AND status = 'closed' AND closed_at < $1
    GROUP BY subject
)
SELECT x.subject, min(x.team) AS team, count(*) AS resolved, count(*) FILTER (WHERE x.reopened) AS reopened,
       count(DISTINCT x.agent) AS agents,
       CASE WHEN x.subject = 'all' THEN '{}'
            ELSE COALESCE(array_agg(x.complaint_id::text ORDER BY x.occurred_at, x.complaint_id)
                          FILTER (WHERE x.reopened), '{}') END AS complaints
FROM subjects x LEFT JOIN judged j ON j.subject = x.subject
WHERE j.until IS NULL OR x.occurred_at >= j.until
GROUP BY x.subject
ORDER BY x.subject`

// TrainingReopens reads the resolutions the training-gap check grades by their
// reopen rate: those resolved in [from, at) whose customer's verdict was known by at.
func (s *Store) TrainingReopens(ctx context.Context, from, at time.Time) ([]quality.TrainingReopens, error) {
	var rows []struct {
		Subject    string         `db:"subject"`
		Team       string         `db:"team"`
		Resolved   int64          `db:"resolved"`
		Reopened   int64          `db:"reopened"`
		Agents     int64          `db:"agents"`
		Complaints pq.StringArray `db:"complaints"`
	}
	if err := s.db.SelectContext(planEachRun(ctx), &rows, trainingReopensQuery, at.UTC(), from.UTC(), complaint.ActorCustomer); err != nil {
		return nil, fmt.Errorf("training reopens: %w", err)
	}
	out := make([]quality.TrainingReopens, len(rows))
	for i, r := range rows {
		out[i] = quality.TrainingReopens{Subject: r.Subject, Team: r.Team, Resolved: r.Resolved, Reopened: r.Reopened,
			Agents: r.Agents, Complaints: r.Complaints}
	}
	return out, nil
}
