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
	Urgency     complaint.Level
	Tier        complaint.Level
}

// LoadPolicy returns the SLA policy now in force for a complaint whose urgency a
// manager raised: for its source, the raised urgency and its tier, picked by the
// precedence intake uses (complaint.PickPolicy, docs/policies.md) — a policy of the
// complaint's source outranks the urgency × tier matrix.
func (a *Activities) LoadPolicy(ctx context.Context, in LoadPolicyInput) (complaint.Policy, error) {
	var p complaint.Policy
	var err error
	if in.ComplaintID == "" {
		p, err = a.Directory.PolicySnapshot(ctx, in.Urgency, in.Tier)
	} else {
		p, err = a.Directory.ComplaintPolicySnapshot(ctx, in.ComplaintID, in.Urgency, in.Tier)
	}
	return p, policyNotFound(err, "SLA policy", in.Urgency, in.Tier)
}

// SourcePolicyInput names a source and the urgency and tier to pick its policy at.
// No complaint: the complaint's own source plays no part.
type SourcePolicyInput struct {
	Source  complaint.Source
	Urgency complaint.Level
	Tier    complaint.Level
}

// LoadSourcePolicy returns a source's own policy at an urgency and tier, picked by
// intake's precedence among that source's policies only (the matrix is not
// consulted): the negative_feedback policy for a round the customer's dissatisfied
// survey answer reopened. NotFound when the source has none that matches. It is not
// a field of LoadPolicyInput because a worker from before it (revision 5) would drop
// the field and answer with the complaint's own policy; a separate activity such a
// worker does not register is only ever answered by one that knows it.
func (a *Activities) LoadSourcePolicy(ctx context.Context, in SourcePolicyInput) (complaint.Policy, error) {
	p, err := a.Directory.SourcePolicySnapshot(ctx, in.Source, in.Urgency, in.Tier)
	return p, policyNotFound(err, string(in.Source)+" policy", in.Urgency, in.Tier)
}

// policyNotFound makes a missing policy a non-retryable NotFound.
func policyNotFound(err error, what string, urgency, tier complaint.Level) error {
	if notFound(err) {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no %s for urgency %s and tier %s", what, urgency, tier), ErrTypeNotFound, err)
	}
	return err
}
