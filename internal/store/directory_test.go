package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

func some(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func person(id string, role complaint.Role, manager string) store.Person {
	return store.Person{ID: id, Name: "Person " + id, Role: role, ManagerID: some(manager), Active: true, UpdatedBy: "test"}
}

func mustPut(t *testing.T, st *store.Store, people ...store.Person) {
	t.Helper()
	for _, p := range people {
		if _, _, err := st.PutPerson(context.Background(), p, nil); err != nil {
			t.Fatalf("put %s: %v", p.ID, err)
		}
	}
}

// newOrg writes a four-level chain: agent a → lead l → manager m → director d.
func newOrg(t *testing.T, st *store.Store) {
	t.Helper()
	mustPut(t, st,
		person("d", complaint.RoleDirector, ""),
		person("m", complaint.RoleManager, "d"),
		person("l", complaint.RoleTeamLead, "m"),
		person("a", complaint.RoleAgent, "l"),
	)
}

func chainIDs(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	chain, err := st.Chain(context.Background(), id)
	if err != nil {
		t.Fatalf("chain of %s: %v", id, err)
	}
	ids := make([]string, len(chain))
	for i, m := range chain {
		ids[i] = m.ID
	}
	return ids
}

func TestChainListsThePersonThenEachManagerUpward(t *testing.T) {
	st := newStore(t)
	newOrg(t, st)
	chain, err := st.Chain(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	want := []complaint.Member{
		{ID: "a", Role: complaint.RoleAgent}, {ID: "l", Role: complaint.RoleTeamLead},
		{ID: "m", Role: complaint.RoleManager}, {ID: "d", Role: complaint.RoleDirector},
	}
	if !slices.Equal(chain, want) {
		t.Errorf("got chain %v, want %v", chain, want)
	}
	if _, err := st.Chain(context.Background(), "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("chain of an unknown person: got %v, want ErrNotFound", err)
	}
}

func TestChainSkipsInactivePeopleButWalksThroughThem(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	if _, err := st.DeactivatePerson(ctx, "l", "test", nil); err != nil {
		t.Fatal(err)
	}
	if got, want := chainIDs(t, st, "a"), []string{"a", "m", "d"}; !slices.Equal(got, want) {
		t.Errorf("with the lead gone: got %v, want %v", got, want)
	}
	if _, err := st.DeactivatePerson(ctx, "a", "test", nil); err != nil {
		t.Fatal(err)
	}
	if got, want := chainIDs(t, st, "a"), []string{"m", "d"}; !slices.Equal(got, want) {
		t.Errorf("with the agent gone too: got %v, want %v", got, want)
	}
}

func TestPutPersonRefusesAManagerWhoWouldCloseACycle(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	before, _ := st.Person(ctx, "d")

	_, _, err := st.PutPerson(ctx, person("d", complaint.RoleDirector, "a"), nil)
	var fe *store.FieldError
	if !errors.As(err, &fe) || fe.Field != "manager_id" || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("d reporting to a (who reports up to d): got %v, want a conflict on manager_id", err)
	}
	_, _, err = st.PutPerson(ctx, person("d", complaint.RoleDirector, "d"), nil)
	if !errors.As(err, &fe) || fe.Field != "manager_id" || !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("d reporting to d: got %v, want manager_id invalid", err)
	}
	after, _ := st.Person(ctx, "d")
	if after.ManagerID != nil || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("a refused write changed d: %+v", after)
	}
	// Moving a sideways (to report to m directly) is no cycle.
	mustPut(t, st, person("a", complaint.RoleAgent, "m"))
}

func TestPutPersonRefusesMissingAndInactiveReferences(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	if _, err := st.DeactivatePerson(ctx, "m", "test", nil); err != nil {
		t.Fatal(err)
	}
	withTeam := person("x", complaint.RoleAgent, "")
	withTeam.TeamID = some("no-such-team")
	for _, tc := range []struct {
		name  string
		p     store.Person
		field string
	}{
		{"unknown manager", person("x", complaint.RoleAgent, "ghost"), "manager_id"},
		{"inactive manager", person("x", complaint.RoleAgent, "m"), "manager_id"},
		{"unknown team", withTeam, "team_id"},
	} {
		_, _, err := st.PutPerson(ctx, tc.p, nil)
		var fe *store.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: got %v, want %s invalid", tc.name, err, tc.field)
		}
	}
	if _, err := st.Person(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("refused writes created x: %v", err)
	}
}

// Two writes that would each be fine alone but together close a cycle must not both
// commit: the check and the write hold the directory lock.
func TestConcurrentManagerChangesNeverCloseACycle(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for round := range 20 {
		mustPut(t, st, person("x", complaint.RoleManager, ""), person("y", complaint.RoleManager, ""))
		errs := make(chan error, 2)
		for _, p := range []store.Person{person("x", complaint.RoleManager, "y"), person("y", complaint.RoleManager, "x")} {
			go func() {
				_, _, err := st.PutPerson(ctx, p, nil)
				errs <- err
			}()
		}
		var refused int
		for range 2 {
			if err := <-errs; errors.Is(err, store.ErrConflict) {
				refused++
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if refused != 1 {
			t.Fatalf("round %d: %d of the two writes refused, want exactly 1", round, refused)
		}
	}
}

// The store never writes a cycle, but a chain read must end even on one written
// around it (by hand, by a restore), and never return more than MaxChainDepth.
func TestChainIsDepthBounded(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	if _, err := st.DB().Exec(`UPDATE people SET manager_id = 'a' WHERE id = 'd'`); err != nil {
		t.Fatal(err)
	}
	chain, err := st.Chain(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != store.MaxChainDepth || chain[0].ID != "a" || chain[4].ID != "a" {
		t.Errorf("chain through a cycle: got %d members starting %v, want %d going round", len(chain), chain[:5], store.MaxChainDepth)
	}

	long := store.MaxChainDepth + 8
	for i := range long {
		manager := ""
		if i > 0 {
			manager = fmt.Sprintf("p%d", i-1)
		}
		mustPut(t, st, person(fmt.Sprintf("p%d", i), complaint.RoleAgent, manager))
	}
	ids := chainIDs(t, st, fmt.Sprintf("p%d", long-1))
	if len(ids) != store.MaxChainDepth {
		t.Errorf("chain of %d people: got %d members, want %d", long, len(ids), store.MaxChainDepth)
	}
}

func TestTeamLeadIsTheActiveLeadOrNobody(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	lead := func(team string) string {
		t.Helper()
		id, err := st.TeamLead(ctx, team)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	team := store.Team{ID: "care", Name: "Customer care", UpdatedBy: "test"}
	if _, created, err := st.PutTeam(ctx, team, nil); err != nil || !created {
		t.Fatalf("create team: created=%v err=%v", created, err)
	}
	if got := lead("care"); got != "" {
		t.Errorf("team without a lead: got %q", got)
	}
	team.LeadID = some("l")
	if _, created, err := st.PutTeam(ctx, team, nil); err != nil || created {
		t.Fatalf("replace team: created=%v err=%v", created, err)
	}
	if got := lead("care"); got != "l" {
		t.Errorf("got lead %q, want l", got)
	}
	if _, err := st.DeactivatePerson(ctx, "l", "test", nil); err != nil {
		t.Fatal(err)
	}
	if got := lead("care"); got != "" {
		t.Errorf("inactive lead: got %q, want none", got)
	}
	if got := lead("no-such-team"); got != "" {
		t.Errorf("unknown team: got %q, want none", got)
	}
	team.LeadID = some("l")
	if _, _, err := st.PutTeam(ctx, team, nil); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("making an inactive person lead: got %v, want ErrInvalid", err)
	}
}

func TestPeopleFilters(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if _, _, err := st.PutTeam(ctx, store.Team{ID: "care", Name: "Care", UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	newOrg(t, st)
	for _, id := range []string{"a", "l"} {
		p, _ := st.Person(ctx, id)
		p.TeamID = some("care")
		mustPut(t, st, p)
	}
	if _, err := st.DeactivatePerson(ctx, "a", "test", nil); err != nil {
		t.Fatal(err)
	}
	active := true
	for _, tc := range []struct {
		f    store.PeopleFilter
		want []string
	}{
		{store.PeopleFilter{}, []string{"a", "d", "l", "m"}},
		{store.PeopleFilter{TeamID: "care"}, []string{"a", "l"}},
		{store.PeopleFilter{TeamID: "care", Active: &active}, []string{"l"}},
		{store.PeopleFilter{Role: complaint.RoleManager}, []string{"m"}},
	} {
		ps, err := st.People(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("people %+v: got %v, want %v", tc.f, got, tc.want)
		}
	}
}

func TestRoutesFallBackToTheDefault(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	for _, id := range []string{"care", "logistics"} {
		if _, _, err := st.PutTeam(ctx, store.Team{ID: id, Name: id, UpdatedBy: "test"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RouteFor(ctx, complaint.RouteKey{Tier: "low", Channel: "web", Category: "logistics"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no rules: got %v, want ErrNotFound", err)
	}
	put := func(r store.Route) {
		t.Helper()
		r.UpdatedBy = "test"
		if _, _, err := st.PutRoute(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	put(store.Route{Category: store.DefaultRoute, TeamID: "care"})
	put(store.Route{Category: "logistics", TeamID: "logistics", OwnerID: new("a")})
	if r, err := st.RouteFor(ctx, complaint.RouteKey{Tier: "low", Channel: "web", Category: "logistics"}); err != nil || r.TeamID != "logistics" || null.Value(r.OwnerID) != "a" {
		t.Errorf("logistics: got %+v, %v", r, err)
	}
	if r, err := st.RouteFor(ctx, complaint.RouteKey{Tier: "low", Channel: "web", Category: "product"}); err != nil || r.TeamID != "care" {
		t.Errorf("product takes the default route: got %+v, %v", r, err)
	}
	if _, err := st.DeactivatePerson(ctx, "a", "test", nil); err != nil {
		t.Fatal(err)
	}
	if r, _ := st.RouteFor(ctx, complaint.RouteKey{Tier: "low", Channel: "web", Category: "logistics"}); r.OwnerID != nil {
		t.Errorf("an inactive owner still receives complaints: %+v", r)
	}
	// Intake reads the routes itself (one round trip with the policies): same rule.
	c, _, err := st.CreateComplaint(ctx, newComplaint("to-inactive", complaint.Medium, complaint.Low))
	if err != nil || c.Owner != nil || null.Value(c.TeamID) != "logistics" {
		t.Errorf("filed to an inactive owner: owner %v, team %v, %v", null.Value(c.Owner), null.Value(c.TeamID), err)
	}
	_, _, err = st.PutRoute(ctx, store.Route{Category: "product", TeamID: "ghosts", UpdatedBy: "test"}, nil)
	var fe *store.FieldError
	if !errors.As(err, &fe) || fe.Field != "team_id" {
		t.Errorf("unknown team: got %v, want team_id invalid", err)
	}
	if err := st.DeleteRoute(ctx, complaint.RouteKey{Category: "logistics"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteRoute(ctx, complaint.RouteKey{Category: "logistics"}, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: got %v, want ErrNotFound", err)
	}
	if rs, _ := st.Routes(ctx); len(rs) != 1 || rs[0].Category != store.DefaultRoute {
		t.Errorf("routes left: %+v, want the default only", rs)
	}
}

var officeHours = calendar.Spec{
	TimeZone: "Asia/Shanghai",
	WeeklyHours: map[string][]calendar.Span{
		"mon": {{Start: "09:00", End: "18:00"}}, "tue": {{Start: "09:00", End: "18:00"}},
		"wed": {{Start: "09:00", End: "18:00"}}, "thu": {{Start: "09:00", End: "18:00"}},
		"fri": {{Start: "09:00", End: "18:00"}},
	},
	Holidays:    []string{"2025-10-01"},
	WorkingDays: []string{"2025-09-28"},
}

func TestCalendarInUseCannotBeDeleted(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, created, err := st.PutCalendar(ctx, store.Calendar{ID: "office", Name: "Office", Spec: officeHours, UpdatedBy: "test"}, nil)
	if err != nil || !created {
		t.Fatalf("create: created=%v err=%v", created, err)
	}
	got, err := st.Calendar(ctx, "office")
	if err != nil || got.Spec.TimeZone != "Asia/Shanghai" || len(got.Spec.WeeklyHours["fri"]) != 1 ||
		!slices.Equal(got.Spec.Holidays, officeHours.Holidays) || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("read back: got %+v, %v", got, err)
	}
	if _, err := st.DB().Exec(`UPDATE sla_policies SET calendar_id = 'office' WHERE urgency = 'high' AND tier = 'low'`); err != nil {
		t.Fatal(err)
	}
	err = st.DeleteCalendar(ctx, "office", nil)
	var inUse *store.InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, store.ErrConflict) || !slices.Equal(inUse.By, []string{"sla policy high/low"}) {
		t.Fatalf("deleting a calendar in use: got %v, want a conflict naming sla policy high/low", err)
	}
	if _, err := st.Calendar(ctx, "office"); err != nil {
		t.Fatalf("refused delete removed the calendar: %v", err)
	}
	if _, err := st.DB().Exec(`UPDATE sla_policies SET calendar_id = NULL`); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteCalendar(ctx, "office", nil); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteCalendar(ctx, "office", nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: got %v, want ErrNotFound", err)
	}
}

func TestTokenActsForAPerson(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	secret := auth.NewSecret()
	if _, err := st.CreateToken(ctx, store.Token{
		ID: uuid.NewString(), Name: "manager m", Role: string(auth.RoleManager), Hash: auth.Hash(secret), CreatedBy: "test", PersonID: new("m"),
	}); err != nil {
		t.Fatal(err)
	}
	tok, err := st.TokenByHash(ctx, auth.Hash(secret))
	if err != nil || null.Value(tok.PersonID) != "m" {
		t.Fatalf("got %+v, %v; want person m", tok, err)
	}
	_, err = st.CreateToken(ctx, store.Token{
		ID: uuid.NewString(), Name: "ghost", Role: string(auth.RoleAgent), Hash: auth.Hash(auth.NewSecret()), CreatedBy: "test", PersonID: new("ghost"),
	})
	var fe *store.FieldError
	if !errors.As(err, &fe) || fe.Field != "person_id" {
		t.Errorf("token for an unknown person: got %v, want person_id invalid", err)
	}
}
