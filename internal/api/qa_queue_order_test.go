package api_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// TestQAQueueListsScoredSamplesByScoringTime: status=scored lists the last scored
// first (the console's "Scored last"), not the last sampled, and its cursor pages
// on that order; the whole queue stays by sampling time.
func TestQAQueueListsScoredSamplesByScoringTime(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	base := time.Now().UTC().Add(-10 * 24 * time.Hour).Truncate(time.Second)
	ids := map[string]string{}
	// sampled s1, s2, s3 in that order; scored s2, then s3, then s1; s4 pending, sampled last.
	for i, name := range []string{"s1", "s2", "s3", "s4"} {
		id, sample, at := uuid.NewString(), uuid.NewString(), base.Add(time.Duration(i)*time.Hour)
		if _, err := a.store.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel,
				customer_id, customer_name, customer_tier, category, urgency, subject, description,
				sla_first_response_seconds, created_at, first_response_due_at)
			VALUES ($1::uuid, $1::text, 'hash', $1::text, 'web', 'cust', 'name', 'medium', 'service', 'medium', 's', 'd', 86400, $2, $2)`,
			id, at); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.DB().Exec(`INSERT INTO qa_samples (id, complaint_id, agent, closed_at, run_id, period_from, period_to, sampled_at)
			VALUES ($1, $2, 'ann', $3, 'qa-run', $3, $3, $3)`, sample, id, at); err != nil {
			t.Fatal(err)
		}
		ids[sample] = name
		card := quality.DefaultQAScorecard()
		scores := map[string]int{"response_speed": 10, "resolution": 10, "attitude": 10, "expertise": 10}
		if scoredAt := map[string]int{"s2": 5, "s3": 6, "s1": 7}[name]; scoredAt > 0 {
			if _, err := a.store.ScoreQASample(ctx, sample, card.Criteria, scores, 40, nil, "quinn", base.Add(time.Duration(scoredAt)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	list := func(query string) []string {
		t.Helper()
		var got []string
		path := "/v1/qa-queue?limit=1&" + query
		for range 6 {
			r := a.call(auth.RoleQuality, "GET", path, "")
			for _, it := range r.body["items"].([]any) {
				got = append(got, ids[it.(map[string]any)["id"].(string)])
			}
			next, _ := r.body["next_cursor"].(string)
			if next == "" {
				break
			}
			path = "/v1/qa-queue?limit=1&" + query + "&cursor=" + url.QueryEscape(next)
		}
		return got
	}
	if got := list("status=scored"); !slices.Equal(got, []string{"s1", "s3", "s2"}) {
		t.Errorf("scored samples %v, want the last scored first: s1 s3 s2", got)
	}
	if got := list(""); !slices.Equal(got, []string{"s4", "s3", "s2", "s1"}) {
		t.Errorf("the queue %v, want the last sampled first", got)
	}
}
