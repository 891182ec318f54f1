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
	// The quality team's forms: a manager reads these pages but may not send them.
	"pdca.open":       "POST /v1/pdca-cycles",
	"pdca.check":      "POST /v1/pdca-cycles/{id}/check",
	"pdca.plan":       "POST /v1/pdca-cycles/{id}/plan",
	"pdca.decision":   "POST /v1/pdca-cycles/{id}/decision",
	"pdca.progress":   "POST /v1/pdca-cycles/{id}/progress",
	"pdca.act":        "POST /v1/pdca-cycles/{id}/act",
	"pdca.withdraw":   "POST /v1/pdca-cycles/{id}/withdraw",
	"qa.score":        "POST /v1/qa-queue/{id}/score",
	"reviews.create":  "POST /v1/review-schedules",
	"reviews.pause":   "PATCH /v1/review-schedules/{id}",
	"reviews.trigger": "POST /v1/review-schedules/{id}/trigger",
	"reviews.delete":  "DELETE /v1/review-schedules/{id}",
	"reviews.run":     "POST /v1/reviews",
	"risk.open":       "POST /v1/risk-alerts",
	"risk.respond":    "POST /v1/risk-alerts/{id}/respond",
	"risk.close":      "POST /v1/risk-alerts/{id}/close",
	// The quality setup page's forms (setup.go).
	"setup.card":       "PUT /v1/qa-scorecard",
	"setup.rules":      "PUT /v1/review-rules",
	"setup.thresholds": "PUT /v1/risk-thresholds",
	// A page's link (the navigation's, say) is for who may read what the page shows:
	// the risk page's for who may list alerts, an agent their own (personal).
	"risk.list":          "GET /v1/risk-alerts",
	"escalations.list":   "GET /v1/escalations",
	"reviews.list":       "GET /v1/review-schedules",
	"pdca.list":          "GET /v1/pdca-cycles",
	"backlog.list":       "GET /v1/improvement-backlog",
	"insight.read":       "GET /v1/insight-report",
	"qa.list":            "GET /v1/qa-queue",
	"dashboard.read":     "GET /v1/metrics",
	"performance.read":   "GET /v1/metrics/efficiency",
	"kpi.read":           "GET /v1/kpi-targets",
	"setup.read":         "GET /v1/qa-scorecard",
	"notifications.list": "GET /v1/notifications",
	// The knowledge base: every staff role reads it; its keepers write articles, and
	// an article's owner edits and reviews it too (keeping).
	"knowledge.list":   "GET /v1/knowledge",
	"knowledge.create": "POST /v1/knowledge",
	"knowledge.edit":   "PATCH /v1/knowledge/{id}",
	"knowledge.review": "POST /v1/knowledge/{id}/review",
	"knowledge.retire": "POST /v1/knowledge/{id}/retire",
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

// personal are the forms whose route, beyond the role, asks who the principal is:
// the API's own rule (internal/auth), which the page asks as the API does.
var personal = map[string]func(auth.Principal) string{
	"pdca.decision":      auth.Principal.MayDecidePlan,
	"risk.list":          func(p auth.Principal) string { _, why := p.AlertsListed(""); return why },
	"escalations.list":   func(p auth.Principal) string { _, why := p.Inbox(); return why },
	"notifications.list": func(p auth.Principal) string { _, why := p.NoticesListed(""); return why },
}

// keeping are the forms of an article whose route, beyond the role, asks whether
// the viewer keeps that article (auth.Principal.MayKeepArticle: its owner, or a
// keeper of them all): the article page asks it as the API does (may.article).
var keeping = map[string]bool{"knowledge.edit": true, "knowledge.review": true}

// may is what the signed-in viewer may send, as pages ask it ({{if $.May.Use
// "weights"}}): the page data "May".
type may struct {
	viewer auth.Principal
	grants grants
	// acting is why the viewer may not act on the complaint the page shows, by the
	// rule every complaint action checks first (api.Server.ActingRefusal); "" when
	// they may, or on a page of no complaint.
	acting string
	// article is why the viewer may not keep the article the page shows
	// (auth.Principal.MayKeepArticle); "" when they may, or on a page of no article.
	article string
}

// may is the viewer's; a form the table does not name is nobody's.
func (c *Console) may(v viewer) may { return may{viewer: v.Principal, grants: c.grants} }

// Use reports whether the API would take form from the viewer here: their role is
// one it admits to the form's route, and nothing else refuses them (Refused).
func (m may) Use(form string) bool {
	return m.viewer.Allowed(m.roles(form)...) && m.Refused(form) == ""
}

// Refused is why a viewer whose role the form's route admits may still not send it
// here, as the API would say it: the complaint is not theirs to act on, or the
// route wants a person; "" when nothing does, or when the role is refused (Only).
func (m may) Refused(form string) string {
	if !m.viewer.Allowed(m.roles(form)...) {
		return ""
	}
	if _, ok := actions[form]; ok {
		return m.acting
	}
	if keeping[form] {
		return m.article
	}
	if rule, ok := personal[form]; ok {
		return rule(m.viewer)
	}
	return ""
}

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
