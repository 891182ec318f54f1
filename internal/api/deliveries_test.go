package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// An integration's delivery log pages without skipping or repeating, filters by
// status, and is read by admins and by the integration's own intake tokens only.
func TestTheDeliveryLogPagesFiltersAndServesTheIntegrationsOwnToken(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, id := range []string{"crm", "shop"} {
		a.admin("PUT", "/v1/integrations/"+id, `{"name":"`+id+`","callback_url":"https://`+id+`.example.com/cb"}`, http.StatusCreated)
	}
	for name, body := range map[string]string{
		"crm-intake":   `{"role":"intake","name":"crm-intake","integration_id":"crm"}`,
		"shop-intake":  `{"role":"intake","name":"shop-intake","integration_id":"shop"}`,
		"plain-intake": `{"role":"intake","name":"plain-intake"}`,
	} {
		a.tokens[auth.Role(name)] = a.admin("POST", "/v1/tokens", body, http.StatusCreated).body["token"].(string)
	}
	crm := a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	shop := a.fileDirect("shop-1", "c2", "质量问题", complaint.High)
	for id, integration := range map[string]string{crm.ID: "crm", shop.ID: "shop"} {
		if _, err := a.store.DB().Exec(`UPDATE complaints SET integration_id = $2 WHERE id = $1`, id, integration); err != nil {
			t.Fatal(err)
		}
	}
	// Five callbacks to crm (1 and 3 failed), one to shop, one e-mail about crm's complaint.
	for i, status := range []string{"sent", "failed", "sent", "failed", "sent"} {
		a.insertDelivery(crm.ID, fmt.Sprintf("crm-ev-%d|customer|callback", i), "callback", status)
	}
	a.insertDelivery(shop.ID, "shop-ev|customer|callback", "callback", "failed")
	a.insertDelivery(crm.ID, "crm-ev-0|customer|email", "email", "failed")

	late := false
	keys := func(role auth.Role, query string) []string {
		var got []string
		path := "/v1/integrations/crm/deliveries?" + query
		for range 10 {
			res := a.as(role, "GET", path, "", http.StatusOK)
			for _, it := range res.body["items"].([]any) {
				got = append(got, it.(map[string]any)["key"].(string))
			}
			next, _ := res.body["next_cursor"].(string)
			if next == "" {
				return got
			}
			if !late {
				late = true
				// Recorded while the log is read: newer than the first page, so not met.
				a.insertDelivery(crm.ID, "crm-ev-late|customer|callback", "callback", "failed")
			}
			path = "/v1/integrations/crm/deliveries?" + query + "&cursor=" + url.QueryEscape(next)
		}
		t.Fatalf("%s: more than 10 pages", query)
		return nil
	}
	if got, want := keys(auth.RoleAdmin, "limit=2"), []string{"crm-ev-4|customer|callback", "crm-ev-3|customer|callback",
		"crm-ev-2|customer|callback", "crm-ev-1|customer|callback", "crm-ev-0|customer|callback"}; !slices.Equal(got, want) {
		t.Errorf("admin, by pages of 2: got %v, want %v", got, want)
	}
	if got, want := keys("crm-intake", "status=failed&limit=1"), []string{"crm-ev-late|customer|callback",
		"crm-ev-3|customer|callback", "crm-ev-1|customer|callback"}; !slices.Equal(got, want) {
		t.Errorf("crm's intake token, failed, by pages of 1: got %v, want %v", got, want)
	}

	for _, role := range []auth.Role{"shop-intake", "plain-intake", auth.RoleAgent, auth.RoleManager} {
		if r := a.call(role, "GET", "/v1/integrations/crm/deliveries", ""); r.status != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", role, r.status)
		}
	}
	if r := a.call(auth.RoleAdmin, "GET", "/v1/integrations/crm/deliveries?status=lost&cursor=abc&limit=0", ""); r.status != http.StatusBadRequest ||
		!slices.Equal(sorted(r.fields()), []string{"cursor", "limit", "status"}) {
		t.Errorf("bad query: got %d naming %v, want 400 naming cursor, limit, status", r.status, r.fields())
	}
}

// insertDelivery records a notification row as a delivery attempt leaves it.
func (a *directoryAPI) insertDelivery(complaintID, key, channel, status string) {
	a.t.Helper()
	if _, err := a.store.DB().Exec(`INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient,
			channel, address, subject, body, status, attempts)
		VALUES ($1, $2, 'acknowledged', 'customer', $3, 'https://x.example/cb', '', '{}', $4, 1)`,
		key, complaintID, channel, status); err != nil {
		a.t.Fatal(err)
	}
}
