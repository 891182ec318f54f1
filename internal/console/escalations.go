package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// pending is an inbox entry: the escalation with its complaint's context.
type pending struct {
	E apiclient.Escalation
	C complaint
}

func (c *Console) escalations(w http.ResponseWriter, r *http.Request) {
	c.showInbox(w, r, http.StatusOK, "", nil, nil)
}

// showInbox renders the manager's pending escalations; refused names the
// escalation whose form ref and input belong to.
func (c *Console) showInbox(w http.ResponseWriter, r *http.Request, status int, refused string, ref *refusal, input map[string]string) {
	var inbox page[apiclient.Escalation]
	pending := apiclient.EscalationStatusPending
	pageRef, err := into(&inbox)(c.client.EscalationInbox(r.Context(), &apiclient.EscalationInboxParams{Status: &pending}))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if pageRef != nil {
		c.render(w, r, pageRef.Status, "escalations", map[string]any{"PageRefusal": pageRef})
		return
	}
	entries, err := c.withComplaints(r, inbox.Items)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	// A refusal of an escalation not in this inbox (someone who may not decide it
	// posted the form anyway) has no entry to show next to: it shows on top.
	unlisted := refused != ""
	for _, e := range entries {
		if fmt.Sprintf("%s/%d", e.E.ComplaintId, e.E.Seq) == refused {
			unlisted = false
		}
	}
	c.render(w, r, status, "escalations", map[string]any{
		"Entries": entries, "Refused": refused, "Refusal": ref, "Input": input, "Unlisted": unlisted,
	})
}

// withComplaints fetches each escalation's complaint, for its subject, customer
// and SLA state.
func (c *Console) withComplaints(r *http.Request, es []apiclient.Escalation) ([]pending, error) {
	out := make([]pending, 0, len(es))
	for _, e := range es {
		p := pending{E: e}
		if ref, err := into(&p.C.Complaint)(c.client.GetComplaint(r.Context(), e.ComplaintId)); err != nil {
			return nil, err
		} else if ref != nil {
			p.C.Subject = "(not visible: " + ref.Detail + ")"
		}
		out = append(out, p)
	}
	return out, nil
}

// decisionFields are the decision form's fields, sent as the API's names.
var decisionFields = []string{"decision", "urgency", "owner", "reason", "extend_by", "kind", "amount", "currency", "note"}

// decide sends a decision form to the API, which decides whether this person may.
func (c *Console) decide(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	seq, serr := strconv.Atoi(r.PathValue("seq"))
	if err != nil || serr != nil {
		http.Error(w, "no such escalation", http.StatusNotFound)
		return
	}
	input := map[string]string{}
	for _, f := range decisionFields {
		input[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	body := map[string]any{"decision": input["decision"]}
	for _, f := range []string{"urgency", "owner", "reason", "extend_by"} {
		if input[f] != "" {
			body[f] = input[f]
		}
	}
	if input["decision"] == "compensate" {
		comp := map[string]any{"kind": input["kind"]}
		// A number goes as a number; anything else as typed, for the API to name.
		if n, err := strconv.ParseFloat(input["amount"], 64); err == nil {
			comp["amount"] = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
		} else if input["amount"] != "" {
			comp["amount"] = input["amount"]
		}
		for _, f := range []string{"currency", "note"} {
			if input[f] != "" {
				comp[f] = input[f]
			}
		}
		body["compensation"] = comp
	}
	ref, err := into(nil)(c.client.DecideEscalationWithBody(r.Context(), id, seq, nil, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showInbox(w, r, ref.Status, r.PathValue("id")+"/"+r.PathValue("seq"), ref, input)
		return
	}
	http.Redirect(w, r, "/console/escalations", http.StatusSeeOther)
}
