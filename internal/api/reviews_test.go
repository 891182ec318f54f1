package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi/openapitest"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/schedules"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// reviewAPI is an API server on a fresh database and the shared Temporal dev
// server, starting workflows on a task queue of its own that no worker polls: a
// triggered review is started and stays there.
type reviewAPI struct {
	*directoryAPI
	temporal client.Client
	queue    string
}

func newReviewAPI(t *testing.T) *reviewAPI {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	tc, err := client.Dial(client.Options{HostPort: testenv.Temporal(t),
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	queue := "reviews-test-" + uuid.NewString()
	srv := api.New(st, tc, queue, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	hs := httptest.NewServer(openapitest.Handler(t, srv.Handler()))
	t.Cleanup(hs.Close)
	a := &reviewAPI{directoryAPI: &directoryAPI{t: t, url: hs.URL, store: st, tokens: map[auth.Role]string{}}, temporal: tc, queue: queue}
	for _, role := range auth.Roles {
		secret := "test-" + string(role)
		require.NoError(t, st.EnsureToken(ctx, store.Token{ID: uuid.NewString(), Name: string(role) + "-token",
			Role: string(role), Hash: auth.Hash(secret), CreatedBy: "test"}))
		a.tokens[role] = secret
	}
	return a
}

// scheduleID is unique on the shared Temporal server; the schedule and any review
// it started are removed when the test ends.
func (a *reviewAPI) scheduleID(name string) string {
	id := name + "-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:10]
	a.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.temporal.ScheduleClient().GetHandle(ctx, workflows.ReviewScheduleID(id)).Delete(ctx)
		resp, err := a.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("TaskQueue = '%s' AND ExecutionStatus = 'Running'", a.queue)})
		if err != nil {
			return
		}
		for _, e := range resp.Executions {
			_ = a.temporal.TerminateWorkflow(ctx, e.Execution.WorkflowId, "", "test over")
		}
	})
	return id
}

func (a *reviewAPI) describe(id string) (*client.ScheduleDescription, error) {
	return a.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(id)).Describe(context.Background())
}

func (a *reviewAPI) mustDescribe(id string) *client.ScheduleDescription {
	a.t.Helper()
	d, err := a.describe(id)
	require.NoError(a.t, err)
	return d
}

func (a *reviewAPI) requireNoSchedule(id string) {
	a.t.Helper()
	_, err := a.describe(id)
	var notFound *serviceerror.NotFound
	require.True(a.t, errors.As(err, &notFound), "Temporal schedule %s: got %v, want not found", id, err)
	_, err = a.store.ReviewSchedule(context.Background(), id)
	require.ErrorIs(a.t, err, store.ErrNotFound, "row %s", id)
}

func reviewTimes(t *testing.T, v any) []time.Time {
	t.Helper()
	var out []time.Time
	for _, s := range v.([]any) {
		at, err := time.Parse(time.RFC3339, s.(string))
		require.NoError(t, err)
		out = append(out, at.UTC())
	}
	return out
}

func reviewUTC(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}

// The Temporal Schedule fires exactly when the API's preview says, for specs whose
// day fields combine either way and in zones with and without DST.
func TestCreateReviewScheduleMatchesTemporal(t *testing.T) {
	a := newReviewAPI(t)
	for _, c := range []struct {
		kind, spec, zone string
		wantWorkflow     string
	}{
		{"monthly_planning", "", "", "ReviewWorkflow"}, // the defaults: 0 9 1 * * in UTC
		{"weekly_tracking", "0 9 1,15 * MON", "America/New_York", "ReviewWorkflow"},
		{"monthly_planning", "0 9 1 */2 *", "America/New_York", "ReviewWorkflow"}, // five runs span a DST change
		{"weekly_tracking", "30 6 */2 * 0", "Europe/Berlin", "ReviewWorkflow"},
		{"risk_monitor", "0 3 * * MON-FRI", "Asia/Shanghai", "RiskMonitorWorkflow"},
	} {
		id := a.scheduleID("create")
		body := map[string]any{"id": id, "kind": c.kind, "note": "quality team"}
		if c.spec != "" {
			body["cron_spec"] = c.spec
		}
		if c.zone != "" {
			body["time_zone"] = c.zone
		}
		raw, _ := json.Marshal(body)
		r := a.call(auth.RoleQuality, "POST", "/v1/review-schedules", string(raw))
		require.Equal(t, http.StatusCreated, r.status, "%v: %v", c, r.body)
		wantSpec, wantZone := c.spec, c.zone
		if wantSpec == "" {
			wantSpec = quality.ScheduleKind(c.kind).DefaultSpec()
		}
		if wantZone == "" {
			wantZone = "UTC"
		}
		require.Equal(t, id, r.body["id"])
		require.Equal(t, c.kind, r.body["kind"])
		require.Equal(t, wantSpec, r.body["cron_spec"])
		require.Equal(t, wantZone, r.body["time_zone"])
		require.Equal(t, false, r.body["paused"])
		require.Equal(t, "quality team", r.body["note"])
		require.Equal(t, "review-schedule:"+id, r.body["temporal_schedule_id"])
		require.Equal(t, "quality-token", r.body["created_by"])
		nextRuns := reviewTimes(t, r.body["next_runs"])
		require.Len(t, nextRuns, 5)
		spec, err := quality.ParseSpec(wantSpec, wantZone)
		require.NoError(t, err)
		require.Equal(t, quality.NextRuns(spec, nextRuns[0].Add(-time.Second), 5), nextRuns, "robfig's preview")

		d := a.mustDescribe(id)
		require.GreaterOrEqual(t, len(d.Info.NextActionTimes), 5)
		require.Equal(t, nextRuns, reviewUTC(d.Info.NextActionTimes[:5]), "%s in %s: Temporal fires when the preview says", wantSpec, wantZone)
		require.Equal(t, wantZone, d.Schedule.Spec.TimeZoneName)
		require.Equal(t, enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, d.Schedule.Policy.Overlap)
		require.False(t, d.Schedule.State.Paused)
		action := d.Schedule.Action.(*client.ScheduleWorkflowAction)
		require.Equal(t, "review:"+id, action.ID)
		require.Equal(t, c.wantWorkflow, action.Workflow)
		require.Equal(t, a.queue, action.TaskQueue)
		require.Len(t, action.Args, 1)
		if c.kind == "risk_monitor" {
			var in workflows.RiskMonitorInput
			require.NoError(t, converter.GetDefaultDataConverter().FromPayload(action.Args[0].(*commonpb.Payload), &in))
			require.Equal(t, workflows.RiskMonitorInput{ScheduleID: id}, in)
		} else {
			var in workflows.ReviewInput
			require.NoError(t, converter.GetDefaultDataConverter().FromPayload(action.Args[0].(*commonpb.Payload), &in))
			require.Equal(t, workflows.ReviewInput{ScheduleID: id, Kind: quality.ScheduleKind(c.kind), TimeZone: wantZone}, in)
		}
	}
}

func TestCreateReviewScheduleIsIdempotent(t *testing.T) {
	a := newReviewAPI(t)
	id := a.scheduleID("idem")
	body := fmt.Sprintf(`{"id": %q, "kind": "weekly_tracking", "time_zone": "Asia/Shanghai", "paused": true}`, id)
	first := a.call(auth.RoleQuality, "POST", "/v1/review-schedules", body)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	require.Equal(t, "0 9 * * MON", first.body["cron_spec"])
	require.True(t, a.mustDescribe(id).Schedule.State.Paused, "created paused")

	again := a.call(auth.RoleAdmin, "POST", "/v1/review-schedules", body)
	require.Equal(t, http.StatusOK, again.status, again.body)
	require.Equal(t, first.body["created_at"], again.body["created_at"])
	require.Equal(t, "quality-token", again.body["created_by"])

	other := a.call(auth.RoleQuality, "POST", "/v1/review-schedules",
		fmt.Sprintf(`{"id": %q, "kind": "weekly_tracking", "time_zone": "Asia/Shanghai"}`, id))
	require.Equal(t, http.StatusConflict, other.status, other.body)
	require.Equal(t, "application/problem+json", other.header.Get("Content-Type"))
	require.True(t, a.mustDescribe(id).Schedule.State.Paused, "the conflicting request changed nothing")

	// Without an id, one is generated.
	gen := a.call(auth.RoleQuality, "POST", "/v1/review-schedules", `{"kind": "monthly_planning"}`)
	require.Equal(t, http.StatusCreated, gen.status, gen.body)
	genID := gen.body["id"].(string)
	_, err := uuid.Parse(genID)
	require.NoError(t, err)
	a.t.Cleanup(func() {
		_ = a.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(genID)).Delete(context.Background())
	})
	require.Equal(t, "0 9 1 * *", gen.body["cron_spec"])
	a.mustDescribe(genID)

	list := a.call(auth.RoleManager, "GET", "/v1/review-schedules", "")
	require.Equal(t, http.StatusOK, list.status)
	require.ElementsMatch(t, []string{id, genID}, ids(list.body["items"]))
}

func TestCreateReviewScheduleRefusesBadInputAndCreatesNothing(t *testing.T) {
	a := newReviewAPI(t)
	for _, c := range []struct {
		body   string
		fields []string
		detail string // part of the problem's detail
	}{
		{`{"id": "%s", "kind": "monthly_planning", "cron_spec": "0 9 1 *"}`, []string{"cron_spec"},
			"cron_spec: invalid cron spec: expected exactly 5 fields, found 4: [0 9 1 *]"},
		{`{"id": "%s", "kind": "monthly_planning", "cron_spec": "0 25 1 * *"}`, []string{"cron_spec"},
			"end of range (25) above maximum (23): 25"},
		{`{"id": "%s", "kind": "monthly_planning", "cron_spec": "@every 1h"}`, []string{"cron_spec"}, "@every is not supported"},
		{`{"id": "%s", "kind": "monthly_planning", "cron_spec": "0 0 30 2 *"}`, []string{"cron_spec"}, "never fires"},
		{`{"id": "%s", "kind": "monthly_planning", "time_zone": "Mars/Base"}`, []string{"time_zone"}, `unknown time zone "Mars/Base"`},
		{`{"id": "%s", "kind": "monthly_planning", "time_zone": "Local"}`, []string{"time_zone"}, "not an IANA time zone"},
		{`{"id": "%s", "kind": "quarterly"}`, []string{"kind"}, `"quarterly" is not one of monthly_planning, weekly_tracking, quarterly_planning, risk_monitor, qa_sampling`},
		{`{"id": "%s"}`, []string{"kind"}, "kind: is required"},
		{`{"id": "%s", "kind": "risk_monitor", "cron_spec": "x", "time_zone": "Nowhere"}`, []string{"time_zone", "cron_spec"}, "cron_spec: invalid cron spec"},
		{`{"id": "%s", "kind": "monthly_planning", "note": "` + strings.Repeat("n", 501) + `"}`, []string{"note"}, "at most 500"},
	} {
		id := a.scheduleID("bad")
		r := a.call(auth.RoleQuality, "POST", "/v1/review-schedules", fmt.Sprintf(c.body, id))
		require.Equal(t, http.StatusBadRequest, r.status, "%s: %v", c.body, r.body)
		require.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
		require.Equal(t, c.fields, r.fields(), c.body)
		require.Contains(t, r.body["detail"], c.detail, c.body)
		a.requireNoSchedule(id)
	}
	for _, body := range []string{`{"id": "Bad ID", "kind": "monthly_planning"}`, `{"id": "-x", "kind": "monthly_planning"}`} {
		r := a.call(auth.RoleQuality, "POST", "/v1/review-schedules", body)
		require.Equal(t, http.StatusBadRequest, r.status)
		require.Equal(t, []string{"id"}, r.fields())
	}
	r := a.call(auth.RoleQuality, "POST", "/v1/review-schedules", `{"kind": "monthly_planning", "every": "day"}`)
	require.Equal(t, http.StatusBadRequest, r.status)
	require.Equal(t, []string{"every"}, r.fields())
	list := a.call(auth.RoleQuality, "GET", "/v1/review-schedules", "")
	require.Empty(t, list.body["items"])

	// Roles: managers read, only quality and admin write; agents neither.
	require.Equal(t, http.StatusForbidden, a.call(auth.RoleManager, "POST", "/v1/review-schedules", `{"kind": "monthly_planning"}`).status)
	require.Equal(t, http.StatusForbidden, a.call(auth.RoleAgent, "GET", "/v1/review-schedules", "").status)
	require.Equal(t, http.StatusUnauthorized, a.call("", "GET", "/v1/review-schedules", "").status)
}

func TestPatchReviewScheduleChangesTemporalToo(t *testing.T) {
	a := newReviewAPI(t)
	id := a.scheduleID("patch")
	a.call(auth.RoleQuality, "POST", "/v1/review-schedules", fmt.Sprintf(`{"id": %q, "kind": "weekly_tracking"}`, id))

	r := a.call(auth.RoleAdmin, "PATCH", "/v1/review-schedules/"+id, `{"cron_spec": "0 8 1,15 * FRI", "time_zone": "America/New_York"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.Equal(t, "0 8 1,15 * FRI", r.body["cron_spec"])
	require.Equal(t, "America/New_York", r.body["time_zone"])
	require.Equal(t, "admin-token", r.body["updated_by"])
	require.Equal(t, "quality-token", r.body["created_by"])
	nextRuns := reviewTimes(t, r.body["next_runs"])
	d := a.mustDescribe(id)
	require.Equal(t, nextRuns, reviewUTC(d.Info.NextActionTimes[:5]))
	require.Equal(t, "America/New_York", d.Schedule.Spec.TimeZoneName)
	var in workflows.ReviewInput
	action := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(action.Args[0].(*commonpb.Payload), &in))
	require.Equal(t, "America/New_York", in.TimeZone, "the review computes its period in the new zone")
	require.Equal(t, "review:"+id, action.ID)

	// Pause with a note, then unpause: Temporal follows, and GET shows both sides.
	r = a.call(auth.RoleQuality, "PATCH", "/v1/review-schedules/"+id, `{"paused": true, "note": "holiday freeze"}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	d = a.mustDescribe(id)
	require.True(t, d.Schedule.State.Paused)
	require.Equal(t, "holiday freeze", d.Schedule.State.Note)
	got := a.call(auth.RoleManager, "GET", "/v1/review-schedules/"+id, "")
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, true, got.body["paused"])
	tv := got.body["temporal"].(map[string]any)
	require.Equal(t, true, tv["paused"])
	require.Equal(t, "holiday freeze", tv["note"])
	require.Equal(t, got.body["next_runs"], tv["next_action_times"].([]any)[:5])
	require.Empty(t, tv["recent_actions"])

	r = a.call(auth.RoleQuality, "PATCH", "/v1/review-schedules/"+id, `{"paused": false}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.False(t, a.mustDescribe(id).Schedule.State.Paused)
	require.Equal(t, reviewTimes(t, r.body["next_runs"]), reviewUTC(a.mustDescribe(id).Info.NextActionTimes[:5]))

	// A new spec and a pause in one request: both land, whatever order Temporal applies them in.
	r = a.call(auth.RoleQuality, "PATCH", "/v1/review-schedules/"+id, `{"cron_spec": "15 7 * * *", "paused": true}`)
	require.Equal(t, http.StatusOK, r.status, r.body)
	d = a.mustDescribe(id)
	require.True(t, d.Schedule.State.Paused)
	require.Equal(t, reviewTimes(t, r.body["next_runs"]), reviewUTC(d.Info.NextActionTimes[:5]))

	// Bad patches change nothing.
	for _, c := range []struct{ body, field string }{
		{`{"cron_spec": "0 8 * *"}`, "cron_spec"},
		{`{"time_zone": "Atlantis"}`, "time_zone"},
		{`{}`, "cron_spec"},
		{`{"paused": "yes"}`, "paused"},
	} {
		r := a.call(auth.RoleQuality, "PATCH", "/v1/review-schedules/"+id, c.body)
		require.Equal(t, http.StatusBadRequest, r.status, c.body)
		require.Equal(t, []string{c.field}, r.fields(), c.body)
	}
	require.Equal(t, "America/New_York", a.mustDescribe(id).Schedule.Spec.TimeZoneName)
	require.Equal(t, http.StatusNotFound, a.call(auth.RoleQuality, "PATCH", "/v1/review-schedules/nope", `{"paused": true}`).status)
}

func TestTriggerStartsAReviewAndDeleteRemovesBoth(t *testing.T) {
	a := newReviewAPI(t)
	id := a.scheduleID("trigger")
	require.Equal(t, http.StatusCreated, a.call(auth.RoleQuality, "POST", "/v1/review-schedules",
		fmt.Sprintf(`{"id": %q, "kind": "monthly_planning", "time_zone": "Asia/Shanghai"}`, id)).status)

	r := a.call(auth.RoleQuality, "POST", "/v1/review-schedules/"+id+"/trigger", "")
	require.Equal(t, http.StatusAccepted, r.status, r.body)
	require.Equal(t, "review:"+id, r.body["workflow_id_prefix"])

	// No worker polls the queue: the review is started and waits there.
	var workflowID string
	require.Eventually(t, func() bool {
		d := a.mustDescribe(id)
		if len(d.Info.RecentActions) == 0 {
			return false
		}
		workflowID = d.Info.RecentActions[0].StartWorkflowResult.WorkflowID
		return true
	}, 20*time.Second, 200*time.Millisecond)
	require.True(t, strings.HasPrefix(workflowID, "review:"+id+"-"), workflowID)
	wf, err := a.temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	require.NoError(t, err)
	require.Equal(t, "ReviewWorkflow", wf.WorkflowExecutionInfo.Type.Name)
	require.Equal(t, a.queue, wf.WorkflowExecutionInfo.TaskQueue)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, wf.WorkflowExecutionInfo.Status)

	got := a.call(auth.RoleQuality, "GET", "/v1/review-schedules/"+id, "")
	actions := got.body["temporal"].(map[string]any)["recent_actions"].([]any)
	require.Len(t, actions, 1)
	require.Equal(t, workflowID, actions[0].(map[string]any)["workflow_id"])

	require.Equal(t, http.StatusNotFound, a.call(auth.RoleQuality, "POST", "/v1/review-schedules/nope/trigger", "").status)
	require.Equal(t, http.StatusForbidden, a.call(auth.RoleManager, "POST", "/v1/review-schedules/"+id+"/trigger", "").status)

	del := a.call(auth.RoleQuality, "DELETE", "/v1/review-schedules/"+id, "")
	require.Equal(t, http.StatusNoContent, del.status)
	a.requireNoSchedule(id)
	require.Equal(t, http.StatusNotFound, a.call(auth.RoleQuality, "GET", "/v1/review-schedules/"+id, "").status)
	require.Equal(t, http.StatusNotFound, a.call(auth.RoleQuality, "DELETE", "/v1/review-schedules/"+id, "").status)
}

func TestReviewRulesDefaultValidateAndReplace(t *testing.T) {
	a := newDirectoryAPI(t)
	r := a.call(auth.RoleManager, "GET", "/v1/review-rules", "")
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, map[string]any{
		"resolution_rate_enabled": true, "resolution_rate_target_pct": 80.0,
		"sla_compliance_enabled": true, "sla_compliance_target_pct": 90.0,
		"keyword_cluster_enabled": true, "keyword_cluster_min": 20.0,
		"csat_drop_enabled": true, "csat_drop_points": 5.0,
		"min_volume": 10.0, "check_spec": "0 9 1,15 * *", "max_iterations": 6.0,
	}, r.body)

	bad := a.call(auth.RoleQuality, "PUT", "/v1/review-rules", `{"resolution_rate_target_pct": 0, "sla_compliance_target_pct": 101,
		"csat_drop_points": -1, "keyword_cluster_min": 1, "min_volume": 0, "max_iterations": 25, "check_spec": "0 9 1,15 *"}`)
	require.Equal(t, http.StatusBadRequest, bad.status)
	require.Equal(t, []string{"resolution_rate_target_pct", "sla_compliance_target_pct", "csat_drop_points",
		"keyword_cluster_min", "min_volume", "max_iterations", "check_spec"}, bad.fields())
	require.Contains(t, bad.body["detail"], "check_spec: invalid cron spec: expected exactly 5 fields, found 4")
	require.Equal(t, http.StatusBadRequest, a.call(auth.RoleQuality, "PUT", "/v1/review-rules", `{"target": 1}`).status)
	require.Equal(t, http.StatusForbidden, a.call(auth.RoleManager, "PUT", "/v1/review-rules", `{"min_volume": 5}`).status)
	require.Equal(t, r.body, a.call(auth.RoleQuality, "GET", "/v1/review-rules", "").body, "refused PUTs changed nothing")

	put := a.call(auth.RoleAdmin, "PUT", "/v1/review-rules", `{"resolution_rate_target_pct": 75, "csat_drop_enabled": false, "check_spec": " 0 9 * * MON "}`)
	require.Equal(t, http.StatusOK, put.status, put.body)
	want := map[string]any{}
	for k, v := range r.body {
		want[k] = v
	}
	want["resolution_rate_target_pct"], want["csat_drop_enabled"], want["check_spec"] = 75.0, false, "0 9 * * MON"
	require.Equal(t, want, put.body)
	require.Equal(t, want, a.call(auth.RoleQuality, "GET", "/v1/review-rules", "").body)
}

func TestReviewsListNewestFirstAndShowOne(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for i, r := range []quality.Review{
		{ID: "review:m-1", ScheduleID: "m", Kind: quality.MonthlyPlanning, TimeZone: "UTC", PeriodFrom: from,
			PeriodTo: from.AddDate(0, 1, 0), StartedAt: from.AddDate(0, 1, 0), Metrics: `{"current": {"total": {"volume": 3}}}`,
			Opportunities: `[{"key": "csat_drop/all", "cycle_id": "c-1", "cycle_opened": true}]`},
		{ID: "review:w-1", ScheduleID: "w", Kind: quality.WeeklyTracking, TimeZone: "UTC", PeriodFrom: from,
			PeriodTo: from.AddDate(0, 0, 7), StartedAt: from.AddDate(0, 1, 1), Cycles: `[{"id": "c-1", "stalled": true}]`},
	} {
		require.NoError(t, a.store.RecordReview(ctx, r))
		if i == 0 {
			require.NoError(t, a.store.FinishReview(ctx, r.ID, "", "one opportunity", r.StartedAt.Add(time.Minute)))
		}
	}
	list := a.call(auth.RoleManager, "GET", "/v1/reviews", "")
	require.Equal(t, http.StatusOK, list.status, list.body)
	require.Equal(t, []string{"review:w-1", "review:m-1"}, ids(list.body["items"]))
	first := list.body["items"].([]any)[1].(map[string]any)
	require.Equal(t, "2026-03-01T00:01:00Z", first["finished_at"])
	require.Equal(t, "2026-02-01T00:00:00Z", first["period_from"])
	require.Equal(t, "one opportunity", first["summary"])
	require.NotContains(t, first, "metrics")
	require.Nil(t, list.body["items"].([]any)[0].(map[string]any)["finished_at"])

	weekly := a.call(auth.RoleQuality, "GET", "/v1/reviews?kind=weekly_tracking", "")
	require.Equal(t, []string{"review:w-1"}, ids(weekly.body["items"]))
	paged := a.call(auth.RoleQuality, "GET", "/v1/reviews?limit=1", "")
	require.Equal(t, []string{"review:w-1"}, ids(paged.body["items"]))
	next := a.call(auth.RoleQuality, "GET", "/v1/reviews?limit=1&cursor="+paged.body["next_cursor"].(string), "")
	require.Equal(t, []string{"review:m-1"}, ids(next.body["items"]))

	one := a.call(auth.RoleAdmin, "GET", "/v1/reviews/review:m-1", "")
	require.Equal(t, http.StatusOK, one.status)
	require.Equal(t, map[string]any{"current": map[string]any{"total": map[string]any{"volume": 3.0}}}, one.body["metrics"])
	require.Equal(t, []any{map[string]any{"key": "csat_drop/all", "cycle_id": "c-1", "cycle_opened": true}}, one.body["opportunities"])
	require.Equal(t, []any{}, one.body["cycles"])

	require.Equal(t, http.StatusNotFound, a.call(auth.RoleQuality, "GET", "/v1/reviews/review:none", "").status)
	// An unknown parameter is refused before the values are read (declaredQuery).
	bad := a.call(auth.RoleQuality, "GET", "/v1/reviews?kind=risk_monitor&cursor=nonsense&sort=asc", "")
	require.Equal(t, http.StatusBadRequest, bad.status)
	require.ElementsMatch(t, []string{"sort"}, bad.fields())
	bad = a.call(auth.RoleQuality, "GET", "/v1/reviews?kind=risk_monitor&cursor=nonsense", "")
	require.Equal(t, http.StatusBadRequest, bad.status)
	require.ElementsMatch(t, []string{"kind", "cursor"}, bad.fields())
	require.Equal(t, http.StatusForbidden, a.call(auth.RoleAgent, "GET", "/v1/reviews", "").status)
}

// TestEnsureRiskMonitorCreatesTheDefaultScheduleOnce: the starter creates the
// risk monitor every 15 minutes once; a second start, or a team's own (paused)
// monitor, leaves things as they are.
func TestEnsureRiskMonitorCreatesTheDefaultScheduleOnce(t *testing.T) {
	a := newReviewAPI(t)
	srv := schedules.New(a.store, a.temporal, a.queue, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	t.Cleanup(func() {
		_ = a.temporal.ScheduleClient().GetHandle(ctx, workflows.ReviewScheduleID(schedules.DefaultRiskMonitorID)).Delete(ctx)
	})
	require.Error(t, srv.EnsureRiskMonitor(ctx, "*/15 * * *"), "a bad spec fails the start")
	_, err := a.store.ReviewSchedule(ctx, schedules.DefaultRiskMonitorID)
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, srv.EnsureRiskMonitor(ctx, "*/15 * * * *"))
	require.NoError(t, srv.EnsureRiskMonitor(ctx, "*/5 * * * *"))
	row, err := a.store.ReviewSchedule(ctx, schedules.DefaultRiskMonitorID)
	require.NoError(t, err)
	require.Equal(t, quality.RiskMonitor, row.Kind)
	require.Equal(t, "*/15 * * * *", row.CronSpec, "the second start changed nothing")
	next := a.mustDescribe(schedules.DefaultRiskMonitorID).Info.NextActionTimes
	require.NotEmpty(t, next)
	require.Zero(t, next[0].Minute()%15, "next run %v", next[0])
	require.Equal(t, 15*time.Minute, next[1].Sub(next[0]))

	// Deleted, with a team's own paused monitor in place: nothing is recreated.
	a.as(auth.RoleQuality, "DELETE", "/v1/review-schedules/"+schedules.DefaultRiskMonitorID, "", 204)
	own := a.scheduleID("own-monitor")
	a.as(auth.RoleQuality, "POST", "/v1/review-schedules", `{"id":"`+own+`","kind":"risk_monitor","paused":true}`, 201)
	require.NoError(t, srv.EnsureRiskMonitor(ctx, "*/15 * * * *"))
	a.requireNoSchedule(schedules.DefaultRiskMonitorID)
}
