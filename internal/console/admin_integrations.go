package console

import (
	"net/http"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

func (c *Console) integrations(w http.ResponseWriter, r *http.Request) {
	var list page[apiclient.Integration]
	ref, err := into(&list)(c.client.ListIntegrations(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderAdmin(w, r, http.StatusOK, "integrations", ref, adminForm{}, map[string]any{"Integrations": list.Items})
}
