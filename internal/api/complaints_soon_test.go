package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// A shift manager's two views of the list: what breaches within the next N hours,
// nearest first, and what the people in their reporting line own.
func TestComplaintListingBreachingSoonAndMyReports(t *testing.T) {
	a := newDirectoryAPI(t)
	// max (manager) ← lin (team lead) ← ann; max ← bob; kim ← zed.
	for _, p := range [][3]string{{"max", "manager", ""}, {"kim", "manager", ""}, {"lin", "team_lead", "max"},
		{"ann", "agent", "lin"}, {"bob", "agent", "max"}, {"zed", "agent", "kim"}} {
		a.admin("PUT", "/v1/people/"+p[0], fmt.Sprintf(`{"name":%q,"role":%q,"manager_id":%q}`, p[0], p[1], p[2]), http.StatusCreated)
	}
	tok := a.admin("POST", "/v1/tokens", `{"role":"manager","name":"max","person_id":"max"}`, http.StatusCreated)
	a.tokens["max"] = tok.body["token"].(string)

	now := time.Now().UTC()
	hours := func(h float64) time.Time { return now.Add(time.Duration(h * float64(time.Hour))) }
	// ext: owner, first response due (hours from now; met when responded), resolution due.
	for _, r := range []struct {
		ext, owner        string
		firstDue, resDue  float64
		responded, paused bool
	}{
		{"ann-3h", "ann", 3, 24, false, false},
		{"bob-1h", "bob", -20, 1, true, false},     // resolution in 1 h
		{"zed-150m", "zed", 2.5, 24, false, false}, // another manager's line
		{"lin-30h", "lin", 30, 48, false, false},   // beyond the window
		{"max-90m", "max", 1.5, 24, false, false},  // the manager's own
		{"ann-late", "ann", -1, 24, false, false},  // already overdue: breached, not "soon"
		{"bob-paused", "bob", -20, 2, true, true},  // waiting on the customer: no clock runs
	} {
		c := a.fileDirect(r.ext, "c1", "配送延误", complaint.High)
		var responded, paused *time.Time
		if r.responded {
			responded = new(hours(-21))
		}
		if r.paused {
			paused = new(hours(-1))
		}
		if _, err := a.store.DB().Exec(`UPDATE complaints SET owner = $2, first_response_due_at = $3,
				first_response_at = $4, resolution_due_at = $5, paused_at = $6, status = 'in_progress' WHERE id = $1`,
			c.ID, r.owner, hours(r.firstDue), responded, hours(r.resDue), paused); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		role  auth.Role
		query string
		want  []string
	}{
		{auth.RoleManager, "breaching_within=4", []string{"bob-1h", "max-90m", "zed-150m", "ann-3h"}},
		{auth.RoleManager, "breaching_within=2", []string{"bob-1h", "max-90m"}},
		{auth.RoleAgent, "breaching_within=168&owner=lin", []string{"lin-30h"}},
		{"max", "reports_to=me&sort=due", []string{"ann-late", "bob-1h", "ann-3h", "lin-30h", "bob-paused"}},
		{"max", "reports_to=me&breaching_within=4", []string{"bob-1h", "ann-3h"}},
		{auth.RoleQuality, "reports_to=lin&sort=due", []string{"ann-late", "ann-3h"}},
		{auth.RoleAdmin, "reports_to=kim&breaching_within=1", []string{}},
	} {
		res := a.as(tc.role, "GET", "/v1/complaints?"+tc.query, "", http.StatusOK)
		if got := externalIDsOf(res.body["items"]); !slices.Equal(got, tc.want) {
			t.Errorf("%s as %s: got %v, want %v", tc.query, tc.role, got, tc.want)
		}
	}
	// A bad value is a 400 naming the parameter.
	for _, tc := range []struct{ query, field string }{
		{"breaching_within=0", "breaching_within"},
		{"breaching_within=169", "breaching_within"},
		{"breaching_within=1.5", "breaching_within"},
		{"breaching_within=soon", "breaching_within"},
		{"breaching_within=-4", "breaching_within"},
		{"breaching_within=2&breaching_within=4", "breaching_within"},
		{"reports_to=me", "reports_to"}, // the admin token acts for no person
		{"reports_to=" + strings.Repeat("m", 201), "reports_to"},
		{"reports_to=a&reports_to=b", "reports_to"},
	} {
		res := a.call(auth.RoleAdmin, "GET", "/v1/complaints?"+tc.query, "")
		if res.status != http.StatusBadRequest || !slices.Equal(res.fields(), []string{tc.field}) ||
			!strings.HasPrefix(res.header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("GET ?%s: got %d (%s) naming %v, want a 400 problem naming %s", tc.query, res.status,
				res.header.Get("Content-Type"), res.fields(), tc.field)
		}
	}
}
