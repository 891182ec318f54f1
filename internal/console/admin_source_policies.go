package console

import (
	"net/http"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Source policies (docs/policies.md): the policies page lists them under the matrix
// with a form to create, change or delete one. Precedence is the API's; the console
// only shows what applies.

// sourceNames are the complaint sources, as the API's contract names them.
var sourceNames = []string{
	string(apiclient.ComplaintSourceNegativeFeedback), string(apiclient.ComplaintSourceSocialMention),
	string(apiclient.ComplaintSourceFeedback), string(apiclient.ComplaintSourceDirect),
}

// anyLevels are the urgencies and tiers a source policy may name, "*" for any.
var anyLevels = []string{string(apiclient.PolicyAny), string(apiclient.PolicyHigh), string(apiclient.PolicyMedium), string(apiclient.PolicyLow)}

// sourcePolicies adds the source policies and their form to the page's data: the
// refused form as typed, or the policy ?src= names ("negative_feedback/*/*").
func (c *Console) sourcePolicies(r *http.Request, form adminForm, data map[string]any) (*refusal, error) {
	var list page[apiclient.SourcePolicy]
	ref, err := into(&list)(c.client.ListSourcePolicies(r.Context()))
	if err != nil || ref != nil {
		return ref, err
	}
	in, refused := map[string]string{"source": sourceNames[0], "urgency": "*", "tier": "*"}, (*refusal)(nil)
	if form.Name == "source-policy" {
		in, refused = form.Input, form.Refusal
	} else if src := r.URL.Query().Get("src"); src != "" {
		for _, p := range list.Items {
			if string(p.Source)+"/"+string(p.Urgency)+"/"+string(p.Tier) == src {
				in = policy{apiclient.Policy{
					FirstResponse: p.FirstResponse, Resolution: p.Resolution, WarningPercents: p.WarningPercents,
					EscalationLevels: p.EscalationLevels, FollowUp: p.FollowUp, DecisionTime: p.DecisionTime,
					MaxExtension: p.MaxExtension, CalendarId: p.CalendarId, SurveyReminder: p.SurveyReminder,
					SurveyTimeout: p.SurveyTimeout, AutoEscalateAngry: p.AutoEscalateAngry, AutoEscalateHighTier: p.AutoEscalateHighTier,
				}}.input()
				in["source"], in["urgency"], in["tier"] = string(p.Source), string(p.Urgency), string(p.Tier)
			}
		}
	}
	versions := map[string]string{}
	for _, p := range list.Items {
		versions[string(p.Source)+"/"+string(p.Urgency)+"/"+string(p.Tier)] = api.TimeETag(p.UpdatedAt)
	}
	drawAt(in, in["source"]+"/"+in["urgency"]+"/"+in["tier"], versions)
	data["Sources"], data["SourceNames"], data["AnyLevels"] = list.Items, sourceNames, anyLevels
	data["SrcIn"], data["SrcRefusal"] = in, refused
	return nil, nil
}

// putSourcePolicy sends the source policy form to the API, against the version
// the form was drawn with (sentVersion).
func (c *Console) putSourcePolicy(w http.ResponseWriter, r *http.Request) {
	key := r.PostFormValue("source") + "/" + r.PostFormValue("urgency") + "/" + r.PostFormValue("tier")
	version := sentVersion(r, key)
	// The form of a policy there shows its warnings (a new one's leaves them to the
	// matrix cell it narrows); it shows no ladder, which stays the policy's.
	var shown []string
	if version != nil && *version != api.SeedETag {
		shown = append(shown, "warning_percents")
	}
	in, body := policyBody(r, shown...)
	for _, k := range []string{"source", "urgency", "tier"} {
		in[k] = r.PostFormValue(k)
	}
	params := &apiclient.PutSourcePolicyParams{IfMatch: version}
	ref, err := into(nil)(c.client.PutSourcePolicyWithBody(r.Context(), apiclient.ComplaintSource(in["source"]),
		apiclient.PolicyLevel(in["urgency"]), apiclient.PolicyLevel(in["tier"]), params, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showPolicies(w, r, ref.Status, "", adminForm{Name: "source-policy", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/policies?saved="+in["source"]+"/"+in["urgency"]+"/"+in["tier"], http.StatusSeeOther)
}

// deleteSourcePolicy removes a source policy, as the row drawn showed it (a policy
// changed elsewhere since is the API's 412, shown with the list as it is now).
func (c *Console) deleteSourcePolicy(w http.ResponseWriter, r *http.Request) {
	source, urgency, tier := r.PathValue("source"), r.PathValue("urgency"), r.PathValue("tier")
	ref, err := into(nil)(c.client.DeleteSourcePolicy(r.Context(), apiclient.ComplaintSource(source),
		apiclient.PolicyLevel(urgency), apiclient.PolicyLevel(tier), &apiclient.DeleteSourcePolicyParams{IfMatch: drawnVersion(r)}))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showPolicies(w, r, ref.Status, "", adminForm{Name: "source-policy", Refusal: ref,
			Input: map[string]string{"source": source, "urgency": urgency, "tier": tier}})
		return
	}
	http.Redirect(w, r, "/console/admin/policies", http.StatusSeeOther)
}
