package privacy

import "slices"

// Viewer is who reads a record: the token's role and ID and the directory person it
// acts for ("" for a system token).
type Viewer struct {
	Role     string
	TokenID  string
	PersonID string
}

// Record is what entitlement depends on: the token that filed the record, the
// complaint's owner and the owner's managers, lowest first ("" and nil for none).
type Record struct {
	FiledBy  string
	Owner    string
	Managers []string
}

// Access is what a viewer may do with a record's personal data.
type Access int

const (
	// Masked: the viewer sees masked values and may not reveal them.
	Masked Access = iota
	// Revealable: reads are masked; the viewer may reveal the full values, an
	// explicit action that is recorded.
	Revealable
	// Full: reads show the full values without a reveal. Only the token that filed
	// the record reads it so: it supplied the values itself.
	Full
)

// AccessOf decides a viewer's access to a record's personal data (seed 002 §1.4):
// the token that filed it reads it in full; the owner, managers in the owner's
// reporting chain and admins may reveal it; everyone else sees it masked.
func AccessOf(v Viewer, r Record) Access {
	switch {
	case v.TokenID != "" && v.TokenID == r.FiledBy:
		return Full
	case v.Role == "admin":
		return Revealable
	case v.PersonID == "" || r.Owner == "":
		return Masked
	case v.PersonID == r.Owner, v.Role == "manager" && slices.Contains(r.Managers, v.PersonID):
		return Revealable
	}
	return Masked
}

// WhoMayReveal words the rule for a refusal.
const WhoMayReveal = "only the complaint's owner, managers in the owner's reporting chain, admins " +
	"and the token that filed it may see its personal data in full"

// WhoMayRevealFeedback words the rule for feedback.
const WhoMayRevealFeedback = "only admins, the token that sent it and, once it became a complaint, " +
	"that complaint's owner and the managers in the owner's reporting chain may see its personal data in full"
