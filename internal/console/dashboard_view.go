package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The dashboard's pickers: what a view of it is (period, breakdown, rows, refresh),
// read from the address and written back into its links.

// periods are the dashboard's period choices: how many buckets of which size.
var periods = map[string]struct {
	n     int
	month bool
}{"4w": {4, false}, "12w": {12, false}, "6m": {6, true}, "12m": {12, true}}

// periodOrder is the period picker's order; the first is the default.
var periodOrder = []string{"12w", "4w", "6m", "12m"}

// groupings are GET /v1/metrics' group_by values; the first is the default.
var groupings = []string{"category", "channel", "owner", "team", "urgency", "tier"}

// dashView is what the pickers chose.
type dashView struct {
	Period, GroupBy string
	Interval        string // day, week or month: one row per bucket
	// Refresh is how often the open page fetches its figures again, in seconds
	// (0: never): a dashboard left open on a wall keeps up by itself.
	Refresh int
}

// refreshes are the refresh picker's choices; the first is the default. Any whole
// number of seconds in [minRefresh, maxRefresh] is taken from the address too.
var refreshes = []int{60, 300, 0}

const minRefresh, maxRefresh = 10, 3600

// Query is the query of the view's figures, for the table downloads and the page's
// refresh; the refresh itself is the open page's business.
func (v dashView) Query() template.URL {
	return template.URL(url.Values{"period": {v.Period}, "group_by": {v.GroupBy}, "interval": {v.Interval}}.Encode())
}

// Refreshes are the refresh picker's choices, with the address's own if it is not one.
func (v dashView) Refreshes() []int {
	if slices.Contains(refreshes, v.Refresh) {
		return refreshes
	}
	return append([]int{v.Refresh}, refreshes...)
}

// dashFuncs are the dashboard template's own helpers.
var dashFuncs = template.FuncMap{
	"periodName": func(lang, p string) string { return translate(lang, "dash.period."+p) },
	"refreshName": func(lang string, seconds int) string {
		switch seconds {
		case 0:
			return translate(lang, "dash.refresh.never")
		case 60:
			return translate(lang, "dash.refresh.minute")
		}
		if seconds%60 == 0 {
			return strings.Replace(translate(lang, "dash.refresh.minutes"), "{n}", strconv.Itoa(seconds/60), 1)
		}
		return strings.Replace(translate(lang, "dash.refresh.seconds"), "{n}", strconv.Itoa(seconds), 1)
	},
}

// dashFilters reads the pickers; a value not offered is named in the refusal. The
// interval defaults to the period's own unit (weeks for 4w and 12w, months else).
func dashFilters(r *http.Request) (v dashView, ref *refusal) {
	q := r.URL.Query()
	v = dashView{Period: q.Get("period"), GroupBy: q.Get("group_by"), Interval: q.Get("interval"), Refresh: refreshes[0]}
	ref = &refusal{Status: http.StatusBadRequest, Fields: map[string]string{}, Detail: "choose a period and a grouping offered"}
	if v.Period == "" {
		v.Period = periodOrder[0]
	} else if _, ok := periods[v.Period]; !ok {
		ref.Fields["period"] = fmt.Sprintf("%q is not one of %v", v.Period, periodOrder)
		v.Period = periodOrder[0]
	}
	if v.GroupBy == "" {
		v.GroupBy = groupings[0]
	} else if !slices.Contains(groupings, v.GroupBy) {
		ref.Fields["group_by"] = fmt.Sprintf("%q is not one of %v", v.GroupBy, groupings)
		v.GroupBy = groupings[0]
	}
	if v.Interval != "" && !slices.Contains(intervalOrder, v.Interval) {
		ref.Fields["interval"] = fmt.Sprintf("%q is not one of %v", v.Interval, intervalOrder)
		v.Interval = ""
	}
	if v.Interval == "" {
		v.Interval = "week"
		if periods[v.Period].month {
			v.Interval = "month"
		}
	}
	if s := q.Get("refresh"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n != 0 && (n < minRefresh || n > maxRefresh) {
			ref.Fields["refresh"] = fmt.Sprintf("%q is not 0 (never) or a number of seconds from %d to %d", s, minRefresh, maxRefresh)
		} else {
			v.Refresh = n
		}
	}
	if len(ref.Fields) == 0 {
		ref = nil
	}
	return v, ref
}
