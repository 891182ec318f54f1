package api_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// getCSV GETs path as quality with format=csv in the query or Accept: text/csv, and
// parses the answer.
func getCSV(t *testing.T, a *directoryAPI, path, accept string) ([][]string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.tokens[auth.RoleQuality])
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatalf("%s: not CSV: %v\n%s", path, err, raw)
	}
	return rows, resp.Header
}

// cell is a JSON value as the CSV writes it: a number in its shortest form, null empty.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	panic("unexpected JSON value")
}

// jsonRows is a header's columns read from each JSON object, through get.
func jsonRows(header []string, objects []any, get func(o map[string]any, column string) any) [][]string {
	var out [][]string
	for _, o := range objects {
		row := make([]string, len(header))
		for i, h := range header {
			row[i] = cell(get(o.(map[string]any), h))
		}
		out = append(out, row)
	}
	return out
}

// The efficiency view, the service-star ranking and the QA scores answer CSV
// (format=csv or Accept: text/csv) with the JSON's figures: ann's complaint of 2
// March was scored 85 (15 + 25 + 20 + 25) that day, bob's sample awaits a score.
func TestPerformanceViewsAndQAScoresAnswerCSV(t *testing.T) {
	a := newDirectoryAPI(t)
	seriesFixture(t, a)
	ctx := context.Background()
	var closed []quality.ClosedComplaint
	if err := a.store.DB().Select(&closed, `SELECT id, owner, created_at AS closed_at, false AS sampled
		FROM complaints WHERE owner IN ('ann', 'bob') ORDER BY owner`); err != nil {
		t.Fatal(err)
	}
	march := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if n, err := a.store.AddQASamples(ctx, "qa-run", march, march.AddDate(0, 0, 7), closed); err != nil || n != 2 {
		t.Fatalf("added %d samples: %v", n, err)
	}
	samples, err := a.store.QASamples(ctx, store.QASampleFilter{Agent: "ann", Limit: 10})
	if err != nil || len(samples) != 1 {
		t.Fatalf("ann's samples %v %v", samples, err)
	}
	card := quality.DefaultQAScorecard()
	if _, err := a.store.ScoreQASample(ctx, samples[0].ID, card.Criteria,
		map[string]int{"response_speed": 15, "resolution": 25, "attitude": 20, "expertise": 25}, 85, nil, "quinn",
		time.Date(2025, 3, 2, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}

	// The efficiency view of 2 March: ann (QA 85) and bob.
	view := a.call(auth.RoleQuality, "GET", "/v1/metrics/efficiency?date=2025-03-02", "")
	for _, ask := range []struct{ query, accept string }{{"&format=csv", ""}, {"", "text/csv"}} {
		rows, _ := getCSV(t, a, "/v1/metrics/efficiency?date=2025-03-02"+ask.query, ask.accept)
		want := jsonRows(rows[0], view.body["agents"].([]any), func(o map[string]any, c string) any {
			if c == "date" {
				return view.body["date"]
			}
			return o[c]
		})
		if !slices.Equal(rows[0], []string{"date", "owner", "handled", "resolved", "handling_seconds", "sla_compliance_pct", "csat_satisfied_pct", "qa_score"}) ||
			len(rows) != 3 || !slices.EqualFunc(rows[1:], want, slices.Equal) || rows[1][7] != "85" {
			t.Errorf("efficiency CSV %q, want the JSON's %q", rows, want)
		}
	}

	// The ranking of March: the inputs and the weights in force.
	stars := a.call(auth.RoleQuality, "GET", "/v1/metrics/service-stars?month=2025-03", "")
	rows, _ := getCSV(t, a, "/v1/metrics/service-stars?month=2025-03&format=csv", "")
	want := jsonRows(rows[0], stars.body["agents"].([]any), func(o map[string]any, c string) any {
		switch {
		case c == "month":
			return stars.body["month"]
		case c == "rank" && o[c] == 0.0:
			return nil
		case strings.HasPrefix(c, "weight_"):
			return stars.body["weights"].(map[string]any)[strings.TrimPrefix(c, "weight_")]
		case slices.Contains([]string{"quality", "satisfaction", "resolution", "teamwork"}, c):
			return o["inputs"].(map[string]any)[c]
		}
		return o[c]
	})
	if len(rows) != 3 || rows[0][8] != "score" || !slices.EqualFunc(rows[1:], want, slices.Equal) || rows[1][2] != "ann" || rows[1][4] != "85" {
		t.Errorf("service-stars CSV %q, want the JSON's %q", rows, want)
	}

	// The QA scores, one page of one sample at a time: the Link header leads on.
	queue := a.call(auth.RoleQuality, "GET", "/v1/qa-queue", "")
	var got [][]string
	path := "/v1/qa-queue?limit=1&format=csv"
	for range 3 {
		rows, header := getCSV(t, a, path, "")
		if rows[0][8] != "scores" {
			t.Fatalf("QA CSV header %q", rows[0])
		}
		got = append(got, rows[1:]...)
		link := header.Get("Link")
		if link == "" {
			break
		}
		path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
	}
	want = jsonRows([]string{"id", "complaint_id", "agent", "closed_at", "sampled_at", "scored_at", "scored_by", "total", "scores", "note"},
		queue.body["items"].([]any), func(o map[string]any, c string) any {
			if c != "scores" || o["scores"] == nil {
				if c == "scores" {
					return ""
				}
				return o[c]
			}
			var parts []string
			for _, cr := range o["criteria"].([]any) {
				key := cr.(map[string]any)["key"].(string)
				parts = append(parts, key+"="+cell(o["scores"].(map[string]any)[key]))
			}
			return strings.Join(parts, "; ")
		})
	if len(got) != 2 || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("QA CSV pages %q, want the JSON's %q", got, want)
	}
	if !slices.ContainsFunc(got, func(r []string) bool {
		return r[2] == "ann" && r[7] == "85" && r[8] == "response_speed=15; resolution=25; attitude=20; expertise=25"
	}) {
		t.Errorf("ann's score not in %q", got)
	}
	if r := a.call(auth.RoleQuality, "GET", "/v1/qa-queue?format=pdf", ""); r.status != 400 || r.fields()[0] != "format" {
		t.Errorf("format=pdf: %d %v", r.status, r.body)
	}
}
