package console

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// riskAlert is the API's risk alert (the generated type) with its handling clock.
type riskAlert struct {
	apiclient.RiskAlert
	WorkflowLink string   // the alert's workflow in the Temporal Web UI, or ""
	About        *subject // whom it is about; nil for the whole service
}

// ledgerRow is a risk ledger entry with whom its alert was about.
type ledgerRow struct {
	apiclient.RiskLedgerEntry
	About *subject
}

// Clock is the alert's handling deadline as the countdown markup reads it; it stops
// once the alert is responded to (responding stops the escalation).
func (a riskAlert) Clock() clock {
	if a.Status != "open" {
		return clock{}
	}
	budget := time.Duration(a.HandlingSeconds) * time.Second
	return clock{Name: "Handling", Key: "clock.handling", Start: a.HandlingDueAt.Add(-budget), Due: a.HandlingDueAt, Budget: budget}
}

// grades are the alert grades, worst first, each with the message id of the words
// that say it.
var grades = []struct{ Grade, Label string }{
	{"red", "rk.label.red"},
	{"yellow", "rk.label.yellow"},
	{"blue", "rk.label.blue"},
}

// gradeGroup is the alerts of one grade.
type gradeGroup struct {
	Grade, Label string
	Alerts       []riskAlert
}

// riskLimit is how many alerts the page lists, newest first (the API's order); its
// watch asks for the same ones.
const riskLimit = 200

// riskAlerts lists the alerts the page shows.
func (c *Console) riskAlerts(r *http.Request) (page[apiclient.RiskAlert], *refusal, error) {
	var alerts page[apiclient.RiskAlert]
	limit := riskLimit
	ref, err := into(&alerts)(c.client.ListRiskAlerts(r.Context(), &apiclient.ListRiskAlertsParams{Limit: &limit}))
	return alerts, ref, err
}

// riskStatuses answers the open risk page's watch with each listed alert's status
// by ID, so the page can count the alerts opened since it was drawn and say which
// were responded to or closed elsewhere, without redrawing the forms.
func (c *Console) riskStatuses(w http.ResponseWriter, r *http.Request) {
	alerts, ref, err := c.riskAlerts(r)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	statuses := make(map[string]string, len(alerts.Items))
	for _, a := range alerts.Items {
		statuses[a.Id.String()] = string(a.Status)
	}
	c.pollAnswer(w, r, map[string]map[string]string{"items": statuses})
}

func (c *Console) risk(w http.ResponseWriter, r *http.Request) {
	c.showRisk(w, r, http.StatusOK, "", nil, nil)
}

// showRisk renders alerts by grade and the ledger; form names the alert and form a
// refusal and input belong to ("<id>/respond").
func (c *Console) showRisk(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal, input map[string]string) {
	var alerts page[apiclient.RiskAlert]
	var ledger page[apiclient.RiskLedgerEntry]
	var metrics apiclient.MetricsReport
	for _, get := range []func() (*refusal, error){
		// The standing KPI targets against the last 30 days (the API's default period).
		func() (*refusal, error) { return into(&metrics)(c.client.GetMetrics(r.Context(), nil)) },
		func() (*refusal, error) {
			var ref *refusal
			var err error
			alerts, ref, err = c.riskAlerts(r)
			return ref, err
		},
		func() (*refusal, error) { return into(&ledger)(c.client.RiskLedger(r.Context(), nil)) },
	} {
		if pageRef, err := get(); c.refusedPage(w, r, "risk", pageRef, err) {
			return
		}
	}
	// Training gaps are one alert per agent or team: the subject tells them apart.
	var subjects []string
	for _, a := range alerts.Items {
		subjects = append(subjects, a.Subject)
	}
	for _, e := range ledger.Items {
		subjects = append(subjects, e.Subject)
	}
	names := c.riskSubjectNames(r, subjects)
	groups := make([]gradeGroup, len(grades))
	for i, g := range grades {
		groups[i] = gradeGroup{Grade: g.Grade, Label: g.Label}
		for _, a := range alerts.Items {
			if string(a.Grade) == g.Grade {
				groups[i].Alerts = append(groups[i].Alerts, riskAlert{a, c.workflowLink(a.WorkflowId), names.about(a.Subject)})
			}
		}
	}
	rows := make([]ledgerRow, len(ledger.Items))
	for i, e := range ledger.Items {
		rows[i] = ledgerRow{e, names.about(e.Subject)}
	}
	if input == nil {
		input = map[string]string{}
	}
	c.render(w, r, status, "risk", map[string]any{
		"Groups": groups, "Ledger": rows, "Form": form, "Refusal": ref, "Input": input,
		"KPIs": kpiRowsOf(metrics.KpiTargets), "KPIFrom": metrics.From, "KPITo": metrics.To, "Grades": grades,
	})
}

// riskAlertPage is one alert alone, the page its notice opens: its owner reaches it
// whatever their token's role (the API's rule, auth.Principal.MayHandleAlert);
// anyone else sees the API's refusal. (The list shows an agent the alerts they own.)
func (c *Console) riskAlertPage(w http.ResponseWriter, r *http.Request) {
	c.showAlert(w, r, http.StatusOK, "", nil, nil)
}

func (c *Console) showAlert(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal, input map[string]string) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such alert", http.StatusNotFound)
		return
	}
	var a apiclient.RiskAlert
	if pageRef, err := into(&a)(c.client.GetRiskAlert(r.Context(), id)); c.refusedPage(w, r, "risk", pageRef, err) {
		return
	}
	if input == nil {
		input = map[string]string{}
	}
	names := c.riskSubjectNames(r, []string{a.Subject})
	group := gradeGroup{Grade: string(a.Grade), Alerts: []riskAlert{{a, c.workflowLink(a.WorkflowId), names.about(a.Subject)}}}
	for _, g := range grades {
		if g.Grade == group.Grade {
			group.Label = g.Label
		}
	}
	c.render(w, r, status, "risk", map[string]any{
		"Alone": a.Id.String(), "Groups": []gradeGroup{group}, "Form": form, "Refusal": ref, "Input": input,
	})
}

// riskFields are the respond and close forms' fields.
var riskFields = map[string][]string{
	"respond": {"response"},
	"close":   {"root_cause", "solution", "executor", "action_deadline", "verification"},
}

// riskAction responds to or closes an alert; the API decides who may and what a
// complete ledger entry is.
func (c *Console) riskAction(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	fields, ok := riskFields[action]
	id, err := api.ParseID(r.PathValue("id"))
	if !ok || err != nil {
		http.Error(w, "no such action", http.StatusNotFound)
		return
	}
	input := formInput(r, fields...)
	body := textBody(fields...)(input)
	keepKey(r, input)
	if d, ok := body["action_deadline"].(string); ok {
		body["action_deadline"] = endOfDay(d, r.PostFormValue(zoneField))
	}
	var res *http.Response
	if action == "respond" {
		res, err = c.client.RespondRiskAlertWithBody(r.Context(), id, nil, "application/json", jsonBody(body), withKey(r))
	} else {
		res, err = c.client.CloseRiskAlertWithBody(r.Context(), id, nil, "application/json", jsonBody(body), withKey(r))
	}
	// A form of the alert's own page returns there, where its notice led.
	next, again := "/console/risk", c.showRisk
	if r.PostFormValue("alone") != "" {
		next, again = "/console/risk/"+id.String(), c.showAlert
	}
	c.posted(w, r, res, err, next, func(status int, ref *refusal) {
		again(w, r, status, id.String()+"/"+action, ref, input)
	})
}

// openRiskAlert opens an alert by hand with a grade and a description; the API
// decides who may and what a complete request is.
func (c *Console) openRiskAlert(w http.ResponseWriter, r *http.Request) {
	input := formInput(r, "grade", "description")
	body := textBody("grade", "description")(input)
	res, err := c.client.OpenRiskAlertWithBody(r.Context(), nil, "application/json", jsonBody(body), withKey(r))
	keepKey(r, input)
	c.posted(w, r, res, err, "/console/risk", func(status int, ref *refusal) {
		c.showRisk(w, r, status, "open", ref, input)
	})
}

// ledgerCSV downloads the risk ledger the API lists, one closed alert a row; an
// agent's holds the alerts they own (the API's filter).
func (c *Console) ledgerCSV(w http.ResponseWriter, r *http.Request) {
	var ledger page[apiclient.RiskLedgerEntry]
	ref, err := into(&ledger)(c.client.RiskLedger(r.Context(), nil))
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="risk-ledger.csv"`)
	if err := writeLedger(w, ledger.Items); err != nil {
		c.log.ErrorContext(r.Context(), "risk ledger CSV failed", "error", err)
	}
}

// ledgerHeader names the CSV's columns: the API's ledger entry's, in its order.
// subject is whom the alert is about (a training gap's agent:<id> or team:<id>),
// empty for the whole service.
var ledgerHeader = []string{"id", "condition", "subject", "grade", "opened_at", "observed", "baseline", "threshold",
	"missed_kpis", "escalation_level", "response", "responded_by", "root_cause", "solution", "executor", "action_deadline",
	"verification", "closed_at", "closed_by", "cycle_ids"}

func writeLedger(w io.Writer, entries []apiclient.RiskLedgerEntry) error {
	out := csv.NewWriter(w)
	if err := out.Write(ledgerHeader); err != nil {
		return err
	}
	str := func(s *string) string {
		if s == nil {
			return ""
		}
		return text(*s)
	}
	for _, e := range entries {
		if err := out.Write([]string{e.Id.String(), string(e.Condition), text(e.Subject), string(e.Grade), e.OpenedAt.UTC().Format(time.RFC3339),
			trimFloat(e.Observed), trimFloat(e.Baseline), trimFloat(e.Threshold), missedCell(e.MissedKpis), trimFloat(float64(e.EscalationLevel)),
			str(e.Response), str(e.RespondedBy), text(e.RootCause), text(e.Solution), text(e.Executor),
			e.ActionDeadline.UTC().Format(time.RFC3339), text(e.Verification), e.ClosedAt.UTC().Format(time.RFC3339), text(e.ClosedBy),
			cyclesCell(e.CycleIds)}); err != nil {
			return err
		}
	}
	out.Flush()
	return out.Error()
}

// cyclesCell lists the PDCA cycles opened for an alert, oldest first.
func cyclesCell(ids []uuid.UUID) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return strings.Join(out, "; ")
}

// missedCell names a missed-KPI alert's missed targets as its notice does
// ("fcr_pct 70 (target 80); …"); empty for the other conditions.
func missedCell(missed []apiclient.KPIMiss) string {
	var out []string
	for _, m := range missed {
		out = append(out, quality.KPIMiss{KPI: quality.KPI(m.Kpi), Actual: m.Actual, Target: m.Target}.String())
	}
	return strings.Join(out, "; ")
}

// text is a free-text cell made safe for spreadsheets: one starting like a formula
// gets a leading apostrophe, so opening the file never runs what someone typed.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// kpiRow is a standing KPI target as the risk page shows it; Met is the message id
// of its verdict ("" without data). Without an actual, Thin says the figure had
// samples, too few to be judged (Samples of MinSamples), rather than none.
type kpiRow struct {
	Kpi                 string
	Actual              *float64
	Target              float64
	Met                 string
	Thin                bool
	Samples, MinSamples int64
}

func kpiRowsOf(standings []apiclient.KPIStanding) []kpiRow {
	out := make([]kpiRow, len(standings))
	for i, s := range standings {
		out[i] = kpiRow{Kpi: string(s.Kpi), Actual: s.Actual, Target: s.Target, Samples: s.Samples, MinSamples: s.MinSamples,
			Thin: s.Actual == nil && s.Samples > 0 && s.Samples < s.MinSamples}
		if s.Met != nil {
			out[i].Met = map[bool]string{true: "rk.kpi.yes", false: "rk.kpi.no"}[*s.Met]
		}
	}
	return out
}
