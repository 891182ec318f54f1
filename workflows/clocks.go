package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
)

// slaClock is one SLA clock: a budget of business time (on the policy's calendar)
// consumed while the clock runs. Pausing stops consumption; extending raises the
// budget. Marks are the moments something happens: warnings at shares of the budget,
// the breach at the budget, ladder levels after it.
type slaClock struct {
	name   complaint.Clock
	round  int // 0, then 1… for the clock of each reopening
	budget time.Duration
	used   time.Duration // business time consumed before since
	since  time.Time     // start of the running stretch
	// running: consuming business time; stopped: met or finished, no more marks.
	running, stopped bool
	marks            []*mark
}

type markKind int

// Order matters: marks at the same offset fire warning, breach, then level.
const (
	markWarning markKind = iota
	markBreach
	markLevel
)

type mark struct {
	kind    markKind
	percent int                   // warning
	level   complaint.LadderLevel // level
	fired   bool
}

// offset is how much business time must be used before the mark fires.
func (m *mark) offset(budget time.Duration) time.Duration {
	switch m.kind {
	case markWarning:
		return budget * time.Duration(m.percent) / 100
	case markLevel:
		return budget + secs(m.level.AfterSeconds)
	default:
		return budget
	}
}

type firedMark struct {
	clock *slaClock
	mark  *mark
	at    time.Time // when it fired
	due   time.Time // the clock's deadline at that moment
	// to is who hears of it, as the complaint stood when it fired: an action that
	// fired it first (fireDueBeforeAction, stopClock) may then change the owner.
	to string
}

// markRecipient is who hears of a mark: the owner (ownerRecipient) of a warning or
// breach, the level's recipient (ladderRecipient) of a ladder level.
func (w *complaintWorkflow) markRecipient(m *mark) string {
	if m.kind == markLevel {
		return w.ladderRecipient(m.level.Notify)
	}
	return w.ownerRecipient()
}

func (w *complaintWorkflow) newClock(name complaint.Clock, round int, since time.Time, budget time.Duration) *slaClock {
	c := &slaClock{name: name, round: round, budget: budget, since: since, running: true}
	for _, p := range complaint.WarningMarks(w.policy.WarningPercents) {
		c.marks = append(c.marks, &mark{kind: markWarning, percent: p})
	}
	c.marks = append(c.marks, &mark{kind: markBreach})
	for _, l := range w.policy.EscalationLevels {
		c.marks = append(c.marks, &mark{kind: markLevel, level: l})
	}
	return c
}

// nextMark is the unfired mark with the smallest offset.
func (c *slaClock) nextMark() *mark {
	var next *mark
	for _, m := range c.marks {
		if m.fired {
			continue
		}
		if next == nil || m.offset(c.budget) < next.offset(c.budget) ||
			(m.offset(c.budget) == next.offset(c.budget) && m.kind < next.kind) {
			next = m
		}
	}
	return next
}

func (c *slaClock) breachMark() *mark {
	for _, m := range c.marks {
		if m.kind == markBreach {
			return m
		}
	}
	return nil
}

func (c *slaClock) breached() bool { return c.breachMark().fired }

// usedAt is the business time consumed by the given moment.
func (c *slaClock) usedAt(now time.Time, cal *calendar.Calendar) time.Duration {
	if !c.running || now.Before(c.since) {
		return c.used
	}
	return c.used + cal.Between(c.since, now)
}

// timeOf is when the mark fires if the clock keeps running.
func (c *slaClock) timeOf(m *mark, cal *calendar.Calendar) time.Time {
	left := m.offset(c.budget) - c.used
	if left <= 0 {
		return c.since
	}
	return cal.Add(c.since, left)
}

// due is the deadline if the clock keeps running.
func (c *slaClock) due(cal *calendar.Calendar) time.Time { return c.timeOf(c.breachMark(), cal) }

// markDue returns the running clock's next mark if its time has come by now.
func (c *slaClock) markDue(now time.Time, cal *calendar.Calendar) *mark {
	if m := c.nextMark(); c.running && m != nil && m.offset(c.budget) <= c.usedAt(now, cal) {
		return m
	}
	return nil
}

// pause keeps since at the pause, so due reads "the deadline if resumed now".
func (c *slaClock) pause(now time.Time, cal *calendar.Calendar) {
	c.used = c.usedAt(now, cal)
	c.since, c.running = now, false
}

func (c *slaClock) resume(now time.Time) {
	c.since, c.running = now, true
}

func (c *slaClock) describe(m *mark) string {
	name := strings.ReplaceAll(string(c.name), "_", "-")
	switch m.kind {
	case markWarning:
		return fmt.Sprintf("%s %d%% warning", name, m.percent)
	case markLevel:
		return fmt.Sprintf("%s breach level %d", name, m.level.Level)
	default:
		return name + " SLA"
	}
}

// versionMarksBeforeActions marks executions in which an action that changes the
// clocks (acknowledge, resolve, pause, a decision) first fires every mark whose time
// has come (fireDueBeforeAction); executions without it fired only the stopped
// clock's breach then (stopClock), so the ladder levels and warnings a late task had
// not fired yet were dropped.
var versionMarksBeforeActions = change{"marks-before-actions", 8}

// fireDueBeforeAction fires, before an action changes the clocks, every mark whose
// time has come, as if the action had come after the timer that fires them. The SDK
// runs an update before the workflow's main coroutine, so an action that arrives in
// the same task as a fired timer — a worker behind, or back from an outage — runs
// first: without this it dropped the ladder levels already due (the owner's
// managers never heard of the breach), and the redo of a task whose worker died
// after recording its marks recorded others under the same event keys (the level of
// one clock where the attempt that died had the other's), their notices never sent.
// Asked only when a mark is due, so an older execution meets GetVersion only then.
func (w *complaintWorkflow) fireDueBeforeAction(ctx workflow.Context, now time.Time) {
	due := slices.ContainsFunc(w.clocks, func(c *slaClock) bool { return c.markDue(now, w.cal) != nil })
	if !due || !w.changed(ctx, versionMarksBeforeActions) {
		return
	}
	for _, c := range w.clocks {
		w.fireDue(c, now)
	}
}

// missedBy reports whether the clock's deadline has passed by now: its breach fired
// or, from revision 8 on, its time has come, fired or not — an action that arrives
// with the breach's timer runs before it (fireDueBeforeAction). Older revisions
// judge by the fired mark alone, as they did (validators may not ask GetVersion).
func (w *complaintWorkflow) missedBy(c *slaClock, now time.Time) bool {
	return c.breached() ||
		(w.in.Revision >= versionMarksBeforeActions.since && c.running && c.usedAt(now, w.cal) >= c.budget)
}

// versionMarkEvents marks executions that write the events of marks firing together
// in one local activity and one statement (RecordMarks); executions without it
// wrote each with a RecordEvent of its own.
var versionMarkEvents = change{"perf-mark-events", 1}

// handleFired records the events of fired marks and sends their notices, in the
// order they fired; events of marks that fired together are written together, and
// their notices go out together once the events are recorded.
func (w *complaintWorkflow) handleFired(ctx workflow.Context) {
	if len(w.fired) == 0 {
		return
	}
	if !w.legacy {
		var batch []activities.Notice
		var marks []complaint.Event
		w.batch = &batch
		if w.changed(ctx, versionMarkEvents) {
			w.marks = &marks
		}
		defer func() {
			w.batch, w.marks = nil, nil
			if len(marks) > 0 {
				err := workflow.ExecuteLocalActivity(localActivityContext(ctx), acts.RecordMarks, marks).Get(ctx, nil)
				if err != nil {
					// Retried for a year first: only a refusal ends here. The notices
					// would tell of events that are not recorded.
					w.logger.Error("recording fired marks failed", "Error", err, "Events", len(marks))
					return
				}
			}
			if len(batch) > 0 {
				w.sendNow(ctx, batch)
			}
		}()
	}
	for len(w.fired) > 0 {
		f := w.fired[0]
		w.fired = w.fired[1:]
		switch f.mark.kind {
		case markWarning:
			w.warn(ctx, f)
		case markBreach:
			w.breach(ctx, f)
		case markLevel:
			w.escalateLevel(ctx, f)
		}
	}
}

// versionSupersededWarnings marks executions that send no notice for a warning
// superseded in its wake-up (see superseded); executions without it told the owner
// of every warning.
var versionSupersededWarnings = change{"superseded-warnings", 2}

// versionResumeSuperseded marks executions that ask, for a superseded warning, to
// finish whatever delivery of its notice an attempt began (activities.Notice.Resume):
// a wake-up whose task died after sending its notices is redone later, and the
// redo can supersede a warning the dead task had begun to tell — its row would
// stay in sending with no attempt left to settle it. Executions without it leave
// such a row as it is.
var versionResumeSuperseded = change{"resume-superseded", 3}

// superseded reports whether a later mark of the warning's clock and round — a
// higher warning or the breach — fired in the same wake-up (the same task time) and
// waits in w.fired behind it. Marks fire together only when the task that fires them
// ran late (an overloaded or restarted worker): the owner then hears "90 % used" or
// "breached" once instead of a stale "50 % used" seconds before it, and an
// overloaded worker sheds a notice (contacts read, claim, send, finish) per warning
// exactly when it is behind. Its event is still recorded.
func (w *complaintWorkflow) superseded(f firedMark) bool {
	for _, later := range w.fired {
		if later.clock == f.clock && later.at.Equal(f.at) &&
			(later.mark.kind == markBreach || (later.mark.kind == markWarning && later.mark.percent > f.mark.percent)) {
			return true
		}
	}
	return false
}

func (w *complaintWorkflow) warn(ctx workflow.Context, f firedMark) {
	due := f.due
	w.state.Warnings = append(w.state.Warnings, Warning{
		Clock: f.clock.name, Round: f.clock.round, Percent: f.mark.percent, DueAt: due, FiredAt: f.at,
	})
	key := w.eventKey(complaint.EventSLAWarning)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventSLAWarning, Actor: complaint.ActorSystem, At: f.at,
		Clock: f.clock.name, Round: f.clock.round, Percent: f.mark.percent, DueAt: due,
	}); err != nil {
		w.logger.Error("recording warning failed", "Error", err)
		return
	}
	if w.superseded(f) && w.changed(ctx, versionSupersededWarnings) {
		// The later mark's notice tells the owner more; asked only here, so an older
		// execution meets GetVersion only when a warning would be dropped.
		w.state.Warnings[len(w.state.Warnings)-1].Superseded = true
		if w.changed(ctx, versionResumeSuperseded) {
			w.notify(ctx, activities.Notice{EventKey: key, EventKind: complaint.EventSLAWarning, Recipient: f.to, Resume: true})
		}
		return
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: complaint.EventSLAWarning, Recipient: f.to,
		Subject: fmt.Sprintf("%d%% of the %s time used: complaint %s", f.mark.percent, clockLabel(f.clock.name), w.in.ComplaintID),
		Body: fmt.Sprintf("Complaint %s (urgency %s, tier %s, category %s) has used %d%% of its %s time; the deadline is %s.",
			w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, f.mark.percent,
			clockLabel(f.clock.name), formatTime(due)),
	})
}

// breach records a missed deadline and tells the owner; a missed resolution
// deadline is told to the customer too, once per round: an apology, and that the
// agent will say why and when (002 §9.3; the agent's progress update does).
func (w *complaintWorkflow) breach(ctx workflow.Context, f firedMark) {
	c, due := f.clock, f.due
	w.state.Breaches = append(w.state.Breaches, Breach{Clock: c.name, Round: c.round, DueAt: due, FiredAt: f.at})
	w.logger.Warn("SLA breached", "Clock", c.name, "DueAt", due, "FiredAt", f.at)
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventSLABreached)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventSLABreached, Actor: complaint.ActorSystem, At: f.at, Clock: c.name, Round: c.round, DueAt: due,
	}); err != nil {
		w.logger.Error("recording breach failed", "Error", err)
		return
	}
	w.notify(ctx, activities.Notice{
		EventKey:  key,
		EventKind: complaint.EventSLABreached,
		Recipient: f.to,
		Subject:   fmt.Sprintf("SLA breached: %s deadline of complaint %s", strings.ReplaceAll(string(c.name), "_", "-"), w.in.ComplaintID),
		Body: fmt.Sprintf("Complaint %s (urgency %s, tier %s, category %s) missed its %s deadline due %s; the timer fired at %s.",
			w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, c.name,
			formatTime(due), formatTime(f.at)),
	})
	if c.name == complaint.ClockResolution && w.changed(ctx, versionOverdueNotices) {
		w.tellCustomer(ctx, key, complaint.EventSLABreached, message.ResolutionOverdue, nil)
	}
}

// escalateLevel tells the level's recipient: the nearest person above the owner whose
// rank is at least the level's.
func (w *complaintWorkflow) escalateLevel(ctx workflow.Context, f firedMark) {
	level := f.mark.level
	recipient := f.to
	w.state.Ladder = append(w.state.Ladder, LadderStep{
		Clock: f.clock.name, Round: f.clock.round, Level: level.Level, Recipient: recipient, FiredAt: f.at,
	})
	w.state.EscalationLevel = max(w.state.EscalationLevel, level.Level)
	w.upsertSearchAttributes(ctx)
	due := f.due
	key := w.eventKey(complaint.EventSLAEscalated)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventSLAEscalated, Actor: complaint.ActorSystem, At: f.at, Clock: f.clock.name,
		Round: f.clock.round, DueAt: due, Level: level.Level, Recipient: recipient,
	}); err != nil {
		w.logger.Error("recording ladder level failed", "Error", err)
		return
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: complaint.EventSLAEscalated, Recipient: recipient,
		Subject: fmt.Sprintf("Escalation level %d: complaint %s is past its %s deadline", level.Level, w.in.ComplaintID, clockLabel(f.clock.name)),
		Body: fmt.Sprintf("Complaint %s (urgency %s, tier %s, category %s, owner %s) missed its %s deadline of %s and has reached escalation level %d.",
			w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, orNone(w.state.Owner),
			clockLabel(f.clock.name), formatTime(due), level.Level),
	})
}

// ownerRecipient is who hears about the complaint's own clocks: the owner, else the
// team lead of the queue it waits in, else the category's unassigned queue.
func (w *complaintWorkflow) ownerRecipient() string {
	switch {
	case w.state.Owner != "":
		return w.state.Owner
	case len(w.state.Chain) > 0:
		return w.state.Chain[0].ID
	}
	return "unassigned:" + w.state.Category
}

// above is the reporting chain above the owner (the whole chain, starting with the
// team lead, for an unassigned complaint).
func (w *complaintWorkflow) above() []complaint.Member {
	chain := w.state.Chain
	if w.state.Owner != "" && len(chain) > 0 && chain[0].ID == w.state.Owner {
		return chain[1:]
	}
	return chain
}

func (w *complaintWorkflow) ladderRecipient(role complaint.Role) string {
	i := slices.IndexFunc(w.above(), func(m complaint.Member) bool { return m.Role.AtLeast(role) })
	if i < 0 {
		return "role:" + string(role)
	}
	return w.above()[i].ID
}

func clockLabel(c complaint.Clock) string { return strings.ReplaceAll(string(c), "_", " ") }

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
