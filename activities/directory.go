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
	ComplaintPolicySnapshot(ctx context.Context, complaintID string, urgency, tier complaint.Level) (complaint.Policy, error)
	SourcePolicySnapshot(ctx context.Context, source complaint.Source, urgency, tier complaint.Level) (complaint.Policy, error)
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

// LoadPolicyInput names the complaint and the urgency and tier it now has.
type LoadPolicyInput struct {
	// ComplaintID names the complaint, whose source's policies outrank the matrix.
	// Empty only in a task scheduled by a worker from before it was passed: the
	// matrix cell, as then.
	ComplaintID string `json:",omitempty"`
	// Source, when set, asks for that source's own policy at the urgency and tier
	// instead of the complaint's: the negative_feedback policy for a round the
	// customer's dissatisfied survey answer reopened. NotFound when the source has
	// none that matches (the matrix is not consulted).
	Source  complaint.Source `json:",omitempty"`
	Urgency complaint.Level
	Tier    complaint.Level
}

// LoadPolicy returns the SLA policy now in force for a complaint whose urgency a
// manager raised: for its source, the raised urgency and its tier, picked by the
// precedence intake uses (complaint.PickPolicy, docs/policies.md) — a policy of the
// complaint's source outranks the urgency × tier matrix. With a Source, that
// source's own policy, picked the same way.
func (a *Activities) LoadPolicy(ctx context.Context, in LoadPolicyInput) (complaint.Policy, error) {
	var p complaint.Policy
	var err error
	what := "SLA policy"
	switch {
	case in.Source != "":
		what = string(in.Source) + " policy"
		p, err = a.Directory.SourcePolicySnapshot(ctx, in.Source, in.Urgency, in.Tier)
	case in.ComplaintID == "":
		p, err = a.Directory.PolicySnapshot(ctx, in.Urgency, in.Tier)
	default:
		p, err = a.Directory.ComplaintPolicySnapshot(ctx, in.ComplaintID, in.Urgency, in.Tier)
	}
	if notFound(err) {
		return p, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no %s for urgency %s and tier %s", what, in.Urgency, in.Tier), ErrTypeNotFound, err)
	}
	return p, err
}
