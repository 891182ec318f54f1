package console

import (
	"net/http"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The improvement list (002 §3.4): the backlog's items with their owner, due date
// and PDCA cycle, each editable in its row.

func (c *Console) backlog(w http.ResponseWriter, r *http.Request) {
	c.showBacklog(w, r, http.StatusOK, map[string]any{})
}

// showBacklog renders the newest items; extra carries a row's refusal and input.
func (c *Console) showBacklog(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	var items page[apiclient.BacklogItem]
	ref, err := into(&items)(c.client.ListBacklog(r.Context(), nil))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.render(w, r, ref.Status, "backlog", map[string]any{"PageRefusal": ref})
		return
	}
	extra["Items"] = items.Items
	c.render(w, r, status, "backlog", extra)
}

// backlogFields are a row's fields, sent under the API's names: every one, so an
// emptied owner, date or cycle is cleared.
var backlogFields = []string{"status", "owner", "due_on", "cycle_id"}

// changeBacklogItem sends a row's values to the API.
func (c *Console) changeBacklogItem(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such backlog item", http.StatusNotFound)
		return
	}
	input := formInput(r, backlogFields...)
	body := map[string]any{}
	for _, f := range backlogFields {
		body[f] = input[f]
	}
	res, err := c.client.PatchBacklogItemWithBody(r.Context(), id, "application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/backlog", func(status int, ref *refusal) {
		c.showBacklog(w, r, status, map[string]any{"Form": "item-" + id.String(), "Refusal": ref, "Input": input})
	})
}
