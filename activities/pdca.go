package activities

import (
	"context"
	"errors"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// CycleStore is what the PDCA activities need of the system of record.
type CycleStore interface{}

// Proposal is an improvement opportunity a review found, to become a proposed PDCA
// cycle (DOMAIN.md §3 Plan).
type Proposal struct {
	// Key names the opportunity: "<rule>/<subject>", e.g.
	// "resolution_rate/category:logistics". While a cycle with the key is still
	// open, proposing it again returns that cycle instead of a second one.
	Key      string
	ReviewID string // the review workflow's ID ("" for a cycle opened by hand)
	Title    string
	Rule     string // the opportunity rule that found it
	Evidence string // for people: "logistics resolution rate 60 % < 80 % (41 of 68)"
	Metric   quality.Metric
	Category string // "" = all categories
	Keyword  string // KeywordVolume only
	Baseline *float64
	Target   *float64 // the rule's target, if it has one; the plan sets the final one
	// How the cycle checks: a cron spec (robfig, standard five fields) in TimeZone,
	// and how many iterations the spiral may take.
	CheckSpec     string
	TimeZone      string
	MaxIterations int
	PeriodFrom    time.Time
	PeriodTo      time.Time
}

// ProposeCycle records a proposed PDCA cycle, once per open opportunity: created is
// false when a cycle with the same Key is still open (its ID is returned). The
// caller then starts PDCACycleWorkflow for a created cycle.
func (a *Activities) ProposeCycle(ctx context.Context, p Proposal) (ProposedCycle, error) {
	return ProposedCycle{}, errors.New("not implemented") // TODO(issue 5)
}

// ProposedCycle is ProposeCycle's answer.
type ProposedCycle struct {
	CycleID string
	Created bool
}
