package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// An agent answering the customer's call reads what the customer was told: each
// notice to the customer with its text as the API gives it (masked), its status and
// time, oldest first.
func TestComplaintShowsWhatTheCustomerWasTold(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint+"/customer-notices"] = items(
		map[string]any{"event_kind": "acknowledged", "channel": "email", "subject": "您的投诉已受理", "status": "sent",
			"body": "王*您好，我们已收到您的投诉。", "created_at": ago(2 * time.Hour), "sent_at": ago(2 * time.Hour)},
		map[string]any{"event_kind": "resolved", "channel": "email", "subject": "您的投诉已解决", "status": "failed",
			"body": "请评价：https://cf.example/v1/surveys/sha256:0123456789abcdef0123456789abcdef", "created_at": ago(time.Hour), "sent_at": nil})
	c := f.console(t)
	status, body := getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
	section := regexp.MustCompile(`(?s)<ol class="to-customer" id="to-customer".*?</ol>`).FindString(body)
	ack, res := strings.Index(section, "王*您好，我们已收到您的投诉。"), strings.Index(section, "/v1/surveys/sha256:0123456789abcdef")
	if ack < 0 || res < ack {
		t.Fatalf("messages to the customer: %q; want both texts, oldest first", section)
	}
	for _, want := range []string{"<details>", "acknowledged", "您的投诉已受理", ">sent<", ">failed<"} {
		if !strings.Contains(section, want) {
			t.Errorf("messages to the customer lack %q: %s", want, section)
		}
	}
	// A list the API refuses says so, and the page still shows.
	delete(f.answers, "/v1/complaints/"+shiftComplaint+"/customer-notices")
	if status, body = getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint); status != http.StatusOK ||
		strings.Contains(body, `id="to-customer"`) || !strings.Contains(body, "Messages to the customer") {
		t.Errorf("refused: HTTP %d, want the page with the section's refusal", status)
	}
}

// Hand-over offers the people the API's rule takes (complaint.CheckHandover): the
// active members of the complaint's team but its owner, and the team's lead from
// another team; an ID to type only when nobody can be listed.
func TestHandoverPicksFromTheTeam(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"owner": "agent", "team_id": "logistics"})
	person := func(id, name, team string) map[string]any {
		return map[string]any{"id": id, "name": name, "team_id": team, "role": "agent", "active": true,
			"created_at": ago(time.Hour), "updated_at": ago(time.Hour), "updated_by": "admin"}
	}
	f.answers["/v1/teams/logistics"] = map[string]any{"id": "logistics", "name": "Logistics", "lead_id": "lee",
		"created_at": ago(time.Hour), "updated_at": ago(time.Hour), "updated_by": "admin",
		"members": []any{person("agent", "Me", "logistics"), person("ann", "安娜", "logistics")}}
	f.answers["/v1/people/lee"] = person("lee", "李组长", "ops")
	c := f.console(t)
	picker := regexp.MustCompile(`(?s)<select id="handover-to" name="to_person_id" required>(.*?)</select>`)
	_, body := getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	m := picker.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no picker in the hand-over form: %s", regexp.MustCompile(`(?s)<form[^>]*id="form-handover".*?</form>`).FindString(body))
	}
	options := regexp.MustCompile(`<option value="([^"]*)"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(m[1], -1)
	var got []string
	for _, o := range options {
		got = append(got, o[1]+": "+o[2])
	}
	if want := []string{": — choose —", "ann: 安娜 (ann, logistics)", "lee: 李组长 (lee, ops)"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("picker offers %q, want %q (nobody chosen yet, not the owner)", got, want)
	}
	if strings.Contains(m[1], `value="ann" selected`) || strings.Contains(m[1], `value="lee" selected`) {
		t.Errorf("the picker chooses someone before the lead does: %s", m[1])
	}
	// Refused for someone no longer offered (made inactive meanwhile): that person
	// stays chosen, next to the refusal, not the next one on the list.
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/console/complaints/"+shiftComplaint+"/handover", nil)
	r.SetPathValue("id", shiftComplaint)
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{TokenID: "tok", Name: "agent",
		Role: auth.RoleAgent, PersonID: "agent"}, CSRF: "csrf"}))
	c.showComplaint(w, r, http.StatusUnprocessableEntity, "handover",
		&refusal{Status: http.StatusUnprocessableEntity, Fields: map[string]string{"to_person_id": "bo is not active"}},
		map[string]string{"to_person_id": "bo"})
	refused := regexp.MustCompile(`(?s)<select id="handover-to" name="to_person_id" required aria-invalid="true"[^>]*>(.*?)</select>`)
	if m = refused.FindStringSubmatch(w.Body.String()); m == nil || !strings.Contains(m[1], `<option value="bo" selected>bo</option>`) ||
		strings.Count(m[1], " selected") != 1 || !strings.Contains(w.Body.String(), "bo is not active") {
		t.Errorf("refused for a person no longer offered, the picker shows %q", m)
	}
	// A directory that fails (not a refusal) leaves the ID to type; the page shows.
	f.answers["/v1/teams/logistics"] = "not a team"
	if status, body := getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint); status != http.StatusOK ||
		picker.MatchString(body) || !strings.Contains(body, `<input id="handover-to" name="to_person_id"`) {
		t.Errorf("a failing directory: HTTP %d, want the page with the ID to type", status)
	}
	f.answers["/v1/teams/logistics"] = map[string]any{"id": "logistics", "name": "Logistics", "lead_id": "lee",
		"created_at": ago(time.Hour), "updated_at": ago(time.Hour), "updated_by": "admin",
		"members": []any{person("agent", "Me", "logistics"), person("ann", "安娜", "logistics")}}
	// Someone the rule lets hand over to nobody (neither its lead nor its owner), or
	// a directory that does not answer: the ID is typed, and the API says why.
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"owner": "bob", "team_id": "logistics"})
	f.teams = map[string]string{"agent": "logistics"}
	_, body = getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if picker.MatchString(body) || !strings.Contains(body, `<input id="handover-to" name="to_person_id"`) {
		t.Error("a viewer the rule refuses is offered a picker, not the ID to type")
	}
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"owner": "agent", "team_id": "logistics"})
	delete(f.answers, "/v1/teams/logistics")
	_, body = getAs(t, c.complaint, auth.RoleAgent, "/console/complaints/"+shiftComplaint, shiftComplaint)
	if picker.MatchString(body) || !strings.Contains(body, `<input id="handover-to" name="to_person_id"`) {
		t.Error("without the team, the hand-over form offers no ID to type")
	}
}
