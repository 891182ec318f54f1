package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

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
	if err, ok := a.(error); ok { // the API not reached
		return nil, err
	}
	sent := r.Method + " " + r.URL.Path
	if v := r.Header.Get("If-Match"); v != "" {
		sent += " If-Match: " + v
	}
	*k.sent = append(*k.sent, sent)
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
	rotate := `action="/console/confirm/webhook-key/ann"`

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
	if !strings.Contains(body, rotate) || strings.Contains(body, `action="/console/confirm/webhook-key/bob"`) {
		t.Errorf("the rotate button: want it for ann (a webhook) and not for bob (none):\n%s", snippet(body, "webhook-key"))
	}

	// A save that issues no key (the URL changed, the key kept) goes back to the form.
	answers["PUT /v1/people/ann"] = ann
	w = postAsAdmin(c.putPerson, "", url.Values{"id": {"ann"}, "name": {"Ann"}, "role": {"agent"}, "webhook_url": {"https://hooks.example.com/a"}})
	if w.Code != http.StatusSeeOther || strings.Contains(w.Body.String(), "whsec_") {
		t.Errorf("saving ann again: HTTP %d, want 303 and no key", w.Code)
	}

	version := `"` + ago(0) + `"`
	w = postAsAdmin(c.rotateWebhookKey, "ann", url.Values{"version": {version}})
	if body := w.Body.String(); w.Code != http.StatusOK || strings.Count(body, "whsec_rotated") != 1 || strings.Contains(body, "whsec_issued") {
		t.Errorf("rotating ann's key: HTTP %d, new key shown %d times; want it once", w.Code, strings.Count(body, "whsec_rotated"))
	}
	if want := []string{`PUT /v1/people/ann If-Match: "seed"`, `PUT /v1/people/ann If-Match: "seed"`, "POST /v1/people/ann/webhook-secret If-Match: " + version}; strings.Join(sent, ",") != strings.Join(want, ",") {
		t.Errorf("writes sent %v, want %v", sent, want)
	}

	// The API's refusal (no webhook to sign) is said on the confirmation page, and no key shown.
	answers["POST /v1/people/ann/webhook-secret"] = map[string]any{"type": "about:blank", "title": "conflict", "status": 409,
		"code": "conflict", "detail": "person ann has no webhook to sign; set webhook_url first"}
	w = postAsAdmin(c.rotateWebhookKey, "ann", url.Values{"version": {version}})
	if body := w.Body.String(); w.Code != http.StatusConflict || !strings.Contains(body, `id="refusal"`) ||
		!strings.Contains(body, "no webhook to sign") || strings.Contains(body, `id="new-secret"`) ||
		!strings.Contains(body, `action="/console/admin/people/ann/webhook-secret"`) {
		t.Errorf("a refused rotation: HTTP %d, want 409 saying why on the confirmation:\n%s", w.Code, snippet(body, "refusal"))
	}
}

// The page that shows a key just issued or rotated opens that person in the form,
// at their version, as a save's redirect does: the form does not come back blank,
// as for a new person, nor would a save from it collide with the person as "seed".
// A rotation's notice says until when the old key keeps signing beside the new one;
// its confirmation says so before, for how long.
func TestDirectoryKeyNoticeSaysTheGraceAndKeepsThePerson(t *testing.T) {
	at := ago(0)
	ann := map[string]any{"id": "ann", "name": "Ann Example", "role": "manager", "active": true, "email": "ann@example.com",
		"webhook_url": "https://hooks.example.com/ann", "created_at": at, "updated_at": at, "updated_by": "admin"}
	f := &fakeAPI{answers: map[string]any{"/v1/teams": items(), "/v1/people": items(ann), "/v1/people/ann": ann}}
	c := f.console(t)
	c.registerAdmin(&routeMux{ServeMux: http.NewServeMux()})
	c.registerRemovals(&routeMux{ServeMux: http.NewServeMux()})
	issued, rotated := maps.Clone(ann), maps.Clone(ann)
	issued["webhook_secret"], rotated["webhook_secret"] = "whsec_issued", "whsec_rotated"
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	rotated["previous_key_valid_until"] = until.Format(time.RFC3339)
	var sent []string
	c.client.Client = keyAnswers{next: c.client.Client, sent: &sent,
		answers: map[string]any{"PUT /v1/people/ann": issued, "POST /v1/people/ann/webhook-secret": rotated}}
	form := func(body string) string {
		i := strings.Index(body, `id="person-form"`)
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</form>")]
	}
	for what, w := range map[string]*httptest.ResponseRecorder{
		"saved with a new webhook": postAsAdmin(c.putPerson, "", url.Values{"id": {"ann"}, "name": {"Ann Example"}, "role": {"manager"},
			"email": {"ann@example.com"}, "webhook_url": {"https://hooks.example.com/ann"}, "active": {"on"}}),
		"rotated": postAsAdmin(c.rotateWebhookKey, "ann", url.Values{"version": {`"` + at + `"`}}),
	} {
		body := w.Body.String()
		got := form(body)
		for _, want := range []string{`name="id" value="ann"`, `name="name" value="Ann Example"`, `<option value="manager" selected>manager</option>`,
			`name="email" value="ann@example.com"`, `name="webhook_url" value="https://hooks.example.com/ann"`,
			`name="version" value="&#34;` + at + `&#34;"`, `name="active" checked`} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: HTTP %d, the person form lacks %s:\n%s", what, w.Code, want, got)
			}
		}
		notice := snippet(body, `id="previous-key"`)
		if what == "rotated" && (!strings.Contains(notice, "the old key keeps signing beside it until") ||
			!strings.Contains(notice, `datetime="2030-01-02T03:04:05Z"`)) {
			t.Errorf("rotated: the notice does not say until when the old key signs:\n%s", notice)
		}
		if what != "rotated" && strings.Contains(body, `id="previous-key"`) {
			t.Errorf("%s: a first key's notice speaks of an old key", what)
		}
	}

	r := httptest.NewRequest(http.MethodGet, "/console/confirm/webhook-key/ann?version=v1", nil)
	r.SetPathValue("kind", "webhook-key")
	r.SetPathValue("id", "ann")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "admin", Role: auth.RoleAdmin}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	c.confirmRemoval(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	if note := snippet(w.Body.String(), `id="confirm-note"`); !strings.Contains(note, "old key keeps signing beside the new one for the time chosen") {
		t.Errorf("the rotation's confirmation does not say the old key keeps signing:\n%s", note)
	}
	if q := snippet(w.Body.String(), `id="confirm-question"`); !strings.Contains(q, "Really rotate the webhook signing key of “ann”?") {
		t.Errorf("the rotation's question does not name whose key it is:\n%s", q)
	}
}

// "Rotate the signing key" asks first, naming the person, and its confirmation
// rotates against the version of the person the directory showed: a misclick does
// not break the person's receiver.
func TestRotatingAWebhookKeyAsksFirst(t *testing.T) {
	ann := map[string]any{"id": "ann", "name": "Ann Example", "role": "agent", "active": true,
		"webhook_url": "https://hooks.example.com/ann", "created_at": ago(0), "updated_at": ago(0), "updated_by": "admin"}
	f := &fakeAPI{answers: map[string]any{"/v1/teams": items(), "/v1/people": items(ann), "/v1/people/ann": ann}}
	c := f.console(t)
	c.registerAdmin(&routeMux{ServeMux: http.NewServeMux()})
	_, body := getAs(t, c.directory, auth.RoleAdmin, "/console/admin/directory")
	button := snippet(body, `/console/confirm/webhook-key/ann`)
	if !strings.Contains(button, `method="get"`) || !strings.Contains(button, `name="version" value="&#34;`+ago(0)+`&#34;"`) {
		t.Errorf("the rotate button: want a GET of the confirmation with ann's version:\n%s", button)
	}
	if len(f.writes) != 0 {
		t.Errorf("the directory sent %v", f.writes)
	}
	r := httptest.NewRequest(http.MethodGet, "/console/confirm/webhook-key/ann?version=v1", nil)
	r.SetPathValue("kind", "webhook-key")
	r.SetPathValue("id", "ann")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "admin", Role: auth.RoleAdmin}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	c.confirmRemoval(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, `action="/console/admin/people/ann/webhook-secret"`) ||
		!strings.Contains(page, `name="version" value="v1"`) || !strings.Contains(page, "Rotate the signing key") ||
		!strings.Contains(page, "“ann”") {
		t.Errorf("the confirmation: HTTP %d, want it posting the rotation of ann against v1:\n%s", w.Code, snippet(page, "confirm-form"))
	}
	if len(f.writes) != 0 {
		t.Errorf("asking sent %v", f.writes)
	}
	// The generic removal does not carry it out (it has no call for it).
	w = postAsAdmin(func(w http.ResponseWriter, r *http.Request) { r.SetPathValue("kind", "webhook-key"); c.remove(w, r) }, "ann", url.Values{})
	if w.Code != http.StatusNotFound || len(f.writes) != 0 {
		t.Errorf("POST /console/remove/webhook-key/ann: HTTP %d, writes %v; want 404 and none", w.Code, f.writes)
	}
}

// A key just issued or rotated is shown even when the directory around it cannot
// be read: that answer is the only one that has it.
func TestDirectoryShowsANewKeyEvenWhenItCannotBeRead(t *testing.T) {
	ann := map[string]any{"id": "ann", "name": "Ann Example", "role": "agent", "active": true,
		"webhook_url": "https://hooks.example.com/ann", "created_at": ago(0), "updated_at": ago(0), "updated_by": "admin"}
	rotated := maps.Clone(ann)
	rotated["webhook_secret"] = "whsec_rotated"
	for what, teams := range map[string]any{
		"the API refuses the list": map[string]any{"type": "about:blank", "title": "unavailable", "status": 503,
			"code": "unavailable", "detail": "the database does not answer"},
		"the API is not reached": errors.New("connection refused"),
	} {
		f := &fakeAPI{answers: map[string]any{"/v1/people": items(ann), "/v1/people/ann": ann}}
		c := f.console(t)
		c.registerAdmin(&routeMux{ServeMux: http.NewServeMux()})
		var sent []string
		c.client.Client = keyAnswers{next: c.client.Client, sent: &sent,
			answers: map[string]any{"POST /v1/people/ann/webhook-secret": rotated, "GET /v1/teams": teams}}
		w := postAsAdmin(c.rotateWebhookKey, "ann", url.Values{})
		if body := w.Body.String(); strings.Count(body, "whsec_rotated") != 1 || !strings.Contains(body, `id="page-refusal"`) {
			t.Errorf("%s: HTTP %d, key shown %d times; want it once, with the refusal:\n%.1500s", what, w.Code,
				strings.Count(body, "whsec_rotated"), body)
		}
	}
}
