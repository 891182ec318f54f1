package api

import (
	"time"

	"github.com/complaintflow/complaintflow/internal/store"
)

// roundSLAView is the SLA of the round the customer's dissatisfied answer reopened
// (docs/workflows.md): sla.policy stays the filing policy, which the round does not
// run on.
type roundSLAView struct {
	Round int `json:"round"`
	// PolicyID is the negative_feedback policy picked; null when none matched.
	PolicyID      *string `json:"policy_id"`
	FirstResponse string  `json:"first_response"`
	Resolution    string  `json:"resolution"`
}

// roundSLAOf is the complaint's current round's SLA; nil in the first round and
// after an agent's reopening, which runs on the complaint's own policy.
func roundSLAOf(c store.Complaint) *roundSLAView {
	r := c.RoundSLA
	if r.RoundFirstResponseSeconds == nil || r.RoundResolutionSeconds == nil {
		return nil
	}
	return &roundSLAView{Round: c.ReopenedCount, PolicyID: r.RoundPolicyID,
		FirstResponse: (time.Duration(*r.RoundFirstResponseSeconds) * time.Second).String(),
		Resolution:    (time.Duration(*r.RoundResolutionSeconds) * time.Second).String()}
}
