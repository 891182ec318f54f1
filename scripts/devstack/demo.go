package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/demo"
	"github.com/complaintflow/complaintflow/internal/schedules"
	"github.com/complaintflow/complaintflow/internal/store"
)

// demoPolicy is short enough that the first-response SLA warns, breaches and climbs
// the escalation ladder while you watch.
var demoPolicy = map[string]any{
	"first_response": "20s", "resolution": "45s", "decision_time": "30s",
	"survey_reminder": "30s", "survey_timeout": "2m",
	"escalation_levels": []map[string]any{
		{"level": 1, "after": "0s", "notify": "team_lead"},
		{"level": 2, "after": "10s", "notify": "manager"},
		{"level": 3, "after": "20s", "notify": "director"},
	},
}

// demoDirectory is a small reporting chain: agent ann → team lead lee → manager max
// → director dora, in team "care", which takes every complaint (the "*" route).
var demoDirectory = []struct {
	path string
	body map[string]any
}{
	{"/v1/teams/care", map[string]any{"name": "Customer care"}},
	{"/v1/people/dora", map[string]any{"name": "Dora", "role": "director"}},
	{"/v1/people/max", map[string]any{"name": "Max", "role": "manager", "manager_id": "dora"}},
	{"/v1/people/lee", map[string]any{"name": "Lee", "role": "team_lead", "team_id": "care", "manager_id": "max"}},
	{"/v1/people/ann", map[string]any{"name": "Ann", "role": "agent", "team_id": "care", "manager_id": "lee"}},
	{"/v1/people/ben", map[string]any{"name": "Ben", "role": "agent", "team_id": "care", "manager_id": "lee"}},
	{"/v1/teams/care", map[string]any{"name": "Customer care", "lead_id": "lee"}},
	{"/v1/routing/*", map[string]any{"team_id": "care", "owner_id": "ann"}},
	// The quality team (QUALITY_TEAM=quality): qin leads it and reports to dora.
	{"/v1/teams/quality", map[string]any{"name": "Quality"}},
	{"/v1/people/qin", map[string]any{"name": "Qin", "role": "manager", "team_id": "quality", "manager_id": "dora"}},
	{"/v1/people/quinn", map[string]any{"name": "Quinn", "role": "agent", "team_id": "quality", "manager_id": "qin"}},
	{"/v1/teams/quality", map[string]any{"name": "Quality", "lead_id": "qin"}},
}

func demoComplaints(suffix string) []map[string]any {
	return []map[string]any{
		{
			"external_id": "demo-web-" + suffix, "channel": "web", "category": "logistics", "urgency": "high",
			"customer": map[string]any{"id": "c-1001", "name": "Li Lei", "tier": "high", "phone": "+86 138 0000 0000"},
			"subject":  "Parcel late", "description": "物流慢, the parcel is a week late",
		},
		{
			"external_id": "demo-wechat-" + suffix, "channel": "wechat", "category": "product", "urgency": "high",
			"customer": map[string]any{"id": "c-1002", "name": "韩梅梅", "tier": "medium", "email": "hanmeimei@example.com"},
			"subject":  "收到的商品有破损", "description": "包装破损，杯子碎了，请尽快处理退换货。",
			// An angry customer: the policy requests a manager's decision at once.
			"sentiment": "angry",
		},
		{
			"external_id": "demo-app-" + suffix, "channel": "app", "category": "service", "urgency": "high",
			"customer": map[string]any{"id": "c-1003", "name": "Jane Doe", "tier": "low", "email": "jane@example.com"},
			"subject":  "Charged twice", "description": "My card was charged twice for order 42.",
		},
	}
}

// runDemo makes every high-urgency SLA seconds long and files three complaints.
func runDemo(ctx context.Context, c settings, out *console) error {
	api := &apiClient{base: c.apiURL(0), token: c.adminToken}
	for _, d := range demoDirectory {
		if _, err := api.do(ctx, http.MethodPut, d.path, d.body); err != nil {
			return fmt.Errorf("set up the demo directory (%s): %w", d.path, err)
		}
	}
	out.Say("demo: directory ann and ben (agents) → lee (team lead) → max (manager) → dora (director); every new complaint goes to ann; quality team qin (lead) and quinn")
	if err := seedHistory(ctx, c, out); err != nil {
		return err
	}
	for _, sch := range demo.Schedules {
		if _, err := api.do(ctx, http.MethodPost, "/v1/review-schedules", sch); err != nil {
			return fmt.Errorf("create review schedule %s: %w", sch.ID, err)
		}
		if _, err := api.do(ctx, http.MethodPost, "/v1/review-schedules/"+sch.ID+"/trigger", nil); err != nil {
			return fmt.Errorf("trigger review schedule %s: %w", sch.ID, err)
		}
	}
	// The risk monitor the API made runs every 15 minutes; once now finds the seeded
	// CSAT drop at once.
	if _, err := api.do(ctx, http.MethodPost, "/v1/review-schedules/"+schedules.DefaultRiskMonitorID+"/trigger", nil); err != nil {
		out.Say("demo: could not trigger the risk monitor (%v); it runs every 15 minutes", err)
	}
	out.Say(`demo: review schedules monthly-planning, weekly-tracking and qa-sampling created and triggered once, and the risk monitor triggered (summaries to qin and quinn in the worker log). Watch:
  curl -s %s/v1/review-schedules -H 'Authorization: Bearer %s'
  curl -s %s/v1/reviews -H 'Authorization: Bearer %s'
  curl -s %s/v1/pdca-cycles -H 'Authorization: Bearer %s'
  curl -s "%s/v1/risk-alerts?status=open" -H 'Authorization: Bearer %s'
  curl -s "%s/v1/qa-queue?status=pending" -H 'Authorization: Bearer %s'`,
		c.apiURL(0), c.adminToken, c.apiURL(0), c.adminToken, c.apiURL(0), c.adminToken, c.apiURL(0), c.adminToken, c.apiURL(0), c.adminToken)
	for _, tier := range []string{"high", "medium", "low"} {
		if _, err := api.do(ctx, http.MethodPut, "/v1/sla-policies/high/"+tier, demoPolicy); err != nil {
			return fmt.Errorf("set SLA policy high/%s: %w", tier, err)
		}
	}
	out.Say("demo: SLA for urgency high is now 20s first response / 45s resolution (all tiers), warnings at 50/75/90 %%, ladder levels at +0s, +10s, +20s")

	suffix := time.Now().Format("20060102-150405")
	var ids []string
	for _, complaint := range demoComplaints(suffix) {
		body, err := api.do(ctx, http.MethodPost, "/v1/complaints", complaint)
		if err != nil {
			return fmt.Errorf("file complaint %s: %w", complaint["external_id"], err)
		}
		id, err := complaintID(body)
		if err != nil {
			return fmt.Errorf("file complaint %s: %w: %s", complaint["external_id"], err, body)
		}
		ids = append(ids, id)
		out.Say("demo: filed %s (%s, tier %s) → id %s", complaint["external_id"], complaint["channel"],
			complaint["customer"].(map[string]any)["tier"], id)
	}
	// Resolve the third at once: its customer gets a survey (in the worker log, as
	// make run has no SMTP server), reminded after 30 s, closed unverified after 2 min.
	if _, err := api.do(ctx, http.MethodPost, "/v1/complaints/"+ids[2]+"/resolve", map[string]string{
		"summary": "Refunded the duplicate charge", "root_cause": "Payment retried after a gateway timeout",
	}); err != nil {
		return fmt.Errorf("resolve complaint %s: %w", ids[2], err)
	}
	out.Say(`demo: resolved %s — its survey link is in the worker log ("请评价我们的服务", or "How did we do?" for an en customer); answer it with
  curl -s -X POST <link> -H 'Content-Type: application/json' -d '{"solved":false,"csat":2,"comment":"still charged twice"}'
  (dissatisfied: the complaint reopens on the follow-up SLA and max is told) or {"solved":true,"csat":5} (closes verified)`, ids[2])
	out.Say(`demo: warnings at 10/15/18 s, the breach at ~20 s, then lee, max and dora hear of it (worker log). Watch:
  curl -s %s/v1/complaints/%s/events -H 'Authorization: Bearer %s'
  curl -s "%s/v1/escalations?status=pending" -H 'Authorization: Bearer %s'
  temporal workflow list --address %s --namespace %s --query 'EscalationLevel >= 2'`,
		c.apiURL(0), ids[0], c.adminToken, c.apiURL(0), c.adminToken, c.temporalAddress, c.namespace)
	return nil
}

// seedHistory writes two months of handled complaints, survey answers and feedback
// (internal/demo) straight into the database, once: the planning review triggered
// next reads last month and opens PDCA cycles, the risk monitor sees the CSAT drop.
func seedHistory(ctx context.Context, c settings, out *console) error {
	st, err := store.Open(ctx, c.databaseURL)
	if err != nil {
		return fmt.Errorf("seed the demo history: %w", err)
	}
	defer st.Close()
	shanghai, err := time.LoadLocation("Asia/Shanghai") // the review schedules' zone
	if err != nil {
		return fmt.Errorf("seed the demo history: %w", err)
	}
	complaints, feedback := demo.History(time.Now(), shanghai)
	if err := st.SeedHistory(ctx, complaints, feedback); err != nil {
		return err
	}
	out.Say("demo: history seeded: %d complaints of the last two months and two weeks (owners ann and ben), their survey answers, %d feedback", len(complaints), len(feedback))
	return nil
}

type apiClient struct {
	base, token string
}

// do sends a JSON request and returns the body of a 2xx answer.
func (a *apiClient) do(ctx context.Context, method, path string, body any) ([]byte, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(data)))
	}
	return data, nil
}

var errNoID = errors.New("response has no id")

// complaintID finds the new complaint's id at the top level or under "complaint".
func complaintID(body []byte) (string, error) {
	var resp struct {
		ID        string `json:"id"`
		Complaint struct {
			ID string `json:"id"`
		} `json:"complaint"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return "", err
	}
	if resp.ID != "" {
		return resp.ID, nil
	}
	if resp.Complaint.ID != "" {
		return resp.Complaint.ID, nil
	}
	return "", errNoID
}

// httpStatus is the status code of GET url, or 0 if the request failed.
func httpStatus(ctx context.Context, url string) int {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
