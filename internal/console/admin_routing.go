package console

import (
	"net/http"

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

// showRouting renders the routes; ?edit= opens that category's route in the form.
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
			if string(rt.Category) == r.URL.Query().Get("edit") {
				form.Input = map[string]string{"category": string(rt.Category), "team_id": rt.TeamId, "owner_id": deref(rt.OwnerId)}
			}
		}
	}
	c.renderAdmin(w, r, status, "routing", ref, form, map[string]any{"Routes": routes.Items, "Categories": routeCategories})
}

// putRoute creates or changes a category's route.
func (c *Console) putRoute(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, "category", "team_id", "owner_id")
	body := map[string]any{"team_id": in["team_id"]}
	setIfGiven(body, in, "owner_id")
	ref, err := into(nil)(c.client.PutRouteWithBody(r.Context(), apiclient.RouteCategory(in["category"]), "application/json", jsonBody(body)))
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
