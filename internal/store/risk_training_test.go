package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

var trainingAt = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// scoreTraining samples a new complaint of agent's and scores it at scored
// (unscored when zero) on criteria: full marks but expertise.
func scoreTraining(t *testing.T, st *store.Store, agent string, scored time.Time, criteria []quality.QACriterion, expertise int) string {
	t.Helper()
	ctx := context.Background()
	c, _, err := st.CreateComplaint(ctx, newComplaint(fmt.Sprintf("training-%s-%d", agent, time.Now().UnixNano()), complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddQASamples(ctx, "qa-run", trainingAt.Add(-60*24*time.Hour), trainingAt,
		[]quality.ClosedComplaint{{ID: c.ID, Agent: agent, ClosedAt: trainingAt.Add(-60 * 24 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	var sample string
	if err := st.DB().Get(&sample, `SELECT id FROM qa_samples WHERE complaint_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if scored.IsZero() {
		return sample
	}
	scores, total := map[string]int{}, 0
	for _, cr := range criteria {
		scores[cr.Key] = cr.Points
		if cr.Key == "expertise" {
			scores[cr.Key] = expertise
		}
		total += scores[cr.Key]
	}
	if _, err := st.ScoreQASample(ctx, sample, criteria, scores, total, nil, "qa", scored); err != nil {
		t.Fatal(err)
	}
	return sample
}

// A criterion's score counts as a % of its points on the scorecard the sample was
// scored on: 15 of 25 (60 %) and, after the scorecard gave expertise 30 points, 12
// of 30 (40 %) average 50 % for ann; team care (ann's) is the same; everyone's
// average adds bob's 100 %. Samples scored outside the window, or not scored, are
// not counted.
func TestTrainingScoresAreSharesOfEachScorecardsPoints(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	for _, team := range []string{"care"} {
		if _, _, err := st.PutTeam(ctx, store.Team{ID: team, Name: team, UpdatedBy: "test"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.PutPerson(ctx, store.Person{ID: "ann", Name: "Ann", Role: complaint.RoleAgent, TeamID: new("care"),
		Active: true, UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	seed := quality.DefaultQAScorecard().Criteria
	heavier := []quality.QACriterion{{Key: "resolution", Name: "Resolution", Points: 70}, {Key: "expertise", Name: "Expertise", Points: 30}}
	a1 := scoreTraining(t, st, "ann", trainingAt.Add(-48*time.Hour), seed, 15)
	a2 := scoreTraining(t, st, "ann", trainingAt.Add(-24*time.Hour), heavier, 12)
	scoreTraining(t, st, "ann", trainingAt.Add(-31*24*time.Hour), seed, 0) // before the window
	scoreTraining(t, st, "ann", trainingAt, seed, 0)                       // at its end: out
	scoreTraining(t, st, "ann", time.Time{}, seed, 0)                      // not scored
	b1 := scoreTraining(t, st, "bob", trainingAt.Add(-time.Hour), seed, 25)

	got, err := st.TrainingScores(ctx, trainingAt.Add(-30*24*time.Hour), trainingAt)
	if err != nil {
		t.Fatal(err)
	}
	expertise := map[string]quality.TrainingScores{}
	for _, s := range got {
		if s.Criterion == "expertise" {
			expertise[s.Subject] = s
		}
	}
	for subject, want := range map[string]quality.TrainingScores{
		"agent:ann": {Subject: "agent:ann", Team: "care", Criterion: "expertise", Scorecards: 2, Agents: 1, AveragePct: 50, Samples: []string{a1, a2}},
		"team:care": {Subject: "team:care", Team: "care", Criterion: "expertise", Scorecards: 2, Agents: 1, AveragePct: 50, Samples: []string{a1, a2}},
		"agent:bob": {Subject: "agent:bob", Criterion: "expertise", Scorecards: 1, Agents: 1, AveragePct: 100, Samples: []string{b1}},
		"all":       {Subject: "all", Criterion: "expertise", Scorecards: 3, Agents: 2, AveragePct: 66.67, Samples: []string{}},
	} {
		if fmt.Sprintf("%+v", expertise[subject]) != fmt.Sprintf("%+v", want) {
			t.Errorf("%s: got %+v, want %+v", subject, expertise[subject], want)
		}
	}
	if len(expertise) != 4 {
		t.Errorf("subjects %v", expertise)
	}
}

// Migration 00035 down removes the training gaps (their history too, despite the
// append-only trigger) and keeps the other alerts; up again restores the schema.
func TestMigrationDownRemovesTrainingGaps(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	for _, c := range []quality.RiskCheck{
		{Condition: quality.TrainingGap, Subject: "agent:ann", Grade: quality.Blue, HandlingSeconds: 86400, Threshold: 60},
		{Condition: quality.TrainingGap, Subject: "agent:bob", Grade: quality.Blue, HandlingSeconds: 86400, Threshold: 60},
		{Condition: quality.VolumeSpike, Grade: quality.Red, HandlingSeconds: 3600},
	} {
		if _, created, err := st.OpenRiskAlert(ctx, quality.NewRiskAlert{ID: uuid.NewString(), Key: "run/" + string(c.Condition) + c.Subject,
			MonitorRun: "run", Check: c, At: trainingAt}); err != nil || !created {
			t.Fatalf("open %s %s: %v %v", c.Condition, c.Subject, created, err)
		}
	}
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 34); err != nil {
		t.Fatal(err)
	}
	var conditions []string
	if err := st.DB().Select(&conditions, `SELECT condition FROM risk_alerts ORDER BY condition`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(conditions) != "[volume_spike]" {
		t.Fatalf("after down: %v", conditions)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
}
