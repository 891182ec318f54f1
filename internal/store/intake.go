package store

import (
	"context"
	"fmt"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// intake is what filing needs besides the complaint: the policy that applies with
// its calendar and why it was chosen, and the route.
type intake struct {
	policy complaint.Policy
	key    complaint.PolicyKey
	reason string
	team   *string
	owner  *string
}

// intakeFor reads the policies and routing rules that could apply to a complaint
// and picks the most specific of each with the rules of package complaint
// (PickPolicy, PickRoute), so the precedence is written once.
func (s *Store) intakeFor(ctx context.Context, c NewComplaint) (intake, error) {
	const policies = `SELECT ` + policySnapshotColumns + `
		FROM sla_policies p LEFT JOIN calendars cal ON cal.id = p.calendar_id
		WHERE p.source IN ($1, '*') AND p.urgency IN ($2, '*') AND p.tier IN ($3, '*')`
	var rows []policyRow
	if err := s.db.SelectContext(ctx, &rows, policies, c.Source, c.Urgency, c.CustomerTier); err != nil {
		return intake{}, fmt.Errorf("read policies: %w", err)
	}
	want := complaint.PolicyKey{Source: string(c.Source), Urgency: string(c.Urgency), Tier: string(c.CustomerTier)}
	keys := make([]complaint.PolicyKey, len(rows))
	for i, r := range rows {
		keys[i] = complaint.PolicyKey{Source: r.Source, Urgency: string(r.Urgency), Tier: string(r.Tier)}
	}
	i, reason := complaint.PickPolicy(want, keys)
	if i < 0 {
		return intake{}, fmt.Errorf("no SLA policy for urgency %q and tier %q: %w", c.Urgency, c.CustomerTier, ErrNotFound)
	}
	p, err := rows[i].snapshot()
	if err != nil {
		return intake{}, err
	}
	in := intake{policy: p, key: keys[i], reason: reason}

	const routes = `SELECT tier, channel, category, team_id, owner_id FROM routing_rules
		WHERE category IN ($1, '*') AND tier IN ($2, '*') AND channel IN ($3, '*')`
	var rs []struct {
		Tier     string  `db:"tier"`
		Channel  string  `db:"channel"`
		Category string  `db:"category"`
		TeamID   *string `db:"team_id"`
		OwnerID  *string `db:"owner_id"`
	}
	if err := s.db.SelectContext(ctx, &rs, routes, c.Category, c.CustomerTier, c.Channel); err != nil {
		return intake{}, fmt.Errorf("read routes: %w", err)
	}
	routeKeys := make([]complaint.RouteKey, len(rs))
	for i, r := range rs {
		routeKeys[i] = complaint.RouteKey{Tier: r.Tier, Channel: r.Channel, Category: r.Category}
	}
	if i := complaint.PickRoute(complaint.RouteKey{Tier: string(c.CustomerTier), Channel: c.Channel, Category: c.Category}, routeKeys); i >= 0 {
		in.team, in.owner = rs[i].TeamID, rs[i].OwnerID
	}
	return in, nil
}
