package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// riskProbe is one store call the risk monitor's EvaluateRisks activity makes,
// timed from the bench (a round trip to PostgreSQL included).
type riskProbe struct {
	name string
	call func(ctx context.Context) error
}

// runRisk measures the risk monitor's queries over the console mode's seeded month
// (seedConsole) and seedRisk's QA samples, customer reopenings and knowledge
// articles: the whole evaluation (store.EvaluateRisks, all the monitor's activity
// asks of the store), then each store call of it on its own, -warmup then
// -console-data-requests times, one at a time. With pg_stat_statements (the
// private PostgreSQL loads it; -database-url's may), it also lists the evaluation's statements by their
// execution time in PostgreSQL: the counts of the satisfaction, volume, SLA,
// latency and turnover checks are one statement no exported call runs alone.
// -jit both times the store's reports with jit on and off instead (runRiskJIT).
func runRisk(ctx context.Context, cfg config) error {
	if cfg.pgStatements == 0 {
		cfg.pgStatements = 12 // the private PostgreSQL loads pg_stat_statements; -database-url's may have it
	}
	s, counts, err := startSeeded(ctx, cfg)
	defer s.stop()
	if err != nil {
		return err
	}
	if err := seedRisk(ctx, s); err != nil {
		return err
	}
	st := s.store
	t, err := st.RiskThresholds(ctx)
	if err != nil {
		return err
	}
	// One moment for every run, so each run reads the same windows.
	w := quality.RiskWindowsAt(time.Now(), t)
	if cfg.jit == "both" {
		return runRiskJIT(ctx, s, cfg, counts, w)
	}
	var checks int
	probes := riskProbes(st, w, &checks)
	var b strings.Builder
	fmt.Fprintf(&b, "\nrisk monitor benchmark: %d complaints (%d open) and %d events over the last 30 days\n",
		counts.All, counts.Open, counts.Events)
	e := describeEnv(s)
	fmt.Fprintf(&b, "%d runs per row after %d warm-up, one at a time, in %s on %s (%d CPUs), %s\n\n",
		cfg.consoleDataRequests, cfg.warmup, e.postgres, e.cpuModel, e.cpus, e.goVersion)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store call\tp50\tp95\tmax\tload avg 1/5/15 min after\t")
	var statements []pgStatement
	for i, p := range probes {
		s.say("%s: %d warm-up + %d runs", p.name, cfg.warmup, cfg.consoleDataRequests)
		for range cfg.warmup {
			if err := p.call(ctx); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
		}
		// The evaluation's statements, read over its measured runs only.
		observed := i == 0 && s.resetStatements(ctx)
		lats := make([]time.Duration, 0, cfg.consoleDataRequests)
		for range cfg.consoleDataRequests {
			start := time.Now()
			if err := p.call(ctx); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			lats = append(lats, time.Since(start))
		}
		if observed {
			statements = s.readStatements(ctx)
		}
		sum := summarize95(lats)
		s.say("%s: p50 %s p95 %s", p.name, ms(sum.p50), ms(sum.p95))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", p.name, ms(sum.p50), ms(sum.p95), ms(sum.max), loadAverage())
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nThe evaluation found %d checks. ", checks)
	if statements != nil {
		b.WriteString("Its statements over the measured runs, by execution time in PostgreSQL:\n\n" + describeStatements(statements))
	} else {
		b.WriteString("(pg_stat_statements not loaded: no per-statement times.)\n")
	}
	fmt.Print(b.String())
	if cfg.markdownOut != "" {
		return os.WriteFile(cfg.markdownOut, []byte(b.String()), 0o644)
	}
	return nil
}

// riskProbes are the store calls of the risk monitor's evaluation: the whole of
// it, then each call of it that runs on its own. checks, when not nil, gets the
// evaluation's count of checks.
func riskProbes(st *store.Store, w quality.RiskWindows, checks *int) []riskProbe {
	return []riskProbe{
		{"EvaluateRisks: the whole evaluation", func(ctx context.Context) error {
			ev, err := st.EvaluateRisks(ctx, w.At)
			if checks != nil {
				*checks = len(ev.Checks)
			}
			return err
		}},
		{"KPI check: Metrics over the KPI window", func(ctx context.Context) error {
			_, err := st.Metrics(ctx, w.KPI, w.At, "")
			return err
		}},
		{"training gaps: QA scores (TrainingScores)", func(ctx context.Context) error {
			_, err := st.TrainingScores(ctx, w.Training, w.At)
			return err
		}},
		{"training gaps: reopen rate (TrainingReopens)", func(ctx context.Context) error {
			_, err := st.TrainingReopens(ctx, w.Training, w.At)
			return err
		}},
		{"stale knowledge (KnowledgeDue)", func(ctx context.Context) error {
			_, err := st.KnowledgeDue(ctx)
			return err
		}},
	}
}

// seedRisk adds to the console month what the training-gap and knowledge checks
// read: the customer's reopenings of closed complaints (8 % of each agent's, 30 %
// of agents 1–5's, so some gaps fire), a QA sample of 10 % of them scored on four
// criteria, and 300 knowledge articles, some past their review. A reopening comes
// before the complaint's survey answer and closing, so it is the customer's
// verdict on the resolution.
func seedRisk(ctx context.Context, s *stack) error {
	stmts := []struct{ name, sql string }{
		{"reopenings", `INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, recorded_at, data)
			SELECT c.id, 'bench:' || c.id || ':reopened', 'reopened', '` + complaint.ActorCustomer + `', t.at, t.at,
				'{"status":"in_progress"}'
			FROM complaints c, LATERAL (SELECT c.resolved_at + (c.closed_at - c.resolved_at) / 2 AS at) t
			WHERE c.external_id LIKE 'bench-console-%' AND c.closed_at IS NOT NULL AND c.owner IS NOT NULL
			  AND abs(hashtext(c.id::text)) % 100 < CASE WHEN c.owner <= 'bench-a05' THEN 30 ELSE 8 END
			ORDER BY t.at`},
		{"QA samples", `INSERT INTO qa_samples (id, complaint_id, agent, closed_at, run_id, period_from, period_to,
				sampled_at, scores, criteria, total, scored_by, scored_at)
			SELECT md5('qa:' || c.id)::uuid, c.id, c.owner, c.closed_at, 'bench', c.closed_at - interval '1 day', c.closed_at,
				c.closed_at, jsonb_build_object('greeting', g, 'accuracy', a, 'empathy', e, 'resolution', r),
				'[{"key":"greeting","name":"Greeting","points":10},{"key":"accuracy","name":"Accuracy","points":40},
				  {"key":"empathy","name":"Empathy","points":20},{"key":"resolution","name":"Resolution","points":30}]',
				g + a + e + r, 'bench-quality', c.closed_at
			FROM complaints c, LATERAL (SELECT 4 + abs(hashtext(c.id::text || 'g')) % 7 AS g,
				CASE WHEN c.owner = 'bench-a02' THEN 10 ELSE 20 END + abs(hashtext(c.id::text || 'a')) % 21 AS a,
				8 + abs(hashtext(c.id::text || 'e')) % 13 AS e, 12 + abs(hashtext(c.id::text || 'r')) % 19 AS r) x
			WHERE c.external_id LIKE 'bench-console-%' AND c.closed_at IS NOT NULL AND c.owner IS NOT NULL
			  AND abs(hashtext(c.id::text || 'qa')) % 10 = 0`},
		{"knowledge articles", `INSERT INTO knowledge_articles (id, title, body, category, owner, review_every_days,
				reviewed_at, reviewed_by, created_at, created_by, updated_at, updated_by)
			SELECT md5('kb:' || k)::uuid, 'Bench article ' || k, 'How to handle case ' || k || '.',
				(SELECT category FROM complaints LIMIT 1), 'bench-a' || lpad((1 + k % 50)::text, 2, '0'), 90,
				now() - (k % 120) * interval '1 day', 'bench', now() - interval '200 days', 'bench', now(), 'bench'
			FROM generate_series(1, 300) k`},
		{"analyze", `ANALYZE complaint_events; ANALYZE qa_samples; ANALYZE knowledge_articles`},
	}
	for _, st := range stmts {
		start := time.Now()
		res, err := s.store.DB().ExecContext(ctx, st.sql)
		if err != nil {
			return fmt.Errorf("seed %s: %w", st.name, err)
		}
		n, _ := res.RowsAffected()
		s.say("seeded %-28s %7d rows in %s", st.name, n, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
