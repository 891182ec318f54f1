package auth

import "strings"

// KnowledgeKeepers are the roles that write every knowledge base article.
var KnowledgeKeepers = []Role{RoleQuality, RoleManager, RoleAdmin}

// MayKeepArticle says why p may not edit, review or retire a knowledge base article
// kept by owner — "" when it may. The owner keeps their article current whatever
// their token's role (an agent may own the articles of their trade), as an alert's
// owner handles it (MayHandleAlert).
func (p Principal) MayKeepArticle(owner string) string {
	return p.ownerOr(owner, KnowledgeKeepers, "only the article's owner or %s may change it")
}

// ownerOr is the rule an alert and an article follow: p's role is one of roles, or
// p is the person owner names. A token's name is never taken for the owner. why
// words the refusal, %s standing for the roles.
func (p Principal) ownerOr(owner string, roles []Role, why string) string {
	if p.Allowed(roles...) || (p.PersonID != "" && p.PersonID == owner) {
		return ""
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Replace(why, "%s", strings.Join(names, ", "), 1)
}
