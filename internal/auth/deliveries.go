package auth

// MayReadDeliveries says why p may not read, or have re-sent, the callback
// deliveries to the intake integration integrationID — "" when it may. Admins
// read every integration's; an intake token bound to an integration reads its
// own, which its system received, so it can find and recover what it missed
// (docs/callbacks.md) and ask for it again (redelivery), and no other's.
func (p Principal) MayReadDeliveries(integrationID string) string {
	switch {
	case p.Role == RoleAdmin:
		return ""
	case p.Role != RoleIntake:
		return "only an admin or the integration's own intake tokens may read its deliveries"
	case p.IntegrationID == "":
		return "this intake token is bound to no integration; only an admin may read deliveries"
	case p.IntegrationID != integrationID:
		return "this intake token is bound to integration " + p.IntegrationID + ", not " + integrationID
	}
	return ""
}
