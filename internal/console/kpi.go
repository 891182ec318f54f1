package console

import (
	"net/http"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// The standing KPI targets (GET/PUT /v1/kpi-targets): one row per figure a target
// can be set for, in the register's order. A figure with an empty target is left
// out of the register; the API checks the rest and names each bad field, shown
// next to it.

// kpiTargetRow is one figure of the form: what the register (or the form sent) says, and
// Index, the figure's place in the PUT body (-1: not sent), which names its fields
// in a refusal (targets[Index].target).
type kpiTargetRow struct {
	KPI     string
	Enabled bool
	Target  string
	Note    string
	Index   int
}

func (c *Console) kpiTargets(w http.ResponseWriter, r *http.Request) {
	var reg apiclient.KPITargets
	var version string // the register's, the form's If-Match
	ref, err := versioned(&reg, &version)(c.client.GetKPITargets(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.render(w, r, ref.Status, "kpi", map[string]any{"PageRefusal": ref})
		return
	}
	set := map[string]apiclient.KPITarget{}
	for _, t := range reg.Targets {
		set[string(t.Kpi)] = t
	}
	rows := make([]kpiTargetRow, len(quality.KPIs))
	for i, k := range quality.KPIs {
		rows[i] = kpiTargetRow{KPI: string(k), Index: -1}
		if t, ok := set[string(k)]; ok {
			rows[i].Enabled, rows[i].Target = t.Enabled, trimFloat(t.Target)
			if t.Note != nil {
				rows[i].Note = *t.Note
			}
		}
	}
	data := map[string]any{"Rows": rows, "Version": version}
	if reg.UpdatedAt != nil && reg.UpdatedBy != nil {
		data["UpdatedAt"], data["UpdatedBy"] = reg.UpdatedAt, *reg.UpdatedBy
	}
	c.render(w, r, http.StatusOK, "kpi", data)
}

// putKPITargets replaces the register with the form's figures that have a target
// (or are ticked without one: the API names the missing target).
func (c *Console) putKPITargets(w http.ResponseWriter, r *http.Request) {
	rows := make([]kpiTargetRow, len(quality.KPIs))
	targets := []map[string]any{}
	for i, k := range quality.KPIs {
		row := kpiTargetRow{KPI: string(k), Index: -1, Enabled: r.PostFormValue("enabled-"+string(k)) != "",
			Target: strings.TrimSpace(r.PostFormValue("target-" + string(k))), Note: strings.TrimSpace(r.PostFormValue("note-" + string(k)))}
		if row.Target != "" || row.Enabled {
			row.Index = len(targets)
			t := map[string]any{"kpi": row.KPI, "enabled": row.Enabled, "note": row.Note}
			switch {
			case row.Target == "":
			case isNumber(row.Target):
				t["target"] = jsonNumber(row.Target)
			default:
				t["target"] = row.Target // not a number: the API names the field
			}
			targets = append(targets, t)
		}
		rows[i] = row
	}
	res, err := c.client.PutKPITargetsWithBody(r.Context(), &apiclient.PutKPITargetsParams{IfMatch: drawnVersion(r)},
		"application/json", jsonBody(map[string]any{"targets": targets}))
	c.posted(w, r, res, err, "/console/kpi-targets", func(status int, ref *refusal) {
		version := r.PostFormValue("version")
		if ref.Version != "" { // changed elsewhere: sent again, it applies over that
			version = ref.Version
		}
		c.render(w, r, status, "kpi", map[string]any{"Rows": rows, "Form": "kpi", "Refusal": ref, "Version": version})
	})
}
