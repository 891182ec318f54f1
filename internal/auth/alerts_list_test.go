package auth_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The handlers list anyone's alerts, all of them when they name no owner; anyone
// else lists their own alone, whatever owner they ask for, and a token for no
// person lists none.
func TestWhoseAlertsAListHolds(t *testing.T) {
	lee := auth.Principal{Role: auth.RoleAgent, PersonID: "lee", Name: "lee"}
	for _, c := range []struct {
		p             auth.Principal
		owner, listed string
		refused       bool
	}{
		{auth.Principal{Role: auth.RoleQuality, PersonID: "qa"}, "", "", false},
		{auth.Principal{Role: auth.RoleManager, PersonID: "max"}, "max", "max", false},
		{auth.Principal{Role: auth.RoleAdmin}, "lee", "lee", false},
		{lee, "", "lee", false},
		{lee, "lee", "lee", false},
		{lee, "ann", "", true},
		{auth.Principal{Role: auth.RoleAgent, Name: "lee"}, "", "", true},
		{auth.Principal{Role: auth.RoleIntake, Name: "web"}, "", "", true},
	} {
		listed, why := c.p.AlertsListed(c.owner)
		if listed != c.listed || (why != "") != c.refused {
			t.Errorf("%s/%s asking for %q: got %q, refused %q; want %q, refused %v",
				c.p.Role, c.p.PersonID, c.owner, listed, why, c.listed, c.refused)
		}
	}
}
