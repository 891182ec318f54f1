package auth

import "strings"

// AlertHandlers are the roles that read, answer and close every risk alert.
var AlertHandlers = []Role{RoleQuality, RoleManager, RoleAdmin}

// MayHandleAlert says why p may not read, respond to or close a risk alert owned
// by owner ("" for none) — "" when it may. The alert's owner handles it whatever
// their token's role: the monitor pushes a training gap to the agent's team lead
// (002 §9.1 推送至责任人), whose token is often an agent's. A token's name is never
// taken for the owner.
func (p Principal) MayHandleAlert(owner string) string {
	if p.Allowed(AlertHandlers...) || (p.PersonID != "" && p.PersonID == owner) {
		return ""
	}
	names := make([]string, len(AlertHandlers))
	for i, r := range AlertHandlers {
		names[i] = string(r)
	}
	return "only the alert's owner or " + strings.Join(names, ", ") + " may read, respond to or close it"
}
