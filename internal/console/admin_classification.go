package console

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

func (c *Console) classification(w http.ResponseWriter, r *http.Request) {
	c.showRules(w, r, http.StatusOK, adminForm{})
}

// showRules renders the rule set and a JSON textarea holding it, to edit and send
// back whole: the API replaces every rule or none.
func (c *Console) showRules(w http.ResponseWriter, r *http.Request, status int, form adminForm) {
	var rules page[apiclient.StoredClassificationRule]
	var version string // the set's ETag, the form's If-Match
	ref, err := versioned(&rules, &version)(c.client.ListClassificationRules(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if form.Input == nil {
		type editable struct {
			Dimension string   `json:"dimension"`
			Value     string   `json:"value"`
			Keywords  []string `json:"keywords"`
			Priority  int      `json:"priority"`
		}
		es := make([]editable, 0, len(rules.Items))
		for _, rl := range rules.Items {
			var kw []string
			if rl.Keywords != nil {
				kw = *rl.Keywords
			}
			es = append(es, editable{string(rl.Dimension), rl.Value, kw, rl.Priority})
		}
		text, _ := json.MarshalIndent(es, "", "  ")
		form.Input = map[string]string{"rules": string(text)}
	}
	c.renderAdmin(w, r, status, "classification", ref, form, map[string]any{"Rules": rules.Items, "Version": version})
}

// putRules sends the textarea as the rule set, against the set's version the page
// was drawn with (a set saved elsewhere since is refused, not dropped); text that
// is not JSON goes as a string, for the API to refuse by name.
func (c *Console) putRules(w http.ResponseWriter, r *http.Request) {
	in := map[string]string{"rules": strings.TrimSpace(r.PostFormValue("rules"))}
	body := map[string]any{"rules": in["rules"]}
	if json.Valid([]byte(in["rules"])) {
		body["rules"] = json.RawMessage(in["rules"])
	}
	ref, err := into(nil)(c.client.PutClassificationRulesWithBody(r.Context(),
		&apiclient.PutClassificationRulesParams{IfMatch: drawnVersion(r)}, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showRules(w, r, ref.Status, adminForm{Name: "rules", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/classification", http.StatusSeeOther)
}
