package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// A progress update's reason and expected time are checked like every action's
// fields: one 400 naming each bad one, nothing recorded; a good one reaches the
// event, and an expected time after a deadline not yet passed is the workflow's
// 409 (only a manager's extension moves it).
func TestProgressNamesEveryBadFieldAndMovesNoDeadline(t *testing.T) {
	a := newComplaintAPI(t)
	id := a.fileLogistics("p-1", "high")
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/acknowledge", `{"message":"on it"}`, 200)
	due := timeOf(t, a.view(id, "due", func(v map[string]any) bool { return v["resolution_due_at"] != nil })["resolution_due_at"])
	events := func() int {
		return len(a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id+"/events", "", 200).body["items"].([]any))
	}
	before := events()
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	far := time.Now().Add(91 * 24 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		body   string
		fields []string
	}{
		{`{"message":"","reason":"` + strings.Repeat("x", 2001) + `","expected_by":"tomorrow"}`, []string{"expected_by", "message", "reason"}},
		{`{"message":"ok","expected_by":"` + past + `"}`, []string{"expected_by"}},
		{`{"message":"ok","expected_by":"` + far + `"}`, []string{"expected_by"}},
	} {
		got := a.call(asAnn, "POST", "/v1/complaints/"+id+"/progress", tc.body)
		var fields []string
		for _, fc := range got.fieldCodes() {
			fields = append(fields, strings.Fields(fc)[0])
		}
		slices.Sort(fields)
		if got.status != 400 || !slices.Equal(fields, tc.fields) {
			t.Errorf("%.60s: %d %v, want 400 naming %v", tc.body, got.status, got.body, tc.fields)
		}
	}
	late := due.Add(time.Hour).UTC().Format(time.RFC3339)
	if got := a.call(asAnn, "POST", "/v1/complaints/"+id+"/progress", `{"message":"ok","expected_by":"`+late+`"}`); got.status != 409 ||
		!strings.Contains(got.body["detail"].(string), "extension") {
		t.Errorf("expected_by after the deadline: %d %v, want 409 pointing to an extension", got.status, got.body)
	}
	if n := events(); n != before {
		t.Fatalf("refused progress updates recorded %d events", n-before)
	}

	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/progress", `{"message":"the courier found it","reason":"in transit","expected_by":"`+soon+`"}`, 200)
	items := a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id+"/events", "", 200).body["items"].([]any)
	i := slices.IndexFunc(items, func(e any) bool { return e.(map[string]any)["kind"] == "progress_sent" })
	// What the customer was promised is on the record (the console's timeline, the callback).
	if want := "map[expected_by:" + soon + " message:the courier found it reason:in transit]"; i < 0 ||
		fmt.Sprint(items[i].(map[string]any)["data"]) != want {
		t.Errorf("progress event in %v, want data %s", items, want)
	}
	if got := timeOf(t, a.view(id, "due", func(map[string]any) bool { return true })["resolution_due_at"]); !got.Equal(due) {
		t.Errorf("resolution due %v after the update, want %v unmoved", got, due)
	}
}
