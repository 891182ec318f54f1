package auth_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

func TestOnlyAdminsAndTheIntegrationsOwnIntakeTokensReadItsDeliveries(t *testing.T) {
	for _, tc := range []struct {
		p   auth.Principal
		may bool
	}{
		{auth.Principal{Role: auth.RoleAdmin}, true},
		{auth.Principal{Role: auth.RoleIntake, IntegrationID: "crm"}, true},
		{auth.Principal{Role: auth.RoleIntake, IntegrationID: "shop"}, false},
		{auth.Principal{Role: auth.RoleIntake}, false},
		{auth.Principal{Role: auth.RoleAgent, IntegrationID: "crm"}, false},
		{auth.Principal{Role: auth.RoleManager}, false},
	} {
		if why := tc.p.MayReadDeliveries("crm"); (why == "") != tc.may {
			t.Errorf("%s bound to %q: got %q, want allowed %v", tc.p.Role, tc.p.IntegrationID, why, tc.may)
		}
	}
}
