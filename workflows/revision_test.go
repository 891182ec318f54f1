package workflows_test

import (
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// changeVersionUpserts counts the SDK's TemporalChangeVersion upserts: the only
// untyped search-attribute upserts a complaint makes (its own are typed), one per
// change ID GetVersion meets the first time.
func (s *ComplaintSuite) changeVersionUpserts() *[]string {
	var ids []string
	s.env.OnUpsertSearchAttributes(mock.Anything).Maybe().Return(nil).Run(func(args mock.Arguments) {
		attrs := args.Get(0).(map[string]any)
		if v, ok := attrs["TemporalChangeVersion"].([]string); ok && len(v) > 0 {
			ids = append(ids, v[0])
		}
	})
	return &ids
}

// versionedLife meets every change of the complaint workflow but the front-line
// ones: the ladder, an angry customer's raise, a pause and a resumption, an
// extension, a resolution and its survey.
func (s *ComplaintSuite) versionedLife() {
	p := s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	p.WarningPercents = []int{50}
	s.ownedBy("ann")
	s.acts.sla.Anger, s.acts.sla.RaisedFrom = "the parcel was lost twice", complaint.Medium
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "waiting for photos"})
	})
	s.at(3*time.Hour, func() {
		s.update(workflows.UpdateResume, workflows.ResumeRequest{Actor: "ann", Note: "photos received"})
	})
	s.resolveAt(5 * time.Hour)
	s.at(6*time.Hour, func() { s.answer(0, complaint.SurveyAnswer{CSAT: 5, Solved: true}) })
}

// A complaint the API starts today carries the current revision and meets every
// change without workflow.GetVersion: no TemporalChangeVersion upsert (a visibility
// write nobody reads) and so no version marker, since the SDK writes both together.
func (s *ComplaintSuite) TestCurrentRevisionAsksNoGetVersion() {
	upserts := s.changeVersionUpserts()
	s.versionedLife()

	state := s.run()

	s.Equal(complaint.StatusClosed, state.Status)
	s.Equal(complaint.Verified, state.Verification)
	s.NotEmpty(s.acts.noticesOf(complaint.EventPaused), "pause-notice taken")
	s.NotEmpty(s.acts.eventsOf(complaint.EventUrgencyRaised), "policy-anger-raise taken")
	s.NotEmpty(s.acts.eventsOf(complaint.EventSurveySent), "feedback-loop taken")
	s.Empty(*upserts)
}

// An execution started before revisions existed (Revision 0, every running
// complaint's) asks GetVersion as it always did: each change it meets is a marker
// and an upsert, and it takes the same paths. Its survey, of revision 0 too, asks
// for the survey's change (survey-link-expiry).
func (s *ComplaintSuite) TestRevisionZeroStillAsksGetVersion() {
	s.revision = 0
	upserts := s.changeVersionUpserts()
	s.versionedLife()

	state := s.run()

	s.Equal(complaint.Verified, state.Verification)
	s.NotEmpty(s.acts.noticesOf(complaint.EventPaused))
	s.NotEmpty(s.acts.eventsOf(complaint.EventUrgencyRaised))
	s.NotEmpty(s.acts.eventsOf(complaint.EventSurveySent))
	s.ElementsMatch([]string{"escalation-ladder-1", "policy-anger-raise-1", "pause-notice-1", "feedback-loop-1", "perf-mark-events-1",
		"survey-link-expiry-1"}, *upserts)
}

// A complaint started by an API newer than this worker blocks (its workflow task
// fails and is retried) rather than running without changes it was promised.
func (s *ComplaintSuite) TestNewerRevisionThanTheWorkerIsRefused() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.revision = workflows.CurrentRevision + 1
	s.env.ExecuteWorkflow(workflows.ComplaintWorkflow, workflows.ComplaintInput{ComplaintID: "c-1", Revision: s.revision})
	var panicErr *temporal.PanicError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &panicErr)
	s.Contains(panicErr.Error(), "deploy the newer worker")
}
