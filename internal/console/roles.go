package console

import (
	"net/http"
	"strings"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// Who may use a form is the API's rule, read from the table its authorisation
// reads (api.Server.Routes: each route with the roles authorize admits): a form is
// offered to the roles the API admits to the route it sends, so nobody types into
// a form only to hear 403 after sending it. Another role sees the form's place
// say who may, and a page that only edits (an admin page) answers 403.

// formRoutes names each form (and admin page) by the API route it sends.
var formRoutes = map[string]string{
	"weights":     "PUT /v1/service-star-weights",
	"kpi":         "PUT /v1/kpi-targets",
	"reveal":      "POST /v1/complaints/{id}/reveal",
	"acknowledge": "POST /v1/complaints/{id}/acknowledge",
	"progress":    "POST /v1/complaints/{id}/progress",
	"pause":       "POST /v1/complaints/{id}/pause",
	"resume":      "POST /v1/complaints/{id}/resume",
	"resolve":     "POST /v1/complaints/{id}/resolve",
	"reopen":      "POST /v1/complaints/{id}/reopen",
	"close":       "POST /v1/complaints/{id}/close",
	"escalate":    "POST /v1/complaints/{id}/escalations",
	"compensate":  "POST /v1/complaints/{id}/compensations",
	"handover":    "POST /v1/complaints/{id}/handover",
	// An admin page is for who may make its changes.
	"admin.policies":       "PUT /v1/sla-policies/{urgency}/{tier}",
	"admin.directory":      "PUT /v1/people/{id}",
	"admin.routing":        "PUT /v1/routing/{category}",
	"admin.calendars":      "PUT /v1/calendars/{id}",
	"admin.classification": "PUT /v1/classification-rules",
	"admin.tokens":         "POST /v1/tokens",
	"admin.limits":         "PUT /v1/compensation-limits",
	"admin.integrations":   "PUT /v1/integrations/{id}",
	"admin.messages":       "PUT /v1/message-templates/{key}/{locale}",
}

// grants is the roles the API admits to each route, by pattern.
type grants map[string][]auth.Role

// grantsOf reads the API's routes into grants.
func grantsOf(routes []api.Route) grants {
	g := grants{}
	for _, r := range routes {
		g[r.Pattern] = r.Roles
	}
	return g
}

// may is what the signed-in viewer may send, as pages ask it ({{if $.May.Use
// "weights"}}): the page data "May".
type may struct {
	viewer auth.Principal
	grants grants
}

// may is the viewer's; a form the table does not name is nobody's.
func (c *Console) may(v viewer) may { return may{viewer: v.Principal, grants: c.grants} }

// Use reports whether the viewer's role is one the API admits to form's route.
func (m may) Use(form string) bool { return m.viewer.Allowed(m.roles(form)...) }

// Only is the roles that may use form, as a note in its place says them.
func (m may) Only(form string) string {
	roles := m.roles(form)
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func (m may) roles(form string) []auth.Role { return m.grants[formRoutes[form]] }

// adminOnly serves an admin page (and its writes) to who may make the page's
// changes; anyone else gets 403 and the page's refusal, never its reads (the
// directory's people, say, which an agent may list through the API).
func (c *Console) adminOnly(section string, h http.HandlerFunc) http.Handler {
	return c.session(c.forAdmins(section, h))
}

// forAdmins is adminOnly behind the session.
func (c *Console) forAdmins(section string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := c.may(viewerFrom(r.Context()))
		if !m.Use("admin." + section) {
			ref := &refusal{Status: http.StatusForbidden, Detail: strings.NewReplacer("{role}", string(m.viewer.Role),
				"{roles}", m.Only("admin."+section)).Replace(translate(langOf(r), "may.admin"))}
			c.renderAdmin(w, r, http.StatusForbidden, section, ref, adminForm{}, nil)
			return
		}
		h(w, r)
	}
}
