package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// The role × route matrix. routeRows is the explicit expected table: every route the
// server registers sits in exactly one row of the README's "Who may do what" table
// (keyed by the row's first cell) or in publicRoutes. The README's ticks say which
// roles may call the routes of a row. A new route fails TestRoleRouteMatrix until it
// is placed here and the README says who may call it.
var routeRows = map[string][]string{
	"file complaints and feedback": {"POST /v1/complaints", "POST /v1/feedback"},
	"read complaints, their events, escalations, compensations, surveys, callbacks and customer notices; feedback; a customer's history; SLA policies; preview a classification; reveal personal data as [docs/privacy.md](docs/privacy.md) allows": {
		"GET /v1/complaints", "GET /v1/complaints/{id}", "GET /v1/complaints/{id}/events",
		"GET /v1/complaints/{id}/escalations", "GET /v1/complaints/{id}/compensations",
		"GET /v1/complaints/{id}/escalations/{seq}", "GET /v1/complaints/{id}/compensations/{seq}",
		"GET /v1/sla-policies", "GET /v1/sla-policies/sources", "GET /v1/complaints/{id}/surveys",
		"POST /v1/classify", "GET /v1/feedback", "GET /v1/feedback/{id}", "GET /v1/customers/{id}",
		"GET /v1/complaints/{id}/callbacks", "GET /v1/complaints/{id}/customer-notices",
		"POST /v1/complaints/{id}/reveal", "POST /v1/feedback/{id}/reveal",
	},
	"act on complaints: acknowledge, pause, resume, resolve, reopen, close, ask for an escalation, compensate, hand over, send progress; read compensation limits": {
		"POST /v1/complaints/{id}/acknowledge", "POST /v1/complaints/{id}/resolve", "POST /v1/complaints/{id}/close",
		"POST /v1/complaints/{id}/pause", "POST /v1/complaints/{id}/resume", "POST /v1/complaints/{id}/reopen",
		"POST /v1/complaints/{id}/escalations", "POST /v1/complaints/{id}/compensations",
		"POST /v1/complaints/{id}/handover", "GET /v1/compensation-limits", "POST /v1/complaints/{id}/progress",
	},
	"decide escalations, read the escalation inbox": {
		"POST /v1/complaints/{id}/escalations/{seq}/decision", "GET /v1/escalations",
	},
	"read the directory, routing, calendars, classification rules, the heat map, metrics and notices": {
		"GET /v1/teams", "GET /v1/teams/{id}", "GET /v1/people", "GET /v1/people/{id}", "GET /v1/routing",
		"GET /v1/calendars", "GET /v1/calendars/{id}", "GET /v1/classification-rules", "GET /v1/heatmap",
		"GET /v1/metrics", "GET /v1/notifications",
	},
	"read agents' efficiency, the service star ranking and its weights": {
		"GET /v1/metrics/efficiency", "GET /v1/metrics/service-stars", "GET /v1/service-star-weights",
	},
	"read reviews, PDCA cycles, the QA queue, risk thresholds and KPI targets; change backlog items; open risk alerts": {
		"GET /v1/improvement-backlog", "PATCH /v1/improvement-backlog/{id}", "GET /v1/review-schedules",
		"GET /v1/review-schedules/{id}", "GET /v1/review-rules", "GET /v1/reviews", "GET /v1/insight-report",
		"GET /v1/reviews/{id}", "GET /v1/pdca-cycles", "GET /v1/pdca-cycles/{id}", "GET /v1/pdca-cycles/{id}/events",
		"GET /v1/qa-scorecard", "GET /v1/qa-queue", "GET /v1/qa-queue/{id}", "GET /v1/risk-thresholds",
		"POST /v1/risk-alerts", "GET /v1/kpi-targets",
	},
	// An agent is admitted by role and refused unless they own the alert
	// (auth.Principal.MayHandleAlert; TestRiskAlertOwnerHandlesItWhateverTheirRole);
	// their list and ledger hold only the alerts they own (auth.Principal.AlertsListed).
	"list risk alerts and the risk ledger (`agent`: only the alerts they own); read, answer and close one risk alert: its owner with any of these roles, else only `manager`, `quality`, `admin`": {
		"GET /v1/risk-alerts/{id}", "POST /v1/risk-alerts/{id}/respond", "POST /v1/risk-alerts/{id}/close",
		"GET /v1/risk-alerts", "GET /v1/risk-ledger",
	},
	// An agent is admitted by role and refused unless they own the article
	// (auth.Principal.MayKeepArticle; TestKnowledgeBaseSearchStaleReviewEditRetire).
	"search and read the knowledge base; edit and review one article: its owner with any of these roles, else only `manager`, `quality`, `admin`": {
		"GET /v1/knowledge", "GET /v1/knowledge/{id}", "PATCH /v1/knowledge/{id}", "POST /v1/knowledge/{id}/review",
	},
	"write and retire knowledge base articles": {"POST /v1/knowledge", "POST /v1/knowledge/{id}/retire"},
	"run the quality loop: review schedules and rules, reviews, PDCA cycles, QA scores, risk thresholds, KPI targets, star weights": {
		"PUT /v1/service-star-weights", "POST /v1/review-schedules", "PATCH /v1/review-schedules/{id}",
		"DELETE /v1/review-schedules/{id}", "POST /v1/review-schedules/{id}/trigger", "PUT /v1/review-rules",
		"POST /v1/reviews", "POST /v1/pdca-cycles", "POST /v1/pdca-cycles/{id}/plan", "POST /v1/pdca-cycles/{id}/decision",
		"POST /v1/pdca-cycles/{id}/progress", "POST /v1/pdca-cycles/{id}/act", "POST /v1/pdca-cycles/{id}/withdraw",
		"POST /v1/pdca-cycles/{id}/check", "PUT /v1/qa-scorecard", "POST /v1/qa-queue/{id}/score",
		"PUT /v1/risk-thresholds", "PUT /v1/kpi-targets",
	},
	"administer: tokens, teams, people, routing, calendars, SLA policies, classification rules, integrations, message templates, compensation limits": {
		"PUT /v1/compensation-limits", "PUT /v1/sla-policies/{urgency}/{tier}",
		"PUT /v1/sla-policies/sources/{source}/{urgency}/{tier}", "DELETE /v1/sla-policies/sources/{source}/{urgency}/{tier}",
		"POST /v1/tokens", "GET /v1/tokens", "GET /v1/tokens/{id}", "DELETE /v1/tokens/{id}", "POST /v1/tokens/{id}/rotate",
		"PUT /v1/teams/{id}", "PUT /v1/people/{id}", "DELETE /v1/people/{id}", "POST /v1/people/{id}/webhook-secret",
		"PUT /v1/routing/{category}",
		"DELETE /v1/routing/{category}", "PUT /v1/calendars/{id}", "DELETE /v1/calendars/{id}",
		"PUT /v1/classification-rules", "PUT /v1/integrations/{id}", "GET /v1/integrations", "GET /v1/integrations/{id}",
		"DELETE /v1/integrations/{id}", "GET /v1/message-templates",
		"GET /v1/message-templates/{key}/{locale}", "PUT /v1/message-templates/{key}/{locale}",
	},
	"read an integration's callback delivery log and have a callback in it sent again (`intake`: only the integration its token is bound to)": {
		"GET /v1/integrations/{id}/deliveries", "POST /v1/integrations/{id}/deliveries/redeliver",
	},
}

// publicRoutes need no token: liveness, readiness, metrics, the contract, and the
// customer's signed survey link (its token is the credential).
var publicRoutes = []string{
	"GET /healthz", "GET /readyz", "GET /metrics", "GET /v1/openapi.json", "GET /v1/docs",
	"GET /v1/surveys/{token}", "POST /v1/surveys/{token}",
}

// actsOnComplaint are the routes that act on one complaint for a person: an agent
// outside the complaint's team is refused (auth.MayActOn) although the role may.
var actsOnComplaint = []string{
	"POST /v1/complaints/{id}/acknowledge", "POST /v1/complaints/{id}/resolve", "POST /v1/complaints/{id}/close",
	"POST /v1/complaints/{id}/pause", "POST /v1/complaints/{id}/resume", "POST /v1/complaints/{id}/reopen",
	"POST /v1/complaints/{id}/escalations", "POST /v1/complaints/{id}/compensations",
	"POST /v1/complaints/{id}/handover", "POST /v1/complaints/{id}/progress",
}

// readmeRoles parses the README's "Who may do what" table: row label → roles ticked.
func readmeRoles(t *testing.T) map[string][]auth.Role {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Who may do what\n")
	if !ok {
		t.Fatal(`README.md has no "## Who may do what" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var header []auth.Role
	rows := map[string][]auth.Role{}
	for line := range strings.SplitSeq(section, "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if header == nil {
			for _, c := range cells[1:] {
				header = append(header, auth.Role(strings.Trim(c, "`")))
			}
			if !slices.Equal(header, auth.Roles) {
				t.Fatalf("README role columns %v, want %v", header, auth.Roles)
			}
			continue
		}
		if len(cells) != len(header)+1 {
			t.Fatalf("README row %q has %d cells, want %d", cells[0], len(cells), len(header)+1)
		}
		roles := []auth.Role{}
		for i, c := range cells[1:] {
			switch c {
			case "✓":
				roles = append(roles, header[i])
			case "":
			default:
				t.Fatalf("README row %q, column %s: %q is neither ✓ nor empty", cells[0], header[i], c)
			}
		}
		rows[cells[0]] = roles
	}
	return rows
}

// expectedRoles is the expected table: route → roles that may call it (nil: public),
// from routeRows and the README's ticks.
func expectedRoles(t *testing.T) map[string][]auth.Role {
	t.Helper()
	readme := readmeRoles(t)
	want := map[string][]auth.Role{}
	for label, patterns := range routeRows {
		roles, ok := readme[label]
		if !ok {
			t.Errorf("README's role table has no row %q", label)
			continue
		}
		for _, p := range patterns {
			if _, dup := want[p]; dup {
				t.Errorf("%s is in two rows", p)
			}
			want[p] = roles
		}
	}
	for label := range readme {
		if _, ok := routeRows[label]; !ok {
			t.Errorf("README's role table row %q names no routes in routeRows", label)
		}
	}
	for _, p := range publicRoutes {
		want[p] = nil
	}
	return want
}

func sameRoles(a, b []auth.Role) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestRoleRouteMatrix holds every registered route to the expected table, then calls
// it with no token, a bad token, each role and an agent outside the complaint's
// team, and asserts each cell: on a public route the answer without a token
// whatever the token; else 401 without a valid token; for a role the table does
// not tick the role refusal (403 "role X may not …"); for one it ticks no 401 and
// no role refusal; for the outsider on a complaint action the identity refusal.
func TestRoleRouteMatrix(t *testing.T) {
	want := expectedRoles(t)
	a, owned, _, _ := actingAPI(t)
	a.srv.UseLimits(api.Limits{}) // one bad token per route: the budget is tested elsewhere

	routes := a.srv.Routes()
	registered := map[string]bool{}
	for _, r := range routes {
		registered[r.Pattern] = true
		roles, ok := want[r.Pattern]
		switch {
		case !ok:
			t.Errorf("%s has no row in the expected table (routeRows or publicRoutes) and the README", r.Pattern)
		case !sameRoles(roles, r.Roles):
			t.Errorf("%s: the code lets %v call it, the README's table %v", r.Pattern, r.Roles, roles)
		}
	}
	for p := range want {
		if !registered[p] {
			t.Errorf("the expected table names %s, which the server does not register", p)
		}
	}
	if t.Failed() {
		return
	}

	// Callers: a token per role (the agent acts for ann, who owns the complaint; the
	// manager for dora, above her), and oz, an agent of another team.
	callers := map[string]string{"none": "", "bad": "cf_not-a-token", "outsider": a.tokens["oz"]}
	for _, role := range auth.Roles {
		callers[string(role)] = a.tokens[role]
	}
	callers["agent"], callers["manager"] = a.tokens["ann"], a.tokens["dora"]

	h := a.srv.Handler()
	for _, r := range routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = concrete(path, owned.ID)
		anonymous, _ := serve(h, method, path, "")
		for caller, secret := range callers {
			status, detail := serve(h, method, path, secret)
			cell := r.Pattern + " × " + caller
			roles := want[r.Pattern]
			role := auth.Role(caller)
			if caller == "outsider" {
				role = auth.RoleAgent
			}
			refusal := "role " + string(role) + " may not "
			switch {
			case roles == nil: // public: a bearer token changes nothing
				if status != anonymous {
					t.Errorf("%s: got %d %q, want %d as without a token", cell, status, detail, anonymous)
				}
			case caller == "none" || caller == "bad":
				if status != 401 {
					t.Errorf("%s: got %d %q, want 401", cell, status, detail)
				}
			case !slices.Contains(roles, role):
				if status != 403 || !strings.HasPrefix(detail, refusal) {
					t.Errorf("%s: got %d %q, want 403 %q…", cell, status, detail, refusal)
				}
			case caller == "outsider" && slices.Contains(actsOnComplaint, r.Pattern):
				if status != 403 || !strings.Contains(detail, "oz may act only on complaints they own or their team holds") {
					t.Errorf("%s: got %d %q, want the identity refusal", cell, status, detail)
				}
			default:
				if status == 401 || (status == 403 && strings.HasPrefix(detail, refusal)) {
					t.Errorf("%s: got %d %q, want the role admitted", cell, status, detail)
				}
			}
		}
	}
}

// concrete fills a pattern's wildcards: the complaint's ID in a complaint's path,
// a fresh UUID for other IDs, plausible words for the rest.
func concrete(path, complaintID string) string {
	fill := map[string]string{"{seq}": "1", "{urgency}": "high", "{tier}": "high", "{source}": "negative_feedback",
		"{key}": "acknowledged", "{locale}": "en", "{category}": "logistics", "{token}": "not-a-survey-token",
		"{action}": "acknowledge", "{kind}": "calendar"}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		switch {
		case s == "{id}" && i > 0 && segs[i-1] == "complaints":
			segs[i] = complaintID
		case s == "{id}":
			segs[i] = uuid.NewString()
		case fill[s] != "" || s == "{$}":
			segs[i] = fill[s]
		}
	}
	return strings.Join(segs, "/")
}

// serve calls h in process with secret as the bearer token and an empty JSON object
// as any body. A handler that reaches for Temporal (the test has none) panics after
// it was admitted: that is an admitted cell, reported as 0.
func serve(h http.Handler, method, path, secret string) (status int, detail string) {
	var body *strings.Reader
	if method != "GET" && method != "DELETE" {
		body = strings.NewReader("{}")
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, path, body)
	if body.Len() > 0 {
		r.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		r.Header.Set("Authorization", "Bearer "+secret)
	}
	w := httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			status, detail = 0, "panicked past authorization (no Temporal in this test)"
		}
	}()
	h.ServeHTTP(w, r)
	var p struct {
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	return w.Code, p.Detail
}
