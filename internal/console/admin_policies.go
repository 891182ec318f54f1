package console

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// policy is the API's SLA policy (the generated type), one cell of the matrix.
type policy struct{ apiclient.Policy }

// policyFields are the policy form's text fields, named as the API's.
var policyFields = []string{"first_response", "resolution", "warning_percents", "escalation_levels",
	"follow_up", "decision_time", "max_extension", "calendar_id", "survey_reminder", "survey_timeout"}

// levels are the matrix's rows (urgency) and columns (tier), as the API's contract
// names them, highest first.
var levels = []string{string(apiclient.High), string(apiclient.Medium), string(apiclient.Low)}

// input is the policy as its form shows it: lists as text, one level a line, and
// durations compact ("24h", not the API's "24h0m0s"), which the API reads back alike.
func (p policy) input() map[string]string {
	c := compactDuration
	in := map[string]string{
		"first_response": c(p.FirstResponse), "resolution": c(deref(p.Resolution)), "follow_up": c(p.FollowUp),
		"decision_time": c(p.DecisionTime), "max_extension": c(p.MaxExtension), "calendar_id": deref(p.CalendarId),
		"survey_reminder": c(p.SurveyReminder), "survey_timeout": c(p.SurveyTimeout),
	}
	var ws, ls []string
	if p.WarningPercents != nil {
		for _, w := range *p.WarningPercents {
			ws = append(ws, strconv.Itoa(w))
		}
	}
	for _, l := range p.EscalationLevels {
		ls = append(ls, strconv.Itoa(l.Level)+" "+c(l.After)+" "+string(l.Notify))
	}
	in["warning_percents"], in["escalation_levels"] = strings.Join(ws, ", "), strings.Join(ls, "\n")
	if p.AutoEscalateAngry {
		in["auto_escalate_angry"] = "on"
	}
	if p.AutoEscalateHighTier {
		in["auto_escalate_high_tier"] = "on"
	}
	return in
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (c *Console) policies(w http.ResponseWriter, r *http.Request) {
	c.showPolicies(w, r, http.StatusOK, r.URL.Query().Get("edit"), adminForm{})
}

// showPolicies renders the matrix, with the form of the cell edit ("high/gold") open.
func (c *Console) showPolicies(w http.ResponseWriter, r *http.Request, status int, edit string, form adminForm) {
	var list page[apiclient.Policy]
	ref, err := into(&list)(c.client.ListPolicies(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	cells := map[string]policy{}
	for _, p := range list.Items {
		cells[string(p.Urgency)+"/"+string(p.Tier)] = policy{p}
	}
	if p, ok := cells[edit]; ok && form.Input == nil {
		form.Input = p.input()
	}
	data := map[string]any{"Levels": levels, "Cells": cells, "Edit": edit, "Saved": r.URL.Query().Get("saved")}
	if ref == nil {
		var srcRef *refusal
		if srcRef, err = c.sourcePolicies(r, form, data); err != nil {
			c.fail(w, r, err)
			return
		}
		ref = srcRef
	}
	c.renderAdmin(w, r, status, "policies", ref, form, data)
}

// putPolicy sends a cell's form as the API's body, against the version the form
// was drawn with; refused, the form is drawn again at the version now, so sending
// it again applies it over that change, knowingly.
func (c *Console) putPolicy(w http.ResponseWriter, r *http.Request) {
	urgency, tier := r.PathValue("urgency"), r.PathValue("tier")
	in, body := policyBody(r, "warning_percents", "escalation_levels") // a cell's form shows it whole
	ref, err := into(nil)(c.client.PutPolicyWithBody(r.Context(), apiclient.Level(urgency), apiclient.Level(tier),
		&apiclient.PutPolicyParams{IfMatch: drawnVersion(r)}, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showPolicies(w, r, ref.Status, urgency+"/"+tier, adminForm{Name: "policy", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/policies?saved="+urgency+"/"+tier, http.StatusSeeOther)
}

// policyBody reads a policy form as the API's body: lists are parsed from their
// text, and what does not parse goes as typed, for the API to refuse by name. A
// list the form drew from the policy as it is (shown) and the user emptied is sent
// empty — left out, the API would keep the old one, and clearing the warnings would
// say "saved" and change nothing.
func policyBody(r *http.Request, shown ...string) (map[string]string, map[string]any) {
	in := formValues(r, policyFields...)
	in["auto_escalate_angry"], in["auto_escalate_high_tier"] = r.PostFormValue("auto_escalate_angry"), r.PostFormValue("auto_escalate_high_tier")
	body := map[string]any{
		"first_response": in["first_response"], "calendar_id": in["calendar_id"],
		"auto_escalate_angry": in["auto_escalate_angry"] == "on", "auto_escalate_high_tier": in["auto_escalate_high_tier"] == "on",
	}
	setIfGiven(body, in, "resolution", "follow_up", "decision_time", "max_extension", "survey_reminder", "survey_timeout")
	if in["warning_percents"] != "" || slices.Contains(shown, "warning_percents") {
		body["warning_percents"] = numbersOrText(in["warning_percents"])
	}
	if in["escalation_levels"] != "" || slices.Contains(shown, "escalation_levels") {
		body["escalation_levels"] = levelsOf(in["escalation_levels"])
	}
	return in, body
}

// numbersOrText reads "50, 75, 90" as numbers; a part that is no number stays text.
func numbersOrText(s string) []any {
	out := []any{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if n, err := strconv.Atoi(part); err == nil {
			out = append(out, n)
		} else {
			out = append(out, part)
		}
	}
	return out
}

// levelsOf reads one escalation level a line, "1 30m team_lead".
func levelsOf(s string) []map[string]any {
	out := []map[string]any{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		l := map[string]any{"after": "", "notify": ""}
		if n, err := strconv.Atoi(f[0]); err == nil {
			l["level"] = n
		} else {
			l["level"] = json.Number("0")
		}
		if len(f) > 1 {
			l["after"] = f[1]
		}
		if len(f) > 2 {
			l["notify"] = f[2]
		}
		out = append(out, l)
	}
	return out
}
