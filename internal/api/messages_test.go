package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

func TestMessageTemplatesRefuseUnknownVariablesNamingThem(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, tc := range []struct {
		path, body string
		want       []string
		mention    string // in the blamed field's message
	}{
		{"/v1/message-templates/progress/en", `{"subject":"Update","body":"{{.message}} — refund {{.refund_amount}}"}`,
			[]string{"body"}, `"refund_amount"`},
		{"/v1/message-templates/acknowledgement/zh-CN", `{"subject":"{{.vip_level}}","body":"{{.complaint_id"}`,
			[]string{"subject", "body"}, `"vip_level"`},
		{"/v1/message-templates/compensation/en", `{"subject":"","body":"x"}`, []string{"subject"}, ""},
		// A missing subject does not hide what is wrong with the body.
		{"/v1/message-templates/progress/en", `{"subject":"","body":"{{.nope}}"}`, []string{"subject", "body"}, `"nope"`},
		{"/v1/message-templates/compensation/en", `{"subject":"s","body":"b","locale":"en"}`, []string{"locale"}, ""},
	} {
		r := a.admin("PUT", tc.path, tc.body, http.StatusBadRequest)
		if got := r.fields(); !slices.Equal(got, tc.want) {
			t.Errorf("PUT %s %s: blamed %v, want %v", tc.path, tc.body, got, tc.want)
		}
		if msg := fmt.Sprint(r.body["errors"]); tc.mention != "" && !strings.Contains(msg, tc.mention) {
			t.Errorf("PUT %s: %s does not name %s", tc.path, msg, tc.mention)
		}
	}
	a.admin("PUT", "/v1/message-templates/nope/en", `{"subject":"s","body":"b"}`, http.StatusNotFound)
	a.admin("PUT", "/v1/message-templates/progress/fr", `{"subject":"s","body":"b"}`, http.StatusNotFound)
	// Nothing changed: every text is still the seeded one.
	list := a.admin("GET", "/v1/message-templates", "", http.StatusOK).body["items"].([]any)
	for _, it := range list {
		if m := it.(map[string]any); m["customized"] != false {
			t.Errorf("%s/%s customized after refused writes", m["key"], m["locale"])
		}
	}
	for _, role := range []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality} {
		if r := a.call(role, "PUT", "/v1/message-templates/progress/en", `{"subject":"s","body":"b"}`); r.status != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", role, r.status)
		}
	}
}

func TestMessageTemplatesAreSeededPerLocaleAndChanged(t *testing.T) {
	a := newDirectoryAPI(t)
	list := a.admin("GET", "/v1/message-templates", "", http.StatusOK).body["items"].([]any)
	var keys []string
	for _, it := range list {
		m := it.(map[string]any)
		keys = append(keys, m["key"].(string)+"/"+m["locale"].(string))
	}
	for _, want := range []string{"acknowledgement/zh-CN", "acknowledgement/en", "progress/zh-CN", "extension/en",
		"survey/zh-CN", "survey_page/en", "compensation/zh-CN", "compensation/en", "closed_verified/zh-CN"} {
		if !slices.Contains(keys, want) {
			t.Errorf("list lacks %s: %v", want, keys)
		}
	}
	seed := a.admin("GET", "/v1/message-templates/acknowledgement/zh-CN", "", http.StatusOK)
	if !strings.Contains(seed.body["subject"].(string), "我们已收到您的投诉") || seed.body["customized"] != false {
		t.Errorf("seeded zh-CN acknowledgement: %v", seed.body)
	}
	body := `{"subject":"进展：{{.complaint_id}}","body":"{{.customer_name}}：{{.message}}（{{.resolution_due_at}}）"}`
	created := a.admin("PUT", "/v1/message-templates/progress/zh-CN", body, http.StatusCreated)
	if created.body["customized"] != true || created.body["updated_by"] == nil {
		t.Errorf("created: %v", created.body)
	}
	a.admin("PUT", "/v1/message-templates/progress/zh-CN", body, http.StatusOK)
	got := a.admin("GET", "/v1/message-templates/progress/zh-CN", "", http.StatusOK)
	if got.body["subject"] != "进展：{{.complaint_id}}" {
		t.Errorf("read back: %v", got.body)
	}
	if en := a.admin("GET", "/v1/message-templates/progress/en", "", http.StatusOK); en.body["customized"] != false {
		t.Errorf("en changed with zh-CN: %v", en.body)
	}
}
