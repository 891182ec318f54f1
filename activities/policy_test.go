package activities_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// A manager raises a complaint's urgency: the raised urgency's policy is picked for
// the complaint's source and tier by the precedence intake uses (complaint.PickPolicy,
// docs/policies.md), not read from the matrix alone. An admin defined
// social_mention/high/* as 30 min / 12 h; the matrix's high × medium cell says 24 h.
func TestLoadPolicyPicksTheRaisedUrgencysPolicyByTheComplaintsSource(t *testing.T) {
	ctx := context.Background()
	st, social := fileTestComplaint(t, func(c *store.NewComplaint) {
		c.Source, c.Urgency, c.CustomerTier = complaint.SourceSocialMention, complaint.Medium, complaint.Medium
	})
	direct := fileComplaint(t, st, func(c *store.NewComplaint) {
		c.Urgency, c.CustomerTier = complaint.Medium, complaint.Medium
	})
	matrix, err := st.Policy(ctx, complaint.High, complaint.Medium)
	if err != nil {
		t.Fatal(err)
	}
	twelve, day := int64(12*3600), int64(24*3600)
	sourcePolicy := func(urgency complaint.Level, first int64, resolution *int64) {
		t.Helper()
		p := matrix // the cell's other fields: follow-up, decision time, survey times …
		p.Source, p.Urgency, p.Tier = string(complaint.SourceSocialMention), urgency, complaint.Any
		p.FirstResponseSeconds, p.ResolutionSeconds, p.UpdatedBy = first, resolution, "t"
		if _, err := st.PutPolicy(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	sourcePolicy(complaint.Any, 3600, &day) // social_mention/*/*: outranked by the narrower one
	sourcePolicy(complaint.High, 1800, &twelve)
	if matrix.ResolutionSeconds == nil || *matrix.ResolutionSeconds == twelve || matrix.FirstResponseSeconds == 1800 {
		t.Fatalf("the matrix's high × medium cell %+v must differ from the source policy", matrix)
	}

	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Store: st, Directory: st})
	load := func(in activities.LoadPolicyInput) complaint.Policy {
		t.Helper()
		v, err := env.ExecuteActivity((&activities.Activities{}).LoadPolicy, in)
		if err != nil {
			t.Fatal(err)
		}
		var p complaint.Policy
		if err := v.Get(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	seconds := func(p complaint.Policy) (time.Duration, time.Duration) {
		if p.ResolutionSeconds == nil {
			return time.Duration(p.FirstResponseSeconds) * time.Second, 0
		}
		return time.Duration(p.FirstResponseSeconds) * time.Second, time.Duration(*p.ResolutionSeconds) * time.Second
	}

	first, resolution := seconds(load(activities.LoadPolicyInput{ComplaintID: social.ID, Urgency: complaint.High, Tier: complaint.Medium}))
	if first != 30*time.Minute || resolution != 12*time.Hour {
		t.Errorf("social-media complaint raised to high: %s / %s, want social_mention/high/*'s 30m0s / 12h0m0s", first, resolution)
	}
	wantFirst, wantResolution := time.Duration(matrix.FirstResponseSeconds)*time.Second, time.Duration(*matrix.ResolutionSeconds)*time.Second
	first, resolution = seconds(load(activities.LoadPolicyInput{ComplaintID: direct.ID, Urgency: complaint.High, Tier: complaint.Medium}))
	if first != wantFirst || resolution != wantResolution {
		t.Errorf("direct complaint raised to high: %s / %s, want the matrix's %s / %s", first, resolution, wantFirst, wantResolution)
	}
	// A task a worker from before the complaint's ID was passed scheduled: the matrix.
	first, resolution = seconds(load(activities.LoadPolicyInput{Urgency: complaint.High, Tier: complaint.Medium}))
	if first != wantFirst || resolution != wantResolution {
		t.Errorf("no complaint named: %s / %s, want the matrix's %s / %s", first, resolution, wantFirst, wantResolution)
	}
}

// A round the customer's dissatisfied survey answer reopened asks LoadSourcePolicy
// for the negative_feedback policy at the complaint's urgency and tier (no
// complaint: its own source plays no part): of that source's policies, the one
// PickPolicy picks (the seeded negative_feedback/*/* 15 min / 24 h, or a narrower
// one an admin added), never the matrix — with none left, NotFound, and the
// workflow takes its 15-minute default.
func TestLoadSourcePolicyPicksAmongThatSourcesPolicies(t *testing.T) {
	ctx := context.Background()
	st, _ := fileTestComplaint(t, nil)
	seeded := complaint.PolicyKey{Source: string(complaint.SourceNegativeFeedback), Urgency: complaint.Any, Tier: complaint.Any}
	narrow := complaint.PolicyKey{Source: string(complaint.SourceNegativeFeedback), Urgency: complaint.Any, Tier: string(complaint.High)}
	p, err := st.Policy(ctx, complaint.High, complaint.High)
	if err != nil {
		t.Fatal(err)
	}
	p.Source, p.Urgency, p.Tier, p.FirstResponseSeconds, p.UpdatedBy = narrow.Source, complaint.Any, complaint.High, 300, "t"
	if _, err := st.PutPolicy(ctx, p, nil); err != nil {
		t.Fatal(err)
	}

	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Store: st, Directory: st})
	var picked *complaint.PolicyKey // the policy the last load named, for the round's record (sla.round)
	load := func(tier complaint.Level) (time.Duration, time.Duration, error) {
		t.Helper()
		v, err := env.ExecuteActivity((&activities.Activities{}).LoadSourcePolicy, activities.SourcePolicyInput{
			Source: complaint.SourceNegativeFeedback, Urgency: complaint.High, Tier: tier})
		if err != nil {
			return 0, 0, err
		}
		var p complaint.Policy
		if err := v.Get(&p); err != nil {
			t.Fatal(err)
		}
		picked = p.Key
		var resolution time.Duration
		if p.ResolutionSeconds != nil {
			resolution = time.Duration(*p.ResolutionSeconds) * time.Second
		}
		return time.Duration(p.FirstResponseSeconds) * time.Second, resolution, nil
	}

	if first, resolution, err := load(complaint.Medium); err != nil || first != 15*time.Minute || resolution != 24*time.Hour {
		t.Errorf("tier medium: %s / %s, %v; want the seeded negative_feedback/*/*'s 15m0s / 24h0m0s", first, resolution, err)
	}
	if picked == nil || *picked != seeded {
		t.Errorf("tier medium: named %v, want %s", picked, seeded.ID())
	}
	if first, _, err := load(complaint.High); err != nil || first != 5*time.Minute {
		t.Errorf("tier high: %s, %v; want negative_feedback/*/high's 5m0s", first, err)
	}
	if picked == nil || *picked != narrow {
		t.Errorf("tier high: named %v, want %s", picked, narrow.ID())
	}
	for _, k := range []complaint.PolicyKey{seeded, narrow} {
		if err := st.DeleteSourcePolicy(ctx, k, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = load(complaint.Medium)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeNotFound || !appErr.NonRetryable() {
		t.Errorf("no negative_feedback policy left: %v; want a non-retryable NotFound, not the matrix", err)
	}
}
