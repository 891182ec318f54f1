package store

import "github.com/complaintflow/complaintflow/internal/complaint"

// RoundSLA is the SLA the complaint's current round runs on when the customer's
// dissatisfied survey answer reopened it (complaint.RoundSLA, migration 00046):
// the budgets are nil otherwise — in the first round, or after an agent's
// reopening, which runs on the complaint's own policy. RoundPolicyID is nil also
// when no negative_feedback policy matched and the round runs on the defaults.
type RoundSLA struct {
	RoundPolicyID             *string `db:"round_policy_id"`
	RoundFirstResponseSeconds *int64  `db:"round_first_response_seconds"`
	RoundResolutionSeconds    *int64  `db:"round_resolution_seconds"`
}

// roundColumns are the round's columns as a reopened event sets them: the next
// reopening replaces them, and clears them when it records no round SLA.
func roundColumns(r *complaint.RoundSLA) []any {
	if r == nil {
		return []any{"", nil, nil} // the policy ID is written NULLIF($n, '')
	}
	return []any{r.PolicyID, r.FirstResponseSeconds, r.ResolutionSeconds}
}
