package console

import (
	"net/http"
	"strings"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// The standing KPI targets (GET/PUT /v1/kpi-targets): one row per figure a target
// can be set for, in the register's order. A figure with an empty target is left
// out of the register; the API checks the rest and names each bad field, shown
// next to it.

// kpiTargetRow is one figure of the form: what the register (or the form sent) says, and
// Index, the figure's place in the PUT body (-1: not sent), which names its fields
// in a refusal (targets[Index].target). Saved is the register's target when a
// form refused as stale shows another (the change made elsewhere it would
// overwrite); Removed, that the register no longer has the figure.
type kpiTargetRow struct {
	KPI     string
	Enabled bool
	Target  string
	Note    string
	Index   int
	Saved   string
	Removed bool
}

func (c *Console) kpiTargets(w http.ResponseWriter, r *http.Request) {
	c.showKPITargets(w, r, http.StatusOK, nil, nil)
}

// showKPITargets draws the register as it is now (its version the form's
// If-Match), or over it a refused form's rows and its refusal.
func (c *Console) showKPITargets(w http.ResponseWriter, r *http.Request, status int, typed []kpiTargetRow, refused *refusal) {
	var reg apiclient.KPITargets
	var version string
	if ref, err := versioned(&reg, &version)(c.client.GetKPITargets(r.Context())); c.refusedPage(w, r, "kpi", ref, err) {
		return
	}
	set := map[string]apiclient.KPITarget{}
	for _, t := range reg.Targets {
		set[string(t.Kpi)] = t
	}
	rows := make([]kpiTargetRow, len(quality.KPIs))
	for i, k := range quality.KPIs {
		rows[i] = kpiTargetRow{KPI: string(k), Index: -1}
		saved, ok := set[string(k)]
		if ok {
			rows[i].Enabled, rows[i].Target = saved.Enabled, trimFloat(saved.Target)
			if saved.Note != nil {
				rows[i].Note = *saved.Note
			}
		}
		if typed != nil {
			now := rows[i].Target
			rows[i] = typed[i]
			if refused.Code == api.CodePreconditionFailed && now != typed[i].Target {
				rows[i].Saved, rows[i].Removed = now, now == ""
			}
		}
	}
	data := map[string]any{"Rows": rows, "Version": version}
	if typed != nil {
		data["Form"], data["Refusal"] = "kpi", refused
	}
	if reg.UpdatedAt != nil && reg.UpdatedBy != nil {
		data["UpdatedAt"], data["UpdatedBy"] = reg.UpdatedAt, *reg.UpdatedBy
	}
	c.render(w, r, status, "kpi", data)
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
			number(t, "target", row.Target)
			targets = append(targets, t)
		}
		rows[i] = row
	}
	res, err := c.client.PutKPITargetsWithBody(r.Context(), &apiclient.PutKPITargetsParams{IfMatch: drawnVersion(r)},
		"application/json", jsonBody(map[string]any{"targets": targets}))
	c.posted(w, r, res, err, "/console/kpi-targets", func(status int, ref *refusal) {
		c.showKPITargets(w, r, status, rows, ref)
	})
}
