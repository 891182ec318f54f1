package console

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The policy form's lists reach the API as its body's shapes; what does not parse
// goes as typed, so the API, not the console, names it.
func TestPolicyFormLists(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  any
		want string
	}{
		{"percents", numbersOrText("50, 75 90"), `[50,75,90]`},
		{"a bad percent", numbersOrText("50, lots"), `[50,"lots"]`},
		{"levels", levelsOf("1 0s team_lead\n\n2 2h manager"), `[{"after":"0s","level":1,"notify":"team_lead"},{"after":"2h","level":2,"notify":"manager"}]`},
		{"a bad level", levelsOf("first 1h"), `[{"after":"1h","level":0,"notify":""}]`},
	} {
		b, _ := json.Marshal(tc.got)
		if string(b) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, b, tc.want)
		}
	}
}

// A number typed in a form goes as a JSON number; anything else — also NaN and Inf,
// which parse as floats but are no JSON numbers — as typed, so the body always
// encodes and the API names the field; empty is left out.
func TestFormNumbers(t *testing.T) {
	body := map[string]any{}
	for key, typed := range map[string]string{"plain": " 1e3 ", "fraction": "0.50", "nan": "NaN", "inf": "-Inf",
		"huge": "1e400", "word": "lots", "empty": " "} {
		number(body, key, typed)
	}
	b, err := json.Marshal(body)
	want := `{"fraction":0.5,"huge":"1e400","inf":"-Inf","nan":"NaN","plain":1000,"word":"lots"}`
	if err != nil || string(b) != want {
		t.Errorf("got %s, %v; want %s", b, err, want)
	}
}

// A form field shows the API's messages for itself and its parts, and only those.
func TestErrorsOf(t *testing.T) {
	ref := &refusal{Fields: map[string]string{
		"warning_percents[1]": "must be larger", "first_response": "is required", "resolution_x": "other",
	}}
	unclaimed := adminFuncs["unclaimed"].(func(*refusal, ...string) []string)
	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"itself", errorsOf(ref, "first_response"), []string{"is required"}},
		{"its parts", errorsOf(ref, "warning_percents"), []string{"warning_percents[1]: must be larger"}},
		{"not a prefix", errorsOf(ref, "resolution"), nil},
		{"no refusal", errorsOf(nil, "resolution"), nil},
		{"unclaimed", unclaimed(ref, "first_response", "warning_percents"), []string{"resolution_x: other"}},
	} {
		if len(tc.got) != len(tc.want) || (len(tc.got) > 0 && tc.got[0] != tc.want[0]) {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// A cell's form shows its lists: emptied, they go as empty lists (the API keeps a
// list left out, so clearing the warnings would change nothing). A new source
// policy's form leaves an empty list out, for the matrix cell's to apply.
func TestPolicyFormSendsAnEmptiedListEmpty(t *testing.T) {
	form := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("first_response=2h&warning_percents=+&escalation_levels="))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	_, cell := policyBody(form(), "warning_percents", "escalation_levels")
	if b, _ := json.Marshal(cell); !strings.Contains(string(b), `"warning_percents":[]`) || !strings.Contains(string(b), `"escalation_levels":[]`) {
		t.Errorf("a cell's emptied lists: %s, want both sent empty", b)
	}
	_, fresh := policyBody(form())
	if _, sent := fresh["warning_percents"]; sent {
		t.Errorf("a new policy's empty warnings were sent: %v", fresh)
	}
}
