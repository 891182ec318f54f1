package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The customer's personal data as each reader sees it (docs/privacy.md): the
// masking matrix, role × field × ownership.
var (
	fullCustomer = map[string]string{
		"name": "Li Lei", "phone": "+86 138 0013 8000", "email": "li.lei@example.com", "address": "北京市朝阳区建国路88号",
		"description": "Call me on +86 138 0013 8000, order 12345678",
	}
	maskedCustomer = map[string]string{
		"name": "L*", "phone": "***8000", "email": "l***@example.com", "address": "北京市朝阳区***",
		"description": "Call me on ***8000, order 12345678",
	}
)

// privacyAPI is a directory API with a reporting chain (ann reports to boss),
// people outside it, two intake tokens and a complaint owned by ann that the first
// intake token filed.
func privacyAPI(t *testing.T) (*directoryAPI, store.Complaint) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/people/boss", `{"name":"Boss","role":"manager"}`, http.StatusCreated)
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","manager_id":"boss"}`, http.StatusCreated)
	for person, role := range map[string]auth.Role{"ann": auth.RoleAgent, "boss": auth.RoleManager} {
		tok := a.admin("POST", "/v1/tokens", `{"role":"`+string(role)+`","name":"`+person+`","person_id":"`+person+`"}`, http.StatusCreated)
		a.tokens[auth.Role(person)] = tok.body["token"].(string)
	}
	a.personToken(auth.RoleAgent, "bob")
	a.personToken(auth.RoleManager, "zed")
	a.personToken(auth.RoleQuality, "qa")
	tok := a.admin("POST", "/v1/tokens", `{"role":"intake","name":"another-intake"}`, http.StatusCreated)
	a.tokens["intake-2"] = tok.body["token"].(string)

	var intakeID string
	if err := a.store.DB().Get(&intakeID, `SELECT id FROM api_tokens WHERE name = 'intake-token'`); err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	c, _, err := a.store.CreateComplaint(t.Context(), store.NewComplaint{
		ID: id, ExternalID: "pii-1", RequestHash: "h", WorkflowID: "complaint:" + id,
		Channel: "web", CustomerID: "cust-pii", CustomerName: fullCustomer["name"], CustomerTier: complaint.Low,
		CustomerPhone: new(fullCustomer["phone"]), CustomerEmail: new(fullCustomer["email"]),
		CustomerAddress: new(fullCustomer["address"]),
		Category:        "logistics", Urgency: complaint.High, Subject: "Parcel late", Description: fullCustomer["description"],
		FiledBy: &intakeID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.DB().Exec(`UPDATE complaints SET owner = 'ann' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	return a, c
}

// personalOf reads the personal fields of a complaint view.
func personalOf(view map[string]any) map[string]string {
	cust := view["customer"].(map[string]any)
	out := map[string]string{"description": view["description"].(string)}
	for _, f := range []string{"name", "phone", "email", "address"} {
		out[f], _ = cust[f].(string)
	}
	return out
}

func TestPersonalDataMaskingMatrix(t *testing.T) {
	a, c := privacyAPI(t)
	for _, tc := range []struct {
		reader    auth.Role // a role's token, or a person's
		ownership string
		wantRead  map[string]string
		wantData  string
		revealed  int // the status of a reveal
	}{
		{auth.RoleIntake, "filed it", fullCustomer, "full", http.StatusOK},
		{"intake-2", "filed another", maskedCustomer, "masked", http.StatusForbidden},
		{"ann", "owner (agent)", maskedCustomer, "masked", http.StatusOK},
		{"bob", "agent, not the owner", maskedCustomer, "masked", http.StatusForbidden},
		{auth.RoleAgent, "agent, no person", maskedCustomer, "masked", http.StatusForbidden},
		{"boss", "manager in the owner's chain", maskedCustomer, "masked", http.StatusOK},
		{"zed", "manager outside the chain", maskedCustomer, "masked", http.StatusForbidden},
		{auth.RoleManager, "manager, no person", maskedCustomer, "masked", http.StatusForbidden},
		{"qa", "quality", maskedCustomer, "masked", http.StatusForbidden},
		{auth.RoleQuality, "quality, no person", maskedCustomer, "masked", http.StatusForbidden},
		{auth.RoleAdmin, "admin", maskedCustomer, "masked", http.StatusOK},
	} {
		name := string(tc.reader) + " (" + tc.ownership + ")"
		one := a.as(tc.reader, "GET", "/v1/complaints/"+c.ID, "", http.StatusOK)
		list := a.as(tc.reader, "GET", "/v1/complaints?external_id=pii-1", "", http.StatusOK)
		hist := a.as(tc.reader, "GET", "/v1/customers/cust-pii", "", http.StatusOK)
		for where, view := range map[string]map[string]any{
			"GET /v1/complaints/{id}": one.body,
			"GET /v1/complaints":      list.body["items"].([]any)[0].(map[string]any),
			"GET /v1/customers/{id}":  hist.body["complaints"].(map[string]any)["items"].([]any)[0].(map[string]any),
		} {
			got := personalOf(view)
			for field, want := range tc.wantRead {
				if got[field] != want {
					t.Errorf("%s, %s: %s = %q, want %q", name, where, field, got[field], want)
				}
			}
			if view["personal_data"] != tc.wantData {
				t.Errorf("%s, %s: personal_data = %v, want %s", name, where, view["personal_data"], tc.wantData)
			}
		}
		if got := hist.body["customer"].(map[string]any)["phone"]; got != tc.wantRead["phone"] {
			t.Errorf("%s: the history's customer phone = %v, want %s", name, got, tc.wantRead["phone"])
		}

		res := a.call(tc.reader, "POST", "/v1/complaints/"+c.ID+"/reveal", "")
		if res.status != tc.revealed {
			t.Errorf("%s: reveal answered %d %v, want %d", name, res.status, res.body, tc.revealed)
			continue
		}
		if res.status == http.StatusForbidden {
			if d, _ := res.body["detail"].(string); !strings.Contains(d, "owner") || !strings.Contains(d, "personal data") {
				t.Errorf("%s: 403 detail %q does not name the rule", name, d)
			}
			continue
		}
		got := res.body["customer"].(map[string]any)
		for _, f := range []string{"name", "phone", "email", "address"} {
			if got[f] != fullCustomer[f] {
				t.Errorf("%s: revealed %s = %v, want %q", name, f, got[f], fullCustomer[f])
			}
		}
	}

	// One event per successful reveal, naming who saw which fields.
	events := a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+c.ID+"/events", "", http.StatusOK)
	var actors []string
	for _, e := range events.body["items"].([]any) {
		ev := e.(map[string]any)
		if ev["kind"] != "personal_data_revealed" {
			continue
		}
		actors = append(actors, ev["actor"].(string))
		if fields := ev["data"].(map[string]any)["fields"].([]any); len(fields) != 4 {
			t.Errorf("reveal event fields = %v, want name, phone, email, address", fields)
		}
	}
	if got, want := strings.Join(actors, ","), "intake-token,ann,boss,admin-token"; got != want {
		t.Errorf("reveal events by %s, want %s", got, want)
	}
	if n := a.count("personal_data_reveals"); n != 4 {
		t.Errorf("%d reveals recorded, want 4", n)
	}
}

// The same rule for feedback: the sending token reads it in full, everyone else
// masked; admins and the sender may reveal it.
func TestFeedbackPersonalData(t *testing.T) {
	a := newDirectoryAPI(t)
	created := a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"suggestion","channel":"app","text":"建议增加夜间配送",
		"customer":{"id":"cust-fb","name":"Li Lei","tier":"low","phone":"+86 138 0013 8000","email":"li.lei@example.com"}}`,
		http.StatusCreated)
	id := created.body["id"].(string)
	if got := created.body["customer"].(map[string]any)["phone"]; got != "+86 138 0013 8000" {
		t.Errorf("the sender's answer: phone %v, want it in full", got)
	}
	for _, tc := range []struct {
		reader    auth.Role
		wantPhone string
		wantName  string
		revealed  int
	}{
		{auth.RoleIntake, "+86 138 0013 8000", "Li Lei", http.StatusOK},
		{auth.RoleAgent, "***8000", "L*", http.StatusForbidden},
		{auth.RoleManager, "***8000", "L*", http.StatusForbidden},
		{auth.RoleQuality, "***8000", "L*", http.StatusForbidden},
		{auth.RoleAdmin, "***8000", "L*", http.StatusOK},
	} {
		for _, view := range []map[string]any{
			a.as(tc.reader, "GET", "/v1/feedback/"+id, "", http.StatusOK).body,
			a.as(tc.reader, "GET", "/v1/feedback?customer_id=cust-fb", "", http.StatusOK).body["items"].([]any)[0].(map[string]any),
		} {
			cust := view["customer"].(map[string]any)
			if cust["phone"] != tc.wantPhone || cust["name"] != tc.wantName || cust["email"] == nil {
				t.Errorf("%s reads %v, want phone %s and name %s", tc.reader, cust, tc.wantPhone, tc.wantName)
			}
		}
		res := a.call(tc.reader, "POST", "/v1/feedback/"+id+"/reveal", "")
		if res.status != tc.revealed {
			t.Errorf("%s: reveal answered %d %v, want %d", tc.reader, res.status, res.body, tc.revealed)
		} else if res.status == http.StatusOK && res.body["customer"].(map[string]any)["email"] != "li.lei@example.com" {
			t.Errorf("%s: revealed %v", tc.reader, res.body["customer"])
		}
	}
	if n := a.count("personal_data_reveals"); n != 2 {
		t.Errorf("%d feedback reveals recorded, want 2", n)
	}
	noCustomer := a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"suggestion","channel":"app","text":"建议增加夜间配送"}`,
		http.StatusCreated)
	a.as(auth.RoleAdmin, "POST", "/v1/feedback/"+noCustomer.body["id"].(string)+"/reveal", "", http.StatusNotFound)
}

// Keywords are read by every role (and feed the heat map): a customer's address or
// e-mail in their text gives none, though the text mentions them.
func TestKeywordsHoldNoContacts(t *testing.T) {
	a := newFeedbackAPI(t)
	res := a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"external_id":"app-pii","kind":"suggestion","channel":"app",
		"text":"建议增加夜间配送时段，请送到北京市朝阳区建国路88号，邮箱 zhang.wei@example.com",
		"customer":{"id":"cust-8","name":"张伟","tier":"low","email":"zhang.wei@example.com","address":"北京市朝阳区建国路88号"}}`,
		http.StatusCreated)
	kws := strs(res.body["keywords"])
	for _, kw := range kws {
		for _, leak := range []string{"建国路", "zhang", "wei", "example"} {
			if strings.Contains(kw, leak) {
				t.Errorf("keyword %q of %v comes from the customer's contacts", kw, kws)
			}
		}
	}
	if !slices.Contains(kws, "配送") {
		t.Errorf("keywords %v lost the suggestion's own", kws)
	}
	// Its improvement item's title is read by quality roles too.
	if res.body["disposition"] != "backlog" {
		t.Fatalf("disposition %v, want backlog", res.body["disposition"])
	}
	items := a.as(auth.RoleQuality, "GET", "/v1/improvement-backlog", "", http.StatusOK).body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("%d backlog items, want 1", len(items))
	}
	title := items[0].(map[string]any)["title"].(string)
	for _, leak := range []string{"建国路", "zhang.wei"} {
		if strings.Contains(title, leak) {
			t.Errorf("backlog title %q holds the customer's contacts", title)
		}
	}
	if !strings.Contains(title, "夜间配送") {
		t.Errorf("backlog title %q lost the suggestion", title)
	}
}
