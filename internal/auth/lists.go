package auth

// Inbox is whose pending escalations p's inbox (GET /v1/escalations) holds: the
// person p acts for, or anyone's ("") for an admin acting for no one. why says why p
// has no inbox ("" when it has one): another token for no person decides nothing.
func (p Principal) Inbox() (person, why string) {
	if p.PersonID == "" && p.Role != RoleAdmin {
		return "", "this token does not act for a person of the directory, so it has no inbox; create one with person_id"
	}
	return p.PersonID, ""
}

// NoticesListed is whose notices p's list holds when it asks for recipient's (""
// for anyone's): an agent lists the notices to themselves and no one else's, any
// other role whoever's it asks for. why says why p may not list them ("" when p
// may); an agent's token for no person has no notices.
func (p Principal) NoticesListed(recipient string) (listed, why string) {
	switch {
	case p.Role != RoleAgent:
		return recipient, ""
	case p.PersonID == "":
		return "", "an agent sees its own notices: this token must act for a person of the directory"
	case recipient != "" && recipient != p.PersonID:
		return "", "an agent sees only notices to " + p.PersonID
	}
	return p.PersonID, ""
}
