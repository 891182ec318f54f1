package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// A settled callback delivery may be asked to be sent again, by an admin or the
// integration's own intake token (the rule of reading its log): it goes back to
// pending with who asked and when, for a worker to send. One not settled, a second
// request at once, and a deleted integration's are 409s; another integration's
// token is refused; a key that is not the integration's delivery is a 404.
func TestARedeliveryIsAskedOnceBySomeoneWhoMayReadTheLog(t *testing.T) {
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
	for key, status := range map[string]string{"failed": "failed", "sent": "sent", "uncertain": "uncertain",
		"pending": "pending", "sending": "sending", "race": "failed"} {
		a.insertDelivery(crm.ID, "ev-"+key+"|intake|callback", "callback", status)
	}
	a.insertDelivery(crm.ID, "ev-mail|customer|email", "email", "failed")
	a.insertDelivery(shop.ID, "shop-ev|intake|callback", "callback", "failed")
	redeliver := func(role auth.Role, integration, key string) response {
		return a.call(role, "POST", "/v1/integrations/"+integration+"/deliveries/redeliver", `{"key":"`+key+`"}`)
	}

	// Another integration's token, one bound to none, staff: refused, nothing changed.
	for _, role := range []auth.Role{"shop-intake", "plain-intake", auth.RoleAgent, auth.RoleManager} {
		if r := redeliver(role, "crm", "ev-failed|intake|callback"); r.status != http.StatusForbidden {
			t.Errorf("%s: got %d %v, want 403", role, r.status, r.body)
		}
	}
	// Not a callback of the integration's: 404.
	for _, c := range []struct{ integration, key string }{
		{"crm", "ev-none|intake|callback"}, {"crm", "shop-ev|intake|callback"}, {"crm", "ev-mail|customer|email"},
		{"nowhere", "ev-failed|intake|callback"},
	} {
		if r := redeliver(auth.RoleAdmin, c.integration, c.key); r.status != http.StatusNotFound {
			t.Errorf("%s of %s: got %d %v, want 404", c.key, c.integration, r.status, r.body)
		}
	}
	if r := a.call(auth.RoleAdmin, "POST", "/v1/integrations/crm/deliveries/redeliver", `{}`); r.status != http.StatusBadRequest ||
		len(r.fields()) != 1 || r.fields()[0] != "key" {
		t.Errorf("no key: got %d %v, want 400 naming key", r.status, r.body)
	}

	// The integration's own token asks for a failed one: pending again, who and when.
	r := redeliver("crm-intake", "crm", "ev-failed|intake|callback")
	if r.status != http.StatusAccepted || r.body["status"] != "pending" || r.body["redeliveries"] != 1.0 ||
		r.body["redelivery_requested_by"] != "crm-intake" || r.body["redelivery_requested_at"] == nil || r.body["attempts"] != 1.0 {
		t.Errorf("crm's token redelivers a failed one: got %d %v, want 202, pending, asked by crm-intake", r.status, r.body)
	}
	// Asked again before it is sent: being delivered, 409; so are pending and sending ones.
	for _, key := range []string{"ev-failed", "ev-pending", "ev-sending"} {
		if r := redeliver(auth.RoleAdmin, "crm", key+"|intake|callback"); r.status != http.StatusConflict {
			t.Errorf("%s: got %d %v, want 409", key, r.status, r.body)
		}
	}
	// A sent or uncertain one may be sent again too (the receiver deduplicates).
	for _, key := range []string{"ev-sent", "ev-uncertain"} {
		if r := redeliver(auth.RoleAdmin, "crm", key+"|intake|callback"); r.status != http.StatusAccepted ||
			r.body["redelivery_requested_by"] != "admin-token" {
			t.Errorf("%s: got %d %v, want 202 asked by admin-token", key, r.status, r.body)
		}
	}
	// Two requests at once: one is accepted, the other finds it pending.
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() { statuses[i] = redeliver("crm-intake", "crm", "ev-race|intake|callback").status })
	}
	wg.Wait()
	if !(statuses[0] == http.StatusAccepted && statuses[1] == http.StatusConflict ||
		statuses[0] == http.StatusConflict && statuses[1] == http.StatusAccepted) {
		t.Errorf("two requests at once: got %v, want one 202 and one 409", statuses)
	}
	var redeliveries float64
	for _, it := range a.as("crm-intake", "GET", "/v1/integrations/crm/deliveries", "", http.StatusOK).body["items"].([]any) {
		redeliveries += it.(map[string]any)["redeliveries"].(float64)
	}
	if redeliveries != 4 {
		t.Errorf("the log shows %v redeliveries, want 4 (failed, sent, uncertain, race)", redeliveries)
	}

	// A deleted integration's callbacks are no longer sent.
	a.insertDelivery(crm.ID, "ev-late|intake|callback", "callback", "failed")
	a.admin("DELETE", "/v1/integrations/crm", "", http.StatusNoContent)
	if r := redeliver(auth.RoleAdmin, "crm", "ev-late|intake|callback"); r.status != http.StatusConflict {
		t.Errorf("deleted integration: got %d %v, want 409", r.status, r.body)
	}
}

// The delivery log and a redelivery's answer show a payload as the complaint's
// callbacks do: in full to the token that filed the complaint, its customer's name
// and contacts masked for everyone else — an admin, another token of the same
// integration (docs/privacy.md).
func TestTheDeliveryLogMasksTheCustomerForAllButTheFilingToken(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/integrations/crm", `{"name":"crm","callback_url":"https://crm.example.com/cb"}`, http.StatusCreated)
	var filer string
	for _, name := range []string{"crm-intake", "crm-other"} {
		tok := a.admin("POST", "/v1/tokens", `{"role":"intake","name":"`+name+`","integration_id":"crm"}`, http.StatusCreated)
		a.tokens[auth.Role(name)] = tok.body["token"].(string)
		if name == "crm-intake" {
			filer = tok.body["id"].(string)
		}
	}
	c := a.fileDirect("crm-1", "c1", "配送延误", complaint.High)
	if _, err := a.store.DB().Exec(`UPDATE complaints SET integration_id = 'crm', filed_by = $2 WHERE id = $1`, c.ID, filer); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.DB().Exec(`INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient,
			channel, address, subject, body, status, attempts)
		VALUES ('ev-1|intake|callback', $1, 'acknowledged', 'intake', 'callback', 'https://crm.example.com/cb', '',
			'{"message":"王芳您好，我们已收到您的投诉，将致电 +86 138 0013 8000"}', 'failed', 1)`, c.ID); err != nil {
		t.Fatal(err)
	}
	payload := func(r response) string {
		items, _ := r.body["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("got %d %v, want one delivery", r.status, r.body)
		}
		return fmt.Sprint(items[0].(map[string]any)["payload"])
	}
	if p := payload(a.as("crm-intake", "GET", "/v1/integrations/crm/deliveries", "", http.StatusOK)); !strings.Contains(p, "王芳") {
		t.Errorf("the filing token reads %s, want the customer's name in full", p)
	}
	for _, role := range []auth.Role{"crm-other", auth.RoleAdmin} {
		if p := payload(a.as(role, "GET", "/v1/integrations/crm/deliveries", "", http.StatusOK)); strings.Contains(p, "王芳") || strings.Contains(p, "0013 8000") {
			t.Errorf("%s reads %s, want the customer's name and phone masked", role, p)
		}
	}
	r := a.call(auth.RoleAdmin, "POST", "/v1/integrations/crm/deliveries/redeliver", `{"key":"ev-1|intake|callback"}`)
	if p := fmt.Sprint(r.body["payload"]); r.status != http.StatusAccepted || strings.Contains(p, "王芳") {
		t.Errorf("an admin's redelivery answers %d %s, want 202 with the customer masked", r.status, p)
	}
	// Asked again at once: a 409 naming the key, as is a key that is not the log's.
	for key, status := range map[string]int{"ev-1|intake|callback": http.StatusConflict, "ev-2|intake|callback": http.StatusNotFound} {
		r := a.call(auth.RoleAdmin, "POST", "/v1/integrations/crm/deliveries/redeliver", `{"key":"`+key+`"}`)
		if r.status != status || len(r.fields()) != 1 || r.fields()[0] != "key" {
			t.Errorf("%s: got %d %v, want %d naming key", key, r.status, r.body, status)
		}
	}
}
