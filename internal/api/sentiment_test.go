package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// TestFeedbackSentiment: praise is recorded, a delivery failure is a complaint, a
// threat to go to 12315 is an angry complaint at high urgency, and the metrics count
// the feedback by sentiment per category and channel.
func TestFeedbackSentiment(t *testing.T) {
	a := newFeedbackAPI(t)
	tests := []struct {
		text, disposition, urgency, label string
		anger                             bool
	}{
		{"非常快，态度好", "recorded", "low", "positive", false},
		{"送餐太慢了，菜都凉了", "complaint", "medium", "negative", false},
		{"菜都凉了，我要投诉到12315", "complaint", "high", "negative", true},
	}
	for i, tt := range tests {
		got := a.as(auth.RoleIntake, "POST", "/v1/feedback",
			fmt.Sprintf(`{"external_id":"m%d","kind":"social_mention","channel":"social_media","text":%q}`, i, tt.text), http.StatusCreated)
		cl := got.body["classification"].(map[string]any)
		s := cl["sentiment"].(map[string]any)
		if got.body["disposition"] != tt.disposition || cl["urgency"] != tt.urgency || s["label"] != tt.label || s["anger"] != tt.anger {
			t.Errorf("%s: got %v / %v, sentiment %v; want %s / %s, %s anger %v", tt.text, got.body["disposition"], cl["urgency"], s, tt.disposition, tt.urgency, tt.label, tt.anger)
		}
	}
	// The period ends in the future: now, truncated to the second, may precede the
	// feedback's received_at.
	m := a.as(auth.RoleManager, "GET", "/v1/metrics?to="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "", http.StatusOK)
	byChannel := m.body["sentiment"].(map[string]any)["by_channel"].([]any)
	if len(byChannel) != 1 {
		t.Fatalf("by_channel = %v, want one channel", byChannel)
	}
	social := byChannel[0].(map[string]any)
	if social["key"] != "social_media" || social["positive"] != 1.0 || social["negative"] != 2.0 || social["angry"] != 1.0 {
		t.Errorf("by_channel[0] = %v, want social: 1 positive, 2 negative, 1 angry", social)
	}
}

// TestRatingsCountAsTheCustomerSaid: a 1–2-star rating is a complaint and counts as
// negative whatever the text model makes of its text ("rating 1" reads positive to
// it), a 5-star rating as positive; POST /v1/classify says so beside the text's
// sentiment.
func TestRatingsCountAsTheCustomerSaid(t *testing.T) {
	a := newFeedbackAPI(t)
	for i, body := range []string{`"rating":1,"text":"rating 1"`, `"rating":2,"text":"ok"`, `"rating":1`, `"rating":5,"text":"ok"`} {
		got := a.as(auth.RoleIntake, "POST", "/v1/feedback",
			fmt.Sprintf(`{"external_id":"r%d","kind":"rating","channel":"app",%s}`, i, body), http.StatusCreated)
		if want := map[bool]string{true: "complaint", false: "recorded"}[i < 3]; got.body["disposition"] != want {
			t.Errorf("%s: disposition %v, want %s", body, got.body["disposition"], want)
		}
	}
	m := a.as(auth.RoleManager, "GET", "/v1/metrics?to="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "", http.StatusOK)
	byChannel := m.body["sentiment"].(map[string]any)["by_channel"].([]any)
	if len(byChannel) != 1 {
		t.Fatalf("by_channel = %v, want one channel", byChannel)
	}
	app := byChannel[0].(map[string]any)
	if app["key"] != "app" || app["feedback"] != 4.0 || app["negative"] != 3.0 || app["neutral"] != 0.0 || app["positive"] != 1.0 {
		t.Errorf("by_channel[0] = %v, want app: 4 feedback, 3 negative, 1 positive", app)
	}
	// The preview says both: the text's sentiment and what the feedback counts as.
	p := a.as(auth.RoleIntake, "POST", "/v1/classify", `{"kind":"rating","rating":1,"text":"rating 1"}`, http.StatusOK)
	if p.body["disposition"] != "complaint" || p.body["counts_as"] != "negative" {
		t.Errorf("preview of a 1-star rating: %v, want a complaint counted as negative", p.body)
	}
}

// TestFeedbackAngerReasonNamesTheText: feedback sends no sentiment, so the angry
// complaint it files gives the text's anger words as the reason, never an intake
// system's report (the rules' "angry" is the text's).
func TestFeedbackAngerReasonNamesTheText(t *testing.T) {
	a := newFeedbackAPI(t)
	fb := a.as(auth.RoleIntake, "POST", "/v1/feedback",
		`{"external_id":"angry-1","kind":"social_mention","channel":"social_media","text":"菜都凉了，我要投诉到12315"}`, http.StatusCreated)
	id, _ := fb.body["complaint_id"].(string)
	if id == "" {
		t.Fatalf("no complaint: %v", fb.body)
	}
	c := a.as(auth.RoleAgent, "GET", "/v1/complaints/"+id, "", http.StatusOK).body
	anger, _ := c["anger"].(map[string]any)
	if anger["reason"] != "anger words in the text: 12315, 投诉到" {
		t.Errorf("anger %v, want the reason to name the text's anger words only", anger)
	}
}
