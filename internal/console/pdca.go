package console

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// cycle is the API's PDCA cycle (the generated type) with the two parts a page
// reads that the generated type leaves loose: the plan, whose shape the document
// leaves open, and the checks, an empty list when there are none.
type cycle struct {
	apiclient.Cycle
	Plan   *cyclePlan
	Checks []cycleCheck
}

// cycleCheck is a check as the page reads it, with its verdict in words.
type cycleCheck struct{ apiclient.CycleCheck }

// Verdict is the check's verdict in the viewer's language (checkVerdict).
func (k cycleCheck) Verdict(lang string) string {
	return checkVerdict(lang, k.Judged, k.Met, k.Samples, k.MinSamples)
}

// checkVerdict is a PDCA check's verdict in the viewer's language: met, not met,
// or, on fewer samples than a verdict needs, "not judged: n of m samples" — its
// met is then no miss (quality.CheckJudged).
func checkVerdict(lang string, judged, met bool, samples, min *int64) string {
	switch {
	case !judged:
		return fmt.Sprintf(translate(lang, "cy.met.thin"), null.Value(samples), null.Value(min))
	case met:
		return translate(lang, "cy.met.yes")
	}
	return translate(lang, "cy.met.no")
}

// cyclePlan is the page's reading of the iteration's SMART plan (the document gives
// the plan as an open object).
type cyclePlan struct {
	Measures []struct {
		Description string    `json:"description"`
		Owner       string    `json:"owner"`
		Due         time.Time `json:"due"`
		Percent     *int      `json:"percent"`
	} `json:"measures"`
	Baseline    float64    `json:"baseline"`
	Target      float64    `json:"target"`
	Due         time.Time  `json:"due"`
	SubmittedBy string     `json:"submitted_by"`
	SubmittedAt time.Time  `json:"submitted_at"`
	DecidedBy   string     `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	Resources   string     `json:"resources"`
	Risks       string     `json:"risks"`
	// The committee, and who of it has approved.
	Approvers []string `json:"approvers"`
	Approvals []struct {
		By string    `json:"by"`
		At time.Time `json:"at"`
	} `json:"approvals"`
}

// cycleOf is the page's view of an API cycle.
func cycleOf(api apiclient.Cycle) cycle {
	cy := cycle{Cycle: api}
	if api.Checks != nil {
		for _, k := range *api.Checks {
			cy.Checks = append(cy.Checks, cycleCheck{k})
		}
	}
	if api.Plan != nil {
		// The plan is an open object in the document: re-read it as the page's view;
		// one that does not fit shows as no plan rather than failing the page.
		var p cyclePlan
		if b, err := json.Marshal(*api.Plan); err == nil && json.Unmarshal(b, &p) == nil {
			cy.Plan = &p
		}
	}
	return cy
}

// Takes reports whether the cycle's stage takes the form's update by the
// workflow's rule (quality.CycleTakes): a form the workflow would refuse for the
// stage is not offered. The act decision waits for the iteration's final check.
func (cy cycle) Takes(update string) bool {
	final := slices.ContainsFunc(cy.Checks, func(k cycleCheck) bool { return k.Iteration == cy.Iteration && k.Final })
	return quality.CycleTakes(update, string(cy.Stage), string(cy.PlanStatus), final)
}

// boardColumns are the board's columns. The API's stages are plan, do, act and
// closed; "check" is a Do cycle past its plan's due date, awaiting its final check.
var boardColumns = []string{"plan", "do", "check", "act", "closed"}

// boardColumn is one column of the PDCA board.
type boardColumn struct {
	Stage  string
	Cycles []cycle
}

func (c *Console) pdcaBoard(w http.ResponseWriter, r *http.Request) {
	c.showBoard(w, r, http.StatusOK, nil, forAlert(r))
}

// showBoard renders the board with the form that opens a cycle (pdca_open.go); ref
// and input are that form's refusal and what was typed, to show again.
func (c *Console) showBoard(w http.ResponseWriter, r *http.Request, status int, ref *refusal, input map[string]string) {
	cols, pageRef, err := c.board(r)
	if c.refusedPage(w, r, "pdca", pageRef, err) {
		return
	}
	board, err := c.part(c.pages["pdca"], "board", map[string]any{"Columns": cols, "Lang": langOf(r)})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	data := openCycleForm(ref, input)
	data["Board"] = board
	c.render(w, r, status, "pdca", data)
}

// boardColumnsNow is the board's columns alone, which the open board fetches every
// 3 s: it has no forms, so its cards are simply swapped when they changed.
func (c *Console) boardColumnsNow(w http.ResponseWriter, r *http.Request) {
	cols, ref, err := c.board(r)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	c.partAnswer(w, r, c.pages["pdca"], "board", map[string]any{"Columns": cols, "Lang": langOf(r)})
}

// board is the cycles by column; a cycle in do past its due date is shown in check,
// where it waits for its check.
func (c *Console) board(r *http.Request) ([]boardColumn, *refusal, error) {
	var cycles page[apiclient.Cycle]
	limit := 200
	ref, err := into(&cycles)(c.client.ListCycles(r.Context(), &apiclient.ListCyclesParams{Limit: &limit}))
	if err != nil || ref != nil {
		return nil, ref, err
	}
	cols := make([]boardColumn, len(boardColumns))
	at := map[string]int{}
	for i, s := range boardColumns {
		cols[i].Stage, at[s] = s, i
	}
	now := time.Now()
	for _, cy := range cycles.Items {
		stage := string(cy.Stage)
		if stage == "do" && cy.DueAt != nil && now.After(*cy.DueAt) {
			stage = "check"
		}
		if i, ok := at[stage]; ok {
			cols[i].Cycles = append(cols[i].Cycles, cycleOf(cy))
		}
	}
	return cols, nil, nil
}

func (c *Console) cycle(w http.ResponseWriter, r *http.Request) {
	c.showCycle(w, r, http.StatusOK, "", nil, nil)
}

// cycleEvents answers the open cycle page's watch (eventKinds).
func (c *Console) cycleEvents(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such cycle", http.StatusNotFound)
		return
	}
	res, err := c.client.ListCycleEvents(r.Context(), id)
	eventKinds(c, w, r, res, err, func(e apiclient.CycleEvent) string { return e.Kind })
}

// chartData is what the cycle page's chart draws: each check with its baseline and
// target, labelled by iteration.
type chartData struct {
	Checks []chartPoint `json:"checks"`
}

type chartPoint struct {
	Label     string   `json:"label"`
	Iteration int      `json:"iteration"`
	Value     *float64 `json:"value"`
	Baseline  *float64 `json:"baseline"`
	Target    float64  `json:"target"`
	Met       bool     `json:"met"`
	Final     bool     `json:"final"`
	// Judged false: too few samples for Met to be a verdict; the chart draws the
	// point hollow and Verdict says why in the viewer's language.
	Judged  bool   `json:"judged"`
	Verdict string `json:"verdict"`
}

// showCycle renders the cycle page; form, ref and input are a refused form's.
func (c *Console) showCycle(w http.ResponseWriter, r *http.Request, status int, form string, ref *refusal, input map[string]string) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such cycle", http.StatusNotFound)
		return
	}
	var api apiclient.Cycle
	var events page[apiclient.CycleEvent]
	for _, get := range []func() (*refusal, error){
		func() (*refusal, error) { return into(&api)(c.client.GetCycle(r.Context(), id)) },
		func() (*refusal, error) { return into(&events)(c.client.ListCycleEvents(r.Context(), id)) },
	} {
		if pageRef, err := get(); c.refusedPage(w, r, "cycle", pageRef, err) {
			return
		}
	}
	cy := cycleOf(api)
	var data chartData
	for _, k := range cy.Checks {
		data.Checks = append(data.Checks, chartPoint{Label: fmt.Sprintf("#%d %s", k.Iteration, k.CheckedAt.UTC().Format("2006-01-02")),
			Iteration: k.Iteration, Value: k.Value, Baseline: k.Baseline, Target: k.Target, Met: k.Met, Final: k.Final,
			Judged: k.Judged, Verdict: k.Verdict(langOf(r))})
	}
	chart, err := json.Marshal(data)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if input == nil {
		input = map[string]string{}
	}
	c.render(w, r, status, "cycle", map[string]any{
		"Cy": cy, "Events": events.Items, "Chart": string(chart), "Measures": []int{0, 1, 2},
		"Form": form, "Refusal": ref, "Input": input, "WorkflowLink": c.workflowLink(cy.WorkflowId),
	})
}

// cycleForms are the cycle page's forms: the fields each reads, how it builds the
// API's body, and the generated client's call.
var cycleForms = map[string]struct {
	fields []string
	body   func(in map[string]string) map[string]any
	call   func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error)
}{
	"plan": {planFields(), planBody, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.SubmitCyclePlanWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"decision": {[]string{"decision", "reason"}, textBody("decision", "reason"), func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.DecideCyclePlanWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"progress": {[]string{"note", "measure", "percent"}, progressBody, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.ReportCycleProgressWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"act": {actFields(), actBody, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.ActOnCycleWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"check": {nil, func(map[string]string) map[string]any { return map[string]any{} }, func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.CheckCycleNowWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
	"withdraw": {[]string{"reason"}, textBody("reason"), func(c *apiclient.Client, r *http.Request, id uuid.UUID, b io.Reader) (*http.Response, error) {
		return c.WithdrawCycleWithBody(r.Context(), id, nil, "application/json", b, withKey(r))
	}},
}

// planFields are the plan form's fields: three measure rows, the target and due
// date, resources, risks and the committee (approvers, comma-separated).
func planFields() []string {
	out := []string{"target", "due", "resources", "risks", "approvers"}
	for i := range 3 {
		for _, f := range []string{"description", "owner", "due"} {
			out = append(out, fmt.Sprintf("measures[%d].%s", i, f))
		}
	}
	return out
}

// planBody is the plan form as the API's plan: measure rows left wholly empty are
// not measures.
func planBody(in map[string]string) map[string]any {
	body := map[string]any{}
	number(body, "target", in["target"])
	if in["due"] != "" {
		body["due"] = endOfDay(in["due"], in[zoneField])
	}
	for _, f := range []string{"resources", "risks"} {
		if in[f] != "" {
			body[f] = in[f]
		}
	}
	if in["approvers"] != "" {
		var approvers []string
		for _, a := range strings.Split(in["approvers"], ",") {
			approvers = append(approvers, strings.TrimSpace(a))
		}
		body["approvers"] = approvers
	}
	measures := []map[string]string{}
	for i := range 3 {
		key := func(f string) string { return fmt.Sprintf("measures[%d].%s", i, f) }
		m := map[string]string{"description": in[key("description")], "owner": in[key("owner")], "due": endOfDay(in[key("due")], in[zoneField])}
		if m["description"] == "" && m["owner"] == "" && m["due"] == "" {
			continue
		}
		measures = append(measures, m)
	}
	body["measures"] = measures
	return body
}

// adjusted is the act form's prefix of the adjusted plan's fields, as the API names
// them ("adjusted_plan.measures[0].owner").
const adjusted = "adjusted_plan."

// actFields are the act form's fields: the SOP change or the root cause, and the
// adjusted plan of the next iteration (the plan form's fields under adjusted).
func actFields() []string {
	out := []string{"sop_change", "root_cause", "root_cause_category"}
	for _, f := range planFields() {
		out = append(out, adjusted+f)
	}
	return out
}

// actBody is the act form as the API's body: the adjusted plan goes only when any
// of its fields was filled, so acting on a met target sends none.
func actBody(in map[string]string) map[string]any {
	body := textBody("sop_change", "root_cause", "root_cause_category")(in)
	plan := map[string]string{}
	given := false
	for _, f := range planFields() {
		plan[f] = in[adjusted+f]
		given = given || plan[f] != ""
	}
	if given {
		plan[zoneField] = in[zoneField]
		body["adjusted_plan"] = planBody(plan)
	}
	return body
}

func progressBody(in map[string]string) map[string]any {
	body := map[string]any{"note": in["note"]}
	number(body, "measure", in["measure"])
	number(body, "percent", in["percent"])
	return body
}

// textBody sends the named fields as strings, leaving out the empty ones.
func textBody(names ...string) func(map[string]string) map[string]any {
	return func(in map[string]string) map[string]any {
		body := map[string]any{}
		for _, n := range names {
			if in[n] != "" {
				body[n] = in[n]
			}
		}
		return body
	}
}

// cycleAction sends a cycle form to the API; a refusal comes back inline on the form.
func (c *Console) cycleAction(w http.ResponseWriter, r *http.Request) {
	form, ok := cycleForms[r.PathValue("action")]
	id, err := api.ParseID(r.PathValue("id"))
	if !ok || err != nil {
		http.Error(w, "no such action", http.StatusNotFound)
		return
	}
	input := withZone(r, keepKey(r, formInput(r, form.fields...)))
	res, err := form.call(c.client, r, id, jsonBody(form.body(input)))
	c.posted(w, r, res, err, "/console/pdca/"+id.String(), func(status int, ref *refusal) {
		c.showCycle(w, r, status, r.PathValue("action"), ref, input)
	})
}
