package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// jitArms are -jit both's two sessions on the same database.
var jitArms = [2]string{"on", "off"}

// runRiskJIT times the store's reports over a period (the risk monitor's calls and
// the dashboard's) with the sessions' jit on and with it off: a pool per arm on
// the same seeded database, each run of a call on one arm followed by one on the
// other (on, off, on, off …), so that the other load of a shared machine drifts
// over both arms alike.
func runRiskJIT(ctx context.Context, s *stack, cfg config, counts seedCounts, w quality.RiskWindows) error {
	var arms [2][]riskProbe
	for i, jit := range jitArms {
		st, err := store.Open(ctx, withSessionSetting(s.dsn, "jit", jit))
		if err != nil {
			return err
		}
		defer st.Close()
		// Checked, not trusted: a pooler or a DSN could have dropped the setting.
		var got string
		if err := st.DB().GetContext(ctx, &got, `SHOW jit`); err != nil || got != jit {
			return fmt.Errorf("jit %s arm: SHOW jit = %q (%v)", jit, got, err)
		}
		arms[i] = append(riskProbes(st, w, nil), reportProbes(st, w.At.Add(-30*24*time.Hour), w.At)...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nreports with jit on and off: %d complaints (%d open) and %d events over the last 30 days\n",
		counts.All, counts.Open, counts.Events)
	e := describeEnv(s)
	fmt.Fprintf(&b, "%d runs per arm and row after %d warm-up, the arms interleaved, one call at a time, in %s on %s (%d CPUs), %s; load average %s at the start\n\n",
		cfg.consoleDataRequests, cfg.warmup, e.postgres, e.cpuModel, e.cpus, e.goVersion, loadAverage())
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store call\ton p50\ton p95\toff p50\toff p95\toff/on p50\toff/on p95\tload avg 1/5/15 min after\t")
	for i := range arms[0] {
		name := arms[0][i].name
		s.say("%s: %d warm-up + %d runs per arm, interleaved", name, cfg.warmup, cfg.consoleDataRequests)
		var lats [2][]time.Duration
		for run := range cfg.warmup + cfg.consoleDataRequests {
			for a := range arms {
				start := time.Now()
				if err := arms[a][i].call(ctx); err != nil {
					return fmt.Errorf("%s, jit %s: %w", name, jitArms[a], err)
				}
				if run >= cfg.warmup {
					lats[a] = append(lats[a], time.Since(start))
				}
			}
		}
		on, off := summarize95(lats[0]), summarize95(lats[1])
		s.say("%s: p50 on %s off %s", name, ms(on.p50), ms(off.p50))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%s\t\n", name, ms(on.p50), ms(on.p95), ms(off.p50), ms(off.p95),
			float64(off.p50)/float64(on.p50), float64(off.p95)/float64(on.p95), loadAverage())
	}
	tw.Flush()
	fmt.Print(b.String())
	if cfg.markdownOut != "" {
		return os.WriteFile(cfg.markdownOut, []byte(b.String()), 0o644)
	}
	return nil
}

// reportProbes are the dashboard's and the reviews' reports over [from, to) that
// the store plans for each run (planEachRun), called as the API calls them.
func reportProbes(st *store.Store, from, to time.Time) []riskProbe {
	return []riskProbe{
		{"Metrics: month, total", func(ctx context.Context) error {
			_, err := st.Metrics(ctx, from, to, "")
			return err
		}},
		{"Metrics: month by category", func(ctx context.Context) error {
			_, err := st.Metrics(ctx, from, to, "category")
			return err
		}},
		{"Heatmap: month, 20 keywords", func(ctx context.Context) error {
			_, err := st.Heatmap(ctx, store.HeatmapQuery{From: from, To: to, Source: store.HeatmapAll, Limit: 20})
			return err
		}},
		{"SentimentShares: month", func(ctx context.Context) error {
			_, _, err := st.SentimentShares(ctx, from, to)
			return err
		}},
		{"KeywordTrends: month, complaints", func(ctx context.Context) error {
			_, err := st.KeywordTrends(ctx, "complaints", from.Add(-30*24*time.Hour), from, to, 20)
			return err
		}},
		{"KeywordCounts: month", func(ctx context.Context) error {
			_, err := st.KeywordCounts(ctx, from, to, quality.DefaultReviewRules().KeywordClusterMin)
			return err
		}},
		{"RootCauses: month", func(ctx context.Context) error {
			_, err := st.RootCauses(ctx, from, to)
			return err
		}},
		{"QAScores: month", func(ctx context.Context) error {
			_, err := st.QAScores(ctx, from, to)
			return err
		}},
	}
}

// withSessionSetting sets a PostgreSQL setting for every session of dsn, as a
// lib/pq run-time parameter (lib/pq sends the keys it does not know itself in the
// startup message), replacing the DSN's own.
func withSessionSetting(dsn, name, value string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set(name, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + name + "=" + value // lib/pq keeps a key's last value
}
