package main

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// The console mode's directory: agents in teams under one manager. Agent 1 is the
// person whose queue is measured.
const (
	consoleAgents  = 50
	consoleTeams   = 5
	consoleManager = "bench-m1"
	consoleAgent   = "bench-a01"
)

// consoleKeywords are what intake classification would have found; the heat map
// counts them by category.
var consoleKeywords = []string{"退款", "物流", "延迟", "破损", "客服态度", "重复扣款", "发票", "质量", "refund", "late",
	"broken", "rude", "charged twice", "invoice", "battery", "screen", "warranty", "missing item", "wrong size", "app crash"}

// seedConsole writes the console benchmark's data set straight into PostgreSQL, in
// one transaction of set-based INSERT … SELECT statements (seconds, not the hours
// tens of thousands of workflows would take): open complaints spread over the last
// month in every non-terminal status, complaints resolved and closed in that month,
// and the event log each of them would have (opened, warnings, breaches,
// acknowledgement, pause, resolution, closing, survey). The rows copy the shape of
// a complaint filed through the API (template: its SLA snapshot and columns); no
// workflow runs for them, since the pages measured read only PostgreSQL.
func seedConsole(ctx context.Context, s *stack, template string, open, closed int) error {
	tx, err := s.store.DB().BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stmts := []struct {
		name string
		sql  string
		args []any
	}{
		{"seed", `SELECT setseed(0.42)`, nil},
		{"teams", `INSERT INTO teams (id, name, updated_by)
			SELECT 'bench-t' || t, 'Bench team ' || t, 'bench' FROM generate_series(1, $1) t`, []any{consoleTeams}},
		{"manager", `INSERT INTO people (id, name, role, updated_by) VALUES ($1, 'Bench Manager', 'manager', 'bench')`,
			[]any{consoleManager}},
		{"agents", `INSERT INTO people (id, name, role, team_id, manager_id, updated_by)
			SELECT 'bench-a' || lpad(a::text, 2, '0'), 'Bench Agent ' || a, 'agent', 'bench-t' || (1 + a % $2), $3, 'bench'
			FROM generate_series(1, $1) a`, []any{consoleAgents, consoleTeams, consoleManager}},
		{"complaints", complaintsSeedSQL, []any{open, closed, pq.Array(complaint.Channels), pq.Array(complaint.Categories),
			pq.Array(consoleKeywords), consoleAgents, consoleTeams, template}},
	}
	for _, ev := range eventSeeds {
		stmts = append(stmts, struct {
			name string
			sql  string
			args []any
		}{"events " + ev.kind, fmt.Sprintf(eventSeedSQL, ev.at, ev.actor, ev.data, ev.where), []any{ev.kind, ev.by}})
	}
	for _, st := range stmts {
		start := time.Now()
		res, err := tx.ExecContext(ctx, st.sql, st.args...)
		if err != nil {
			return fmt.Errorf("seed %s: %w", st.name, err)
		}
		n, _ := res.RowsAffected()
		s.say("seeded %-28s %7d rows in %s", st.name, n, time.Since(start).Round(time.Millisecond))
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = s.store.DB().ExecContext(ctx, `ANALYZE complaints; ANALYZE complaint_events; ANALYZE complaint_metrics`)
	return err
}

// complaintsSeedSQL inserts $1 open and $2 resolved-or-closed complaints filed over
// the last 30 days. $8 is the external ID of the template complaint filed through
// the API, whose SLA snapshot every row copies. Open complaints: a third still
// unanswered (filed in the last two days, so most are within their first-response
// SLA), the rest in progress, waiting on the customer or in the backlog; 90 % of
// them owned by an agent. Deadlines follow the default policies (high 2 h / 24 h,
// medium 24 h / 48 h, low 24 h and no resolution clock).
const complaintsSeedSQL = `
WITH tpl AS (SELECT sla_snapshot FROM complaints WHERE external_id = $8),
g AS (
    SELECT i, i <= $1::int AS is_open, random() AS r1, random() AS r2, random() AS r3, random() AS r4
    FROM generate_series(1, $1::int + $2::int) i
), shaped AS (
    SELECT g.*,
        CASE WHEN r1 < 0.2 THEN 'high' WHEN r1 < 0.7 THEN 'medium' ELSE 'low' END AS urgency,
        CASE WHEN r2 < 0.15 THEN 'high' WHEN r2 < 0.5 THEN 'medium' ELSE 'low' END AS tier,
        CASE WHEN NOT is_open THEN CASE WHEN r3 < 0.3 THEN 'resolved' ELSE 'closed' END
             WHEN r3 < 0.33 THEN 'open' WHEN r3 < 0.8 THEN 'in_progress'
             WHEN r3 < 0.9 THEN 'waiting_on_customer' ELSE 'backlog' END AS status,
        now() - CASE WHEN is_open AND r3 < 0.33 THEN r4 * interval '2 days'
                     ELSE interval '2 days' + r4 * interval '28 days' END AS created
    FROM g
), timed AS (
    SELECT shaped.*,
        CASE urgency WHEN 'high' THEN 7200 ELSE 86400 END AS fr_s,
        CASE urgency WHEN 'high' THEN 86400 WHEN 'medium' THEN 172800 END AS res_s,
        created + (0.1 + 0.8 * r2) * CASE urgency WHEN 'high' THEN interval '2 hours' ELSE interval '24 hours' END AS responded
    FROM shaped
)
INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id, customer_name, customer_tier,
    customer_phone, customer_email, category, urgency, subject, description, status, owner, team_id,
    sla_first_response_seconds, sla_resolution_seconds, sla_snapshot, created_at, updated_at,
    first_response_due_at, first_response_at, first_response_breached,
    resolution_due_at, resolved_at, resolution_breached, resolution_summary, root_cause, closed_at,
    paused_at, keywords, scope, sentiment, verification)
SELECT id, 'bench-console-' || i, md5(i::text), 'complaint-' || id,
    ($3::text[])[1 + i % array_length($3::text[], 1)],
    'bench-cust-' || (i % 4000), 'Customer ' || (i % 4000), tier,
    '+86 138 0000 ' || lpad((i % 10000)::text, 4, '0'), 'customer' || (i % 4000) || '@example.com',
    ($4::text[])[1 + (i / 7) % array_length($4::text[], 1)], urgency,
    (ARRAY['包裹一周未到', 'Refund not received after 14 days', '设备开机即黑屏', 'Rude agent on the hotline',
           'Charged twice for one order'])[1 + (i / 3) % 5] || ' #' || i,
    'Bench complaint ' || i || ': the customer describes the problem at some length, as customers do, '
        || 'with the order number, what they expected and what happened instead.',
    status,
    CASE WHEN r4 < 0.1 THEN NULL ELSE 'bench-a' || lpad((1 + i % $6::int)::text, 2, '0') END,
    'bench-t' || (1 + (1 + i % $6::int) % $7::int),
    fr_s, res_s, (SELECT sla_snapshot FROM tpl), created, created,
    created + fr_s * interval '1 second',
    CASE WHEN status <> 'open' THEN responded END,
    status = 'open' AND created + fr_s * interval '1 second' < now(),
    created + res_s * interval '1 second',
    CASE WHEN status IN ('resolved', 'closed') THEN responded + (now() - responded) * r1 * 0.5 END,
    status NOT IN ('resolved', 'closed') AND res_s IS NOT NULL AND created + res_s * interval '1 second' < now(),
    CASE WHEN status IN ('resolved', 'closed') THEN 'Refunded and apologised' END,
    CASE WHEN status IN ('resolved', 'closed') THEN 'Carrier lost the parcel' END,
    CASE WHEN status = 'closed' THEN responded + (now() - responded) * (0.5 + r1 * 0.5) END,
    CASE WHEN status = 'waiting_on_customer' THEN responded + (now() - responded) * r1 END,
    ARRAY[($5::text[])[1 + i % 20], ($5::text[])[1 + (i * 7 + 3) % 20]],
    'individual',
    CASE WHEN r2 < 0.1 THEN 'angry' WHEN r2 < 0.5 THEN 'negative' ELSE 'neutral' END,
    CASE WHEN status = 'closed' THEN CASE WHEN r2 < 0.7 THEN 'verified' ELSE 'unverified' END END
FROM (SELECT timed.*, md5('bench-console-' || i)::uuid AS id FROM timed) t`

// eventSeed is one kind of event, derived from the complaints rows (alias c): when
// it happened, by whom (actor, an expression that may be NULL, else by, passed as a
// parameter so the reserved actors are written once, in internal/complaint), its
// data and which complaints have it.
type eventSeed struct{ kind, at, actor, by, data, where string }

var eventSeeds = []eventSeed{
	{"opened", "c.created_at", "NULL", "intake", `jsonb_build_object('channel', c.channel, 'urgency', c.urgency, 'category', c.category)`, "true"},
	{"sla_warning", "c.created_at + (c.first_response_due_at - c.created_at) / 2", "NULL", complaint.ActorSystem,
		`'{"clock":"first_response","percent":50}'`, "c.created_at + (c.first_response_due_at - c.created_at) / 2 < coalesce(c.first_response_at, now())"},
	{"sla_breached", "c.first_response_due_at", "NULL", complaint.ActorSystem, `'{"clock":"first_response"}'`, "c.first_response_breached"},
	{"acknowledged", "c.first_response_at", "c.owner", "bench-a01", `'{"message":"We are looking into it."}'`, "c.first_response_at IS NOT NULL"},
	{"paused", "c.paused_at", "c.owner", "bench-a01", `'{"reason":"waiting for the order number"}'`, "c.paused_at IS NOT NULL"},
	{"sla_breached", "c.resolution_due_at", "NULL", complaint.ActorSystem, `'{"clock":"resolution"}'`, "c.resolution_breached"},
	{"resolved", "c.resolved_at", "c.owner", "bench-a01",
		`jsonb_strip_nulls(jsonb_build_object('summary', c.resolution_summary, 'root_cause', c.root_cause, 'owner', c.owner))`, "c.resolved_at IS NOT NULL"},
	{"closed", "c.closed_at", "NULL", complaint.ActorSystem, `jsonb_build_object('verification', c.verification)`, "c.closed_at IS NOT NULL"},
	{"survey_answered", "c.closed_at - interval '1 minute'", "NULL", complaint.ActorCustomer,
		`jsonb_build_object('survey', jsonb_build_object('csat', 1 + abs(hashtext(c.id::text)) % 5, 'nps', abs(hashtext(c.external_id)) % 11, 'ces', 1 + abs(hashtext(c.subject)) % 7))`,
		"c.verification = 'verified'"},
}

// eventSeedSQL appends one kind ($1) of event by $2 (eventSeed.by) to the seeded
// complaints; the verbs are eventSeed's other fields.
const eventSeedSQL = `
INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, recorded_at, data)
SELECT c.id, 'bench:' || c.id || ':' || $1::text || ':' || %[1]s, $1, coalesce(%[2]s, $2::text), %[1]s, %[1]s, %[3]s
FROM complaints c
WHERE c.external_id LIKE 'bench-console-%%' AND (%[4]s)
ORDER BY %[1]s`
