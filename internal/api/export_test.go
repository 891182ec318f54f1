package api

// ActionOf and RouteActions let the external tests see the 403 wording.
var ActionOf = actionOf

// RouteActions is routeActions, for the external tests.
func RouteActions() map[string]string { return routeActions }
