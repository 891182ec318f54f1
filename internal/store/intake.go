package store

import (
	"context"
	"encoding/json"
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

// intakeFor reads the policies and routing rules that could apply to a complaint,
// in one round trip, and picks the most specific of each with the rules of package
// complaint (PickPolicy, PickRoute), so the precedence is written once.
func (s *Store) intakeFor(ctx context.Context, c NewComplaint) (intake, error) {
	// The candidate routes ride along as one JSON array on every candidate policy
	// row (an uncorrelated subquery: evaluated once); with no policy there is
	// nothing to route.
	const q = `SELECT ` + policySnapshotColumns + `,
			(SELECT COALESCE(json_agg(json_build_object('tier', r.tier, 'channel', r.channel,
				'category', r.category, 'team_id', r.team_id, 'owner_id', ` + routeOwner + `)), '[]')
			 FROM routing_rules r LEFT JOIN people o ON o.id = r.owner_id
			 WHERE r.category IN ($4, '*') AND r.tier IN ($3, '*') AND r.channel IN ($5, '*')) AS routes
		FROM sla_policies p LEFT JOIN calendars cal ON cal.id = p.calendar_id
		WHERE p.source IN ($1, '*') AND p.urgency IN ($2, '*') AND p.tier IN ($3, '*')`
	var rows []struct {
		policyRow
		Routes []byte `db:"routes"`
	}
	if err := s.db.SelectContext(ctx, &rows, q, c.Source, c.Urgency, c.CustomerTier, c.Category, c.Channel); err != nil {
		return intake{}, fmt.Errorf("read policies and routes: %w", err)
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

	var rs []struct {
		Tier     string  `json:"tier"`
		Channel  string  `json:"channel"`
		Category string  `json:"category"`
		TeamID   *string `json:"team_id"`
		OwnerID  *string `json:"owner_id"`
	}
	if err := json.Unmarshal(rows[i].Routes, &rs); err != nil {
		return intake{}, fmt.Errorf("decode routes: %w", err)
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
