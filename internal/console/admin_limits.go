package console

import (
	"net/http"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// limitRoles and limitKinds are the values the API's contract lists for a limit.
var (
	limitRoles = []string{string(apiclient.PersonRoleAgent), string(apiclient.PersonRoleTeamLead),
		string(apiclient.PersonRoleManager), string(apiclient.PersonRoleDirector)}
	limitKinds = []string{string(apiclient.RecoveryKindCompensation), string(apiclient.RecoveryKindRefund)}
)

func (c *Console) limits(w http.ResponseWriter, r *http.Request) {
	c.showLimits(w, r, http.StatusOK, adminForm{Input: map[string]string{}})
}

func (c *Console) showLimits(w http.ResponseWriter, r *http.Request, status int, form adminForm) {
	limits, _, ref, err := c.readLimits(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderAdmin(w, r, status, "limits", ref, form, map[string]any{"Limits": limits, "Roles": limitRoles, "Kinds": limitKinds})
}

// readLimits reads the set of limits and its version.
func (c *Console) readLimits(r *http.Request) ([]apiclient.CompensationLimit, string, *refusal, error) {
	var list apiclient.CompensationLimitList
	var version string
	ref, err := versioned(&list, &version)(c.client.ListCompensationLimits(r.Context()))
	return list.Items, version, ref, err
}

// putLimit adds or changes one limit (action "save") or removes one ("delete"): the
// API replaces the whole set, so the form sends the set it reads now with that
// change, against that set's version — a change of another limit made meanwhile
// is kept, and one made between this read and the write is a 412, not lost.
func (c *Console) putLimit(w http.ResponseWriter, r *http.Request) {
	if a := r.PathValue("action"); a != "save" && a != "delete" {
		http.Error(w, "no such action", http.StatusNotFound)
		return
	}
	in := formValues(r, "role", "kind", "currency", "amount")
	limits, version, ref, err := c.readLimits(r)
	if err == nil && ref == nil {
		items := []map[string]any{}
		for _, l := range limits {
			if string(l.Role) == in["role"] && string(l.Kind) == in["kind"] && l.Currency == in["currency"] {
				continue // replaced below, or removed
			}
			items = append(items, map[string]any{"role": l.Role, "kind": l.Kind, "currency": l.Currency, "amount": l.Amount})
		}
		if r.PathValue("action") == "save" {
			item := map[string]any{"role": in["role"], "kind": in["kind"], "currency": in["currency"]}
			number(item, "amount", in["amount"])
			items = append(items, item)
		}
		ref, err = into(nil)(c.client.PutCompensationLimitsWithBody(r.Context(), &apiclient.PutCompensationLimitsParams{IfMatch: &version},
			"application/json", jsonBody(map[string]any{"items": items})))
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showLimits(w, r, ref.Status, adminForm{Name: "limit", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/limits", http.StatusSeeOther)
}
