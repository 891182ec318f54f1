package console

import (
	"context"
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

// bodies records the bodies of the requests it passes on to next.
type bodies struct {
	next apiclient.HttpRequestDoer
	sent *[]string
}

func (b bodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, _ := io.ReadAll(r.Body)
		*b.sent = append(*b.sent, r.Method+" "+r.URL.Path+" "+string(body))
		r.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	return b.next.Do(r)
}

// The directory says until when a person's replaced webhook key still signs; the
// rotation's confirmation lets the admin choose for how long it keeps signing (a
// day by default, a week, or none after a leak), sends it as grace_seconds, and
// keeps the choice when the API refuses.
func TestRotationChoosesHowLongTheOldKeySigns(t *testing.T) {
	ann := map[string]any{"id": "ann", "name": "Ann Example", "role": "agent", "active": true, "webhook_url": "https://hooks.example.com/ann",
		"webhook_previous_key_until": "2030-01-02T03:04:05Z", "created_at": ago(0), "updated_at": ago(0), "updated_by": "admin"}
	bob := map[string]any{"id": "bob", "name": "Bob Example", "role": "agent", "active": true, "webhook_url": "https://hooks.example.com/bob",
		"webhook_previous_key_until": nil, "created_at": ago(0), "updated_at": ago(0), "updated_by": "admin"}
	f := &fakeAPI{answers: map[string]any{"/v1/teams": items(), "/v1/people": items(ann, bob), "/v1/people/ann": ann, "/v1/people/bob": bob}}
	c := f.console(t)
	c.registerAdmin(&routeMux{ServeMux: http.NewServeMux()})
	c.registerRemovals(&routeMux{ServeMux: http.NewServeMux()})
	_, page := getAs(t, c.directory, auth.RoleAdmin, "/console/admin/directory")
	row := func(id string) string {
		i := strings.Index(page, `<tr data-id="`+id+`">`)
		if i < 0 {
			t.Fatalf("no row for %s", id)
		}
		return page[i : i+strings.Index(page[i:], "</tr>")]
	}
	if r := row("ann"); !strings.Contains(r, `<small class="previous-key">old key signs until <time class="local" datetime="2030-01-02T03:04:05Z"`) {
		t.Errorf("ann's row does not say until when her old key signs:\n%s", r)
	}
	if r := row("bob"); strings.Contains(r, "previous-key") {
		t.Errorf("bob's row speaks of an old key:\n%s", r)
	}

	r := httptest.NewRequest(http.MethodGet, "/console/confirm/webhook-key/ann?version=v1", nil)
	r.SetPathValue("kind", "webhook-key")
	r.SetPathValue("id", "ann")
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "admin", Role: auth.RoleAdmin}, CSRF: "csrf"}
	w := httptest.NewRecorder()
	c.confirmRemoval(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	if got := snippet(w.Body.String(), `<select id="grace-seconds" name="grace_seconds">`); !strings.Contains(got,
		`<option value="86400" selected>1 day (the default)</option><option value="604800">7 days</option><option value="0">none — after a leak</option>`) {
		t.Errorf("the confirmation does not offer the graces, a day chosen:\n%s", got)
	}

	rotated := maps.Clone(ann)
	rotated["webhook_secret"] = "whsec_rotated"
	var sent []string
	answers := map[string]any{"POST /v1/people/ann/webhook-secret": rotated}
	c.client.Client = bodies{next: keyAnswers{next: c.client.Client, sent: new([]string), answers: answers}, sent: &sent}
	for _, grace := range []string{"0", "604800", ""} {
		form := url.Values{"version": {`"` + ago(0) + `"`}}
		if grace != "" {
			form.Set("grace_seconds", grace)
		}
		if w := postAsAdmin(c.rotateWebhookKey, "ann", form); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "whsec_rotated") {
			t.Errorf("rotating with grace %q: HTTP %d", grace, w.Code)
		}
	}
	want := []string{`POST /v1/people/ann/webhook-secret {"grace_seconds":0}`, `POST /v1/people/ann/webhook-secret {"grace_seconds":604800}`,
		`POST /v1/people/ann/webhook-secret {}`}
	if strings.Join(sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("rotations sent\n%s\nwant\n%s", strings.Join(sent, "\n"), strings.Join(want, "\n"))
	}

	answers["POST /v1/people/ann/webhook-secret"] = map[string]any{"type": "about:blank", "title": "conflict", "status": 409,
		"code": "conflict", "detail": "person ann has no webhook to sign; set webhook_url first"}
	w = postAsAdmin(c.rotateWebhookKey, "ann", url.Values{"version": {"v1"}, "grace_seconds": {"0"}})
	if got := snippet(w.Body.String(), `name="grace_seconds"`); w.Code != http.StatusConflict || !strings.Contains(got, `<option value="0" selected>`) {
		t.Errorf("a refused rotation: HTTP %d, want 409 with none still chosen:\n%s", w.Code, got)
	}
}
