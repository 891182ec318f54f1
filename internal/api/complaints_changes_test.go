package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// An intake system catching up lists its own complaints that changed since a
// time, oldest change first, page by page.
func TestAnIntakeSystemListsItsComplaintsChangedSince(t *testing.T) {
	a := newDirectoryAPI(t)
	if _, err := a.store.DB().Exec(`INSERT INTO integrations (id, name, callback_url, secret, created_by, updated_by)
		VALUES ('crm', 'CRM', 'https://crm.example/cb', 's', 'test', 'test')`); err != nil {
		t.Fatal(err)
	}
	since := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, r := range []struct {
		ext         string
		integration string
		minutes     int // updated_at, from since
	}{
		{"crm-old", "crm", -5}, {"crm-b", "crm", 30}, {"web-a", "", 10}, {"crm-a", "crm", 20}, {"crm-c", "crm", 40},
	} {
		c := a.fileDirect(r.ext, "c1", "配送延误", complaint.High)
		if _, err := a.store.DB().Exec(`UPDATE complaints SET integration_id = NULLIF($2, ''), updated_at = $3,
				created_at = $4 WHERE id = $1`, c.ID, r.integration, since.Add(time.Duration(r.minutes)*time.Minute),
			since.Add(-time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	query := "integration_id=crm&updated_from=" + url.QueryEscape(since.Format(time.RFC3339)) + "&sort=updated&limit=2"
	var got []string
	path := "/v1/complaints?" + query
	for range 5 {
		res := a.as(auth.RoleIntake, "GET", path, "", http.StatusOK)
		got = append(got, externalIDsOf(res.body["items"])...)
		next, _ := res.body["next_cursor"].(string)
		if next == "" {
			break
		}
		path = "/v1/complaints?" + query + "&cursor=" + url.QueryEscape(next)
	}
	if want := []string{"crm-a", "crm-b", "crm-c"}; !slices.Equal(got, want) {
		t.Errorf("changed since, by pages of 2: got %v, want %v", got, want)
	}
	to := url.QueryEscape(since.Add(35 * time.Minute).Format(time.RFC3339))
	res := a.as(auth.RoleIntake, "GET", "/v1/complaints?integration_id=crm&updated_to="+to, "", http.StatusOK)
	if got, want := externalIDsOf(res.body["items"]), []string{"crm-old", "crm-b", "crm-a"}; !slices.Equal(got, want) {
		t.Errorf("changed before, newest filed first: got %v, want %v", got, want)
	}

	// Every bad parameter is named; a cursor of another order is refused.
	due := a.as(auth.RoleIntake, "GET", "/v1/complaints?sort=due&limit=1", "", http.StatusOK)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"integration_id=" + strings.Repeat("i", 201) + "&updated_from=yesterday&updated_to=2025-01-01&sort=changed",
			[]string{"integration_id", "sort", "updated_from", "updated_to"}},
		{"updated_from=2025-02-01T00:00:00Z&updated_to=2025-01-01T00:00:00Z", []string{"updated_to"}},
		{"sort=updated&cursor=" + url.QueryEscape(due.body["next_cursor"].(string)), []string{"cursor"}},
	} {
		res := a.call(auth.RoleIntake, "GET", "/v1/complaints?"+tc.query, "")
		got := res.fields()
		slices.Sort(got)
		if res.status != http.StatusBadRequest || !slices.Equal(slices.Compact(got), tc.want) {
			t.Errorf("GET ?%s: got %d naming %v, want 400 naming %v", tc.query, res.status, got, tc.want)
		}
	}
}
