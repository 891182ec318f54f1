package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The compensation form names the viewer's own limits, those of her role in the
// directory as the API applies them, so she knows before sending what is granted
// at once; a person with none is told every grant goes to a manager.
func TestTheCompensationFormNamesTheViewersLimits(t *testing.T) {
	limit := func(role, kind string, amount float64) map[string]any {
		return map[string]any{"role": role, "kind": kind, "currency": "CNY", "amount": amount, "updated_at": ago(time.Hour), "updated_by": "ada"}
	}
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"owner": "ann"})
	f.answers["/v1/compensation-limits"] = items(limit("agent", "refund", 500), limit("manager", "refund", 5000), limit("agent", "compensation", 200))
	f.answers["/v1/people/ann"] = map[string]any{"id": "ann", "name": "Ann", "role": "agent", "active": true}
	f.answers["/v1/people/max"] = map[string]any{"id": "max", "name": "Max", "role": "director", "active": true}
	c := f.console(t)
	note := func(person, lang string) string {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "/console/complaints/"+shiftComplaint, nil)
		r.SetPathValue("id", shiftComplaint)
		r.Header.Set("Accept-Language", lang)
		role := auth.RoleAgent
		if person != "ann" {
			role = auth.RoleManager
		}
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: role, PersonID: person}}))
		w := httptest.NewRecorder()
		c.complaint(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("HTTP %d: %.300s", w.Code, w.Body)
		}
		return noteOf(w.Body.String(), "compensate-limits")
	}
	for _, tc := range []struct{ person, lang, want string }{
		{"ann", langEN, "Your limits: refund 500 CNY; compensation 200 CNY"},
		{"ann", langZH, "您的权限额度： 退款 500 CNY; 补偿 200 CNY"},
		{"max", langEN, "Your limits: none: every grant goes to a manager."},
		{"max", langZH, "您的权限额度： 无：所有补偿都提交经理审批。"},
		{"gone", langEN, "Your limits: none: every grant goes to a manager."}, // not in the directory
	} {
		if got := note(tc.person, tc.lang); got != tc.want {
			t.Errorf("%s in %s: the form says %q, want %q", tc.person, tc.lang, got, tc.want)
		}
	}
}
