package console

import (
	"net/http"
	"strconv"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// Opening a PDCA cycle by hand from the board, 002 §9.2 「每月初基于客户体验报告和运营数据看板
// 识别改进机会」: the quality team names what to improve, the metric that measures it,
// where it stands and where it should get to; the plan is written on the cycle's
// page. The form is for the roles the API lets open a cycle (formRoutes
// "pdca.open"); what a complete cycle is stays the API's rule.

// openCycleFields are the open form's fields, under the API's names.
var openCycleFields = []string{"title", "metric", "category", "keyword", "baseline", "target", "time_zone", "check_spec",
	"max_iterations", "risk_alert_id"}

// openCycleBody is the open form as the API's body: the baseline, target and
// iterations as numbers, an empty field left out (an empty zone is UTC, an empty
// check spec the default; the API names a missing field that is needed).
func openCycleBody(in map[string]string) map[string]any {
	body := textBody("title", "metric", "category", "keyword", "time_zone", "check_spec", "risk_alert_id")(in)
	for _, f := range []string{"baseline", "target", "max_iterations"} {
		number(body, f, in[f])
	}
	return body
}

// openCycleForm is the board's page data for the open form: the metrics and
// categories it offers, the API's defaults it shows as placeholders, and a refused
// form's refusal and what was typed ("Form" is "open" then, so the form is drawn
// open again with its key).
func openCycleForm(ref *refusal, input map[string]string) map[string]any {
	data := map[string]any{"Metrics": quality.Metrics, "Categories": knowledgeCategories,
		"DefaultSpec": quality.DefaultCycleCheckSpec, "DefaultIterations": strconv.Itoa(quality.DefaultCycleMaxIterations),
		"Form": "", "Refusal": ref, "Input": input}
	if ref != nil {
		data["Form"] = "open"
	}
	if input == nil {
		data["Input"] = map[string]string{}
	}
	return data
}

// forAlert is the open form's input when the board is reached from a risk alert
// (?risk_alert_id=, the alert's "open a PDCA cycle" link): the cycle is opened for
// that alert, which then lists it. Anything else opens a cycle for none.
func forAlert(r *http.Request) map[string]string {
	id := r.URL.Query().Get("risk_alert_id")
	if _, err := api.ParseID(id); err != nil {
		return nil
	}
	return map[string]string{"risk_alert_id": id}
}

// openCycle opens a cycle, once under the form's key — a double submit, or the form
// sent again after "not confirmed", opens one — and shows its page; a refusal
// comes back on the board's form with what was typed.
func (c *Console) openCycle(w http.ResponseWriter, r *http.Request) {
	input := keepKey(r, formInput(r, openCycleFields...))
	var cy apiclient.Cycle
	ref, err := into(&cy)(c.client.OpenCycleWithBody(r.Context(), nil, "application/json", jsonBody(openCycleBody(input)), withKey(r)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showBoard(w, r, ref.Status, ref, input)
		return
	}
	http.Redirect(w, r, "/console/pdca/"+cy.Id.String(), http.StatusSeeOther)
}
