package api

import "net/http"

// listedOwner reads the owner parameter of the alert list and the ledger (a person
// ID, or me) and answers whose alerts the caller's page holds
// (auth.Principal.AlertsListed): "" for everyone's. The store filters by it, so
// pages and cursors count only the alerts listed. It reads the last parameter:
// false when it has written the problem of any, or the refusal.
func listedOwner(w http.ResponseWriter, r *http.Request, v *validator) (string, bool) {
	caller := principalFrom(r.Context())
	owner := personParam(v, r.URL.Query(), "owner", caller)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return "", false
	}
	listed, why := caller.AlertsListed(owner)
	if why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return "", false
	}
	return listed, true
}
