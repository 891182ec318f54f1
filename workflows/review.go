package workflows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// ReviewInput is what a review schedule's Temporal Schedule starts ReviewWorkflow with.
type ReviewInput struct {
	ScheduleID string
	Kind       quality.ScheduleKind
	TimeZone   string
	// From and To name the period of a review run on demand (POST /v1/reviews);
	// nil for a scheduled run, which judges the period before it started.
	From *time.Time `json:",omitempty"`
	To   *time.Time `json:",omitempty"`
}

// OnDemandScheduleID is the ScheduleID of reviews run on demand.
const OnDemandScheduleID = "on-demand"

// The notices a review sends the quality team.
const (
	EventPlanningReview complaint.EventKind = "planning_review"
	EventTrackingReview complaint.EventKind = "tracking_review"
)

// ReviewWorkflow runs one review, started by a review schedule (DOMAIN.md §3).
//
// Monthly planning judges the previous calendar month in the schedule's time zone
// (1st 00:00 to 1st 00:00 local): it records the month's metrics and the
// improvement opportunities the review rules find, proposes a PDCA cycle for each
// (ProposeCycle), starts PDCACycleWorkflow as an abandoned child for each cycle it
// opened, records which cycle took on each opportunity, and tells the quality team.
//
// Quarterly planning is monthly planning over the previous calendar quarter,
// compared with the quarter before (000 §4.1).
//
// A review run on demand (From and To set) judges that period instead, compared
// with the period of the same length before it (quality.PreviousPeriod).
//
// Weekly tracking judges the previous ISO week (Monday 00:00 to Monday 00:00 local)
// against the week before and lists the open PDCA cycles, flagging those without
// progress in the week; it tells the quality team and opens no cycles.
//
// The review's ID is its workflow ID, which keys its row and its notices.
func ReviewWorkflow(ctx workflow.Context, in ReviewInput) error {
	loc, err := quality.LoadZone(in.TimeZone)
	if err == nil && in.ScheduleID == "" {
		err = fmt.Errorf("no schedule ID")
	}
	if err == nil && !slices.Contains(quality.ReviewKinds, in.Kind) {
		err = fmt.Errorf("kind %q is not a review (monthly_planning, weekly_tracking, quarterly_planning)", in.Kind)
	}
	if err == nil && ((in.From == nil) != (in.To == nil) || in.From != nil && !in.To.After(*in.From)) {
		err = fmt.Errorf("a period on demand needs From before To")
	}
	if err != nil {
		return temporal.NewNonRetryableApplicationError("invalid review input: "+err.Error(), "InvalidInput", err)
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	r := &reviewRun{
		in: in, loc: loc,
		period: reviewPeriod(in, id, workflow.Now(ctx), loc),
		logger: log.With(workflow.GetLogger(ctx), "ReviewID", id, "ScheduleID", in.ScheduleID, "Kind", in.Kind),
	}
	if in.Kind.Plans() {
		return r.planning(ctx)
	}
	return r.tracking(ctx)
}

type reviewRun struct {
	in     ReviewInput
	loc    *time.Location
	period activities.ReviewPeriod
	logger log.Logger
}

// reviewPeriod is the period a review started at now judges, and the one before it.
func reviewPeriod(in ReviewInput, id string, now time.Time, loc *time.Location) activities.ReviewPeriod {
	local := now.In(loc)
	var prevFrom, from, to time.Time
	switch {
	case in.From != nil:
		from, to = *in.From, *in.To
		prevFrom = quality.PreviousPeriod(from, to, loc)
	case in.Kind == quality.MonthlyPlanning:
		y, m := local.Year(), local.Month()
		to = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		from = time.Date(y, m-1, 1, 0, 0, 0, 0, loc)
		prevFrom = time.Date(y, m-2, 1, 0, 0, 0, 0, loc)
	case in.Kind == quality.QuarterlyPlanning:
		y, q := local.Year(), (int(local.Month())-1)/3
		to = time.Date(y, time.Month(3*q+1), 1, 0, 0, 0, 0, loc)
		from = to.AddDate(0, -3, 0)
		prevFrom = to.AddDate(0, -6, 0)
	default:
		sinceMonday := (int(local.Weekday()) + 6) % 7
		y, m, d := local.Date()
		to = time.Date(y, m, d-sinceMonday, 0, 0, 0, 0, loc)
		from = time.Date(y, m, d-sinceMonday-7, 0, 0, 0, 0, loc)
		prevFrom = time.Date(y, m, d-sinceMonday-14, 0, 0, 0, 0, loc)
	}
	return activities.ReviewPeriod{
		ReviewID: id, ScheduleID: in.ScheduleID, Kind: in.Kind, TimeZone: loc.String(),
		PrevFrom: prevFrom.UTC(), From: from.UTC(), To: to.UTC(), StartedAt: now.UTC(),
	}
}

// reviewActivityContext is for the review's reads and writes: a month of metrics
// may take a while; retried with backoff, but a review that cannot finish within
// six hours fails where operators see it instead of skipping every later run.
func reviewActivityContext(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: 6 * time.Hour,
		RetryPolicy:            activityRetryPolicy,
	})
}

func (r *reviewRun) planning(ctx workflow.Context) error {
	var found activities.PlanningResult
	if err := workflow.ExecuteActivity(reviewActivityContext(ctx), acts.PlanningReview, r.period).Get(ctx, &found); err != nil {
		return fmt.Errorf("planning review: %w", err)
	}
	opps := make([]activities.Opportunity, 0, len(found.Proposals))
	for _, p := range found.Proposals {
		var c activities.ProposedCycle
		if err := workflow.ExecuteActivity(reviewActivityContext(ctx), acts.ProposeCycle, p).Get(ctx, &c); err != nil {
			return fmt.Errorf("propose cycle %s: %w", p.Key, err)
		}
		if c.Created {
			if err := startProposedCycle(ctx, c.CycleID); err != nil {
				return err
			}
		}
		opps = append(opps, activities.OpportunityOf(p, &c))
	}
	subject, body := r.planningSummary(found.Volume, opps)
	body += planningFeedbackSummary(found)
	r.tellQualityTeam(ctx, EventPlanningReview, subject, body)
	return r.finish(ctx, opps, subject+"\n\n"+body)
}

// startProposedCycle starts a proposed cycle's workflow. It outlives the review
// (abandoned), and a cycle already started is fine.
func startProposedCycle(ctx workflow.Context, cycleID string) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        PDCAWorkflowID(cycleID),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	err := workflow.ExecuteChildWorkflow(cctx, PDCACycleWorkflow, PDCAInput{CycleID: cycleID}).
		GetChildWorkflowExecution().Get(ctx, nil)
	if err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return fmt.Errorf("start PDCA cycle %s: %w", cycleID, err)
	}
	return nil
}

func (r *reviewRun) tracking(ctx workflow.Context) error {
	var found activities.TrackingResult
	if err := workflow.ExecuteActivity(reviewActivityContext(ctx), acts.TrackingReview, r.period).Get(ctx, &found); err != nil {
		return fmt.Errorf("tracking review: %w", err)
	}
	subject, body := r.trackingSummary(found)
	r.tellQualityTeam(ctx, EventTrackingReview, subject, body)
	return r.finish(ctx, nil, subject+"\n\n"+body)
}

// tellQualityTeam sends the summary to every member of the quality team, once per
// member (key review:<review ID>/summary). A failed notice is logged, not fatal:
// the review is recorded either way.
func (r *reviewRun) tellQualityTeam(ctx workflow.Context, kind complaint.EventKind, subject, body string) {
	var team activities.QualityTeam
	if err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadQualityTeam).Get(ctx, &team); err != nil {
		r.logger.Error("loading the quality team failed; telling role:quality", "Error", err)
		team = activities.QualityTeam{}
	}
	var notices []activities.Notice
	for _, to := range team.Recipients() {
		notices = append(notices, activities.Notice{
			EventKey: "review:" + r.period.ReviewID + "/summary", EventKind: kind, ReviewID: r.period.ReviewID,
			Recipient: to, Subject: subject, Body: body,
		})
	}
	if err := workflow.ExecuteActivity(noticeContext(ctx), acts.NotifyAll, notices).Get(ctx, nil); err != nil {
		r.logger.Error("review summary not delivered", "Error", err)
	}
}

func (r *reviewRun) finish(ctx workflow.Context, opps []activities.Opportunity, summary string) error {
	err := workflow.ExecuteActivity(reviewActivityContext(ctx), acts.FinishReview, activities.FinishReviewInput{
		ReviewID: r.period.ReviewID, Opportunities: opps, Summary: summary, FinishedAt: workflow.Now(ctx).UTC(),
	}).Get(ctx, nil)
	if err != nil {
		return fmt.Errorf("finish review: %w", err)
	}
	return nil
}

// days names the period for people, in the schedule's zone, last day inclusive.
func (r *reviewRun) days() string {
	from, to := r.period.From.In(r.loc), r.period.To.In(r.loc).AddDate(0, 0, -1)
	return fmt.Sprintf("%s to %s (%s)", from.Format("2006-01-02"), to.Format("2006-01-02"), r.loc)
}

func (r *reviewRun) planningSummary(volume int64, opps []activities.Opportunity) (subject, body string) {
	month := r.period.From.In(r.loc).Format("January 2006") // "2026-10" reads like a phone number to the log masking
	title := "Monthly planning review"
	switch {
	case r.in.From != nil:
		title, month = "Planning review on demand", r.days()
	case r.in.Kind == quality.QuarterlyPlanning:
		title = "Quarterly planning review"
	}
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%s of %s: %d complaints opened.\n", title, r.days(), volume))
	if len(opps) == 0 {
		b.WriteString("\nNo improvement opportunities: every review rule is met.\n")
		return fmt.Sprintf("%s %s: no opportunities", title, month), b.String()
	}
	b.WriteString(fmt.Sprintf("\n%s:\n", reviewPlural(len(opps), "improvement opportunity", "improvement opportunities")))
	for i, o := range opps {
		b.WriteString(fmt.Sprintf("\n%d. %s\n   %s\n", i+1, o.Title, o.Evidence))
		if o.CycleOpened != nil && *o.CycleOpened {
			b.WriteString(fmt.Sprintf("   Proposed PDCA cycle %s: it awaits its plan.\n", o.CycleID))
		} else {
			b.WriteString(fmt.Sprintf("   Already taken on by open PDCA cycle %s.\n", o.CycleID))
		}
	}
	return fmt.Sprintf("%s %s: %s", title, month, reviewPlural(len(opps), "opportunity", "opportunities")), b.String()
}

// planningFeedbackSummary is what the planning review read beyond complaints: the
// feedback keywords and the improvement list (002 §3.4), and the QA scores.
func planningFeedbackSummary(found activities.PlanningResult) string {
	var b strings.Builder
	if len(found.FeedbackKeywords) > 0 {
		b.WriteString("\nMost frequent feedback keywords (this period, the period before):\n")
		for _, k := range found.FeedbackKeywords {
			b.WriteString(fmt.Sprintf("- %s: %d (%d)\n", k.Keyword, k.Now, k.Before))
		}
	}
	if t := found.Backlog; t != nil {
		b.WriteString(fmt.Sprintf("\nImprovement list: %d open, %d overdue, %d without an owner; %d done this period.\n",
			t.Open, t.Overdue, t.Unassigned, t.Done))
	}
	if len(found.QAScores) > 0 {
		b.WriteString("\nQA scores by agent (samples scored this period, average of 100):\n")
		for _, q := range found.QAScores {
			avg := "—"
			if q.Average != nil {
				avg = strconv.FormatFloat(*q.Average, 'f', -1, 64)
			}
			b.WriteString(fmt.Sprintf("- %s: %s (%d scored)\n", q.Agent, avg, q.Scored))
		}
	}
	return b.String()
}

func (r *reviewRun) trackingSummary(t activities.TrackingResult) (subject, body string) {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("Weekly tracking review of %s, against the week before.\n\n", r.days()))
	b.WriteString(fmt.Sprintf("All complaints: %s\n", reviewTrendLine(t.Total)))
	if len(t.Categories) > 0 {
		b.WriteString("\nBy category:\n")
		for _, c := range t.Categories {
			b.WriteString(fmt.Sprintf("- %s: %s\n", c.Category, reviewTrendLine(c)))
		}
	}
	stalled := 0
	for _, c := range t.Cycles {
		if c.Stalled {
			stalled++
		}
	}
	if len(t.Cycles) == 0 {
		b.WriteString("\nNo open PDCA cycles.\n")
	} else {
		b.WriteString(fmt.Sprintf("\n%s, %d without progress this week:\n", reviewPlural(len(t.Cycles), "open PDCA cycle", "open PDCA cycles"), stalled))
		for _, c := range t.Cycles {
			last := "never"
			if c.LastProgressAt != nil {
				last = c.LastProgressAt.In(r.loc).Format("2006-01-02 15:04")
			}
			flag := ""
			if c.Stalled {
				flag = "NO PROGRESS THIS WEEK; "
			}
			b.WriteString(fmt.Sprintf("- %s (%s): %s, iteration %d, %s; %slast progress %s\n",
				c.Title, c.ID, c.Metric, c.Iteration, c.Stage, flag, last))
		}
	}
	week := r.period.From.In(r.loc).Format("2006-01-02")
	return fmt.Sprintf("Weekly tracking review %s: %s, %d without progress", week,
		reviewPlural(len(t.Cycles), "open cycle", "open cycles"), stalled), b.String()
}

func reviewTrendLine(t activities.WeekTrend) string {
	return fmt.Sprintf("%d opened (before %d); resolution rate %s (before %s); SLA compliance %s (before %s); CSAT satisfied %s (before %s)",
		t.Now.Volume, t.Before.Volume, reviewPct(t.Now.ResolutionRatePct), reviewPct(t.Before.ResolutionRatePct),
		reviewPct(t.Now.SLACompliancePct), reviewPct(t.Before.SLACompliancePct), reviewPct(t.Now.CSATSatisfiedPct), reviewPct(t.Before.CSATSatisfiedPct))
}

// reviewPct shows a percentage, or "n/a" when there was nothing to divide by.
func reviewPct(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64) + " %"
}

func reviewPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
