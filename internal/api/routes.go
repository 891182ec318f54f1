package api

import "strings"

// routeActions words what each route does, for the 403 that refuses it: "role
// agent may not decide escalations". A route missing here is worded from its
// pattern (actionOf); internal/api's tests check every route reads as a sentence.
var routeActions = map[string]string{
	"POST /v1/complaints":                                       "file complaints",
	"GET /v1/complaints":                                        "list complaints",
	"GET /v1/complaints/{id}":                                   "read complaints",
	"GET /v1/complaints/{id}/events":                            "read a complaint's events",
	"POST /v1/complaints/{id}/reveal":                           "reveal a complaint's personal data",
	"POST /v1/feedback/{id}/reveal":                             "reveal feedback's personal data",
	"POST /v1/complaints/{id}/acknowledge":                      "acknowledge complaints",
	"POST /v1/complaints/{id}/resolve":                          "resolve complaints",
	"POST /v1/complaints/{id}/close":                            "close complaints",
	"POST /v1/complaints/{id}/pause":                            "pause complaints",
	"POST /v1/complaints/{id}/resume":                           "resume complaints",
	"POST /v1/complaints/{id}/reopen":                           "reopen complaints",
	"POST /v1/complaints/{id}/escalations":                      "request escalations",
	"GET /v1/complaints/{id}/escalations":                       "list a complaint's escalations",
	"GET /v1/complaints/{id}/escalations/{seq}":                 "read a complaint's escalations",
	"POST /v1/complaints/{id}/escalations/{seq}/decision":       "decide escalations",
	"GET /v1/escalations":                                       "read the escalation inbox",
	"POST /v1/complaints/{id}/compensations":                    "compensate customers",
	"GET /v1/complaints/{id}/compensations":                     "list a complaint's compensations",
	"GET /v1/complaints/{id}/compensations/{seq}":               "read a complaint's compensations",
	"POST /v1/complaints/{id}/handover":                         "hand complaints over",
	"GET /v1/compensation-limits":                               "read compensation limits",
	"PUT /v1/compensation-limits":                               "change compensation limits",
	"GET /v1/complaints/{id}/surveys":                           "read a complaint's surveys",
	"GET /v1/sla-policies":                                      "list SLA policies",
	"PUT /v1/sla-policies/{urgency}/{tier}":                     "change SLA policies",
	"GET /v1/sla-policies/sources":                              "list SLA policies",
	"PUT /v1/sla-policies/sources/{source}/{urgency}/{tier}":    "change SLA policies",
	"DELETE /v1/sla-policies/sources/{source}/{urgency}/{tier}": "change SLA policies",
	"GET /v1/customers/{id}":                                    "read customer histories",
	"GET /v1/notifications":                                     "list notifications",
	"POST /v1/tokens":                                           "create tokens",
	"GET /v1/tokens":                                            "list tokens",
	"GET /v1/tokens/{id}":                                       "read tokens",
	"DELETE /v1/tokens/{id}":                                    "revoke tokens",
	"POST /v1/tokens/{id}/rotate":                               "rotate tokens",
	"PUT /v1/integrations/{id}":                                 "write integrations",
	"GET /v1/integrations":                                      "list integrations",
	"GET /v1/integrations/{id}":                                 "read integrations",
	"DELETE /v1/integrations/{id}":                              "delete integrations",
	"GET /v1/integrations/{id}/deliveries":                      "read an integration's deliveries",
	"POST /v1/integrations/{id}/deliveries/redeliver":           "redeliver an integration's callbacks",
	"GET /v1/complaints/{id}/callbacks":                         "read a complaint's callbacks",
	"GET /v1/complaints/{id}/customer-notices":                  "read the notices to a complaint's customer",
	"PUT /v1/teams/{id}":                                        "write teams",
	"GET /v1/teams":                                             "list teams",
	"GET /v1/teams/{id}":                                        "read teams",
	"PUT /v1/people/{id}":                                       "write people",
	"GET /v1/people":                                            "list people",
	"GET /v1/people/{id}":                                       "read people",
	"DELETE /v1/people/{id}":                                    "deactivate people",
	"POST /v1/people/{id}/webhook-secret":                       "rotate people's webhook keys",
	"PUT /v1/routing/{category}":                                "change routing rules",
	"GET /v1/routing":                                           "list routing rules",
	"DELETE /v1/routing/{category}":                             "delete routing rules",
	"PUT /v1/calendars/{id}":                                    "write calendars",
	"GET /v1/calendars":                                         "list calendars",
	"GET /v1/calendars/{id}":                                    "read calendars",
	"DELETE /v1/calendars/{id}":                                 "delete calendars",
	"GET /v1/classification-rules":                              "read classification rules",
	"PUT /v1/classification-rules":                              "replace classification rules",
	"POST /v1/classify":                                         "preview classifications",
	"POST /v1/feedback":                                         "record feedback",
	"GET /v1/feedback":                                          "list feedback",
	"GET /v1/feedback/{id}":                                     "read feedback",
	"GET /v1/improvement-backlog":                               "list the improvement backlog",
	"PATCH /v1/improvement-backlog/{id}":                        "change backlog items",
	"GET /v1/heatmap":                                           "read the heat map",
	"GET /v1/metrics":                                           "read metrics",
	"GET /v1/metrics/efficiency":                                "read agents' efficiency",
	"GET /v1/metrics/service-stars":                             "read the service star ranking",
	"GET /v1/service-star-weights":                              "read service star weights",
	"PUT /v1/service-star-weights":                              "change service star weights",
	"POST /v1/pdca-cycles":                                      "open PDCA cycles",
	"GET /v1/pdca-cycles":                                       "list PDCA cycles",
	"GET /v1/pdca-cycles/{id}":                                  "read PDCA cycles",
	"GET /v1/pdca-cycles/{id}/events":                           "read a PDCA cycle's events",
	"POST /v1/pdca-cycles/{id}/plan":                            "submit PDCA plans",
	"POST /v1/pdca-cycles/{id}/decision":                        "decide PDCA plans",
	"POST /v1/pdca-cycles/{id}/progress":                        "report PDCA progress",
	"POST /v1/pdca-cycles/{id}/act":                             "act on PDCA cycles",
	"POST /v1/pdca-cycles/{id}/withdraw":                        "withdraw PDCA cycles",
	"POST /v1/pdca-cycles/{id}/check":                           "check PDCA cycles",
	"GET /v1/qa-scorecard":                                      "read the QA scorecard",
	"PUT /v1/qa-scorecard":                                      "change the QA scorecard",
	"GET /v1/qa-queue":                                          "list the QA queue",
	"GET /v1/qa-queue/{id}":                                     "read QA samples",
	"POST /v1/qa-queue/{id}/score":                              "score QA samples",
	"POST /v1/review-schedules":                                 "create review schedules",
	"GET /v1/review-schedules":                                  "list review schedules",
	"GET /v1/review-schedules/{id}":                             "read review schedules",
	"PATCH /v1/review-schedules/{id}":                           "change review schedules",
	"DELETE /v1/review-schedules/{id}":                          "delete review schedules",
	"POST /v1/review-schedules/{id}/trigger":                    "trigger reviews",
	"GET /v1/review-rules":                                      "read review rules",
	"PUT /v1/review-rules":                                      "change review rules",
	"GET /v1/reviews":                                           "list reviews",
	"POST /v1/reviews":                                          "run reviews",
	"GET /v1/insight-report":                                    "read the insight report",
	"GET /v1/reviews/{id}":                                      "read reviews",
	"GET /v1/risk-thresholds":                                   "read risk thresholds",
	"PUT /v1/risk-thresholds":                                   "change risk thresholds",
	"GET /v1/risk-alerts":                                       "list risk alerts",
	"POST /v1/risk-alerts":                                      "open risk alerts",
	"GET /v1/kpi-targets":                                       "read KPI targets",
	"PUT /v1/kpi-targets":                                       "change KPI targets",
	"GET /v1/risk-alerts/{id}":                                  "read risk alerts",
	"POST /v1/risk-alerts/{id}/respond":                         "respond to risk alerts",
	"POST /v1/risk-alerts/{id}/close":                           "close risk alerts",
	"GET /v1/risk-ledger":                                       "read the risk ledger",
	"POST /v1/complaints/{id}/progress":                         "send customers progress updates",
	"GET /v1/message-templates":                                 "list customer message templates",
	"GET /v1/message-templates/{key}/{locale}":                  "read customer message templates",
	"PUT /v1/message-templates/{key}/{locale}":                  "change customer message templates",
	"GET /v1/knowledge":                                         "search the knowledge base",
	"POST /v1/knowledge":                                        "write knowledge base articles",
	"GET /v1/knowledge/{id}":                                    "read knowledge base articles",
	"PATCH /v1/knowledge/{id}":                                  "edit knowledge base articles",
	"POST /v1/knowledge/{id}/review":                            "review knowledge base articles",
	"POST /v1/knowledge/{id}/retire":                            "retire knowledge base articles",
}

// actionOf words what the route pattern does: from routeActions, else from the
// pattern itself ("POST /v1/things/{id}/archive" is "archive things", "GET
// /v1/things" "read things"), never the method and path themselves.
func actionOf(pattern string) string {
	if a, ok := routeActions[pattern]; ok {
		return a
	}
	method, path, _ := strings.Cut(pattern, " ")
	var words []string
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if seg != "" && seg != "v1" && !strings.HasPrefix(seg, "{") {
			words = append(words, strings.ReplaceAll(seg, "-", " "))
		}
	}
	if len(words) == 0 {
		return "use this endpoint"
	}
	resource := words[0]
	if len(words) > 1 && method == "POST" && !strings.HasSuffix(path, "}") {
		return words[len(words)-1] + " " + resource // an action on a resource
	}
	verbs := map[string]string{"GET": "read", "POST": "create", "PUT": "write", "PATCH": "change", "DELETE": "delete"}
	verb, ok := verbs[method]
	if !ok {
		verb = "use"
	}
	return verb + " " + strings.Join(words, " ")
}
