package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// directory sets up team "care" led by lee: agent ann → lee → manager max.
func directory(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	some := func(s string) *string { return &s }
	must := func(_ any, _ bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutTeam(ctx, store.Team{ID: "care", Name: "Customer care", UpdatedBy: "t"}, nil))
	must(st.PutPerson(ctx, store.Person{ID: "max", Name: "Max", Role: complaint.RoleManager, Active: true, UpdatedBy: "t"}, nil))
	must(st.PutPerson(ctx, store.Person{ID: "lee", Name: "Lee", Role: complaint.RoleTeamLead, TeamID: some("care"),
		ManagerID: some("max"), Active: true, UpdatedBy: "t"}, nil))
	must(st.PutPerson(ctx, store.Person{ID: "ann", Name: "Ann", Role: complaint.RoleAgent, TeamID: some("care"),
		ManagerID: some("lee"), Active: true, UpdatedBy: "t"}, nil))
	must(st.PutTeam(ctx, store.Team{ID: "care", Name: "Customer care", LeadID: some("lee"), UpdatedBy: "t"}, nil))
}

func TestIntakeRoutesSnapshotsThePolicyAndCountsOnItsCalendar(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	directory(t, st)
	if _, _, err := st.PutRoute(ctx, store.Route{Category: "*", TeamID: "care", UpdatedBy: "t"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutRoute(ctx, store.Route{Category: "logistics", TeamID: "care",
		OwnerID: new("ann"), UpdatedBy: "t"}, nil); err != nil {
		t.Fatal(err)
	}
	// A calendar open only on Sunday 2099-01-04 in Shanghai and later: every
	// deadline lands on a Sunday, which a 24×7 computation would not.
	spec := calendar.Spec{TimeZone: "Asia/Shanghai", WeeklyHours: map[string][]calendar.Span{"sun": {{Start: "09:00", End: "10:00"}}}}
	if _, _, err := st.PutCalendar(ctx, store.Calendar{ID: "sundays", Name: "Sunday mornings", Spec: spec, UpdatedBy: "t"}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := st.Policy(ctx, complaint.High, complaint.Medium)
	if err != nil {
		t.Fatal(err)
	}
	p.CalendarID, p.UpdatedBy = new("sundays"), "t"
	if _, err := st.PutPolicy(ctx, p, nil); err != nil {
		t.Fatal(err)
	}

	routed, _, err := st.CreateComplaint(ctx, newComplaint("routed", complaint.High, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	if null.Value(routed.Owner) != "ann" || null.Value(routed.TeamID) != "care" {
		t.Errorf("logistics routed to owner %q team %q, want ann in care", null.Value(routed.Owner), null.Value(routed.TeamID))
	}
	cal, _ := calendar.Compile(spec)
	if want := cal.Add(routed.CreatedAt, 2*time.Hour); !routed.FirstResponseDueAt.Equal(want) {
		t.Errorf("first response due %s, want %s on the calendar", routed.FirstResponseDueAt, want)
	}
	if local := routed.FirstResponseDueAt.In(cal.Location()); local.Weekday() != time.Sunday {
		t.Errorf("due %s is not on a Sunday", local)
	}

	sla, err := st.OpenComplaint(ctx, routed.ID, "k/opened/1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if sla.Policy == nil || sla.Policy.Calendar == nil || sla.Policy.Calendar.TimeZone != "Asia/Shanghai" {
		t.Fatalf("policy snapshot %+v lacks the calendar", sla.Policy)
	}
	if got := sla.Policy.WarningPercents; len(got) != 3 || got[0] != 50 || got[2] != 90 {
		t.Errorf("warning percents %v, want the defaults 50/75/90", got)
	}
	if len(sla.Policy.EscalationLevels) != 3 || sla.Policy.EscalationLevels[2].Notify != complaint.RoleDirector {
		t.Errorf("ladder %+v, want the three default levels", sla.Policy.EscalationLevels)
	}
	want := []complaint.Member{{ID: "ann", Role: complaint.RoleAgent}, {ID: "lee", Role: complaint.RoleTeamLead},
		{ID: "max", Role: complaint.RoleManager}}
	if len(sla.Chain) != 3 || sla.Chain[0] != want[0] || sla.Chain[2] != want[2] {
		t.Errorf("chain %+v, want %+v", sla.Chain, want)
	}

	// A category without its own route takes the default route: the team's queue,
	// escalating along the team lead's chain.
	queued := newComplaint("queued", complaint.Medium, complaint.Medium)
	queued.Category = "product"
	c, _, err := st.CreateComplaint(ctx, queued)
	if err != nil {
		t.Fatal(err)
	}
	sla, err = st.OpenComplaint(ctx, c.ID, "k2/opened/1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Owner != nil || sla.Team != "care" || len(sla.Chain) != 2 || sla.Chain[0].ID != "lee" {
		t.Errorf("default route: owner %v team %q chain %+v, want no owner, care, [lee max]", c.Owner, sla.Team, sla.Chain)
	}
}

func TestEscalationEventsKeepTheEscalationsTableInStep(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	directory(t, st)
	c, _, err := st.CreateComplaint(ctx, newComplaint("esc", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	due := now.Add(4 * time.Hour)
	e := complaint.EscalationRecord{ID: c.ID + "/1", Seq: 1, Status: "pending", RequestedBy: "ann", RequestedAt: now,
		Reason: "press", Level: 1, Approver: "max", Eligible: []string{"max"}, DecisionDueAt: &due}
	record := func(ev complaint.Event) {
		t.Helper()
		ev.ComplaintID, ev.At, ev.Actor = c.ID, now, "ann"
		for range 2 { // a retried activity changes nothing
			if _, err := st.RecordEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	record(complaint.Event{Key: "k/escalation_requested/1", Kind: complaint.EventEscalationRequest, Escalation: &e})
	inbox, err := st.EscalationInbox(ctx, store.EscalationFilter{Status: "pending", Person: "max", Limit: 10})
	if err != nil || len(inbox) != 1 || null.Value(inbox[0].ApproverID) != "max" {
		t.Fatalf("max's inbox: %+v, %v; want the request", inbox, err)
	}
	if others, _ := st.EscalationInbox(ctx, store.EscalationFilter{Status: "pending", Person: "lee", Limit: 10}); len(others) != 0 {
		t.Errorf("lee may not decide, but their inbox holds %d", len(others))
	}

	decidedAt := now.Add(time.Hour)
	e.Status, e.DecidedBy, e.DecidedAt, e.DecisionDueAt = "approved", "max", &decidedAt, nil
	e.Decision = &complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High, Owner: "lee"}
	record(complaint.Event{Key: "k/escalation_decided/1", Kind: complaint.EventEscalationDecision, Escalation: &e,
		Owner: "lee", Urgency: complaint.High, ResolutionDueAt: now.Add(20 * time.Hour), ExtendedSeconds: 0})

	es, err := st.Escalations(ctx, c.ID)
	if err != nil || len(es) != 1 {
		t.Fatalf("escalations %+v, %v", es, err)
	}
	if es[0].Status != "approved" || null.Value(es[0].DecidedBy) != "max" || es[0].DecisionDueAt != nil {
		t.Errorf("escalation after the decision: %+v", es[0])
	}
	got, err := st.Complaint(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if null.Value(got.Owner) != "lee" || got.Urgency != complaint.High || !null.Value(got.ResolutionDueAt).Equal(now.Add(20*time.Hour)) {
		t.Errorf("complaint after approval: owner %q urgency %s due %s", null.Value(got.Owner), got.Urgency, null.Value(got.ResolutionDueAt))
	}
	if pending, _ := st.EscalationInbox(ctx, store.EscalationFilter{Status: "pending", Person: "max", Limit: 10}); len(pending) != 0 {
		t.Errorf("decided escalation still pending: %+v", pending)
	}

	// A move up the chain decided in the same workflow task commits after the
	// decision: the decided escalation stays decided.
	late := complaint.EscalationRecord{ID: c.ID + "/1", Seq: 1, Status: "pending", RequestedBy: "ann", RequestedAt: now,
		Reason: "press", Level: 2, Approver: "lee", Eligible: []string{"lee"}, DecisionDueAt: &due}
	record(complaint.Event{Key: "k/escalation_moved_up/1", Kind: complaint.EventEscalationMovedUp, Escalation: &late})
	if es, err = st.Escalations(ctx, c.ID); err != nil || len(es) != 1 || es[0].Status != "approved" || es[0].Level != 1 ||
		null.Value(es[0].DecidedBy) != "max" {
		t.Errorf("escalation after a late move up: %+v, %v; want still approved by max at level 1", es, err)
	}
	if pending, _ := st.EscalationInbox(ctx, store.EscalationFilter{Status: "pending", Person: "lee", Limit: 10}); len(pending) != 0 {
		t.Errorf("a late move up made the decided escalation pending for lee: %+v", pending)
	}
}

// Decided escalations list the latest decision first, so a limit keeps the newest.
func TestDecidedEscalationsListTheLatestFirst(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	directory(t, st)
	now := time.Now().UTC().Truncate(time.Millisecond)
	var ids []string
	for i := range 3 {
		c, _, err := st.CreateComplaint(ctx, newComplaint(fmt.Sprint("decided-", i), complaint.Medium, complaint.Medium))
		if err != nil {
			t.Fatal(err)
		}
		requested, decided := now.Add(time.Duration(i)*time.Minute), now.Add(time.Duration(i+1)*time.Hour)
		due := requested.Add(4 * time.Hour)
		e := complaint.EscalationRecord{ID: c.ID + "/1", Seq: 1, Status: "pending", RequestedBy: "ann", RequestedAt: requested,
			Reason: "press", Level: 1, Approver: "max", Eligible: []string{"max"}, DecisionDueAt: &due}
		if _, err := st.RecordEvent(ctx, complaint.Event{ComplaintID: c.ID, At: requested, Actor: "ann",
			Key: c.ID + "/escalation_requested/1", Kind: complaint.EventEscalationRequest, Escalation: &e}); err != nil {
			t.Fatal(err)
		}
		e.Status, e.DecidedBy, e.DecidedAt, e.DecisionDueAt = "rejected", "max", &decided, nil
		e.Decision = &complaint.Decision{Kind: complaint.DecisionReject, Reason: "no"}
		if _, err := st.RecordEvent(ctx, complaint.Event{ComplaintID: c.ID, At: decided, Actor: "max",
			Key: c.ID + "/escalation_decided/1", Kind: complaint.EventEscalationDecision, Escalation: &e}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	got, err := st.EscalationInbox(ctx, store.EscalationFilter{Status: "rejected", Person: "max", Limit: 2})
	if err != nil || len(got) != 2 || got[0].ComplaintID != ids[2] || got[1].ComplaintID != ids[1] {
		t.Errorf("rejected, limit 2: %+v, %v; want the two latest decisions, latest first", got, err)
	}
}

// An angry customer's escalation opened while the chain names no manager has no
// approver, nobody eligible, level 0 and no deadline: it is stored all the same
// (a failed write would hold every later event of the complaint behind it).
func TestAnEscalationAwaitingAManagerIsStored(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("unrouted", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	e := complaint.EscalationRecord{ID: c.ID + "/1", Seq: 1, Status: "pending", RequestedBy: "system", RequestedAt: now,
		Reason: "angry customer", Automatic: true, Level: 0}
	if _, err := st.RecordEvent(ctx, complaint.Event{ComplaintID: c.ID, At: now, Actor: "system",
		Key: c.ID + "/escalation_requested/1", Kind: complaint.EventEscalationRequest, Escalation: &e}); err != nil {
		t.Fatalf("recording an escalation awaiting a manager: %v", err)
	}
	es, err := st.Escalations(ctx, c.ID)
	if err != nil || len(es) != 1 || es[0].Level != 0 || es[0].ApproverID != nil || len(es[0].Eligible) != 0 {
		t.Errorf("stored %+v, %v; want one at level 0 with nobody to decide", es, err)
	}
}

// A decision that raises the urgency tightens the running first-response clock:
// its event carries the new deadline, and the row shows it — GET, the
// nearest-deadline order and breaching soon — as the workflow's timer keeps it. A
// decision whose event carries none (the clock met, or not moved) leaves it alone.
func TestARaisedUrgencyShowsTheTighterFirstResponseDeadline(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("raised", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	tighter := now.Add(time.Hour)
	if !c.FirstResponseDueAt.After(tighter.Add(time.Hour)) {
		t.Fatalf("filed with first response due %s, want later than %s", c.FirstResponseDueAt, tighter.Add(time.Hour))
	}
	decide := func(seq int, d complaint.Decision, responseDue time.Time) {
		t.Helper()
		e := complaint.EscalationRecord{ID: fmt.Sprintf("%s/%d", c.ID, seq), Seq: seq, Status: "approved", RequestedBy: "ann",
			RequestedAt: now, Reason: "press", Level: 1, Eligible: []string{"max"}, DecidedBy: "max", DecidedAt: &now, Decision: &d}
		if _, err := st.RecordEvent(ctx, complaint.Event{ComplaintID: c.ID, Key: fmt.Sprintf("k/escalation_decided/%d", seq),
			Kind: complaint.EventEscalationDecision, Actor: "max", At: now, Escalation: &e, Urgency: d.Urgency,
			ResolutionDueAt: now.Add(20 * time.Hour), FirstResponseDueAt: responseDue}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		got, err := st.Complaint(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.FirstResponseDueAt.Equal(tighter) || !got.FirstResponseRunning {
			t.Errorf("%s: first response due %s, running %t; want %s, running", when, got.FirstResponseDueAt, got.FirstResponseRunning, tighter)
		}
		soon, err := st.Complaints(ctx, store.ComplaintFilter{DueFrom: &now, DueTo: new(now.Add(2 * time.Hour)),
			Order: store.ComplaintsDueFirst, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if ids := externalIDs(soon); len(ids) != 1 || ids[0] != "raised" {
			t.Errorf("%s: breaching within 2 h: %v, want the raised complaint", when, ids)
		}
	}
	decide(1, complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High}, tighter)
	check("after the raise")
	decide(2, complaint.Decision{Kind: complaint.DecisionReassign, Owner: "lee"}, time.Time{})
	check("after a decision that moved no first-response deadline")
}
