package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// A PDCA cycle and a risk alert opened by hand with an Idempotency-Key are opened
// once under the key, as a complaint is under its external_id: a retry answers 200
// with the one opened first — also once it is closed — the key sent with another
// body is a 409 naming it, and the key is the caller's: another token's same key
// opens its own.
func TestOpeningByHandIsOnceUnderTheCallersKey(t *testing.T) {
	a := newComplaintAPI(t)
	const cycle = `{"title":"Logistics","metric":"nps","check_spec":"0 9 1,15 * *","time_zone":"UTC"}`
	first := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles", cycle, http.StatusCreated, keyed("cycle-1")...).body
	id := first["id"].(string)
	if r := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles", cycle, http.StatusOK, keyed("cycle-1")...); r.body["id"] != id {
		t.Errorf("the retry answered cycle %v, want %s", r.body["id"], id)
	}
	other := strings.Replace(cycle, "Logistics", "Billing", 1)
	r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles", other, keyed("cycle-1")...)
	if d, _ := r.body["detail"].(string); r.status != http.StatusConflict || r.body["code"] != "conflict" ||
		!strings.Contains(d, "cycle-1") || !strings.Contains(d, id) {
		t.Errorf("the key with another body: got %d %v, want 409 naming the key and cycle %s", r.status, r.body, id)
	}
	// Another caller's key is its own.
	theirs := a.as(auth.RoleAdmin, "POST", "/v1/pdca-cycles", cycle, http.StatusCreated, keyed("cycle-1")...).body
	if theirs["id"] == id {
		t.Errorf("another token's key answered this caller's cycle %s", id)
	}
	// Closed, the cycle is still the one opened under the key.
	path := "/v1/pdca-cycles/" + id
	a.as(auth.RoleQuality, "POST", path+"/withdraw", `{"reason":"merged"}`, http.StatusOK)
	a.eventually(auth.RoleQuality, path, "the withdrawal", func(v map[string]any) bool { return v["closed_at"] != nil })
	if r := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles", cycle, http.StatusOK, keyed("cycle-1")...); r.body["id"] != id {
		t.Errorf("the retry after the closing answered cycle %v, want %s", r.body["id"], id)
	}
	if r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles", other, keyed("cycle-1")...); r.status != http.StatusConflict {
		t.Errorf("the key with another body after the closing: got %d %v, want 409", r.status, r.body)
	}
	if n := a.count("pdca_cycles"); n != 2 {
		t.Errorf("%d cycles, want 2 (one per caller)", n)
	}

	const alert = `{"grade":"yellow","description":"the courier strikes"}`
	mine := a.as(auth.RoleQuality, "POST", "/v1/risk-alerts", alert, http.StatusCreated, keyed("1")...).body
	if r := a.as(auth.RoleQuality, "POST", "/v1/risk-alerts", alert, http.StatusOK, keyed("1")...); r.body["id"] != mine["id"] {
		t.Errorf("the retried alert: %v, want %v", r.body["id"], mine["id"])
	}
	r = a.call(auth.RoleQuality, "POST", "/v1/risk-alerts", `{"grade":"red","description":"the courier strikes"}`, keyed("1")...)
	if d, _ := r.body["detail"].(string); r.status != http.StatusConflict || !strings.Contains(d, mine["id"].(string)) {
		t.Errorf("the alert key with another body: got %d %v, want 409 naming alert %v", r.status, r.body, mine["id"])
	}
	if r := a.as(auth.RoleManager, "POST", "/v1/risk-alerts", alert, http.StatusCreated, keyed("1")...); r.body["id"] == mine["id"] {
		t.Errorf("another token's key %q answered this caller's alert", "1")
	}
	if n := a.count("risk_alerts WHERE condition = 'manual'"); n != 2 {
		t.Errorf("%d risk alerts, want 2 (one per caller)", n)
	}
}

// OpenCycleRequest's time_zone may be left out, as the document says: the cycle
// checks in UTC (the checked handler holds the request to the document).
func TestACycleOpenedWithoutATimeZoneChecksInUTC(t *testing.T) {
	a := newComplaintAPI(t)
	r := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles", `{"title":"Logistics","metric":"nps"}`, http.StatusCreated)
	if r.body["time_zone"] != "UTC" {
		t.Errorf("time_zone %v, want UTC", r.body["time_zone"])
	}
}
