package auth

// AlertsListed is whose alerts p's list holds when it asks for owner's (a person;
// "" for anyone's): the handlers (AlertHandlers) list anyone's they ask for; anyone
// else lists the alerts they own — the ones MayHandleAlert lets them handle — and
// no one else's. why says why p may not list them ("" when p may); a token for no
// person owns no alert.
func (p Principal) AlertsListed(owner string) (listed, why string) {
	switch {
	case p.Allowed(AlertHandlers...):
		return owner, ""
	case p.PersonID == "":
		return "", "a " + string(p.Role) + " lists the alerts they own: this token must act for a person of the directory"
	case owner != "" && owner != p.PersonID:
		return "", "a " + string(p.Role) + " lists only the alerts they own, " + p.PersonID + "'s"
	}
	return p.PersonID, ""
}
