package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// The queue asks the API for the work still to do, nearest deadline first, from
// the page's cursor; an agent starts on their own queue.
func TestQueueAsksForActiveComplaintsNearestDeadlineFirst(t *testing.T) {
	agent := auth.Principal{Role: auth.RoleAgent, PersonID: "ann"}
	manager := auth.Principal{Role: auth.RoleManager, PersonID: "max"}
	for _, tc := range []struct {
		name, query  string
		who          auth.Principal
		owner        *string
		statuses     []string
		cursor, team *string
	}{
		{"agent's default", "", agent, new("me"), []string{"open", "in_progress", "waiting_on_customer", "backlog"}, nil, nil},
		{"manager's default is all owners", "", manager, nil, []string{"open", "in_progress", "waiting_on_customer", "backlog"}, nil, nil},
		{"agent chooses all", "owner=any", agent, nil, []string{"open", "in_progress", "waiting_on_customer", "backlog"}, nil, nil},
		{"every status", "owner=any&status=any", agent, nil, nil, nil, nil},
		{"one status", "status=closed", manager, nil, []string{"closed"}, nil, nil},
		{"a team's next page", "owner=any&team_id=ops&cursor=abc", agent, nil,
			[]string{"open", "in_progress", "waiting_on_customer", "backlog"}, new("abc"), new("ops")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filtersOf(httptest.NewRequest("GET", "/console/?"+tc.query, nil), tc.who).params()
			if p.Sort == nil || *p.Sort != apiclient.Due {
				t.Errorf("sort %v, want due", p.Sort)
			}
			if !equalPtr(p.Owner, tc.owner) || !equalPtr(p.Cursor, tc.cursor) || !equalPtr(p.TeamId, tc.team) {
				t.Errorf("owner %v cursor %v team %v, want %v %v %v", shown(p.Owner), shown(p.Cursor), shown(p.TeamId),
					shown(tc.owner), shown(tc.cursor), shown(tc.team))
			}
			var got []string
			if p.Status != nil {
				got = *p.Status
			}
			if !slices.Equal(got, tc.statuses) {
				t.Errorf("statuses %v, want %v", got, tc.statuses)
			}
		})
	}
}

// The poll refreshes the page shown (its cursor); the next page keeps the filters
// with the API's cursor; the first page drops the cursor.
func TestQueueLinksKeepTheFilters(t *testing.T) {
	f := filtersOf(httptest.NewRequest("GET", "/console/?owner=me&urgency=high&breaching_within=4&reports_to=me&cursor=c1", nil),
		auth.Principal{Role: auth.RoleAgent})
	kept := func(cursor string) url.Values {
		v := url.Values{"owner": {"me"}, "urgency": {"high"}, "status": {"active"}, "breaching_within": {"4"}, "reports_to": {"me"}}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		return v
	}
	for _, tc := range []struct {
		name string
		got  string
		want url.Values
	}{
		{"poll", string(f.Query()), kept("c1")},
		{"next", string(f.Next("c2")), kept("c2")},
		{"first", string(f.First()), kept("")},
	} {
		got, err := url.ParseQuery(tc.got)
		if err != nil {
			t.Fatal(err)
		}
		if got.Encode() != tc.want.Encode() {
			t.Errorf("%s: %s, want %s", tc.name, got.Encode(), tc.want.Encode())
		}
	}
	// The API gets both: breaching soon in hours, and whose reports.
	p := f.params()
	if p.BreachingWithin == nil || *p.BreachingWithin != 4 || !equalPtr(p.ReportsTo, new("me")) {
		t.Errorf("breaching_within %v reports_to %s, want 4 and me", p.BreachingWithin, shown(p.ReportsTo))
	}
}

// My queue for a person, my team for a person of a team, all for everyone; the view
// shown is marked.
func TestQueuePresets(t *testing.T) {
	ids := func(ps []preset) (out []string) {
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	current := func(ps []preset) (out []string) {
		for _, p := range ps {
			if p.Current {
				out = append(out, p.ID)
			}
		}
		return out
	}
	agent := auth.Principal{Role: auth.RoleAgent, PersonID: "ann"}
	for _, tc := range []struct {
		name, query, person, team string
		want, current             []string
	}{
		{"agent of a team, default", "", "ann", "ops", []string{"preset-mine", "preset-team", "preset-all"}, []string{"preset-mine"}},
		{"team view", "owner=any&team_id=ops", "ann", "ops", []string{"preset-mine", "preset-team", "preset-all"}, []string{"preset-team"}},
		{"filtered is no preset", "owner=any&urgency=high", "ann", "ops", []string{"preset-mine", "preset-team", "preset-all"}, nil},
		{"next page is no preset", "owner=any&cursor=x", "ann", "", []string{"preset-mine", "preset-all"}, nil},
		{"no team", "owner=any", "ann", "", []string{"preset-mine", "preset-all"}, []string{"preset-all"}},
		{"no person", "", "", "", []string{"preset-all"}, []string{"preset-all"}},
		{"breaching soon is no preset", "owner=me&breaching_within=4", "ann", "", []string{"preset-mine", "preset-all"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			who := agent
			who.PersonID = tc.person
			ps := presets(filtersOf(httptest.NewRequest("GET", "/console/?"+tc.query, nil), who), who, tc.team)
			if !slices.Equal(ids(ps), tc.want) || !slices.Equal(current(ps), tc.current) {
				t.Errorf("presets %v current %v, want %v current %v", ids(ps), current(ps), tc.want, tc.current)
			}
		})
	}
	// A manager who is a person has "My reports": what the people below them own.
	mgr := auth.Principal{Role: auth.RoleManager, PersonID: "max"}
	ps := presets(filtersOf(httptest.NewRequest("GET", "/console/?owner=any&reports_to=me", nil), mgr), mgr, "")
	if !slices.Equal(ids(ps), []string{"preset-mine", "preset-reports", "preset-all"}) || !slices.Equal(current(ps), []string{"preset-reports"}) ||
		string(ps[1].Query) != "owner=any&reports_to=me" {
		t.Errorf("a manager's presets %v current %v (reports: %q)", ids(ps), current(ps), ps[1].Query)
	}
	ps = presets(queueFilters{Owner: "me", Status: statusActive}, agent, "ops")
	if got := string(ps[1].Query); got != "owner=any&team_id=ops" {
		t.Errorf("my team's query %q, want owner=any&team_id=ops", got)
	}
}

func equalPtr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func shown(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// A queue whose filters the API refused is not polled: the same request would be
// refused every 3 s under a "not up to date" note.
func TestRefusedQueueIsNotPolled(t *testing.T) {
	c := withPage(t, "queue")
	render := func(ref *refusal) string {
		w := httptest.NewRecorder()
		c.render(w, httptest.NewRequest(http.MethodGet, "/console/", nil), http.StatusOK, "queue",
			map[string]any{"Filters": queueFilters{Owner: "any", Status: "open"}, "Refusal": ref})
		return w.Body.String()
	}
	if body := render(nil); !strings.Contains(body, `data-refresh="/console/queue/rows?`) {
		t.Fatal("the queue is not polled")
	}
	if body := render(&refusal{Status: http.StatusBadRequest, Detail: "invalid query", Fields: map[string]string{"urgency": "must be one of high, medium, low"}}); strings.Contains(body, "data-refresh") {
		t.Error("a refused queue is polled")
	}
}
