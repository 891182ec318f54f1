package api_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi/openapitest"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// directoryAPI is an API server on a fresh database, with a token per role. The
// directory handlers never touch Temporal, so there is no Temporal client.
type directoryAPI struct {
	t      *testing.T
	url    string
	srv    *api.Server
	store  *store.Store
	tokens map[auth.Role]string
}

func newDirectoryAPI(t *testing.T) *directoryAPI {
	t.Helper()
	a := newAPIServer(t, false, true)
	return &directoryAPI{t: t, url: a.url, srv: a.srv, store: a.store, tokens: roleTokens(t, a.store, "test-")}
}

// apiServer is the API on a fresh database. With Temporal it has a client of the
// test dev server and a task queue of its own that no worker polls unless the test
// starts one; checked puts the OpenAPI document's request and response checks in
// front (hostile tests send what the document refuses, so they go without).
type apiServer struct {
	store *store.Store
	tc    client.Client
	srv   *api.Server
	url   string
	queue string
}

func newAPIServer(t *testing.T, withTemporal, checked bool) apiServer {
	t.Helper()
	st, err := store.Open(context.Background(), testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := apiServer{store: st}
	if withTemporal {
		if a.tc, err = client.Dial(client.Options{HostPort: testenv.Temporal(t), Namespace: "default", Logger: discardLogger{}}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.tc.Close)
		a.queue = fmt.Sprintf("api-%s-%d", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), time.Now().UnixNano())
	}
	a.srv = api.New(st, a.tc, a.queue, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	h := a.srv.Handler()
	if checked {
		h = openapitest.Handler(t, h)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	a.url = hs.URL
	return a
}

// roleTokens gives each role a token named "<role>-token" whose secret is prefix
// followed by the role.
func roleTokens(t *testing.T, st *store.Store, prefix string) map[auth.Role]string {
	t.Helper()
	tokens := map[auth.Role]string{}
	for _, role := range auth.Roles {
		secret := prefix + string(role)
		if err := st.EnsureToken(context.Background(), store.Token{
			ID: uuid.NewString(), Name: string(role) + "-token", Role: string(role),
			Hash: auth.Hash(secret), CreatedBy: "test",
		}); err != nil {
			t.Fatal(err)
		}
		tokens[role] = secret
	}
	return tokens
}

type response struct {
	status int
	header http.Header
	body   map[string]any
}

// field returns the names of the fields a problem response blames.
func (r response) fields() []string {
	var names []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		names = append(names, e.(map[string]any)["field"].(string))
	}
	return names
}

// call sends a request as role; header is more header lines, name then value.
func (a *directoryAPI) call(role auth.Role, method, path, body string, header ...string) response {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[role])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, header: resp.Header}
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			a.t.Fatalf("%s %s: body is not a JSON object: %s", method, path, raw)
		}
	}
	return out
}

// admin calls as admin and checks the status.
func (a *directoryAPI) admin(method, path, body string, want int) response {
	a.t.Helper()
	r := a.call(auth.RoleAdmin, method, path, body)
	if r.status != want {
		a.t.Fatalf("%s %s %s: got %d %v, want %d", method, path, body, r.status, r.body, want)
	}
	return r
}

func ids(items any) []string {
	var out []string
	for _, it := range items.([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func TestTeamsAndPeopleArePutReadAndDeactivated(t *testing.T) {
	a := newDirectoryAPI(t)
	created := a.admin("PUT", "/v1/teams/care", `{"name":"Customer care"}`, http.StatusCreated)
	if loc := created.header.Get("Location"); loc != "/v1/teams/care" {
		t.Errorf("Location %q", loc)
	}
	a.admin("PUT", "/v1/people/dana", `{"name":"Dana","role":"director"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/lee", `{"name":"Lee","role":"team_lead","team_id":"care","manager_id":"dana"}`, http.StatusCreated)
	p := a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","team_id":"care","manager_id":"lee",
		"email":"ann@example.com","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	if p.body["email"] != "ann@example.com" || p.body["active"] != true || p.body["updated_by"] != "admin-token" {
		t.Errorf("created person: %v", p.body)
	}
	team := a.admin("PUT", "/v1/teams/care", `{"name":"Customer care","lead_id":"lee"}`, http.StatusOK)
	if team.body["lead_id"] != "lee" {
		t.Errorf("replaced team: %v", team.body)
	}

	got := a.call(auth.RoleQuality, "GET", "/v1/teams/care", "")
	if got.status != http.StatusOK || strings.Join(ids(got.body["members"]), ",") != "ann,lee" {
		t.Errorf("team with members: %d %v", got.status, got.body)
	}
	ann := a.call(auth.RoleAgent, "GET", "/v1/people/ann", "")
	chain, _ := json.Marshal(ann.body["chain"])
	if want := `[{"id":"ann","role":"agent"},{"id":"lee","role":"team_lead"},{"id":"dana","role":"director"}]`; string(chain) != want {
		t.Errorf("chain: got %s, want %s", chain, want)
	}
	list := a.call(auth.RoleManager, "GET", "/v1/people?team=care&role=agent", "")
	if list.status != http.StatusOK || strings.Join(ids(list.body["items"]), ",") != "ann" {
		t.Errorf("filtered people: %d %v", list.status, list.body)
	}

	gone := a.admin("DELETE", "/v1/people/lee", "", http.StatusOK)
	if gone.body["active"] != false {
		t.Errorf("deactivated person: %v", gone.body)
	}
	a.admin("DELETE", "/v1/people/lee", "", http.StatusOK) // idempotent
	ann = a.admin("GET", "/v1/people/ann", "", http.StatusOK)
	chain, _ = json.Marshal(ann.body["chain"])
	if want := `[{"id":"ann","role":"agent"},{"id":"dana","role":"director"}]`; string(chain) != want {
		t.Errorf("chain past an inactive lead: got %s, want %s", chain, want)
	}
	if got := a.admin("GET", "/v1/teams/care", "", http.StatusOK); strings.Join(ids(got.body["members"]), ",") != "ann" {
		t.Errorf("members after deactivation: %v", got.body["members"])
	}
	a.admin("GET", "/v1/people/nobody", "", http.StatusNotFound)
	a.admin("GET", "/v1/teams/nobody", "", http.StatusNotFound)
	a.admin("DELETE", "/v1/people/nobody", "", http.StatusNotFound)
	if got := a.admin("GET", "/v1/teams", "", http.StatusOK); strings.Join(ids(got.body["items"]), ",") != "care" {
		t.Errorf("teams: %v", got.body)
	}
}

func TestDirectoryRoutesCheckTokensAndRoles(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, tc := range []struct {
		role         auth.Role
		method, path string
		body         string
		want         int
	}{
		{"", "GET", "/v1/people", "", http.StatusUnauthorized},
		{"", "PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusUnauthorized},
		{auth.RoleIntake, "GET", "/v1/teams", "", http.StatusForbidden},
		{auth.RoleQuality, "PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusForbidden},
		{auth.RoleManager, "PUT", "/v1/people/ann", `{"name":"Ann","role":"agent"}`, http.StatusForbidden},
		{auth.RoleAgent, "PUT", "/v1/routing/product", `{"team_id":"care"}`, http.StatusForbidden},
		{auth.RoleManager, "DELETE", "/v1/calendars/office", "", http.StatusForbidden},
		{auth.RoleQuality, "GET", "/v1/teams", "", http.StatusOK},
		{auth.RoleAgent, "GET", "/v1/routing", "", http.StatusOK},
		{auth.RoleManager, "GET", "/v1/calendars", "", http.StatusOK},
	} {
		if got := a.call(tc.role, tc.method, tc.path, tc.body); got.status != tc.want {
			t.Errorf("%q %s %s: got %d, want %d", tc.role, tc.method, tc.path, got.status, tc.want)
		}
	}
	if teams, _ := a.store.Teams(context.Background()); len(teams) != 0 {
		t.Errorf("refused writes created teams: %+v", teams)
	}
}

func TestBadDirectoryWritesNameTheFieldAndChangeNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/dana", `{"name":"Dana","role":"director"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","manager_id":"dana","email":"ann@example.com"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/gone", `{"name":"Gone","role":"manager","active":false}`, http.StatusCreated)
	before := a.admin("GET", "/v1/people/dana", "", http.StatusOK)

	for _, tc := range []struct {
		path, body string
		status     int
		field      string
	}{
		{"/v1/people/Dana!", `{"name":"Dana","role":"director"}`, 400, "id"},
		{"/v1/people/dana", `{"name":"","role":"director"}`, 400, "name"},
		{"/v1/people/dana", `{"name":"Dana","role":"ceo"}`, 400, "role"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","email":"dana at example"}`, 400, "email"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","webhook_url":"ftp://example.com/x"}`, 400, "webhook_url"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","webhook_url":"/relative"}`, 400, "webhook_url"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","nickname":"D"}`, 400, "nickname"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","active":"yes"}`, 400, "active"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","team_id":"ghosts"}`, 400, "team_id"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","manager_id":"ghost"}`, 400, "manager_id"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","manager_id":"gone"}`, 400, "manager_id"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","manager_id":"dana"}`, 400, "manager_id"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","manager_id":"ann"}`, 409, "manager_id"},
		// Every looked-up field named at once, a reporting cycle among them.
		{"/v1/people/dana", `{"name":"Dana","role":"director","team_id":"ghosts","manager_id":"ghost"}`, 400, "team_id,manager_id"},
		{"/v1/people/dana", `{"name":"Dana","role":"director","team_id":"ghosts","manager_id":"ann"}`, 400, "team_id,manager_id"},
		{"/v1/teams/care", `{"name":"Care","lead_id":"ghost"}`, 400, "lead_id"},
		{"/v1/teams/care", `{"name":"Care","lead_id":"gone"}`, 400, "lead_id"},
		{"/v1/routing/refunds", `{"team_id":"care"}`, 400, "category"},
		{"/v1/routing/product", `{"team_id":"ghosts"}`, 400, "team_id"},
		{"/v1/routing/product", `{}`, 400, "team_id"},
		{"/v1/routing/product", `{"team_id":"care","owner_id":"gone"}`, 400, "owner_id"},
	} {
		got := a.call(auth.RoleAdmin, "PUT", tc.path, tc.body)
		if got.status != tc.status || strings.Join(got.fields(), ",") != tc.field {
			t.Errorf("PUT %s %s: got %d naming %v (%v), want %d naming %s",
				tc.path, tc.body, got.status, got.fields(), got.body["detail"], tc.status, tc.field)
		}
		if ct := got.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("PUT %s %s: Content-Type %q", tc.path, tc.body, ct)
		}
	}
	after := a.admin("GET", "/v1/people/dana", "", http.StatusOK)
	if before.body["updated_at"] != after.body["updated_at"] || after.body["manager_id"] != nil {
		t.Errorf("refused writes changed dana: before %v, after %v", before.body, after.body)
	}
	if team := a.admin("GET", "/v1/teams/care", "", http.StatusOK); team.body["lead_id"] != nil {
		t.Errorf("refused writes changed the team: %v", team.body)
	}
	if routes := a.admin("GET", "/v1/routing", "", http.StatusOK); len(routes.body["items"].([]any)) != 0 {
		t.Errorf("refused writes added routes: %v", routes.body)
	}
	// An unknown parameter is refused before the values are read (declaredQuery).
	if bad := a.call(auth.RoleAdmin, "GET", "/v1/people?role=ceo&colour=red", ""); bad.status != 400 ||
		strings.Join(bad.fields(), ",") != "colour" {
		t.Errorf("bad people query: got %d naming %v", bad.status, bad.fields())
	}
	if bad := a.call(auth.RoleAdmin, "GET", "/v1/people?role=ceo&team="+strings.Repeat("x", 300), ""); bad.status != 400 ||
		strings.Join(bad.fields(), ",") != "team,role" {
		t.Errorf("bad people values: got %d naming %v", bad.status, bad.fields())
	}
}

func TestRoutingRules(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusCreated)
	a.admin("PUT", "/v1/teams/depot", `{"name":"Depot"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","team_id":"depot"}`, http.StatusCreated)

	a.admin("PUT", "/v1/routing/*", `{"team_id":"care"}`, http.StatusCreated)
	a.admin("PUT", "/v1/routing/logistics", `{"team_id":"care"}`, http.StatusCreated)
	r := a.admin("PUT", "/v1/routing/logistics", `{"team_id":"depot","owner_id":"ann"}`, http.StatusOK)
	if r.body["team_id"] != "depot" || r.body["owner_id"] != "ann" {
		t.Errorf("replaced rule: %v", r.body)
	}
	list := a.call(auth.RoleAgent, "GET", "/v1/routing", "")
	var rules []string
	for _, it := range list.body["items"].([]any) {
		rule := it.(map[string]any)
		rules = append(rules, fmt.Sprintf("%v→%v/%v", rule["category"], rule["team_id"], rule["owner_id"]))
	}
	if got, want := strings.Join(rules, " "), "*→care/<nil> logistics→depot/ann"; got != want {
		t.Errorf("rules: got %s, want %s", got, want)
	}
	a.admin("DELETE", "/v1/routing/logistics", "", http.StatusNoContent)
	a.admin("DELETE", "/v1/routing/logistics", "", http.StatusNotFound)
	if route, err := a.store.RouteFor(context.Background(), complaint.RouteKey{Tier: "low", Channel: "web", Category: "logistics"}); err != nil || route.TeamID != "care" {
		t.Errorf("after delete, logistics takes the default route: got %+v, %v", route, err)
	}
}

const officeHours = `{"name":"Shanghai office","time_zone":"Asia/Shanghai",
	"weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}],"tue":[{"start":"09:00","end":"18:00"}],
		"wed":[{"start":"09:00","end":"18:00"}],"thu":[{"start":"09:00","end":"18:00"}],"fri":[{"start":"09:00","end":"18:00"}]},
	"holidays":["2025-10-01"],"working_days":["2025-09-28"]}`

func TestCalendarsAreValidatedPreviewedAndProtectedWhileInUse(t *testing.T) {
	a := newDirectoryAPI(t)
	c := a.admin("PUT", "/v1/calendars/office", officeHours, http.StatusCreated)
	if c.body["time_zone"] != "Asia/Shanghai" || c.body["name"] != "Shanghai office" {
		t.Errorf("created calendar: %v", c.body)
	}
	replaced := a.admin("PUT", "/v1/calendars/office", officeHours, http.StatusOK)

	bad := strings.Replace(officeHours, `"mon":[{"start":"09:00","end":"18:00"}]`, `"mon":[{"start":"09:00","end":"08:00"}]`, 1)
	got := a.call(auth.RoleAdmin, "PUT", "/v1/calendars/office", bad)
	if got.status != 400 || strings.Join(got.fields(), ",") != "weekly_hours.mon[0].end" {
		t.Fatalf("end before start: got %d naming %v", got.status, got.fields())
	}
	if ptr := got.body["errors"].([]any)[0].(map[string]any)["pointer"]; ptr != "/weekly_hours/mon/0/end" {
		t.Errorf("pointer %v, want /weekly_hours/mon/0/end", ptr)
	}
	got = a.call(auth.RoleAdmin, "PUT", "/v1/calendars/office", strings.Replace(officeHours, "Asia/Shanghai", "Mars/Olympus", 1))
	if got.status != 400 || strings.Join(got.fields(), ",") != "time_zone" {
		t.Errorf("unknown zone: got %d naming %v", got.status, got.fields())
	}
	if c := a.admin("GET", "/v1/calendars/office", "", http.StatusOK); c.body["updated_at"] != replaced.body["updated_at"] {
		t.Errorf("a refused write changed the calendar: %v", c.body)
	}

	// Friday 17:00 in Shanghai plus two business hours: one on Friday, one on Monday.
	p := a.call(auth.RoleManager, "GET", "/v1/calendars/office?from=2025-01-03T09:00:00Z&add=2h", "")
	if p.status != 200 || p.body["deadline"] != "2025-01-06T02:00:00Z" {
		t.Errorf("preview: got %d %v, want deadline 2025-01-06T02:00:00Z", p.status, p.body)
	}
	p = a.call(auth.RoleManager, "GET", "/v1/calendars/office?from=yesterday&add=2h", "")
	if p.status != 400 || strings.Join(p.fields(), ",") != "from" {
		t.Errorf("bad from: got %d naming %v", p.status, p.fields())
	}
	p = a.call(auth.RoleManager, "GET", "/v1/calendars/office?from=2025-01-03T09:00:00Z", "")
	if p.status != 400 || strings.Join(p.fields(), ",") != "add" {
		t.Errorf("missing add: got %d naming %v", p.status, p.fields())
	}

	if _, err := a.store.DB().Exec(`UPDATE sla_policies SET calendar_id = 'office' WHERE urgency = 'high' AND tier = 'high'`); err != nil {
		t.Fatal(err)
	}
	inUse := a.admin("DELETE", "/v1/calendars/office", "", http.StatusConflict)
	if !strings.Contains(inUse.body["detail"].(string), "sla policy high/high") {
		t.Errorf("conflict detail: %v", inUse.body["detail"])
	}
	if _, err := a.store.DB().Exec(`UPDATE sla_policies SET calendar_id = NULL`); err != nil {
		t.Fatal(err)
	}
	a.admin("DELETE", "/v1/calendars/office", "", http.StatusNoContent)
	a.admin("GET", "/v1/calendars/office", "", http.StatusNotFound)
	a.admin("DELETE", "/v1/calendars/office", "", http.StatusNotFound)
}

func TestTokenActsForAnActivePerson(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/people/mia", `{"name":"Mia","role":"manager"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/gone", `{"name":"Gone","role":"manager","active":false}`, http.StatusCreated)

	for body, field := range map[string]string{
		`{"role":"admin","name":"x","person_id":"ghost"}`: "person_id",
		`{"role":"admin","name":"x","person_id":"gone"}`:  "person_id",
	} {
		if got := a.call(auth.RoleAdmin, "POST", "/v1/tokens", body); got.status != 400 || strings.Join(got.fields(), ",") != field {
			t.Errorf("POST /v1/tokens %s: got %d naming %v, want 400 naming %s", body, got.status, got.fields(), field)
		}
	}
	tok := a.admin("POST", "/v1/tokens", `{"role":"admin","name":"mia's token","person_id":"mia"}`, http.StatusCreated)
	if tok.body["person_id"] != "mia" {
		t.Fatalf("token: %v", tok.body)
	}
	// Writes made with the token are recorded as the person's.
	a.tokens["mia"] = tok.body["token"].(string)
	team := a.call("mia", "PUT", "/v1/teams/care", `{"name":"Care"}`)
	if team.status != http.StatusCreated || team.body["updated_by"] != "mia" {
		t.Errorf("write as mia: got %d %v, want updated_by mia", team.status, team.body)
	}
	plain := a.admin("POST", "/v1/tokens", `{"role":"intake","name":"web form"}`, http.StatusCreated)
	if v, ok := plain.body["person_id"]; !ok || v != nil {
		t.Errorf("token without a person: person_id %v (present %v), want null", v, ok)
	}
}

// A webhook URL may carry its receiver's credential in the query: only admins, who
// set it, read it back; every other reader sees null.
func TestWebhookURLsAreShownToAdminsOnly(t *testing.T) {
	a := newDirectoryAPI(t)
	const hook = "https://hooks.example.com/ann?token=s3cret"
	a.admin("PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusCreated)
	if put := a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","team_id":"care","webhook_url":"`+hook+`"}`,
		http.StatusCreated); put.body["webhook_url"] != hook {
		t.Errorf("PUT answer to the admin: webhook_url %v, want %s", put.body["webhook_url"], hook)
	}
	hooks := func(role auth.Role) []any {
		t.Helper()
		var out []any
		for _, path := range []string{"/v1/people", "/v1/teams/care"} {
			r := a.call(role, "GET", path, "")
			items, _ := cmp.Or(r.body["items"], r.body["members"]).([]any)
			if r.status != http.StatusOK || len(items) != 1 {
				t.Fatalf("%s GET %s: %d %v", role, path, r.status, r.body)
			}
			out = append(out, items[0].(map[string]any)["webhook_url"])
		}
		one := a.call(role, "GET", "/v1/people/ann", "")
		if v, present := one.body["webhook_url"]; !present {
			t.Errorf("%s GET /v1/people/ann: webhook_url missing, want it present (null when hidden)", role)
		} else {
			out = append(out, v)
		}
		return out
	}
	for _, role := range []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality} {
		for _, v := range hooks(role) {
			if v != nil {
				t.Errorf("%s reads webhook_url %v, want null", role, v)
			}
		}
	}
	for _, v := range hooks(auth.RoleAdmin) {
		if v != hook {
			t.Errorf("admin reads webhook_url %v, want %s", v, hook)
		}
	}
}
