package auth

// Who may act on a complaint and decide an escalation (docs/tokens.md, "Acting for
// a person"). The rules are stateless so the API and its tests read the same ones;
// the caller looks up what they need (the complaint's owner and team, the person's
// team, the escalation's requester).

// Assignment is where a complaint sits: its owner and its team, "" for none.
type Assignment struct {
	Owner string
	Team  string
}

// Unassigned reports whether the complaint is nobody's yet: no owner, no team.
func (a Assignment) Unassigned() bool { return a.Owner == "" && a.Team == "" }

// MayActOn says why p may not act on a complaint with assignment a — "" when it
// may. personTeam is the team of p's person ("" for none). Managers and admins act
// on every complaint. An agent acts for their person on the complaints they own or
// their team holds, and on unassigned ones (the common pool). An agent token
// without a person acts only on complaints no team holds (an installation without
// routing): a name is no identity the directory can place in a team.
func (p Principal) MayActOn(a Assignment, personTeam string) string {
	switch {
	case p.Role != RoleAgent:
		return ""
	case p.PersonID == "" && a.Team == "":
		return ""
	case p.PersonID == "":
		return "this agent token does not act for a person of the directory, so it may act only on complaints no team holds; create one with person_id"
	case a.Unassigned(), a.Owner == p.PersonID, a.Team != "" && a.Team == personTeam:
		return ""
	}
	return p.PersonID + " may act only on complaints they own or their team holds"
}

// MayDecidePlan says why p may not decide a PDCA plan — "" when it may. The
// workflow's rules (nobody approves their own plan, only the committee decides its
// plan) compare people; a token's name is never taken for one.
func (p Principal) MayDecidePlan() string {
	if p.PersonID == "" {
		return "this token does not act for a person of the directory, so it may not decide plans; create one with person_id"
	}
	return ""
}

// MayDecide says why p may not decide an escalation that requestedBy asked for —
// "" when nothing here stands in the way (the workflow then checks p's place in
// the owner's reporting chain). A decision is a person's: a token's name is never
// taken for one, and nobody decides their own request.
func (p Principal) MayDecide(requestedBy string) string {
	if p.PersonID == "" {
		return "this token does not act for a person of the directory, so it may not decide escalations; create one with person_id"
	}
	if requestedBy == p.PersonID {
		return p.PersonID + " asked for this escalation and may not decide it"
	}
	return ""
}
