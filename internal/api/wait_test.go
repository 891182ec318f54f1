package api_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// waitBody is a complaint through channel with the given wait_seconds member
// (raw JSON; "" leaves it out).
func waitBody(externalID, channel, wait string) string {
	member := ""
	if wait != "" {
		member = `,"wait_seconds":` + wait
	}
	return `{"external_id":"` + externalID + `","channel":"` + channel + `",
		"customer":{"id":"cust-1","name":"张伟","tier":"medium"},
		"category":"logistics","urgency":"medium","subject":"包裹一周未到","description":"the parcel is a week late"` + member + `}`
}

// A wait out of 0…86400, not whole seconds, or filed with a channel that has no
// queue is a 400 naming wait_seconds (and every other bad field with it); nothing is
// filed.
func TestIntakeRefusesABadWait(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, c := range []struct {
		name, body string
		want       []string // field=code
	}{
		{"negative", waitBody("w-neg", "phone", "-1"), []string{"wait_seconds=out_of_range"}},
		{"over a day", waitBody("w-day", "phone", "86401"), []string{"wait_seconds=out_of_range"}},
		{"a fraction", waitBody("w-frac", "phone", "12.5"), []string{"wait_seconds=invalid_type"}},
		{"text", waitBody("w-text", "wechat", `"90"`), []string{"wait_seconds=invalid_type"}},
		{"e-mail has no queue", waitBody("w-mail", "email", "30"), []string{"wait_seconds=not_allowed"}},
		{"a survey has no queue", waitBody("w-survey", "survey", "0"), []string{"wait_seconds=not_allowed"}},
		{"named with the others", strings.Replace(waitBody("w-many", "social_media", "30"), `"subject":"包裹一周未到"`, `"subject":""`, 1),
			[]string{"subject=required", "wait_seconds=not_allowed"}},
	} {
		r := a.call(auth.RoleIntake, "POST", "/v1/complaints", c.body)
		var got []string
		errs, _ := r.body["errors"].([]any)
		for _, e := range errs {
			m := e.(map[string]any)
			got = append(got, fmt.Sprint(m["field"], "=", m["code"]))
		}
		slices.Sort(got)
		if r.status != http.StatusBadRequest || !slices.Equal(got, c.want) {
			t.Errorf("%s: got %d %v, want 400 %v", c.name, r.status, got, c.want)
		}
	}
	if n := a.count("complaints"); n != 0 {
		t.Errorf("%d complaints filed by bad requests", n)
	}
}

// A wait filed with a queued channel is stored and read back; none filed reads null,
// and a retry of the same body is the same complaint.
func TestIntakeStoresTheWait(t *testing.T) {
	srv := newAPIServer(t, true, true)
	a := &directoryAPI{t: t, url: srv.url, srv: srv.srv, store: srv.store, tokens: roleTokens(t, srv.store, "test-")}
	for _, c := range []struct {
		channel, wait string
		want          any
	}{
		{"phone", "45", 45.0},
		{"wechat", "0", 0.0},
		{"marketplace", "86400", 86400.0},
		{"phone", "", nil}, // not measured
		{"email", "", nil}, // no queue
	} {
		ext := "wait-" + c.channel + "-" + c.wait
		filed := a.as(auth.RoleIntake, "POST", "/v1/complaints", waitBody(ext, c.channel, c.wait), http.StatusCreated)
		got := a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+filed.body["id"].(string), "", http.StatusOK)
		if filed.body["wait_seconds"] != c.want || got.body["wait_seconds"] != c.want {
			t.Errorf("%s %s: filed %v, read %v, want %v", c.channel, c.wait, filed.body["wait_seconds"], got.body["wait_seconds"], c.want)
		}
		again := a.as(auth.RoleIntake, "POST", "/v1/complaints", waitBody(ext, c.channel, c.wait), http.StatusOK)
		if again.body["id"] != filed.body["id"] {
			t.Errorf("%s %s: the retry filed %v, want %v", c.channel, c.wait, again.body["id"], filed.body["id"])
		}
	}
	// The same external ID with another wait is another complaint's body.
	a.as(auth.RoleIntake, "POST", "/v1/complaints", waitBody("wait-phone-45", "phone", "46"), http.StatusConflict)
}

// GET /v1/metrics reports the wait of the period's complaints filed with one —
// answers, median, p90 and the share within the wait_seconds KPI target — in total,
// per channel and in the CSV; the target is the register's and judged among the KPIs.
func TestMetricsReportTheWaitAgainstItsTarget(t *testing.T) {
	a := newDirectoryAPI(t)
	march := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, w := range []struct {
		channel string
		wait    any
	}{{"phone", 20}, {"phone", 100}, {"wechat", 60}, {"wechat", 200}, {"email", nil}} {
		id := uuid.NewString()
		opened := march.AddDate(0, 0, i+1)
		if _, err := a.store.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
				customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
				created_at, first_response_due_at, wait_seconds)
			VALUES ($1, $2, 'hash', $2, $3, 'cust', 'name', 'medium', 'service', 'medium', 's', 'd', 86400, $4, $4, $5)`,
			id, "wait-"+id, w.channel, opened, w.wait); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1, $2, 'opened', 'test', $3, '{}')`, id, id+"/opened", opened); err != nil {
			t.Fatal(err)
		}
	}
	period := "from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&group_by=channel"
	waitOf := func(g any) string {
		w := g.(map[string]any)["wait_seconds"].(map[string]any)
		return fmt.Sprint(w["count"], w["p50"], w["p90"], w["within_target"], w["within_target_pct"])
	}
	standing := func(body map[string]any) string {
		for _, s := range body["kpi_targets"].([]any) {
			if s := s.(map[string]any); s["kpi"] == "wait_seconds" {
				return fmt.Sprint(s["target"], s["actual"], s["met"])
			}
		}
		return "none"
	}

	// Four waits are a verdict once the KPI check's minimum is four.
	a.as(auth.RoleQuality, "PUT", "/v1/risk-thresholds", `{"kpi_min_volume": 4}`, http.StatusOK)
	r := a.as(auth.RoleQuality, "GET", "/v1/metrics?"+period, "", http.StatusOK)
	// 20 60 100 200: p50 1.5 → 60 + 0.5·40 = 80; p90 2.7 → 100 + 0.7·100 = 170; ≤ 90 s: 20 and 60.
	if got := waitOf(r.body["total"]); r.body["wait_target_seconds"] != 90.0 || got != "4 80 170 2 50" {
		t.Errorf("total: target %v wait %s, want 90 and 4 80 170 2 50", r.body["wait_target_seconds"], got)
	}
	if got := standing(r.body); got != "90 170 false" {
		t.Errorf("the wait_seconds standing reads %s, want its p90 170 missing the 90 s target", got)
	}
	want := map[string]string{"email": "0 <nil> <nil> 0 <nil>", "phone": "2 60 92 1 50", "wechat": "2 130 186 1 50"}
	for _, g := range r.body["groups"].([]any) {
		key := g.(map[string]any)["key"].(string)
		if got := waitOf(g); got != want[key] {
			t.Errorf("%s: wait %s, want %s", key, got, want[key])
		}
	}

	req, err := http.NewRequest(http.MethodGet, a.url+"/v1/metrics?"+period+"&format=csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.tokens[auth.RoleQuality])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) < 2 {
		t.Fatalf("CSV: %v %q", err, rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var total []string
	for _, h := range []string{"wait_count", "wait_p50", "wait_p90", "wait_within_target", "wait_within_target_pct"} {
		total = append(total, rows[1][col[h]])
	}
	if got := strings.Join(total, " "); got != "4 80 170 2 50" {
		t.Errorf("CSV total wait columns %q, want the JSON's 4 80 170 2 50", got)
	}

	// The target is the register's: at 150 s three of four are within it, and the p90 still misses.
	a.as(auth.RoleQuality, "PUT", "/v1/kpi-targets", `{"targets":[{"kpi":"wait_seconds","target":150}]}`, http.StatusOK)
	r = a.as(auth.RoleQuality, "GET", "/v1/metrics?"+period, "", http.StatusOK)
	if got := waitOf(r.body["total"]); r.body["wait_target_seconds"] != 150.0 || got != "4 80 170 3 75" || standing(r.body) != "150 170 false" {
		t.Errorf("at 150 s: target %v wait %s standing %s", r.body["wait_target_seconds"], got, standing(r.body))
	}
	for _, bad := range []string{"0", "86401"} {
		p := a.as(auth.RoleQuality, "PUT", "/v1/kpi-targets", `{"targets":[{"kpi":"wait_seconds","target":`+bad+`}]}`, http.StatusBadRequest)
		if got := p.fields(); !slices.Equal(got, []string{"targets[0].target"}) {
			t.Errorf("target %s: fields %v, want targets[0].target", bad, got)
		}
	}
}
