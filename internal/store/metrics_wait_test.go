package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The wait fixture: complaints opened in March 2025 with the wait their intake
// system filed (002 §7.1 wait time), against the seeds' 90 s target.
//
//	     channel  category   wait
//	W1   phone    product    30
//	W2   phone    service    60
//	W3   phone    logistics  90   (at the target: within it)
//	W4   wechat   product    120
//	W5   wechat   service    300
//	W6   web      product    —    (none filed: not counted)
//	W7   email    service    —
//	W8   phone    product    45   opened 28 Feb: outside the period
var waitFixture = []struct {
	name, channel, category string
	wait                    *int
	opened                  time.Time
}{
	{"W1", "phone", "product", fxInt(30), fxDay(1)},
	{"W2", "phone", "service", fxInt(60), fxDay(2)},
	{"W3", "phone", "logistics", fxInt(90), fxDay(3)},
	{"W4", "wechat", "product", fxInt(120), fxDay(4)},
	{"W5", "wechat", "service", fxInt(300), fxDay(5)},
	{"W6", "web", "product", nil, fxDay(6)},
	{"W7", "email", "service", nil, fxDay(7)},
	{"W8", "phone", "product", fxInt(45), metricsFrom.Add(-time.Hour)},
}

// wait is "count p50 p90 within pct", null for nil.
func wait(w quality.WaitTime) string {
	f := func(v *float64) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("%d %s %s %d %s", w.Count, f(w.P50), f(w.P90), w.WithinTarget, f(w.WithinTargetPct))
}

// percentile_cont as in metrics_test.go: p over n sorted values is v(i) + f·(v(i+1) − v(i)), i + f = p·(n−1).
func TestWaitTimeMatchesTheHandComputedFixture(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for _, c := range waitFixture {
		id := uuid.NewString()
		if _, err := st.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
				customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
				created_at, first_response_due_at, wait_seconds)
			VALUES ($1, $2, 'hash', $3, $4, 'cust', '客户', 'medium', $5, 'medium', 'subject', 'description', 7200, $6, $7, $8)`,
			id, "wait-"+c.name, "complaint:"+id, c.channel, c.category, c.opened, c.opened.Add(2*time.Hour), c.wait); err != nil {
			t.Fatalf("insert %s: %v", c.name, err)
		}
		if _, err := st.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1, $2, 'opened', 'fixture', $3, '{}')`, id, c.name+"/opened", c.opened); err != nil {
			t.Fatalf("open %s: %v", c.name, err)
		}
	}

	// 30 60 90 120 300: p50 0.5·4 = 2 → 90; p90 0.9·4 = 3.6 → 120 + 0.6·180 = 228; ≤ 90 s: 3 of 5.
	wantTotal := "5 90 228 3 60"
	want := map[string]map[string]string{
		"channel": {
			"email": "0 null null 0 null",
			"phone": "3 60 84 3 100", // 30 60 90: p90 1.8 → 60 + 0.8·30
			"web":   "0 null null 0 null",
			// 120 300: p50 210; p90 120 + 0.9·180 = 282; none within.
			"wechat": "2 210 282 0 0",
		},
		"category": {
			"logistics": "1 90 90 1 100",
			"product":   "2 75 111 1 50",  // 30 120 (W6 none): p90 30 + 0.9·90
			"service":   "2 180 276 1 50", // 60 300 (W7 none): p90 60 + 0.9·240
		},
	}
	for by, groups := range want {
		r, err := st.Metrics(ctx, metricsFrom, metricsTo, by)
		if err != nil {
			t.Fatal(err)
		}
		if r.WaitTarget != 90 {
			t.Errorf("the report's wait target is %v, want the seeds' 90", r.WaitTarget)
		}
		if got := wait(r.Total.WaitSeconds); got != wantTotal || r.Total.Volume != 7 {
			t.Errorf("by %s: total volume %d wait %q, want 7 and %q", by, r.Total.Volume, got, wantTotal)
		}
		if len(r.Groups) != len(groups) {
			t.Errorf("by %s: %d groups, want %d", by, len(r.Groups), len(groups))
		}
		for _, g := range r.Groups {
			if got := wait(g.WaitSeconds); got != groups[g.Key] {
				t.Errorf("by %s, %s: wait %q, want %q", by, g.Key, got, groups[g.Key])
			}
		}
	}

	// The share counts up to the register's target, whatever it is: at 60 s, 30 and 60 of five.
	targets := quality.DefaultKPITargets()
	for i := range targets.Targets {
		if targets.Targets[i].KPI == quality.WaitSeconds {
			targets.Targets[i].Target, targets.Targets[i].Enabled = 60, false
		}
	}
	if _, err := st.PutKPITargets(ctx, targets, "test", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	r, err := st.Metrics(ctx, metricsFrom, metricsTo, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := wait(r.Total.WaitSeconds); r.WaitTarget != 60 || got != "5 90 228 2 40" {
		t.Errorf("at a 60 s target: target %v, wait %q, want 60 and %q", r.WaitTarget, got, "5 90 228 2 40")
	}
}
