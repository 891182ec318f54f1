package quality

import (
	"fmt"
	"strings"
)

// The customer's verdict on an agent's fixes: a resolution the customer's survey
// sends back (workflows/survey.go, a `reopened` event by complaint.ActorCustomer) says
// the fix did not hold — the reopen rate of 002 §7.1, per agent. An agent's or a
// manager's own reopening is not the customer's verdict and is not counted; nor is a
// resolution whose verdict is not known yet (its survey still open), which would
// otherwise count as holding and thin the rate of recent work. Unlike the QA sample
// (about 10 % of complaints, scored by hand) it covers every judged resolution, so it
// shows the gaps the sample misses.

// TrainingReopens are one subject's resolutions over the training window, as the
// store counts them from the event log: each resolved event whose customer's verdict
// was known before the evaluation (reopened by the customer, the survey answered or
// expired, or the complaint closed), attributed to the complaint's owner it names
// (the agent the metrics' owner grouping credits), and whether that verdict was a
// reopening. Complaints are the reopened
// ones, oldest resolution first; none for TrainingAll.
type TrainingReopens struct {
	Subject    string // "agent:<id>", "team:<id>" or TrainingAll
	Team       string // the agent's team or the team; "" for an agent in none
	Resolved   int64  // resolutions with the customer's verdict known
	Reopened   int64  // of them, reopened by the customer
	Agents     int64  // distinct agents among the resolutions
	Complaints []string
}

// ReopenEvidence is a training gap's reopen figures: complaint IDs and counts, no
// customer.
type ReopenEvidence struct {
	Resolved   int64    `json:"resolved"`
	Reopened   int64    `json:"reopened"`
	RatePct    float64  `json:"rate_pct"`   // reopened of resolved, %
	Everyone   float64  `json:"everyone"`   // the rate over every agent's resolutions
	Threshold  float64  `json:"threshold"`  // the rate at which it fires, %
	Complaints []string `json:"complaints"` // the reopened complaints (at most TrainingEvidenceMax)
}

// checkReopens adds the subject's reopen figures r (against all, everyone's) to c,
// its training-gap check, and reports whether they were enough to judge: at least
// TrainingMinResolutions resolutions, a team's of two agents or more. A rate at or
// over TrainingReopenPct fires: c turns blue on it, unless a QA criterion already
// has — then c keeps the QA figures and its note names both.
func checkReopens(c *RiskCheck, r, all TrainingReopens, t RiskThresholds) bool {
	ev := c.Details.Training
	if ev.Team == "" {
		ev.Team = r.Team
	}
	c.Details.Counts["resolutions"], c.Details.Counts["reopened"] = r.Resolved, r.Reopened
	c.Details.Counts["min_resolutions"] = t.TrainingMinResolutions
	kind, _, _ := strings.Cut(c.Subject, ":")
	if r.Resolved < t.TrainingMinResolutions || (kind == "team" && r.Agents < 2) {
		return false
	}
	ev.Reopens = &ReopenEvidence{Resolved: r.Resolved, Reopened: r.Reopened,
		RatePct: pct(r.Reopened, r.Resolved), Everyone: pct(all.Reopened, all.Resolved), Threshold: t.TrainingReopenPct,
		Complaints: []string{}}
	seen := map[string]bool{}
	for _, id := range r.Complaints {
		if !seen[id] && len(ev.Reopens.Complaints) < TrainingEvidenceMax {
			ev.Reopens.Complaints = append(ev.Reopens.Complaints, id)
		}
		seen[id] = true
	}
	// reopened/resolved ≥ pct/100, in whole numbers: a rate at the threshold fires.
	if float64(r.Reopened)*100 < float64(r.Resolved)*t.TrainingReopenPct {
		return true
	}
	ev.Signals = append(ev.Signals, TrainingSignalReopens)
	note := fmt.Sprintf("the customer reopened %d of %d resolutions (%g%%, all agents %g%%), at or over %g%%",
		r.Reopened, r.Resolved, ev.Reopens.RatePct, ev.Reopens.Everyone, t.TrainingReopenPct)
	if c.Holds() {
		c.Note += "; " + note
		return true
	}
	c.Observed, c.Baseline, c.Note = ev.Reopens.RatePct, ev.Reopens.Everyone, note
	*c = graded(*c, t, Blue, t.TrainingReopenPct)
	return true
}
