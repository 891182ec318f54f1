package auth

// AlertHandlers are the roles that read, answer and close every risk alert.
var AlertHandlers = []Role{RoleQuality, RoleManager, RoleAdmin}

// MayHandleAlert says why p may not read, respond to or close a risk alert owned
// by owner ("" for none) — "" when it may. The alert's owner handles it whatever
// their token's role: the monitor pushes a training gap to the agent's team lead
// (002 §9.1 推送至责任人), whose token is often an agent's. A token's name is never
// taken for the owner.
func (p Principal) MayHandleAlert(owner string) string {
	return p.ownerOr(owner, AlertHandlers, "only the alert's owner or %s may read, respond to or close it")
}
