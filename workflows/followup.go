package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// versionDissatisfiedResponse: a round the customer's dissatisfied survey answer
// reopened gets a first-response clock besides its resolution clock, on the
// complaint's negative_feedback policy (001 「实时反馈机制」: 「对负面反馈在15分钟内
// 进行初步响应,并在24小时内提供解决方案」), and its resolution budget is the shorter
// of the follow-up and that policy's resolution. Acknowledging (or resolving) meets
// it. Executions without it reopened on the follow-up clock alone, as an agent's
// reopening still does.
var versionDissatisfiedResponse = change{"dissatisfied-first-response", 6}

// DefaultDissatisfiedFirstResponse is the first-response budget of a round the
// customer's dissatisfied answer reopened when no negative_feedback policy matches
// the complaint (001: 15 minutes).
const DefaultDissatisfiedFirstResponse = 15 * time.Minute

// followUp is the SLA of a reopened round: its resolution budget and, for a round
// the customer's answer reopened, its first-response budget (0: none) and the
// negative_feedback policy it runs on (empty: none matched).
type followUp struct {
	firstResponse, resolution time.Duration
	policy                    string
}

// record is the round's SLA as its reopened event records it, for the complaint
// row and its view (sla.round); nil for a round on the follow-up alone, which runs
// on the complaint's own policy. Event data, which replay does not compare.
func (f followUp) record() *complaint.RoundSLA {
	if f.firstResponse <= 0 {
		return nil
	}
	return &complaint.RoundSLA{PolicyID: f.policy,
		FirstResponseSeconds: int64(f.firstResponse / time.Second), ResolutionSeconds: int64(f.resolution / time.Second)}
}

// followUpSLA is a round on the policy's follow-up alone, as an agent's reopening
// gets.
func (w *complaintWorkflow) followUpSLA() followUp {
	d := secs(w.policy.FollowUpSeconds)
	if d <= 0 {
		d = defaultFollowUp
	}
	return followUp{resolution: d}
}

// dissatisfiedFollowUp is the round a dissatisfied answer reopens: the
// negative_feedback policy at the complaint's urgency and tier, picked by intake's
// precedence (LoadSourcePolicy: an activity of its own, so that no worker of an
// earlier revision answers it with the complaint's own policy), gives the first
// response and caps the follow-up; with none, the default first response and the
// follow-up. While the policy loads the complaint still reads resolved, so actions
// are told to try again (w.reopening) rather than decided against a state about to
// change.
func (w *complaintWorkflow) dissatisfiedFollowUp(ctx workflow.Context) followUp {
	f := w.followUpSLA()
	f.firstResponse = DefaultDissatisfiedFirstResponse
	w.reopening = true
	defer func() { w.reopening = false }()
	var p complaint.Policy
	err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadSourcePolicy, activities.SourcePolicyInput{
		Source: complaint.SourceNegativeFeedback, Urgency: w.state.Urgency, Tier: w.state.Tier,
	}).Get(ctx, &p)
	if err != nil {
		// Retried without a cap (also when a worker without the activity takes the
		// task): only NotFound (no such policy) ends here.
		w.logger.Info("no negative_feedback policy; the default first response", "Error", err)
		return f
	}
	if p.Key != nil { // nil from a worker of revision 7 or older
		f.policy = p.Key.ID()
	}
	if p.FirstResponseSeconds > 0 {
		f.firstResponse = secs(p.FirstResponseSeconds)
	}
	if p.ResolutionSeconds != nil && *p.ResolutionSeconds > 0 {
		f.resolution = min(f.resolution, secs(*p.ResolutionSeconds))
	}
	return f
}

// awaitingResponse reports whether a round the customer's answer reopened still
// awaits its first response.
func (w *complaintWorkflow) awaitingResponse() bool {
	c := w.clock(complaint.ClockFirstResponse)
	return c != nil && c.round > 0 && !c.stopped
}

// responseDueText words that first response's deadline for staff notices.
func (w *complaintWorkflow) responseDueText() string {
	if !w.awaitingResponse() {
		return ""
	}
	return " The customer is due a first response by " + formatTime(w.state.FirstResponseDueAt) + "."
}
