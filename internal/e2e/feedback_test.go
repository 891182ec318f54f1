package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func (s *stack) rows(table string) int {
	s.t.Helper()
	var n int
	if err := s.store.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// TestFeedbackIsClassifiedAndRoutedEndToEnd: a low-urgency suggestion lands in the
// improvement backlog with no complaint and no workflow; a high-urgency negative
// Chinese social-media mention files a complaint whose workflow runs; retries change
// nothing; bad input is named and changes nothing.
func TestFeedbackIsClassifiedAndRoutedEndToEnd(t *testing.T) {
	s := newStack(t)
	intake, quality := s.token("intake"), s.token("quality")
	run := fmt.Sprint(time.Now().UnixNano())
	onQueue := fmt.Sprintf("TaskQueue = '%s'", s.queue)

	suggestion := map[string]any{
		"external_id": "app-" + run, "kind": "suggestion", "channel": "app",
		"text": "建议增加夜间配送时段，希望晚上也能送货",
	}
	sug := s.must(201, s.do("POST", "/v1/feedback", intake, suggestion))
	if sug.body["disposition"] != "backlog" || sug.body["complaint_id"] != nil || sug.body["backlog_id"] == nil {
		t.Fatalf("suggestion: %s", sug.raw)
	}
	backlog := s.must(200, s.do("GET", "/v1/improvement-backlog", quality, nil))
	if items := backlog.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != sug.body["backlog_id"] {
		t.Fatalf("backlog: %s", backlog.raw)
	}

	mention := map[string]any{
		"external_id": "weibo-" + run, "kind": "social_mention", "channel": "social_media",
		"text": "这家的充电器质量太差了，用了两天就起火，孩子的手都受伤了！已经投诉到12315，大家千万别买",
	}
	filed := s.must(201, s.do("POST", "/v1/feedback", intake, mention))
	cl := filed.body["classification"].(map[string]any)
	id, _ := filed.body["complaint_id"].(string)
	if filed.body["disposition"] != "complaint" || id == "" || cl["urgency"] != "high" || cl["problem_type"] != "product" || cl["scope"] != "group" {
		t.Fatalf("mention: %s", filed.raw)
	}
	if !strings.Contains(filed.raw, "质量差") || !strings.Contains(filed.raw, "充电器") {
		t.Errorf("mention keywords: %v", filed.body["keywords"])
	}
	// The complaint's workflow runs: it records the opening and carries the SLA.
	eventually(t, 10*time.Second, "the complaint workflow opened the complaint", func() bool {
		return strings.Join(s.eventKinds(id), ",") == "opened"
	})
	eventually(t, 10*time.Second, "the workflow visible with its category", func() bool {
		return s.countWorkflows(onQueue+" AND ComplaintCategory = 'product' AND ComplaintUrgency = 'high'") == 1
	})
	c := s.must(200, s.do("GET", "/v1/complaints/"+id, intake, nil))
	created, _ := time.Parse(time.RFC3339Nano, c.body["created_at"].(string))
	due, _ := time.Parse(time.RFC3339Nano, c.body["first_response_due_at"].(string))
	if c.body["external_id"] != "feedback:"+filed.body["id"].(string) || due.Sub(created) != 2*time.Hour {
		t.Errorf("complaint from the mention: %s", c.raw)
	}

	// Retries: the same answers, nothing new anywhere.
	again := s.must(200, s.do("POST", "/v1/feedback", intake, mention))
	if again.body["complaint_id"] != id || again.body["id"] != filed.body["id"] {
		t.Errorf("retried mention: %s", again.raw)
	}
	s.must(200, s.do("POST", "/v1/feedback", intake, suggestion))
	mention["text"] = "换了一段话"
	s.must(409, s.do("POST", "/v1/feedback", intake, mention))
	counts := func() [3]int { return [3]int{s.rows("feedback"), s.rows("improvement_backlog"), s.rows("complaints")} }
	if got := counts(); got != [3]int{2, 1, 1} {
		t.Fatalf("feedback, backlog, complaints after retries: %v, want [2 1 1]", got)
	}

	// Bad input: a problem naming the field, and no change.
	bad := []struct {
		body  any
		field string
	}{
		{map[string]any{"kind": 10, "channel": "app", "text": "x"}, "kind"},
		{map[string]any{"kind": "complaint", "channel": "app", "text": "x"}, "kind"},
		{map[string]any{"kind": "suggestion", "channel": "pigeon", "text": "x"}, "channel"},
		{map[string]any{"kind": "suggestion", "channel": "app"}, "text"},
		{map[string]any{"kind": "rating", "channel": "survey", "rating": 6}, "rating"},
		{map[string]any{"kind": "rating", "channel": "survey"}, "rating"},
		{map[string]any{"kind": "suggestion", "channel": "app", "text": "x", "urgency": "high"}, "urgency"},
		{map[string]any{"kind": "suggestion", "channel": "app", "text": "x", "customer": map[string]any{"id": "c", "name": "n", "tier": "vip"}}, "customer.tier"},
		{`{"kind": "suggestion",`, "malformed JSON"},
	}
	for _, tt := range bad {
		res := s.do("POST", "/v1/feedback", intake, tt.body)
		if res.status/100 != 4 || res.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(res.raw, tt.field) {
			t.Errorf("%v: got %d %s, want a 4xx problem naming %s", tt.body, res.status, res.raw, tt.field)
		}
	}
	if got := counts(); got != [3]int{2, 1, 1} {
		t.Errorf("bad input changed feedback, backlog, complaints to %v", got)
	}
	time.Sleep(time.Second) // visibility lags; anything started would show by now
	if n := s.countWorkflows(onQueue); n != 1 {
		t.Errorf("%d workflows, want only the mention's", n)
	}

	// The heat map counts the mention (through its complaint) and the suggestion.
	hm := s.must(200, s.do("GET", "/v1/heatmap?source=all&limit=50", quality, nil))
	for _, want := range []string{`"keyword":"质量差"`, `"keyword":"配送"`} {
		if !strings.Contains(hm.raw, want) {
			t.Errorf("heat map lacks %s: %s", want, hm.raw)
		}
	}
}
