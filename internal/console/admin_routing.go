package console

import (
	"cmp"
	"net/http"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// routeCategories are the categories a route may name ("*" for the rest), as the
// API's contract lists them.
var routeCategories = []string{
	string(apiclient.RouteCategoryLogistics), string(apiclient.RouteCategoryProduct), string(apiclient.RouteCategoryService),
	string(apiclient.RouteCategoryAfterSales), string(apiclient.RouteCategoryOther), string(apiclient.RouteCategoryAsterisk),
}

func (c *Console) routing(w http.ResponseWriter, r *http.Request) {
	c.showRouting(w, r, http.StatusOK, adminForm{})
}

// routeChannels are the channels a route may name, "*" (any) first.
var routeChannels = []string{
	string(apiclient.RouteAnyChannel), string(apiclient.RoutePhone), string(apiclient.RouteWeb), string(apiclient.RouteApp),
	string(apiclient.RouteMiniProgram), string(apiclient.RouteWechat), string(apiclient.RouteEmail),
	string(apiclient.RouteSocialMedia), string(apiclient.RouteMarketplace), string(apiclient.RouteMysteryShopper),
	string(apiclient.RouteSurvey), string(apiclient.RouteOther),
}

// routeParams is a rule's tier and channel as the API's query parameters.
func routeParams(tier, channel string) (*apiclient.PutRouteParams, *apiclient.DeleteRouteParams) {
	t, ch := apiclient.PolicyLevel(tier), apiclient.RouteChannel(channel)
	put, del := &apiclient.PutRouteParams{}, &apiclient.DeleteRouteParams{}
	if tier != "" {
		put.Tier, del.Tier = &t, &t
	}
	if channel != "" {
		put.Channel, del.Channel = &ch, &ch
	}
	return put, del
}

// showRouting renders the routes; ?edit=&tier=&channel= opens that route in the form.
func (c *Console) showRouting(w http.ResponseWriter, r *http.Request, status int, form adminForm) {
	var routes page[apiclient.Route]
	ref, err := into(&routes)(c.client.ListRoutes(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if form.Input == nil {
		form.Input = map[string]string{}
		for _, rt := range routes.Items {
			q := r.URL.Query()
			if string(rt.Category) == q.Get("edit") && string(rt.Tier) == q.Get("tier") && string(rt.Channel) == q.Get("channel") {
				form.Input = map[string]string{"category": string(rt.Category), "tier": string(rt.Tier),
					"channel": string(rt.Channel), "team_id": rt.TeamId, "owner_id": deref(rt.OwnerId)}
			}
		}
	}
	versions := map[string]string{}
	for _, rt := range routes.Items {
		versions[string(rt.Category)+"/"+string(rt.Tier)+"/"+string(rt.Channel)] = api.TimeETag(rt.UpdatedAt)
	}
	drawAt(form.Input, routeKey(form.Input), versions)
	c.renderAdmin(w, r, status, "routing", ref, form, map[string]any{"Routes": routes.Items, "Categories": routeCategories,
		"Tiers": anyLevels, "Channels": routeChannels})
}

// routeKey is the rule a form names, category/tier/channel (an empty tier or
// channel is the API's "*").
func routeKey(in map[string]string) string {
	return in["category"] + "/" + cmp.Or(in["tier"], "*") + "/" + cmp.Or(in["channel"], "*")
}

// putRoute creates or changes a route of a category, tier and channel, against
// the version of the rule the form was drawn for (sentVersion).
func (c *Console) putRoute(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, "category", "tier", "channel", "team_id", "owner_id")
	body := map[string]any{"team_id": in["team_id"]}
	setIfGiven(body, in, "owner_id")
	params, _ := routeParams(in["tier"], in["channel"])
	params.IfMatch = sentVersion(r, routeKey(in))
	ref, err := into(nil)(c.client.PutRouteWithBody(r.Context(), apiclient.RouteCategory(in["category"]), params, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showRouting(w, r, ref.Status, adminForm{Name: "route", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/routing", http.StatusSeeOther)
}
