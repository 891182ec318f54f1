package activities_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
)

// After an integration's secret is rotated, a receiver still holding the old one
// keeps verifying its callbacks for the rotation's grace, by the previous
// signature header, as a person's webhook receiver does; the signature header is
// the new secret's alone. A rotation without a grace (after a leak) leaves the old
// secret signing nothing.
func TestCallbackSignsWithTheReplacedSecretForItsGrace(t *testing.T) {
	for _, tc := range []struct {
		name        string
		grace       time.Duration
		oldVerifies bool
	}{
		{"with a grace", time.Hour, true},
		{"without", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNotifyFixture(t)
			_, n := f.withIntegration(t) // its secret is cbsec_test
			var mu sync.Mutex
			var ts, sig, prev string
			var body []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				ts, sig, prev = r.Header.Get(notify.TimestampHeader), r.Header.Get(notify.SignatureHeader), r.Header.Get(notify.PreviousSignatureHeader)
				body, _ = io.ReadAll(r.Body)
			}))
			t.Cleanup(srv.Close)
			in, err := f.st.Integration(context.Background(), "crm")
			if err != nil {
				t.Fatal(err)
			}
			in.CallbackURL, in.Secret, in.UpdatedBy = srv.URL+"/callbacks", "cbsec_new", "admin"
			for _, rotate := range []bool{false, true} { // a receiver of its own, then the rotation
				if _, _, _, err := f.st.PutIntegration(context.Background(), in, rotate, tc.grace, nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.notify(n); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if want := notify.Sign([]byte("cbsec_new"), ts, body); sig != want {
				t.Errorf("signature header %q, want the new secret's alone, %q", sig, want)
			}
			old := notify.VerifySignatures([]byte("cbsec_test"), ts, sig, prev, body, time.Minute, time.Now())
			if got := old == nil; got != tc.oldVerifies {
				t.Errorf("a receiver holding the old secret verifies: %v (%v), want %v; previous header %q", got, old, tc.oldVerifies, prev)
			}
		})
	}
}

// callbackJSON notifies the customer of the event key of kind, recorded as e, and
// returns the one callback posted, as JSON.
func callbackJSON(t *testing.T, f *notifyFixture, rcv *intakeReceiver, e complaint.Event) map[string]any {
	t.Helper()
	e.ComplaintID, e.Actor = f.c.ID, "customer"
	if _, err := f.st.RecordEvent(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(activities.Notice{ComplaintID: f.c.ID, EventKey: e.Key, EventKind: e.Kind,
		Recipient: activities.CustomerRecipient, Subject: "News", Body: "news"}); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.received()
	if len(reqs) != 1 {
		t.Fatalf("got %d callbacks, want 1", len(reqs))
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(reqs[0].body), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// The kinds that always say their round say it in the first round too, as 0
// (docs/callbacks.md lists round for them); sla_breached names only a reopened one.
func TestCallbackRoundIsSentInTheFirstRoundToo(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		kind complaint.EventKind
		want any // nil: no round
	}{
		{complaint.EventSurveySent, 0.0}, // called back as resolved
		{complaint.EventSurveyReminded, 0.0},
		{complaint.EventSLABreached, nil},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			f := newNotifyFixture(t)
			rcv, _ := f.withIntegration(t)
			e := complaint.Event{Key: f.c.WorkflowID + "/" + string(tc.kind), Kind: tc.kind, At: at}
			if tc.kind != complaint.EventSLABreached {
				f.acts.Surveys, f.acts.SurveyLinks = f.st, activities.SurveyLinks{BaseURL: "https://cf.example/"}
				var a *activities.Activities
				v, err := f.env.ExecuteActivity(a.OpenSurvey, activities.OpenSurveyInput{
					ComplaintID: f.c.ID, WorkflowID: f.c.WorkflowID, SentAt: at, Timeout: 72 * time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				var ticket activities.SurveyTicket
				if err := v.Get(&ticket); err != nil {
					t.Fatal(err)
				}
				e.SurveyID = ticket.SurveyID
			}
			doc := callbackJSON(t, f, rcv, e)
			round, ok := doc["data"].(map[string]any)["round"]
			if (tc.want == nil) == ok || (ok && round != tc.want) {
				t.Errorf("payload %v: round %v (present: %v), want %v", doc, round, ok, tc.want)
			}
		})
	}
}

// A callback gives a time as the API gives the same instant: as PostgreSQL keeps it,
// to the microsecond, so an intake system comparing the callback's deadline with
// the complaint's (GET /v1/complaints/{id}) finds them equal.
func TestCallbackTimesEqualTheAPIs(t *testing.T) {
	f := newNotifyFixture(t)
	rcv, _ := f.withIntegration(t)
	at := time.Date(2026, 12, 8, 19, 48, 48, 444417884, time.UTC)
	doc := callbackJSON(t, f, rcv, complaint.Event{
		Key: f.c.WorkflowID + "/reopened/1", Kind: complaint.EventReopened, At: at,
		Status: complaint.StatusInProgress, Reason: "not solved", Round: 1, ResolutionDueAt: at.Add(24 * time.Hour),
	})
	c, err := f.st.Complaint(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.st.Events(context.Background(), f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var occurred store.EventRow
	for _, e := range events {
		if e.Kind == string(complaint.EventReopened) {
			occurred = e
		}
	}
	asAPI := func(t time.Time) string { b, _ := json.Marshal(t.UTC()); return string(b[1 : len(b)-1]) }
	if got, want := doc["data"].(map[string]any)["resolution_due_at"], asAPI(*c.ResolutionDueAt); got != want {
		t.Errorf("resolution_due_at %v, the API's %v", got, want)
	}
	if got, want := doc["occurred_at"], asAPI(occurred.OccurredAt); got != want {
		t.Errorf("occurred_at %v, the API's %v", got, want)
	}
}
