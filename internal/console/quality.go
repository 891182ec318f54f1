package console

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// qualityPages are the quality team's pages (docs/console.md, "Quality pages").
var qualityPages = []string{"reviews", "pdca", "cycle", "risk", "performance", "qa", "backlog", "insight", "kpi", "setup"}

// registerQuality parses the quality pages and adds their routes. The templates are
// embedded, so a parse error is a programming error caught by any test.
func (c *Console) registerQuality(mux *routeMux) {
	for _, page := range qualityPages {
		c.pages[page] = template.Must(template.New("layout.html").Funcs(funcs).Funcs(qualityFuncs).ParseFS(templateFiles,
			"templates/layout.html", "templates/rows.html", "templates/quality.html", "templates/"+page+".html"))
	}
	// The board's form that opens a cycle has a template of its own (pdca_open.go).
	template.Must(c.pages["pdca"].ParseFS(templateFiles, "templates/pdca_open.html"))
	mux.Handle("GET /console/reviews", c.session(c.reviews))
	mux.Handle("GET /console/reviews/list", c.session(c.reviewsNow))
	mux.Handle("POST /console/reviews/schedules", c.session(c.createSchedule))
	mux.Handle("POST /console/reviews/run", c.session(c.runReview))
	mux.Handle("POST /console/reviews/schedules/{id}/{action}", c.session(c.scheduleAction))
	mux.Handle("GET /console/backlog", c.session(c.backlog))
	mux.Handle("GET /console/backlog/items", c.session(c.backlogVersions))
	mux.Handle("GET /console/insight", c.session(c.insight))
	mux.Handle("GET /console/insight.csv", c.session(c.insightCSV))
	mux.Handle("POST /console/backlog/{id}", c.session(c.changeBacklogItem))
	mux.Handle("GET /console/pdca", c.session(c.pdcaBoard))
	mux.Handle("POST /console/pdca", c.session(c.openCycle))
	mux.Handle("GET /console/pdca/board", c.session(c.boardColumnsNow))
	mux.Handle("GET /console/pdca/{id}", c.session(c.cycle))
	mux.Handle("GET /console/pdca/{id}/events", c.session(c.cycleEvents))
	mux.Handle("POST /console/pdca/{id}/{action}", c.session(c.cycleAction))
	mux.Handle("GET /console/risk", c.session(c.risk))
	mux.Handle("GET /console/risk/ledger.csv", c.session(c.ledgerCSV))
	mux.Handle("GET /console/risk/alerts", c.session(c.riskStatuses))
	mux.Handle("GET /console/risk/{id}", c.session(c.riskAlertPage))
	mux.Handle("POST /console/risk/{id}/{action}", c.session(c.riskAction))
	mux.Handle("GET /console/performance", c.session(c.performance))
	mux.Handle("POST /console/performance/weights", c.session(c.putWeights))
	mux.Handle("GET /console/qa", c.session(c.qaQueue))
	mux.Handle("GET /console/qa/pending", c.session(c.qaPending))
	mux.Handle("POST /console/qa/{id}/score", c.session(c.scoreQA))
	mux.Handle("POST /console/risk/open", c.session(c.openRiskAlert))
	mux.Handle("GET /console/kpi-targets", c.session(c.kpiTargets))
	mux.Handle("POST /console/kpi-targets", c.session(c.putKPITargets))
	mux.Handle("GET /console/quality-setup", c.session(c.qualitySetup))
	mux.Handle("POST /console/quality-setup/scorecard", c.session(c.setupScorecard))
	mux.Handle("POST /console/quality-setup/rules", c.session(c.setupRules))
	mux.Handle("POST /console/quality-setup/thresholds", c.session(c.setupThresholds))
}

// qualityFuncs are the quality templates' helpers: formatting only.
var qualityFuncs = template.FuncMap{
	"num": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return trimFloat(*f)
	},
	// opened: whether an opportunity opened its cycle (false: an open one covers it).
	"opened": func(b *bool) bool { return b == nil || *b },
	// qagroups: the scoring form's criteria by dimension.
	"qagroups": qaGroups,
	"whenp": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
}

// formInput reads the named form fields, trimmed.
func formInput(r *http.Request, names ...string) map[string]string {
	in := map[string]string{}
	for _, n := range names {
		in[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return in
}

// posted sends one form's call and either redirects to next or shows the page again
// with the API's refusal.
func (c *Console) posted(w http.ResponseWriter, r *http.Request, res *http.Response, err error, next string,
	again func(status int, ref *refusal)) {
	ref, err := read(res, err, nil)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		again(ref.Status, ref)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
