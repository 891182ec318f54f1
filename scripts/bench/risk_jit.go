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
// the same seeded database, each run of a call on both arms back to back so that
// the other load of a shared machine drifts over both arms alike, the arm that goes
// first alternating (jitOrder) so that neither always finds the other's warmed cache.
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
	fmt.Fprintf(&b, "%d runs per arm and row after %d warm-up, the arms interleaved and taking turns to go first, one call at a time, in %s on %s (%d CPUs), %s; load average %s at the start\n\n",
		cfg.consoleDataRequests, cfg.warmup, e.postgres, e.cpuModel, e.cpus, e.goVersion, loadAverage())
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store call\ton p50\ton p95\toff p50\toff p95\toff/on p50\toff/on p95\t2nd/1st p50\tload avg 1/5/15 min after\t")
	for i := range arms[0] {
		name := arms[0][i].name
		s.say("%s: %d warm-up + %d runs per arm, interleaved", name, cfg.warmup, cfg.consoleDataRequests)
		t, err := timeArms(ctx, cfg.warmup, cfg.consoleDataRequests, [2]func(context.Context) error{arms[0][i].call, arms[1][i].call})
		if err != nil {
			return fmt.Errorf("%s, %w", name, err)
		}
		on, off := summarize95(t.arm[0]), summarize95(t.arm[1])
		first, second := summarize95(t.place[0]), summarize95(t.place[1])
		s.say("%s: p50 on %s off %s", name, ms(on.p50), ms(off.p50))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t\n", name, ms(on.p50), ms(on.p95), ms(off.p50), ms(off.p95),
			float64(off.p50)/float64(on.p50), float64(off.p95)/float64(on.p95), float64(second.p50)/float64(first.p50), loadAverage())
	}
	tw.Flush()
	fmt.Print(b.String())
	if cfg.markdownOut != "" {
		return os.WriteFile(cfg.markdownOut, []byte(b.String()), 0o644)
	}
	return nil
}

// jitOrder is the order of the arms on a run: they take turns to go first, the
// measured runs starting with on, so that each arm goes first on half of them and
// the one that goes second — finding the shared buffers and the page cache the
// other warmed — is not always the same.
func jitOrder(run, warmup int) [2]int {
	if (run+warmup)%2 == 0 {
		return [2]int{0, 1}
	}
	return [2]int{1, 0}
}

// armTimes are a call's measured latencies by arm (jitArms) and by place in the run
// (first, second), each place holding both arms alike.
type armTimes struct {
	arm, place [2][]time.Duration
}

// timeArms runs warmup+runs rounds of the two arms' calls, in jitOrder, one call
// at a time, and keeps the latencies of the rounds after the warm-up.
func timeArms(ctx context.Context, warmup, runs int, calls [2]func(context.Context) error) (armTimes, error) {
	var t armTimes
	for run := range warmup + runs {
		for place, a := range jitOrder(run, warmup) {
			start := time.Now()
			if err := calls[a](ctx); err != nil {
				return t, fmt.Errorf("jit %s: %w", jitArms[a], err)
			}
			if run >= warmup {
				d := time.Since(start)
				t.arm[a] = append(t.arm[a], d)
				t.place[place] = append(t.place[place], d)
			}
		}
	}
	return t, nil
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
