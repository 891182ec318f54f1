package console

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The dashboard draws GET /v1/metrics per week or month and GET /v1/heatmap over the
// whole period. It computes nothing but the buckets' bounds and the layout: every
// figure is the API's, shown as a chart, as a table, and as that table's CSV.

// bucket is one week (from Monday 00:00 UTC) or calendar month of the period.
type bucket struct {
	Label string    `json:"label"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

// buckets are the period's n weeks or months ending with the one now is in, oldest
// first; the last one ends in the future, so today's complaints count.
func buckets(period string, now time.Time) []bucket {
	p := periods[period]
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	out := make([]bucket, 0, p.n)
	for i := p.n - 1; i >= 0; i-- {
		var b bucket
		if p.month {
			b.From = time.Date(now.Year(), now.Month()-time.Month(i), 1, 0, 0, 0, 0, time.UTC)
			b.To = b.From.AddDate(0, 1, 0)
			b.Label = b.From.Format("2006-01")
		} else {
			monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
			b.From = monday.AddDate(0, 0, -7*i)
			b.To = b.From.AddDate(0, 0, 7)
			b.Label = "week of " + b.From.Format(time.DateOnly)
		}
		out = append(out, b)
	}
	return out
}

// column is a table's column: its heading and the API field it shows.
type column struct {
	Head string `json:"name"`
	Key  string `json:"id"`
}

// dashRow is a table row: its label (a bucket, a group, a keyword) and its values;
// nil is the API's null (a rate without a denominator).
type dashRow struct {
	Label  string
	Values []*float64
}

// dashTable is one table of the dashboard; its HTML and its CSV are rendered from it,
// so the download holds exactly the values shown.
type dashTable struct {
	ID      string
	Caption string
	First   string // the first column's heading
	Cols    []column
	Rows    []dashRow
}

// cell is a value as the table and the CSV print it: empty for null.
func cell(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// Records are the table as CSV records, heading first.
func (t dashTable) Records() [][]string {
	head := []string{t.First}
	for _, c := range t.Cols {
		head = append(head, c.Head)
	}
	out := [][]string{head}
	for _, r := range t.Rows {
		rec := []string{r.Label}
		for _, v := range r.Values {
			rec = append(rec, cell(v))
		}
		out = append(out, rec)
	}
	return out
}

// dashChart is one chart as static/dashboard.js reads it from a data- attribute.
type dashChart struct {
	ID     string       `json:"id"`
	Kind   string       `json:"kind"` // bar (stacked), line or heatmap
	Title  string       `json:"title"`
	Unit   string       `json:"unit"`
	X      []string     `json:"x"`
	Y      []string     `json:"y,omitempty"`
	Series []chartLine  `json:"series,omitempty"`
	Cells  [][3]float64 `json:"cells,omitempty"`
	Max    float64      `json:"max,omitempty"`
	Table  string       `json:"table"`
	// Count: the figures are counts (complaints, feedback), so the value axis
	// steps by whole numbers, never "0.2 complaints".
	Count bool `json:"count,omitempty"`
}

// counted is the chart of counts c.
func counted(c dashChart) dashChart { c.Count = true; return c }

// chartLine is one series: its id is the API field it plots.
type chartLine struct {
	column
	Data []*float64 `json:"data"`
}

// JSON is the chart for its data- attribute.
func (c dashChart) JSON() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// plot draws the given columns of t (all when none) against its row labels.
func plot(id, kind, title, unit string, t dashTable, cols ...int) dashChart {
	ch := dashChart{ID: id, Kind: kind, Title: title, Unit: unit, Table: t.ID, X: []string{}}
	for _, r := range t.Rows {
		ch.X = append(ch.X, r.Label)
	}
	if len(cols) == 0 {
		for i := range t.Cols {
			cols = append(cols, i)
		}
	}
	for _, i := range cols {
		line := chartLine{column: t.Cols[i], Data: []*float64{}}
		for _, r := range t.Rows {
			line.Data = append(line.Data, r.Values[i])
		}
		ch.Series = append(ch.Series, line)
	}
	return ch
}

// dashboard is everything the page shows.
type dashboard struct {
	dashView
	Buckets  []bucket
	Tables   map[string]dashTable
	Sections []section
}

// section is a table with the charts drawn from it, in the page's order.
type section struct {
	Table  dashTable
	Charts []dashChart
}

// From and To bound the whole period.
func (d dashboard) From() time.Time { return d.Buckets[0].From }
func (d dashboard) To() time.Time   { return d.Buckets[len(d.Buckets)-1].To }

// Unit is the bucket's size in words.
func (d dashboard) Unit() string { return d.Interval }

// BucketsJSON are the buckets' bounds, for the page's readers and tests.
func (d dashboard) BucketsJSON() string {
	b, _ := json.Marshal(d.Buckets)
	return string(b)
}

// metrics calls GET /v1/metrics for [from, to), grouped when groupBy is not empty.
func (c *Console) metrics(r *http.Request, from, to time.Time, groupBy string) (apiclient.MetricsReport, *refusal, error) {
	var m apiclient.MetricsReport
	params := &apiclient.GetMetricsParams{From: &from, To: &to}
	if groupBy != "" {
		g := apiclient.MetricsGrouping(groupBy)
		params.GroupBy = &g
	}
	ref, err := into(&m)(c.client.GetMetrics(r.Context(), params))
	return m, ref, err
}

// buildDashboard makes the dashboard's calls and lays out its tables and charts.
func (c *Console) buildDashboard(r *http.Request, lang string, v dashView) (dashboard, *refusal, error) {
	d := dashboard{dashView: v, Buckets: buckets(v.Period, time.Now()), Tables: map[string]dashTable{}}
	interval, groupBy := v.Interval, v.GroupBy
	from, to := d.From(), d.To()
	// One series call per grouping: the API cuts the period at the interval.
	byChannel, cut, ref, err := c.series(r, from, to, "channel", interval)
	if err != nil || ref != nil {
		return d, ref, err
	}
	byCategory, _, ref, err := c.series(r, from, to, "category", interval)
	if err != nil || ref != nil {
		return d, ref, err
	}
	d.Buckets = cut
	whole, ref, err := c.metrics(r, from, to, groupBy)
	if err != nil || ref != nil {
		return d, ref, err
	}
	var heat apiclient.Heatmap
	fromS, toS := from.Format(time.RFC3339), to.Format(time.RFC3339)
	if ref, err := into(&heat)(c.client.Heatmap(r.Context(), &apiclient.HeatmapParams{From: &fromS, To: &toS})); err != nil || ref != nil {
		return d, ref, err
	}

	tr := func(id string) string { return translate(lang, id) }
	add := func(t dashTable) dashTable { t = localized(t, lang); d.Tables[t.ID] = t; return t }
	ch := add(volumeTable("volume-channel", "Complaints opened, by channel", d.Buckets, byChannel))
	ca := add(volumeTable("volume-category", "Complaints opened, by category", d.Buckets, byCategory))
	rates := add(seriesTable("rates", "Rates (%)", d.Buckets, byChannel, rateCols))
	times := add(seriesTable("times", "First response and resolution (hours)", d.Buckets, byChannel, timeCols))
	voice := add(seriesTable("voice", "Customer voice", d.Buckets, byChannel, voiceCols))
	wait := add(seriesTable("wait", "Customer wait", d.Buckets, byChannel, waitCols))
	// The share is within the register's target, which the chart names (002 §7.1: 90 s).
	target := fmt.Sprintf(tr("dash.wait.target"), whole.WaitTargetSeconds)
	hm := add(heatTable(heat))
	br := add(breakdownTable(groupBy, whole))
	rc := add(recoveryTable(whole.Total.RecoveryCost))
	sc := add(sentimentTable("sentiment-category", translate(lang, "dash.cap.sentiment-category"), "category", whole.Sentiment.ByCategory, lang))
	sn := add(sentimentTable("sentiment-channel", translate(lang, "dash.cap.sentiment-channel"), "channel", whole.Sentiment.ByChannel, lang))
	d.Sections = []section{
		{ch, []dashChart{counted(plot("chart-volume-channel", "bar", ch.Caption, tr("dash.unit.complaints"), ch, seq(len(ch.Cols)-1)...))}},
		{ca, []dashChart{counted(plot("chart-volume-category", "bar", ca.Caption, tr("dash.unit.complaints"), ca, seq(len(ca.Cols)-1)...))}},
		{rates, []dashChart{plot("chart-rates", "line", tr("dash.chart.rates"), "%", rates)}},
		{times, []dashChart{plot("chart-times", "line", tr("dash.chart.times"), tr("dash.unit.hours"), times)}},
		{voice, []dashChart{plot("chart-nps", "line", "NPS", "−100 … 100", voice, 0),
			plot("chart-ces", "line", tr("dash.chart.ces"), "1 … 7", voice, 1)}},
		{wait, []dashChart{plot("chart-wait", "line", tr("dash.chart.wait")+" "+target, tr("dash.unit.seconds"), wait, 0, 1),
			plot("chart-wait-share", "line", tr("dash.chart.wait-share")+" "+target, "%", wait, 2)}},
		{hm, []dashChart{heatChart(hm, tr("dash.unit.mentions"))}},
		{br, []dashChart{counted(plot("chart-breakdown", "bar", tr("dash.chart.breakdown")+" "+tr("dash.group."+groupBy), tr("dash.unit.complaints"), groupsOnly(br), 0))}},
		{rc, nil},
		{sc, []dashChart{counted(plot("chart-sentiment-category", "bar", sc.Caption, translate(lang, "dash.sentiment.unit"), sc, 0, 1, 2))}},
		{sn, []dashChart{counted(plot("chart-sentiment-channel", "bar", sn.Caption, translate(lang, "dash.sentiment.unit"), sn, 0, 1, 2))}},
	}
	return d, nil, nil
}

// localized is the table in lang: its caption, first column, the headings of the
// API's figures, the row labels the console made ("week of …", "total") and the
// API's enum values that name columns or rows (a channel, a category, an urgency;
// values.go). A keyword, an owner or a team stays as it is.
func localized(t dashTable, lang string) dashTable {
	t.Caption = translate(lang, "dash.cap."+t.ID)
	if t.ID == "breakdown" {
		t.Caption += " " + translate(lang, "dash.group."+t.First)
	}
	colsOf := map[string]string{"volume-channel": "channel", "volume-category": "category", "heatmap": "category"}[t.ID]
	rowsOf := ""
	if t.ID == "breakdown" || strings.HasPrefix(t.ID, "sentiment-") {
		rowsOf = t.First
	}
	t.First = translate(lang, "dash.first."+t.First)
	cols := make([]column, len(t.Cols))
	for i, c := range t.Cols {
		if c.Head == "total" {
			c.Head = translate(lang, "dash.total")
		} else if _, ok := messages["dash.col."+c.Key]; ok {
			c.Head = translate(lang, "dash.col."+c.Key)
		} else if colsOf != "" {
			c.Head = enumName(lang, colsOf, c.Key)
		}
		cols[i] = c
	}
	t.Cols = cols
	rows := make([]dashRow, len(t.Rows))
	for i, r := range t.Rows {
		if rest, ok := strings.CutPrefix(r.Label, "week of "); ok {
			r.Label = translate(lang, "dash.weekof") + " " + rest
		} else if r.Label == "total" {
			r.Label = translate(lang, "dash.total")
		} else if rowsOf != "" {
			r.Label = enumName(lang, rowsOf, r.Label)
		}
		rows[i] = r
	}
	t.Rows = rows
	return t
}

// seq is 0, 1, …, n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// field reads one figure of a metrics group.
type field struct {
	column
	get func(apiclient.MetricsGroup) *float64
}

func count(n int64) *float64 { f := float64(n); return &f }

// hours turns the API's seconds into hours, to 2 decimals.
func hours(s *float64) *float64 {
	if s == nil {
		return nil
	}
	h := math.Round(*s/36) / 100
	return &h
}

var rateCols = []field{
	{column{"SLA compliance %", "sla_compliance_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.SlaCompliancePct }},
	{column{"escalation rate %", "escalation_rate_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.EscalationRatePct }},
	{column{"reopen rate %", "reopen_rate_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.ReopenRatePct }},
	{column{"FCR %", "fcr_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.FcrPct }},
	{column{"CSAT satisfied %", "csat_satisfied_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.CsatSatisfiedPct }},
	{column{"loop closure %", "loop_closure_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.LoopClosurePct }},
}

var timeCols = []field{
	{column{"first response p50 (h)", "first_response_p50"}, func(g apiclient.MetricsGroup) *float64 { return hours(g.FirstResponseSeconds.P50) }},
	{column{"first response p90 (h)", "first_response_p90"}, func(g apiclient.MetricsGroup) *float64 { return hours(g.FirstResponseSeconds.P90) }},
	{column{"resolution p50 (h)", "resolution_p50"}, func(g apiclient.MetricsGroup) *float64 { return hours(g.ResolutionSeconds.P50) }},
	{column{"resolution p90 (h)", "resolution_p90"}, func(g apiclient.MetricsGroup) *float64 { return hours(g.ResolutionSeconds.P90) }},
}

// waitCols are the customers' wait before reaching a person (002 §7.1), in seconds
// as the API gives it, and the share within the target.
var waitCols = []field{
	{column{"wait p50 (s)", "wait_p50"}, func(g apiclient.MetricsGroup) *float64 { return g.WaitSeconds.P50 }},
	{column{"wait p90 (s)", "wait_p90"}, func(g apiclient.MetricsGroup) *float64 { return g.WaitSeconds.P90 }},
	{column{"wait within target %", "wait_within_pct"}, func(g apiclient.MetricsGroup) *float64 { return g.WaitSeconds.WithinTargetPct }},
	{column{"waits filed", "wait_count"}, func(g apiclient.MetricsGroup) *float64 { return count(g.WaitSeconds.Count) }},
}

var voiceCols = []field{
	{column{"NPS", "nps"}, func(g apiclient.MetricsGroup) *float64 { return g.Nps }},
	{column{"CES", "ces"}, func(g apiclient.MetricsGroup) *float64 { return g.Ces }},
	{column{"CSAT answers", "csat_answers"}, func(g apiclient.MetricsGroup) *float64 { return count(g.CsatAnswers) }},
	{column{"NPS answers", "nps_answers"}, func(g apiclient.MetricsGroup) *float64 { return count(g.NpsAnswers) }},
	{column{"CES answers", "ces_answers"}, func(g apiclient.MetricsGroup) *float64 { return count(g.CesAnswers) }},
}

// seriesTable is one row per bucket of the total's fields.
func seriesTable(id, caption string, bs []bucket, ms []apiclient.MetricsReport, fs []field) dashTable {
	t := dashTable{ID: id, Caption: caption, First: "period"}
	for _, f := range fs {
		t.Cols = append(t.Cols, f.column)
	}
	for i, b := range bs {
		row := dashRow{Label: b.Label}
		for _, f := range fs {
			row.Values = append(row.Values, f.get(ms[i].Total))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// volumeTable is one row per bucket of the volume of each group met in any bucket
// (0 where a bucket has none of it), then the total.
func volumeTable(id, caption string, bs []bucket, ms []apiclient.MetricsReport) dashTable {
	var keys []string
	for _, m := range ms {
		for _, g := range m.Groups {
			if k := key(g); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	t := dashTable{ID: id, Caption: caption, First: "period"}
	for _, k := range keys {
		t.Cols = append(t.Cols, column{k, k})
	}
	t.Cols = append(t.Cols, column{"total", "volume"})
	for i, b := range bs {
		row := dashRow{Label: b.Label}
		for _, k := range keys {
			var n int64
			for _, g := range ms[i].Groups {
				if key(g) == k {
					n = g.Volume
				}
			}
			row.Values = append(row.Values, count(n))
		}
		row.Values = append(row.Values, count(ms[i].Total.Volume))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func key(g apiclient.MetricsGroup) string {
	if g.Key == nil {
		return ""
	}
	return *g.Key
}

// breakdownCols are the breakdown table's figures per group.
var breakdownCols = slices.Concat([]field{
	{column{"volume", "volume"}, func(g apiclient.MetricsGroup) *float64 { return count(g.Volume) }},
}, rateCols, timeCols, voiceCols[:2], waitCols[:3])

// breakdownTable is one row per group of the whole period, then the total.
func breakdownTable(groupBy string, m apiclient.MetricsReport) dashTable {
	t := dashTable{ID: "breakdown", Caption: "The whole period by " + groupBy, First: groupBy}
	for _, f := range breakdownCols {
		t.Cols = append(t.Cols, f.column)
	}
	for _, g := range append(m.Groups, m.Total) {
		row := dashRow{Label: key(g)}
		if g.Key == nil {
			row.Label = "total"
		}
		for _, f := range breakdownCols {
			row.Values = append(row.Values, f.get(g))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// sentimentTable is one row per category or channel: the feedback of the whole
// period counted by the sentiment of its text, as GET /v1/metrics reports it
// (praise next to complaints, issue 16); the chart stacks the first three.
func sentimentTable(id, caption, first string, shares []apiclient.SentimentShare, lang string) dashTable {
	t := dashTable{ID: id, Caption: caption, First: first}
	for _, k := range []string{"negative", "neutral", "positive", "angry", "feedback"} {
		t.Cols = append(t.Cols, column{translate(lang, "dash.sentiment."+k), k})
	}
	for _, sh := range shares {
		t.Rows = append(t.Rows, dashRow{Label: sh.Key, Values: []*float64{
			count(sh.Negative), count(sh.Neutral), count(sh.Positive), count(sh.Angry), count(sh.Feedback)}})
	}
	return t
}

// groupsOnly is the breakdown without its total row, for its chart.
func groupsOnly(t dashTable) dashTable {
	t.Rows = t.Rows[:len(t.Rows)-1]
	return t
}

// heatTable is one row per keyword: its count in each category, then its total.
func heatTable(h apiclient.Heatmap) dashTable {
	t := dashTable{ID: "heatmap", Caption: "Keywords by category (complaints and feedback)", First: "keyword"}
	for _, c := range h.Categories {
		t.Cols = append(t.Cols, column{string(c), string(c)})
	}
	t.Cols = append(t.Cols, column{"total", "total"})
	for _, it := range h.Items {
		row := dashRow{Label: it.Keyword}
		for _, c := range h.Categories {
			row.Values = append(row.Values, count(int64(it.Counts[string(c)])))
		}
		row.Values = append(row.Values, count(int64(it.Total)))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// heatChart draws the heat map: categories across, keywords down, [x, y, count].
func heatChart(t dashTable, unit string) dashChart {
	ch := dashChart{ID: "chart-heatmap", Kind: "heatmap", Title: t.Caption, Unit: unit, Table: t.ID,
		X: []string{}, Y: []string{}, Cells: [][3]float64{}}
	cats := t.Cols[:len(t.Cols)-1]
	for _, c := range cats {
		ch.X = append(ch.X, c.Head)
	}
	for y, r := range t.Rows {
		ch.Y = append(ch.Y, r.Label)
		for x := range cats {
			v := *r.Values[x]
			ch.Cells = append(ch.Cells, [3]float64{float64(x), float64(y), v})
			ch.Max = max(ch.Max, v)
		}
	}
	return ch
}

// registerDashboard adds the dashboard's routes, and parses its page.
func (c *Console) registerDashboard(mux *routeMux) {
	c.pages["dashboard"] = template.Must(template.New("layout.html").Funcs(funcs).Funcs(dashFuncs).ParseFS(templateFiles,
		"templates/layout.html", "templates/rows.html", "templates/dashboard.html"))
	mux.Handle("GET /console/dashboard", c.session(c.dashboardPage))
	mux.Handle("GET /console/dashboard/figures", c.session(c.dashboardFigures))
	mux.Handle("GET /console/dashboard.csv", c.session(c.dashboardCSV))
}

// dashboardPage shows the charts and their tables; a refusal of the API (a role
// without access) is shown as its message.
func (c *Console) dashboardPage(w http.ResponseWriter, r *http.Request) {
	v, bad := dashFilters(r)
	data := map[string]any{"V": v, "Periods": periodOrder, "Groupings": groupings, "Intervals": intervalOrder}
	if c.refusedPageWith(w, r, "dashboard", data, bad, nil) {
		return
	}
	d, ref, err := c.buildDashboard(r, langOf(r), v)
	if c.refusedPageWith(w, r, "dashboard", data, ref, err) {
		return
	}
	figures, err := c.part(c.pages["dashboard"], "figures", map[string]any{"D": d, "Lang": langOf(r)})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	data["D"], data["Figures"] = d, figures
	c.render(w, r, http.StatusOK, "dashboard", data)
}

// dashboardFigures is the page's figures alone (its note, charts and tables),
// which the open page fetches every Refresh seconds and swaps when they changed:
// the dashboard has no forms to lose.
func (c *Console) dashboardFigures(w http.ResponseWriter, r *http.Request) {
	d, ok := c.plainDashboard(w, r)
	if !ok {
		return
	}
	c.partAnswer(w, r, c.pages["dashboard"], "figures", map[string]any{"D": d, "Lang": langOf(r)})
}

// plainDashboard builds the dashboard of r's filters for an answer that is not the
// page (its figures, a download), or answers a bad filter or the API's refusal in
// plain text and reports false.
func (c *Console) plainDashboard(w http.ResponseWriter, r *http.Request) (dashboard, bool) {
	v, bad := dashFilters(r)
	if bad != nil {
		http.Error(w, bad.Detail+": "+fmt.Sprint(bad.Fields), bad.Status)
		return dashboard{}, false
	}
	d, ref, err := c.buildDashboard(r, langOf(r), v)
	return d, !c.refusedPlain(w, r, ref, err)
}

// dashboardCSV downloads one table of the dashboard, for the same filters.
func (c *Console) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	d, ok := c.plainDashboard(w, r)
	if !ok {
		return
	}
	t, ok := d.Tables[r.URL.Query().Get("table")]
	if !ok {
		http.Error(w, "no such table; use one of the dashboard's download links", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="complaintflow-%s-%s.csv"`, t.ID, d.Period))
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(t.Records()); err != nil {
		c.log.ErrorContext(r.Context(), "dashboard CSV failed", "error", err)
	}
}
