package workflows_test

import (
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// A training gap's notice tells its owner — nina, ann's team lead — whom it is
// about, the criteria under the threshold beside everyone's averages, and the
// scorecards, and asks for a rectification plan within 24 h.
func (s *RiskAlertSuite) TestATrainingGapTellsTheTeamLeadItsEvidence() {
	s.opened(quality.Blue, "nina")
	s.acts.chains["nina"] = []complaint.Member{{ID: "nina", Role: complaint.RoleTeamLead}}
	a := &s.acts.alert
	a.Condition, a.Subject, a.Observed, a.Baseline, a.Threshold = quality.TrainingGap, "agent:ann", 44, 65, 60
	a.Details = quality.RiskDetails{From: s.start.Add(-30 * 24 * time.Hour), To: s.start,
		Counts: map[string]int64{"scorecards": 5},
		Training: &quality.TrainingEvidence{Agent: "ann", Team: "north", Scorecards: []string{"qa-1", "qa-2"},
			Averages: map[string]float64{"expertise": 44, "attitude": 52}, Everyone: map[string]float64{"expertise": 65, "attitude": 70},
			Below: []string{"expertise", "attitude"}}}
	s.closeAt(time.Hour)
	s.run()

	s.Require().Len(s.acts.notices, 1)
	n := s.acts.notices[0]
	s.Equal("nina", n.Recipient)
	s.Equal("[BLUE] Risk alert: training gap of agent ann", n.Subject)
	for _, want := range []string{"The 5 QA scorecards scored from 2026-02-13", "under 60% of the points on: " +
		"expertise 44% (all agents 65%), attitude 52% (all agents 70%)", "Scorecards (QA samples): qa-1, qa-2.",
		"a rectification plan"} {
		s.True(strings.Contains(n.Body, want), "notice %q lacks %q", n.Body, want)
	}
	s.Equal(workflows.EventRiskAlertOpened, n.EventKind)
	s.Equal(s.acts.alert.ID, n.AlertID, "the notice names its alert: its console link opens the alert's page")
}

// A gap on the customers' reopenings says so in the notice, after the QA criteria
// when both signals fired, alone when only it did.
func (s *RiskAlertSuite) TestATrainingGapNoticeNamesBothSignals() { s.reopenNotice(true) }

func (s *RiskAlertSuite) TestATrainingGapNoticeNamesTheReopeningsAlone() { s.reopenNotice(false) }

func (s *RiskAlertSuite) reopenNotice(withQA bool) {
	s.opened(quality.Blue, "nina")
	s.acts.chains["nina"] = []complaint.Member{{ID: "nina", Role: complaint.RoleTeamLead}}
	a := &s.acts.alert
	a.Condition, a.Subject, a.Observed, a.Baseline, a.Threshold = quality.TrainingGap, "agent:ann", 25, 10, 20
	tr := &quality.TrainingEvidence{Agent: "ann", Team: "north", Averages: map[string]float64{}, Everyone: map[string]float64{},
		Reopens: &quality.ReopenEvidence{Resolved: 12, Reopened: 3, RatePct: 25, Everyone: 10, Threshold: 20,
			Complaints: []string{"c-1", "c-2", "c-3"}},
		Signals: []string{quality.TrainingSignalReopens}}
	if withQA {
		a.Observed, a.Baseline, a.Threshold = 44, 65, 60
		tr.Scorecards, tr.Below = []string{"qa-1"}, []string{"expertise"}
		tr.Averages["expertise"], tr.Everyone["expertise"] = 44, 65
		tr.Signals = []string{quality.TrainingSignalQA, quality.TrainingSignalReopens}
	}
	a.Details = quality.RiskDetails{From: s.start.Add(-30 * 24 * time.Hour), To: s.start,
		Counts: map[string]int64{"scorecards": 5}, Training: tr}
	s.closeAt(time.Hour)
	s.run()

	s.Require().Len(s.acts.notices, 1)
	body := s.acts.notices[0].Body
	s.True(strings.Contains(body, "Customers reopened 3 of the 12 resolutions they had judged, resolved from 2026-02-13"), body)
	s.True(strings.Contains(body, "(25%, all agents 10%), at or over 20%. Reopened complaints: c-1, c-2, c-3."), body)
	s.Equal(withQA, strings.Contains(body, "under 60% of the points on: expertise 44% (all agents 65%)"), body)
}
