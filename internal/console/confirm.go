package console

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// removal is one kind of thing the API deletes (or deactivates): the call, the
// page to go back to, and the message ids that name the kind and the act.
type removal struct {
	// call sends the delete of id, against version when the page had one.
	call func(ctx context.Context, c *apiclient.Client, id string, version *string) (*http.Response, error)
	back string // {id} stands for the thing's ID
	noun string // message id of the kind, e.g. "rm.calendar"
	verb string // message id of the act, e.g. "rm.delete"
}

// removalNames read what the confirmation names a thing of their kind by, instead
// of its ID ("" when they cannot: the page then names the ID, and the act gets the
// API's answer).
var removalNames = map[string]func(ctx context.Context, c *apiclient.Client, id string) string{
	"article": articleTitle,
}

// removals are every delete, deactivation and retirement the API offers, each
// behind a confirmation page: a button leads to it, and only its form sends it.
var removals = map[string]removal{
	"calendar": {func(ctx context.Context, c *apiclient.Client, id string, version *string) (*http.Response, error) {
		return c.DeleteCalendar(ctx, id, &apiclient.DeleteCalendarParams{IfMatch: version})
	}, "/console/admin/calendars", "rm.calendar", "rm.delete"},
	"route": {func(ctx context.Context, c *apiclient.Client, id string, version *string) (*http.Response, error) {
		// A route is named category:tier:channel, as its row's button does.
		category, rest, _ := strings.Cut(id, ":")
		tier, channel, _ := strings.Cut(rest, ":")
		_, params := routeParams(tier, channel)
		params.IfMatch = version
		return c.DeleteRoute(ctx, apiclient.RouteCategory(category), params)
	}, "/console/admin/routing", "rm.route", "rm.delete"},
	"person": {func(ctx context.Context, c *apiclient.Client, id string, version *string) (*http.Response, error) {
		return c.DeactivatePerson(ctx, id, &apiclient.DeactivatePersonParams{IfMatch: version})
	}, "/console/admin/directory", "rm.person", "rm.deactivate"},
	"integration": {func(ctx context.Context, c *apiclient.Client, id string, version *string) (*http.Response, error) {
		return c.DeleteIntegration(ctx, id, &apiclient.DeleteIntegrationParams{IfMatch: version})
	}, "/console/admin/integrations", "rm.integration", "rm.delete"},
	"token": {func(ctx context.Context, c *apiclient.Client, id string, _ *string) (*http.Response, error) {
		// A revocation takes no version: it is final whatever the token's state.
		u, err := api.ParseID(id)
		if err != nil {
			// Not a token's ID: the API's own answer for an unknown token.
			return c.RevokeToken(ctx, uuid.Nil)
		}
		return c.RevokeToken(ctx, u)
	}, "/console/admin/tokens", "rm.token", "rm.revoke"},
	"schedule": {func(ctx context.Context, c *apiclient.Client, id string, version *string) (*http.Response, error) {
		return c.DeleteReviewSchedule(ctx, id, &apiclient.DeleteReviewScheduleParams{IfMatch: version})
	}, "/console/reviews", "rm.schedule", "rm.delete"},
	// A retired article stays readable: back to its page, which says so.
	"article": {func(ctx context.Context, c *apiclient.Client, id string, _ *string) (*http.Response, error) {
		// A retirement takes no version: it only ends the article's life.
		u, err := api.ParseID(id)
		if err != nil {
			return c.RetireKnowledgeArticle(ctx, uuid.Nil) // the API's own answer for an unknown article
		}
		return c.RetireKnowledgeArticle(ctx, u)
	}, "/console/knowledge/{id}", "rm.article", "rm.retire"},
	// Not a removal, but as easily regretted: the person's receiver checks the old key.
	webhookKeyKind: {nil, "/console/admin/directory", "rm.person", "dir.rotatekey"},
}

// webhookKeyKind is the confirmation of a person's webhook key rotation: its form
// posts to the rotation's own handler (rotateWebhookKey), which shows the new key
// in its answer, where a removal's would redirect; so it has no call.
const webhookKeyKind = "webhook-key"

// confirmedElsewhere are the acts whose confirmation posts to a handler of their
// own, by kind ({id} stands for the thing's ID).
var confirmedElsewhere = map[string]string{webhookKeyKind: "/console/admin/people/{id}/webhook-secret"}

// backFrom is the page to return to from the confirmation of id.
func (rm removal) backFrom(id string) string {
	return strings.ReplaceAll(rm.back, "{id}", url.PathEscape(id))
}

// registerRemovals parses the confirmation page and serves it and its action.
func (c *Console) registerRemovals(mux *routeMux) {
	c.pages["confirm"] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles,
		"templates/layout.html", "templates/rows.html", "templates/confirm.html"))
	mux.Handle("GET /console/confirm/{kind}/{id}", c.session(c.confirmRemoval))
	mux.Handle("POST /console/remove/{kind}/{id}", c.session(c.remove))
}

// confirmRemoval asks whether to delete (or deactivate) the thing; nothing changes
// until its form is sent.
func (c *Console) confirmRemoval(w http.ResponseWriter, r *http.Request) {
	c.showConfirm(w, r, http.StatusOK, nil)
}

func (c *Console) showConfirm(w http.ResponseWriter, r *http.Request, status int, ref *refusal) {
	kind := r.PathValue("kind")
	rm, ok := removals[kind]
	if !ok {
		http.Error(w, "no such kind", http.StatusNotFound)
		return
	}
	// The version of what the button's row showed: changed elsewhere since, the
	// delete is refused; the page then holds the version now, to confirm knowingly.
	version := r.URL.Query().Get("version")
	if ref != nil {
		version = cmp.Or(ref.Version, r.PostFormValue("version"))
	}
	name := r.PathValue("id")
	if named, ok := removalNames[kind]; ok {
		name = cmp.Or(named(r.Context(), c.client, name), name)
	}
	action := "/console/remove/" + url.PathEscape(kind) + "/{id}"
	if elsewhere, ok := confirmedElsewhere[kind]; ok {
		action = elsewhere
	}
	data := map[string]any{
		"Kind": kind, "ID": r.PathValue("id"), "Name": name, "Noun": rm.noun, "Verb": rm.verb, "Back": rm.backFrom(r.PathValue("id")),
		"Action": strings.ReplaceAll(action, "{id}", url.PathEscape(r.PathValue("id"))), "Refusal": ref,
		"Version": version,
	}
	if kind == webhookKeyKind {
		// Chosen before the act: the old key keeps signing, so the receiver keeps
		// working, unless it leaked; a refused rotation keeps the choice.
		data["KeyGraces"], data["KeyGrace"] = keyGraces, cmp.Or(r.PostFormValue("grace_seconds"), keyGraces[0].Seconds)
		// "Really rotate the signing key person …?" reads wrong: the key is the person's.
		data["Question"] = "dir.rotatequestion"
	}
	c.render(w, r, status, "confirm", data)
}

// remove sends the DELETE; a refusal (a calendar a policy still uses, a schedule
// already gone) is shown on the confirmation page.
func (c *Console) remove(w http.ResponseWriter, r *http.Request) {
	rm, ok := removals[r.PathValue("kind")]
	if !ok || rm.call == nil {
		http.Error(w, "no such kind", http.StatusNotFound)
		return
	}
	res, err := rm.call(r.Context(), c.client, r.PathValue("id"), drawnVersion(r))
	c.posted(w, r, res, err, rm.backFrom(r.PathValue("id")), func(status int, ref *refusal) { c.showConfirm(w, r, status, ref) })
}
