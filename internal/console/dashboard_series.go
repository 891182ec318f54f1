package console

import (
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// intervalOrder is the interval picker's order: GET /v1/metrics' interval values.
var intervalOrder = []string{"day", "week", "month"}

// series calls GET /v1/metrics for [from, to) grouped by groupBy and cut at the
// interval (UTC), and returns each point as a report, with the buckets they cover.
func (c *Console) series(r *http.Request, from, to time.Time, groupBy, interval string) ([]apiclient.MetricsReport, []bucket, *refusal, error) {
	var m apiclient.MetricsReport
	g, i := apiclient.MetricsGrouping(groupBy), apiclient.MetricsInterval(interval)
	params := &apiclient.GetMetricsParams{From: &from, To: &to, GroupBy: &g, Interval: &i}
	if ref, err := into(&m)(c.client.GetMetrics(r.Context(), params)); err != nil || ref != nil {
		return nil, nil, ref, err
	}
	reports := make([]apiclient.MetricsReport, len(m.Series))
	cut := make([]bucket, len(m.Series))
	for k, p := range m.Series {
		reports[k] = apiclient.MetricsReport{From: p.From, To: p.To, Total: p.Total, Groups: p.Groups}
		cut[k] = bucket{From: p.From, To: p.To, Label: bucketLabel(p.From, interval)}
	}
	return reports, cut, nil, nil
}

// bucketLabel names a bucket as the week and month buckets always were.
func bucketLabel(from time.Time, interval string) string {
	switch interval {
	case "month":
		return from.UTC().Format("2006-01")
	case "week":
		return "week of " + from.UTC().Format(time.DateOnly)
	}
	return from.UTC().Format(time.DateOnly)
}
