package console

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The progress form offers why it is not resolved yet and the expected time, both
// optional, as the API takes them: the picked date and time goes as RFC 3339 in the
// viewer's zone, and fields left empty are not sent (002 §9.3).
func TestProgressFormSendsTheReasonAndTheExpectedTime(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"status": "in_progress"})
	_, page := getAs(t, f.console(t).complaint, auth.RoleManager, "/console/complaints/"+shiftComplaint, shiftComplaint)
	for _, want := range []string{`<label for="progress-reason">Why it is not resolved yet (optional)</label>`, `id="progress-reason" name="reason"`,
		`<label for="progress-expected-by">Expected resolution time`, `id="progress-expected-by" name="expected_by" type="datetime-local"`,
		// An agent sending progress on an open complaint thought it answered it (an audit).
		"A progress update does not stop the first-response clock: only acknowledging does"} {
		if !strings.Contains(page, want) {
			t.Errorf("the progress form lacks %q", want)
		}
	}

	for _, tc := range []struct {
		name string
		in   url.Values
		want string
	}{
		{"both, in Shanghai", url.Values{"message": {"found it"}, "reason": {"storm"}, "expected_by": {"2027-01-31T18:00"}, "tz": {"Asia/Shanghai"}},
			`{"expected_by":"2027-01-31T18:00:00+08:00","message":"found it","reason":"storm"}`},
		{"neither", url.Values{"message": {"found it"}, "reason": {" "}, "expected_by": {""}}, `{"message":"found it"}`},
		{"not a time: as typed, for the API to name", url.Values{"message": {"x"}, "expected_by": {"soon"}}, `{"expected_by":"soon","message":"x"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent string
			c := fakeAPIConsole(t, func(r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				var v any
				_ = json.Unmarshal(b, &v)
				out, _ := json.Marshal(v)
				sent = r.URL.Path + " " + string(out)
			})
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.in.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetPathValue("id", testID)
			r.SetPathValue("action", "progress")
			c.act(httptest.NewRecorder(), r)
			if want := "/v1/complaints/" + testID + "/progress " + tc.want; sent != want {
				t.Errorf("sent %s, want %s", sent, want)
			}
		})
	}
}
