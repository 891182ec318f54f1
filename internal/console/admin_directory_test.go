package console

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// keyAnswers answers the API's writes named in answers ("PUT /v1/people/ann") with
// the JSON given, as the API answers them with a signing key; every other request
// goes to next. sent records the writes answered.
type keyAnswers struct {
	next    apiclient.HttpRequestDoer
	answers map[string]any
	sent    *[]string
}

func (k keyAnswers) Do(r *http.Request) (*http.Response, error) {
	a, ok := k.answers[r.Method+" "+r.URL.Path]
	if !ok {
		return k.next.Do(r)
	}
	*k.sent = append(*k.sent, r.Method+" "+r.URL.Path)
	b, _ := json.Marshal(a)
	status := http.StatusOK
	if p, _ := a.(map[string]any); p["status"] != nil { // a problem
		status = p["status"].(int)
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
}

// postAsAdmin sends a form to h as an admin, with the path's id.
func postAsAdmin(h http.HandlerFunc, id string, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", "csrf")
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetPathValue("id", id)
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "admin", Role: auth.RoleAdmin}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	h(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	return w
}

// A person's webhook signing key is in the API's answer that issued it, and only
// there: the directory shows it once, in that answer, as a new token's secret —
// not on reload, and not for a save that issued none. A person with a webhook can
// have it rotated, and the new key is shown once the same way.
func TestDirectoryShowsAWebhookKeyOnce(t *testing.T) {
	ann := map[string]any{"id": "ann", "name": "Ann Example", "role": "agent", "active": true,
		"webhook_url": "https://hooks.example.com/ann", "created_at": ago(0), "updated_at": ago(0), "updated_by": "admin"}
	bob := map[string]any{"id": "bob", "name": "Bob Example", "role": "agent", "active": true,
		"created_at": ago(0), "updated_at": ago(0), "updated_by": "admin"}
	f := &fakeAPI{answers: map[string]any{"/v1/teams": items(), "/v1/people": items(ann, bob), "/v1/people/ann": ann, "/v1/people/bob": bob}}
	c := f.console(t)
	c.registerAdmin(&routeMux{ServeMux: http.NewServeMux()})
	issued, rotated := maps.Clone(ann), maps.Clone(ann)
	issued["webhook_secret"], rotated["webhook_secret"] = "whsec_issued", "whsec_rotated"
	var sent []string
	answers := map[string]any{"PUT /v1/people/ann": issued, "POST /v1/people/ann/webhook-secret": rotated}
	c.client.Client = keyAnswers{next: c.client.Client, answers: answers, sent: &sent}
	rotate := `action="/console/admin/people/ann/webhook-secret"`

	w := postAsAdmin(c.putPerson, "", url.Values{"id": {"ann"}, "name": {"Ann Example"}, "role": {"agent"},
		"webhook_url": {"https://hooks.example.com/ann"}, "active": {"on"}})
	if body := w.Body.String(); w.Code != http.StatusOK || strings.Count(body, "whsec_issued") != 1 || !strings.Contains(body, `id="secret-value"`) {
		t.Fatalf("saving ann with a webhook: HTTP %d, key shown %d times; want the page with the key once:\n%.2000s",
			w.Code, strings.Count(body, "whsec_issued"), body)
	}
	status, body := getAs(t, c.directory, auth.RoleAdmin, "/console/admin/directory")
	if status != http.StatusOK || strings.Contains(body, "whsec_") || strings.Contains(body, `id="new-secret"`) {
		t.Errorf("the directory reloaded: HTTP %d, a key shown again", status)
	}
	if !strings.Contains(body, rotate) || strings.Contains(body, `action="/console/admin/people/bob/webhook-secret"`) {
		t.Errorf("the rotate form: want it for ann (a webhook) and not for bob (none):\n%s", snippet(body, "webhook-secret"))
	}

	// A save that issues no key (the URL changed, the key kept) goes back to the form.
	answers["PUT /v1/people/ann"] = ann
	w = postAsAdmin(c.putPerson, "", url.Values{"id": {"ann"}, "name": {"Ann"}, "role": {"agent"}, "webhook_url": {"https://hooks.example.com/a"}})
	if w.Code != http.StatusSeeOther || strings.Contains(w.Body.String(), "whsec_") {
		t.Errorf("saving ann again: HTTP %d, want 303 and no key", w.Code)
	}

	w = postAsAdmin(c.rotateWebhookKey, "ann", url.Values{})
	if body := w.Body.String(); w.Code != http.StatusOK || strings.Count(body, "whsec_rotated") != 1 || strings.Contains(body, "whsec_issued") {
		t.Errorf("rotating ann's key: HTTP %d, new key shown %d times; want it once", w.Code, strings.Count(body, "whsec_rotated"))
	}
	if want := []string{"PUT /v1/people/ann", "PUT /v1/people/ann", "POST /v1/people/ann/webhook-secret"}; strings.Join(sent, ",") != strings.Join(want, ",") {
		t.Errorf("writes sent %v, want %v", sent, want)
	}

	// The API's refusal (no webhook to sign) is said on the page, and no key shown.
	answers["POST /v1/people/ann/webhook-secret"] = map[string]any{"type": "about:blank", "title": "conflict", "status": 409,
		"code": "conflict", "detail": "person ann has no webhook to sign; set webhook_url first"}
	w = postAsAdmin(c.rotateWebhookKey, "ann", url.Values{})
	if body := w.Body.String(); w.Code != http.StatusConflict || !strings.Contains(body, `id="action-refusal"`) ||
		!strings.Contains(body, "no webhook to sign") || strings.Contains(body, `id="new-secret"`) {
		t.Errorf("a refused rotation: HTTP %d, want 409 saying why:\n%s", w.Code, snippet(body, "action-refusal"))
	}
}
