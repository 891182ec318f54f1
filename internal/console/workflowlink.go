package console

import (
	"net/url"
	"strings"
)

// LinkWorkflows makes the complaint and PDCA cycle pages link their workflow to the
// Temporal Web UI at uiURL (TEMPORAL_UI_URL), in namespace; empty: the pages show the
// workflow ID without a link. Call it before serving.
func (c *Console) LinkWorkflows(uiURL, namespace string) {
	c.workflowUI, c.namespace = strings.TrimRight(uiURL, "/"), namespace
}

// workflowLink is the Web UI's page of the workflow, or "" without a UI to link to.
func (c *Console) workflowLink(workflowID string) string {
	if c.workflowUI == "" || workflowID == "" {
		return ""
	}
	return c.workflowUI + "/namespaces/" + url.PathEscape(c.namespace) + "/workflows/" + url.PathEscape(workflowID)
}
