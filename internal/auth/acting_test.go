package auth

import "testing"

func TestMayActOn(t *testing.T) {
	ann := Principal{Role: RoleAgent, PersonID: "ann"}
	bot := Principal{Role: RoleAgent, Name: "ann"} // named like a person, acts for none
	for _, tc := range []struct {
		name       string
		p          Principal
		a          Assignment
		personTeam string
		ok         bool
	}{
		{"own complaint", ann, Assignment{Owner: "ann", Team: "care"}, "care", true},
		{"own team's", ann, Assignment{Owner: "bob", Team: "care"}, "care", true},
		{"team queue", ann, Assignment{Team: "care"}, "care", true},
		{"unassigned", ann, Assignment{}, "care", true},
		{"another team's", ann, Assignment{Owner: "oz", Team: "other"}, "care", false},
		{"owned by another, no team", ann, Assignment{Owner: "oz"}, "", false},
		{"person-less, no team", bot, Assignment{Owner: "agent-bot"}, "", true},
		{"person-less, a team's, even named like the owner", bot, Assignment{Owner: "ann", Team: "care"}, "", false},
		{"manager anywhere", Principal{Role: RoleManager}, Assignment{Owner: "oz", Team: "other"}, "", true},
		{"admin anywhere", Principal{Role: RoleAdmin}, Assignment{Owner: "oz", Team: "other"}, "", true},
	} {
		if why := tc.p.MayActOn(tc.a, tc.personTeam); (why == "") != tc.ok {
			t.Errorf("%s: got %q, want allowed %v", tc.name, why, tc.ok)
		}
	}
}

func TestMayDecide(t *testing.T) {
	for _, tc := range []struct {
		name        string
		p           Principal
		requestedBy string
		ok          bool
	}{
		{"a person", Principal{Role: RoleManager, PersonID: "dora"}, "ann", true},
		{"named dora, no person", Principal{Role: RoleManager, Name: "dora"}, "ann", false},
		{"admin without a person", Principal{Role: RoleAdmin, Name: "bootstrap-admin"}, "ann", false},
		{"their own request", Principal{Role: RoleManager, PersonID: "max"}, "max", false},
		{"an automatic escalation", Principal{Role: RoleManager, PersonID: "max"}, "", true},
	} {
		if why := tc.p.MayDecide(tc.requestedBy); (why == "") != tc.ok {
			t.Errorf("%s: got %q, want allowed %v", tc.name, why, tc.ok)
		}
	}
}
