package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Directory is what the activities read of the directory and the SLA policies.
type Directory interface {
	Chain(ctx context.Context, personID string) ([]complaint.Member, error)
	PolicySnapshot(ctx context.Context, urgency, tier complaint.Level) (complaint.Policy, error)
}

// LoadChain returns the reporting chain of a person: the person, then upward. A
// person missing from the directory is a non-retryable NotFound.
func (a *Activities) LoadChain(ctx context.Context, personID string) ([]complaint.Member, error) {
	chain, err := a.Directory.Chain(ctx, personID)
	if notFound(err) {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no person %q in the directory", personID), ErrTypeNotFound, err)
	}
	return chain, err
}

// LoadPolicyInput names one cell of the SLA matrix.
type LoadPolicyInput struct {
	Urgency complaint.Level
	Tier    complaint.Level
}

// LoadPolicy returns the SLA policy now in force for an urgency and tier, for a
// complaint whose urgency a manager raised.
func (a *Activities) LoadPolicy(ctx context.Context, in LoadPolicyInput) (complaint.Policy, error) {
	p, err := a.Directory.PolicySnapshot(ctx, in.Urgency, in.Tier)
	if notFound(err) {
		return p, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no SLA policy for urgency %s and tier %s", in.Urgency, in.Tier), ErrTypeNotFound, err)
	}
	return p, err
}
