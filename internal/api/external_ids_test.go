package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// TestIntakeSystemsEachHaveTheirExternalIDs: intake tokens of two integrations and
// one bound to none file the same external_id with the same body: three complaints,
// each its own system's; each retry answers its own; another body conflicts with its
// own only. Feedback likewise, and the complaint feedback becomes is the sending
// system's, under "feedback:" and the feedback's external_id.
func TestIntakeSystemsEachHaveTheirExternalIDs(t *testing.T) {
	a := newFeedbackAPI(t)
	tokens := map[string]string{"": a.tokens[auth.RoleIntake]}
	for _, in := range []string{"crm", "shop"} {
		a.admin("PUT", "/v1/integrations/"+in, `{"name":"`+in+`","callback_url":"https://`+in+`.example.com/cb"}`, http.StatusCreated)
		tok := a.admin("POST", "/v1/tokens", `{"role":"intake","name":"`+in+`-intake","integration_id":"`+in+`"}`, http.StatusCreated)
		tokens[in] = tok.body["token"].(string)
	}
	as := func(in, method, path, body string, want int) response {
		t.Helper()
		return a.as(auth.RoleIntake, method, path, body, want, "Authorization", "Bearer "+tokens[in])
	}
	body := `{"external_id":"A-1","channel":"web","customer":{"id":"cust-1","name":"王芳","tier":"medium"},
		"category":"logistics","urgency":"high","subject":"包裹延误","description":"物流慢，一周未到"}`
	filed := map[string]string{}
	for _, in := range []string{"crm", "shop", ""} {
		c := as(in, "POST", "/v1/complaints", body, http.StatusCreated)
		if got, _ := c.body["integration_id"].(string); got != in {
			t.Errorf("%q's complaint: integration_id %v", in, c.body["integration_id"])
		}
		filed[in] = c.body["id"].(string)
	}
	for _, in := range []string{"crm", "shop", ""} {
		if c := as(in, "POST", "/v1/complaints", body, http.StatusOK); c.body["id"] != filed[in] {
			t.Errorf("%q's retry answered %v, want its own %s", in, c.body["id"], filed[in])
		}
		p := as(in, "POST", "/v1/complaints", strings.Replace(body, "一周", "两周", 1), http.StatusConflict)
		if detail, _ := p.body["detail"].(string); !strings.Contains(detail, filed[in]) {
			t.Errorf("%q's conflict names %q, want its own complaint %s", in, detail, filed[in])
		}
	}
	if n := a.count("complaints"); n != 3 {
		t.Fatalf("%d complaints, want one per intake system", n)
	}

	// Rating 1: a complaint, the intake system's, found by the feedback's own ID.
	rating := `{"external_id":"fb-1","kind":"rating","channel":"app","rating":1,"text":"送货太慢了"}`
	for _, in := range []string{"crm", "shop"} {
		fb := as(in, "POST", "/v1/feedback", rating, http.StatusCreated)
		cid, _ := fb.body["complaint_id"].(string)
		if cid == "" {
			t.Fatalf("%q's rating 1 filed no complaint: %v", in, fb.body)
		}
		c := as(in, "GET", "/v1/complaints/"+cid, "", http.StatusOK)
		if c.body["integration_id"] != in || c.body["external_id"] != "feedback:fb-1" {
			t.Errorf("%q's complaint from feedback: integration_id %v external_id %v, want %s and feedback:fb-1",
				in, c.body["integration_id"], c.body["external_id"], in)
		}
		if again := as(in, "POST", "/v1/feedback", rating, http.StatusOK); again.body["id"] != fb.body["id"] {
			t.Errorf("%q's feedback retry answered %v, want %v", in, again.body["id"], fb.body["id"])
		}
	}
	if n := a.count("complaints"); n != 5 {
		t.Errorf("%d complaints, want 3 and one from each system's feedback", n)
	}
	// The feedback's external_id leaves room for the complaint's prefix.
	long := `{"external_id":"` + strings.Repeat("x", 192) + `","kind":"rating","channel":"app","rating":1}`
	if p := as("crm", "POST", "/v1/feedback", long, http.StatusBadRequest); p.fields()[0] != "external_id" {
		t.Errorf("192-character external_id: blamed %v", p.fields())
	}
	// The system's own complaint may not take the name of one its feedback becomes: a
	// later feedback fb-2 would conflict with it for good (a review's finding).
	taken := strings.Replace(body, `"A-1"`, `"feedback:fb-2"`, 1)
	if p := as("crm", "POST", "/v1/complaints", taken, http.StatusBadRequest); p.fields()[0] != "external_id" {
		t.Errorf("a complaint named feedback:fb-2: blamed %v", p.fields())
	}
	if n := a.count("complaints"); n != 5 {
		t.Errorf("%d complaints after the refusal, want 5", n)
	}
}
