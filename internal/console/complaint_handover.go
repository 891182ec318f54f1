package console

import (
	"net/http"
	"slices"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
)

// handoverTo are the people the viewer may hand the complaint to, by the rule the
// API applies (complaint.CheckHandover) to the directory as the API reads it: the
// active members of the complaint's team and its lead. Nil when the directory does
// not list them to the viewer (or does not answer: the page logs it and still shows)
// or nobody passes the rule (the viewer is neither the
// lead nor the owner, the complaint has no team): the form then asks for an ID, and
// the API's refusal says why.
func (c *Console) handoverTo(r *http.Request, cm complaint, viewer auth.Principal) ([]apiclient.Person, error) {
	team := deref(cm.TeamId)
	if team == "" {
		return nil, nil
	}
	var td apiclient.TeamDetail
	if ref, err := into(&td)(c.client.GetTeam(r.Context(), team)); err != nil || ref != nil {
		return nil, err
	}
	people := td.Members
	lead := deref(td.LeadId)
	if lead != "" && !slices.ContainsFunc(people, func(p apiclient.Person) bool { return p.Id == lead }) {
		// A lead outside the team takes hand-overs too, while active.
		var p apiclient.Person
		ref, err := into(&p)(c.client.GetPerson(r.Context(), lead))
		switch {
		case err != nil:
			return nil, err
		case ref == nil && p.Active:
			people = append(people, p)
		default:
			lead = "" // as the API reads an inactive lead (store.TeamLead)
		}
	}
	var out []apiclient.Person
	for _, p := range people {
		if domain.CheckHandover(domain.Handover{Actor: viewer.Actor(), Owner: deref(cm.Owner), Team: team, TeamLead: lead,
			To: p.Id, ToTeam: deref(p.TeamId), ToActive: p.Active}) == "" {
			out = append(out, p)
		}
	}
	return out, nil
}
