package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// A name an event's actor column would show as the system or the customer to a
// person reading the history is refused as theirs is, whatever its case or padding;
// a padded name is refused for any token, as a slip, and never trimmed.
func TestATokenNameThatReadsAsAReservedActorIsRefused(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/people/cass", `{"name":"Cass","role":"agent"}`, http.StatusCreated)
	for _, c := range []struct{ name, person, word string }{
		{" system", "", "reserved"}, {"System", "", "reserved"}, {"SYSTEM ", "", "reserved"},
		{"customer\t", "", "reserved"}, {"Customer", "", "reserved"}, {"\u200bsystem", "", "reserved"},
		{" system", "cass", "white space"}, {"ops bot ", "", "white space"}, {"\tops bot", "cass", "white space"},
		// Default-ignorable code points read as nothing, as the format characters do.
		{"system\u034F", "", "reserved"}, {"system\u3164", "", "reserved"}, {"system\u115F", "", "reserved"},
		{"system\uFFA0", "", "reserved"}, {"\uFE0Fcustomer", "", "reserved"},
		{"\u200bops", "", "invisible"}, {"ops\u3164", "cass", "invisible"}, {"ops bot\u034F", "", "invisible"},
	} {
		name, _ := json.Marshal(c.name)
		body := `{"role":"agent","name":` + string(name) + `}`
		if c.person != "" {
			body = `{"role":"agent","name":` + string(name) + `,"person_id":"` + c.person + `"}`
		}
		before := a.count("api_tokens")
		got := a.call(auth.RoleAdmin, http.MethodPost, "/v1/tokens", body)
		if got.status != http.StatusBadRequest || strings.Join(got.fields(), ",") != "name" {
			t.Fatalf("POST /v1/tokens %s: got %d naming %v, want 400 naming name", body, got.status, got.fields())
		}
		if msg := got.body["errors"].([]any)[0].(map[string]any)["message"].(string); !strings.Contains(msg, c.word) {
			t.Errorf("POST /v1/tokens %s: message %q, want it to say %q", body, msg, c.word)
		}
		if n := a.count("api_tokens"); n != before {
			t.Errorf("POST /v1/tokens %s: %d tokens stored, want %d", body, n, before)
		}
	}
	// A token acting for a person acts as them: its name is only a label.
	a.admin("POST", "/v1/tokens", `{"role":"agent","name":"System","person_id":"cass"}`, http.StatusCreated)
}

// A token for no person so named before the API refused the name authenticates as
// nothing (refuseReservedActor judges it by the same rule as the API).
func TestALegacyTokenNamedLikeAReservedActorAuthenticatesAsNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	for i, name := range []string{"System", " system", "CUSTOMER\t"} {
		id, secret := "00000000-0000-0000-0000-0000000000b"+string(rune('1'+i)), "legacy-"+name
		if _, err := a.store.DB().Exec(`INSERT INTO api_tokens (id, name, role, token_hash, created_by)
			VALUES ($1::uuid, $2, 'admin', $3, 'test')`, id, name, auth.Hash(secret)); err != nil {
			t.Fatal(err)
		}
		a.tokens[auth.Role(id)] = secret
		if got := a.call(auth.Role(id), http.MethodPut, "/v1/people/zed", `{"name":"Zed","role":"agent"}`); got.status != http.StatusUnauthorized {
			t.Errorf("PUT /v1/people/zed with a legacy token named %q: %d, want 401", name, got.status)
		}
	}
	a.admin("GET", "/v1/people/zed", "", http.StatusNotFound)
}
