package console

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// apiGrants is the API's own table of who may call each route, as a console over
// a real API server reads it.
var apiGrants = sync.OnceValue(func() grants {
	return grantsOf(api.New(nil, nil, "", slog.New(slog.DiscardHandler), prometheus.NewRegistry()).Routes())
})

// getAs answers a GET of target by h as a viewer of role (a person of that name).
func getAs(t *testing.T, h http.HandlerFunc, role auth.Role, target string, path ...string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if len(path) > 0 {
		r.SetPathValue("id", path[0])
	}
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: string(role), Role: role, PersonID: string(role)}, CSRF: "csrf"}
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	w := httptest.NewRecorder()
	h(w, r)
	return w.Code, w.Body.String()
}

var mayCall = regexp.MustCompile(`May\.(?:Use|Only|Refused) "([^"]+)"`)

// Every form the console names is a route of the API (a typo would hide a form
// from everyone), and every form a template asks about is named.
func TestFormsNameAPIRoutes(t *testing.T) {
	g := apiGrants()
	for form, route := range formRoutes {
		if _, ok := g[route]; !ok {
			t.Errorf("form %s sends %s, which the API does not register", form, route)
		}
	}
	for _, s := range adminSections {
		if _, ok := formRoutes["admin."+s[0]]; !ok {
			t.Errorf("admin page %s names no route in formRoutes", s[0])
		}
	}
	entries, _ := fs.ReadDir(templateFiles, "templates")
	for _, e := range entries {
		src, _ := fs.ReadFile(templateFiles, "templates/"+e.Name())
		for _, m := range mayCall.FindAllStringSubmatch(string(src), -1) {
			if _, ok := formRoutes[m[1]]; !ok {
				t.Errorf("%s asks about form %q, which formRoutes does not name", e.Name(), m[1])
			}
		}
	}
}

// A form is offered to the roles the API admits to what it sends: the service-star
// weights and the KPI targets to quality and admin, the complaint actions to
// agents, managers and admins. Another role sees the values read-only (the weights,
// the targets) or no form, and a note naming who may.
func TestFormsFollowTheAPIsRoles(t *testing.T) {
	f := overLimit()
	f.answers["/v1/metrics/efficiency"] = map[string]any{"date": "2026-03-01", "time_zone": "UTC", "agents": []any{}}
	f.answers["/v1/metrics/service-stars"] = map[string]any{"month": "2026-02", "time_zone": "UTC", "agents": []any{}}
	f.answers["/v1/service-star-weights"] = map[string]any{"quality": 0.4, "satisfaction": 0.3, "resolution": 0.2, "teamwork": 0.1}
	f.answers["/v1/kpi-targets"] = map[string]any{"targets": []any{}}
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	for _, tc := range []struct {
		page   string
		h      http.HandlerFunc
		target string
		form   string // the form's mark, there only for who may
		note   string // the note another role sees
		may    []auth.Role
		mayNot []auth.Role
	}{
		{"performance", c.performance, "/console/performance", `action="/console/performance/weights"`, `id="weights-who"`,
			[]auth.Role{auth.RoleQuality, auth.RoleAdmin}, []auth.Role{auth.RoleManager}},
		{"kpi", c.kpiTargets, "/console/kpi-targets", `action="/console/kpi-targets"`, `id="kpi-who"`,
			[]auth.Role{auth.RoleQuality, auth.RoleAdmin}, []auth.Role{auth.RoleManager}},
		{"complaint", c.complaint, "/console/complaints/" + shiftComplaint, `action="/console/complaints/` + shiftComplaint + `/resolve"`,
			`id="actions-who"`, []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleAdmin}, []auth.Role{auth.RoleQuality}},
	} {
		for _, role := range tc.may {
			status, body := getAs(t, tc.h, role, tc.target, shiftComplaint)
			if status != http.StatusOK || !strings.Contains(body, tc.form) || strings.Contains(body, tc.note) {
				t.Errorf("%s as %s: HTTP %d, form shown %v, note shown %v; want the form", tc.page, role, status,
					strings.Contains(body, tc.form), strings.Contains(body, tc.note))
			}
		}
		for _, role := range tc.mayNot {
			status, body := getAs(t, tc.h, role, tc.target, shiftComplaint)
			if status != http.StatusOK || strings.Contains(body, tc.form) {
				t.Errorf("%s as %s: HTTP %d; the form is offered to a role the API refuses", tc.page, role, status)
			}
			if !strings.Contains(body, tc.note) || !strings.Contains(body, strings.Join(roleNames(tc.may), ", ")) {
				t.Errorf("%s as %s: no note saying that only %v may", tc.page, role, tc.may)
			}
			if tc.page == "complaint" && strings.Contains(body, `/console/complaints/`+shiftComplaint+`/resolve"`) {
				t.Errorf("complaint as %s: the resolve form is offered", role)
			}
		}
	}
	// What a manager may not change still reads: the weights and targets, read-only.
	_, body := getAs(t, c.performance, auth.RoleManager, "/console/performance")
	if !strings.Contains(body, `id="weight-quality" name="quality" inputmode="decimal" value="0.4" readonly`) {
		t.Errorf("the manager's performance page does not show the weights read-only: %s", snippet(body, "weight-quality"))
	}
}

// An admin page answers 403 to anyone who may not make its changes — not the
// directory's people pre-filled in its form, though an agent may list them through
// the API — and the admin nav link shows only to who may.
func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	person := map[string]any{"id": "ann", "name": "Ann Example", "role": "agent", "active": true, "email": "ann@example.com",
		"updated_at": ago(0)}
	f := &fakeAPI{answers: map[string]any{"/v1/teams": items(), "/v1/people": items(person), "/v1/people/ann": person}}
	c := f.console(t)
	c.registerAdmin(&routeMux{ServeMux: http.NewServeMux()})
	h := c.forAdmins("directory", c.directory)
	for _, role := range []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality} {
		f.gets = nil
		status, body := getAs(t, h, role, "/console/admin/directory?person=ann")
		if status != http.StatusForbidden || strings.Contains(body, "ann@example.com") || len(f.gets) != 0 {
			t.Errorf("the directory as %s: HTTP %d, reads %v, person shown %v; want 403 and nothing read",
				role, status, f.gets, strings.Contains(body, "ann@example.com"))
		}
		if !strings.Contains(body, "role "+string(role)+" may not use this page; only admin may") {
			t.Errorf("the directory's 403 as %s does not say who may: %.300s", role, body)
		}
		if strings.Contains(body, `id="nav-admin"`) {
			t.Errorf("the admin link shows to %s", role)
		}
	}
	status, body := getAs(t, h, auth.RoleAdmin, "/console/admin/directory?person=ann")
	if status != http.StatusOK || !strings.Contains(body, "ann@example.com") || !strings.Contains(body, `id="nav-admin"`) {
		t.Errorf("the directory as admin: HTTP %d; want the person's form pre-filled and the admin link", status)
	}
}

func roleNames(roles []auth.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// snippet is body around the first mention of s, for a failure message.
func snippet(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return "(" + s + " not found)"
	}
	return body[max(0, i-100):min(len(body), i+200)]
}

// A complaint's forms are offered only to who the API lets act on this complaint
// (api.Server.ActingRefusal: auth.MayActOn): an agent outside its owner's team sees
// none, and one short line saying why; the team's agent and a manager see them.
func TestComplaintFormsFollowWhoMayActOnIt(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"owner": "bob", "team_id": "ops"})
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	c := f.console(t)
	forms := regexp.MustCompile(`action="/console/complaints/` + shiftComplaint + `/(\w+)"`)
	for _, tc := range []struct {
		name     string
		role     auth.Role
		team     string // the team of the viewer's person ("agent", "manager")
		forms    bool
		why      string
		whoShown bool
	}{
		{"an agent of another team", auth.RoleAgent, "care", false, "agent may act only on complaints they own or their team holds", false},
		{"an agent of no team", auth.RoleAgent, "", false, "agent may act only on complaints they own or their team holds", false},
		{"an agent of the team", auth.RoleAgent, "ops", true, "", false},
		{"a manager", auth.RoleManager, "", true, "", false},
		{"quality (no complaint actions)", auth.RoleQuality, "", false, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.teams = map[string]string{string(tc.role): tc.team}
			status, body := getAs(t, c.complaint, tc.role, "/console/complaints/"+shiftComplaint, shiftComplaint)
			var shown []string
			for _, m := range forms.FindAllStringSubmatch(body, -1) {
				if m[1] != "reveal" {
					shown = append(shown, m[1])
				}
			}
			if status != http.StatusOK || (len(shown) > 0) != tc.forms {
				t.Errorf("HTTP %d, forms %v; want forms %v", status, shown, tc.forms)
			}
			why := regexp.MustCompile(`<p class="note" id="actions-why">([^<]*)</p>`).FindStringSubmatch(body)
			switch {
			case tc.why == "" && why != nil:
				t.Errorf("says why not %q, to one who may", why[1])
			case tc.why != "" && (why == nil || why[1] != "You may not act on this complaint: "+tc.why+"."):
				t.Errorf("the line saying why: %v, want %q", why, tc.why)
			}
			if strings.Contains(body, `id="actions-who"`) != tc.whoShown {
				t.Errorf("the note of who may shown: %v, want %v", !tc.whoShown, tc.whoShown)
			}
		})
	}
}

// The quality team's forms — scoring a QA sample here — are offered to whom the
// API admits to them: quality and admin, not a manager who reads the page.
func TestQualityFormsAreNotAManagers(t *testing.T) {
	sample := map[string]any{"id": "00000000-0000-0000-0000-0000000000a1", "agent": "ann", "complaint_id": shiftComplaint,
		"closed_at": ago(time.Hour), "period_from": ago(48 * time.Hour), "period_to": ago(0), "run_id": "qa:1",
		"status": "pending", "criteria": nil, "note": nil}
	f := &fakeAPI{answers: map[string]any{"/v1/qa-queue": items(sample),
		"/v1/qa-scorecard": map[string]any{"sample_pct": 5, "criteria": []any{
			map[string]any{"key": "speed", "name": "Response speed", "points": 20}}}}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	for _, tc := range []struct {
		role auth.Role
		form bool
	}{{auth.RoleQuality, true}, {auth.RoleAdmin, true}, {auth.RoleManager, false}} {
		status, body := getAs(t, c.qaQueue, tc.role, "/console/qa")
		form := strings.Contains(body, `class="form-score"`)
		note := strings.Contains(body, `id="qa-who"`) && strings.Contains(body, "quality, admin")
		if status != http.StatusOK || !strings.Contains(body, `data-id="`+sample["id"].(string)) || form != tc.form || note == tc.form {
			t.Errorf("the QA queue as %s: HTTP %d, form %v, note %v; want form %v", tc.role, status, form, note, tc.form)
		}
	}
}

// formOfferedTo checks a page offers its form (id form) to the roles in mayWrite
// and, to every other role, the note (id note) naming who may (writers).
func formOfferedTo(t *testing.T, h http.HandlerFunc, target, form, note, writers string, mayWrite ...auth.Role) {
	t.Helper()
	for _, role := range []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin} {
		status, body := getAs(t, h, role, target)
		if status != http.StatusOK {
			t.Fatalf("%s as %s: %d %.300s", target, role, status, body)
		}
		want := slices.Contains(mayWrite, role)
		hasForm := strings.Contains(body, `id="`+form+`"`)
		hasNote := strings.Contains(body, `id="`+note+`"`) && strings.Contains(body, writers)
		if hasForm != want || hasNote == want {
			t.Errorf("%s as %s: form %v, note %v; want form %v", target, role, hasForm, hasNote, want)
		}
	}
}
