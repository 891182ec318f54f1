package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Rotating an integration's secret keeps the replaced one signing for grace_seconds
// (a day by default, 0 after a leak), as a person's webhook key rotation does; the
// integration's admins read until when in every view of it while it lasts.
// grace_seconds is refused out of range and without a rotation.
func TestIntegrationRotationTakesAGraceAdminsCanSee(t *testing.T) {
	a := newDirectoryAPI(t)
	const path, cb = "/v1/integrations/crm", `"name":"CRM","callback_url":"https://crm.example.com/cb"`
	if r := a.admin("PUT", path, `{`+cb+`}`, http.StatusCreated); r.body["previous_key_valid_until"] != nil {
		t.Errorf("created: previous_key_valid_until %v, want null", r.body["previous_key_valid_until"])
	}
	until := func(r response) time.Duration {
		t.Helper()
		s, _ := r.body["previous_key_valid_until"].(string)
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("previous_key_valid_until %v: %v", r.body["previous_key_valid_until"], err)
		}
		return time.Until(at)
	}
	for _, tc := range []struct {
		body string
		want time.Duration
	}{
		{`{` + cb + `,"rotate_secret":true}`, 24 * time.Hour},
		{`{` + cb + `,"rotate_secret":true,"grace_seconds":3600}`, time.Hour},
	} {
		r := a.admin("PUT", path, tc.body, http.StatusOK)
		if d := until(r); r.body["secret"] == nil || d < tc.want-time.Minute || d > tc.want {
			t.Errorf("%s: the old secret signs for %v more (secret shown: %v), want %v", tc.body, d, r.body["secret"] != nil, tc.want)
		}
		if d := until(a.admin("GET", path, "", http.StatusOK)); d < tc.want-time.Minute || d > tc.want {
			t.Errorf("%s: read back, the old secret signs for %v more, want %v", tc.body, d, tc.want)
		}
	}
	listed := a.admin("GET", "/v1/integrations", "", http.StatusOK).body["items"].([]any)
	if u := listed[0].(map[string]any)["previous_key_valid_until"]; u == nil {
		t.Error("the list does not say until when the old secret signs")
	}
	for _, body := range []string{
		`{` + cb + `,"rotate_secret":true,"grace_seconds":-1}`,
		`{` + cb + `,"rotate_secret":true,"grace_seconds":604801}`,
		`{` + cb + `,"grace_seconds":60}`,
	} {
		if r := a.admin("PUT", path, body, http.StatusBadRequest); !slices.Equal(r.fields(), []string{"grace_seconds"}) {
			t.Errorf("%s: blamed %v, want grace_seconds", body, r.fields())
		}
	}
	if r := a.admin("PUT", path, `{`+cb+`,"rotate_secret":true,"grace_seconds":0}`, http.StatusOK); r.body["previous_key_valid_until"] != nil {
		t.Errorf("rotated with no grace: previous_key_valid_until %v, want null", r.body["previous_key_valid_until"])
	}
}

// The events listing gives each event's key, the event_id its callback carries.
func TestEventsListTheirKeys(t *testing.T) {
	a := newDirectoryAPI(t)
	c := a.fileDirect("event-keys", "c1", "late", complaint.Medium)
	key := c.ID + "/acknowledged"
	if _, err := a.store.RecordEvent(context.Background(), complaint.Event{ComplaintID: c.ID, Key: key,
		Kind: complaint.EventAcknowledged, Actor: "ann", At: time.Now(), Status: complaint.StatusInProgress, Owner: "ann"}); err != nil {
		t.Fatal(err)
	}
	var keys []any
	for _, e := range a.admin("GET", "/v1/complaints/"+c.ID+"/events", "", http.StatusOK).body["items"].([]any) {
		keys = append(keys, e.(map[string]any)["key"])
	}
	if !slices.Contains(keys, any(key)) {
		t.Errorf("event keys %v, want %q among them", keys, key)
	}
}

// The Authorization scheme is case-insensitive (RFC 9110 §11.1): "bearer" and
// "BEARER" are "Bearer"; another scheme, or none, is still a 401.
func TestTheBearerSchemeIsCaseInsensitive(t *testing.T) {
	a := newDirectoryAPI(t)
	token := a.tokens[auth.RoleAdmin]
	for header, want := range map[string]int{
		"Bearer " + token: http.StatusOK, "bearer " + token: http.StatusOK, "BEARER " + token: http.StatusOK,
		"Basic " + token: http.StatusUnauthorized, token: http.StatusUnauthorized, "bearer ": http.StatusUnauthorized,
	} {
		if r := a.call("", "GET", "/v1/integrations", "", "Authorization", header); r.status != want {
			t.Errorf("Authorization %q: got %d, want %d", header, r.status, want)
		}
	}
}
