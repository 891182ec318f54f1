package activities

import (
	"context"
)

// QualityRecipient is the Notice.Recipient used when there is no quality team in
// the directory: only the log channel reaches it.
const QualityRecipient = "role:quality"

// TeamStore is what the activities read of the quality team.
type TeamStore interface {
	TeamRoster(ctx context.Context, teamID string) (leadID string, members []string, err error)
}

// QualityTeam is the directory team that owns reviews, PDCA cycles and risk alerts:
// its lead approves plans and owns alerts, its members hear of new opportunities.
type QualityTeam struct {
	TeamID  string
	LeadID  string   // "" when the team has no lead (or no such team)
	Members []string // active members, the lead included, sorted
}

// Recipients names whom a notice to the whole team goes to: its members, or
// QualityRecipient when it has none.
func (q QualityTeam) Recipients() []string {
	if len(q.Members) == 0 {
		return []string{QualityRecipient}
	}
	return q.Members
}

// LoadQualityTeam reads the quality team (Activities.QualityTeamID) from the directory.
func (a *Activities) LoadQualityTeam(ctx context.Context) (QualityTeam, error) {
	q := QualityTeam{TeamID: a.QualityTeamID}
	var err error
	q.LeadID, q.Members, err = a.Teams.TeamRoster(ctx, a.QualityTeamID)
	return q, err
}
