package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
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

	ctx, intakeAPI, qualityAPI := context.Background(), s.api(intake), s.api(quality)
	suggestion := apiclient.FeedbackRequest{
		ExternalId: ptr("app-" + run), Kind: apiclient.FeedbackKindSuggestion, Channel: apiclient.ChannelApp,
		Text: ptr("建议增加夜间配送时段，希望晚上也能送货"),
	}
	sug, err := intakeAPI.PostFeedbackWithResponse(ctx, suggestion)
	s.want(201, sug, err)
	if f := sug.JSON201; f.Disposition != apiclient.DispositionBacklog || f.ComplaintId != nil || f.BacklogId == nil {
		t.Fatalf("suggestion: %s", sug.Body)
	}
	backlog, err := qualityAPI.ListBacklogWithResponse(ctx, nil)
	s.want(200, backlog, err)
	if items := backlog.JSON200.Items; len(items) != 1 || items[0].Id.String() != *sug.JSON201.BacklogId {
		t.Fatalf("backlog: %s", backlog.Body)
	}

	mention := apiclient.FeedbackRequest{
		ExternalId: ptr("weibo-" + run), Kind: apiclient.FeedbackKindSocialMention, Channel: apiclient.ChannelSocialMedia,
		Text: ptr("这家的充电器质量太差了，用了两天就起火，孩子的手都受伤了！已经投诉到12315，大家千万别买"),
	}
	filed, err := intakeAPI.PostFeedbackWithResponse(ctx, mention)
	s.want(201, filed, err)
	fb := filed.JSON201
	cl, id := fb.Classification, null.Value(fb.ComplaintId)
	if fb.Disposition != apiclient.DispositionComplaint || id == "" || cl.Urgency != "high" || cl.ProblemType != "product" || cl.Scope != "group" {
		t.Fatalf("mention: %s", filed.Body)
	}
	if !slices.Contains(fb.Keywords, "质量差") || !slices.Contains(fb.Keywords, "充电器") {
		t.Errorf("mention keywords: %v", fb.Keywords)
	}
	// The complaint's workflow runs: it records the opening and carries the SLA; the
	// threat (12315) is anger, escalated at once although no manager stands above
	// the (unrouted) complaint yet: it awaits one (revision 5).
	eventually(t, 10*time.Second, "the complaint workflow opened the complaint and escalated it", func() bool {
		return strings.Join(s.eventKinds(id), ",") == "opened,escalation_requested"
	})
	eventually(t, 10*time.Second, "the workflow visible with its category", func() bool {
		return s.countWorkflows(onQueue+" AND ComplaintCategory = 'product' AND ComplaintUrgency = 'high'") == 1
	})
	c, err := intakeAPI.GetComplaintWithResponse(ctx, uuid.MustParse(id))
	s.want(200, c, err)
	if v := c.JSON200; v.ExternalId != "feedback:weibo-"+run || v.FirstResponseDueAt.Sub(v.CreatedAt) != 2*time.Hour {
		t.Errorf("complaint from the mention: %s", c.Body)
	}

	// Retries: the same answers, nothing new anywhere.
	again, err := intakeAPI.PostFeedbackWithResponse(ctx, mention)
	s.want(200, again, err)
	if null.Value(again.JSON200.ComplaintId) != id || again.JSON200.Id != fb.Id {
		t.Errorf("retried mention: %s", again.Body)
	}
	again, err = intakeAPI.PostFeedbackWithResponse(ctx, suggestion)
	s.want(200, again, err)
	mention.Text = ptr("换了一段话")
	again, err = intakeAPI.PostFeedbackWithResponse(ctx, mention)
	s.want(409, again, err)
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
	if n := s.visibleBesides(onQueue); n != 1 {
		t.Errorf("%d workflows, want only the mention's", n)
	}

	// The heat map counts the mention (through its complaint) and the suggestion.
	hm, err := qualityAPI.HeatmapWithResponse(ctx, &apiclient.HeatmapParams{Source: ptr(apiclient.HeatmapSourceAll), Limit: ptr(50)})
	s.want(200, hm, err)
	var keywords []string
	for _, row := range hm.JSON200.Items {
		keywords = append(keywords, row.Keyword)
	}
	for _, want := range []string{"质量差", "配送"} {
		if !slices.Contains(keywords, want) {
			t.Errorf("heat map lacks %s: %v", want, keywords)
		}
	}
}
