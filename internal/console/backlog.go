package console

import (
	"fmt"
	"net/http"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The improvement list (002 §3.4): the backlog's items with their owner, due date
// and PDCA cycle, each editable in its row.

func (c *Console) backlog(w http.ResponseWriter, r *http.Request) {
	c.showBacklog(w, r, http.StatusOK, map[string]any{})
}

// backlogRow is an item as the page shows it, with what it is now (for the watch)
// and its entity tag (for the row's form, so a save made against a version
// changed elsewhere is refused rather than overwriting it).
type backlogRow struct {
	apiclient.BacklogItem
	Now, ETag string
}

// backlogNow is what an item is now, as the open page's watch compares it: its
// status and its last change (who, when), which any edit moves.
func backlogNow(it apiclient.BacklogItem) string {
	return fmt.Sprintf("%s (%s, %s)", it.Status, it.UpdatedBy, it.UpdatedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
}

// backlogItems are the newest items (the API's first page).
func (c *Console) backlogItems(r *http.Request) (page[apiclient.BacklogItem], *refusal, error) {
	var items page[apiclient.BacklogItem]
	ref, err := into(&items)(c.client.ListBacklog(r.Context(), nil))
	return items, ref, err
}

// backlogVersions answers the open list's watch with what each item is now by ID,
// so the page can count the items filed since it was drawn and say which were
// edited elsewhere — a row saved after that would overwrite the edit — without
// redrawing the rows being edited.
func (c *Console) backlogVersions(w http.ResponseWriter, r *http.Request) {
	items, ref, err := c.backlogItems(r)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	now := make(map[string]string, len(items.Items))
	for _, it := range items.Items {
		now[it.Id.String()] = backlogNow(it)
	}
	c.pollAnswer(w, r, map[string]map[string]string{"items": now})
}

// showBacklog renders the newest items; extra carries a row's refusal and input.
func (c *Console) showBacklog(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	items, ref, err := c.backlogItems(r)
	if c.refusedPage(w, r, "backlog", ref, err) {
		return
	}
	rows := make([]backlogRow, len(items.Items))
	for i, it := range items.Items {
		rows[i] = backlogRow{it, backlogNow(it), api.TimeETag(it.UpdatedAt)}
	}
	extra["Items"] = rows
	c.render(w, r, status, "backlog", extra)
}

// backlogFields are a row's fields, sent under the API's names: every one, so an
// emptied owner, date or cycle is cleared.
var backlogFields = []string{"status", "owner", "due_on", "cycle_id"}

// changeBacklogItem sends a row's values to the API, against the version the row
// was drawn with (If-Match): an item changed elsewhere meanwhile is the API's 412,
// shown at the row with what was typed; the row is then drawn at the new version,
// so sending it again applies it over that change, knowingly.
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
	params := &apiclient.PatchBacklogItemParams{IfMatch: drawnVersion(r)}
	res, err := c.client.PatchBacklogItemWithBody(r.Context(), id, params, "application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/backlog", func(status int, ref *refusal) {
		c.showBacklog(w, r, status, map[string]any{"Form": "item-" + id.String(), "Refusal": ref, "Input": input})
	})
}
