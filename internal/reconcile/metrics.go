package reconcile

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the sweeps find. A sweep that repairs anything found work a
// process left half done, which an operator wants to see on a graph and alert on;
// a sweep that keeps failing means the repair is not happening at all.
type Metrics struct {
	// runs counts sweeps by sweep ("workflow_starts", "quality_workflow_starts",
	// "notices") and result ("ok", "failed").
	runs *prometheus.CounterVec
	// rows counts the rows a sweep acted on by sweep and outcome ("started",
	// "failed"; "settled", "held").
	rows *prometheus.CounterVec
}

// The sweeps and the outcomes of their rows, one label value each, named once so
// a sweep's zeroed series and its counts cannot drift apart.
const (
	sweepWorkflowStarts = "workflow_starts"
	sweepQualityStarts  = "quality_workflow_starts"
	sweepNotices        = "notices"

	outcomeStarted = "started" // workflow_starts, quality_workflow_starts: an orphan's workflow started
	outcomeFailed  = "failed"  // the same: the start failed; the row stays marked
	outcomeSettled = "settled" // notices: an abandoned delivery settled
	outcomeHeld    = "held"    // notices: left to an attempt that took it meanwhile
)

// NewMetrics registers the sweeps' counters in reg. Registering twice in one
// registry (two sweeps in one process) shares the counters.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	runs, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "complaintflow_sweep_runs_total",
		Help: "Repair sweeps by sweep (workflow_starts and quality_workflow_starts in the API, notices in the worker) and result (ok, failed).",
	}, []string{"sweep", "result"}))
	if err != nil {
		return nil, err
	}
	rows, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "complaintflow_sweep_rows_total",
		Help: "Rows a repair sweep acted on by sweep and outcome: workflow_starts and quality_workflow_starts started or failed (left marked); notices settled or held (left to an attempt that took them meanwhile).",
	}, []string{"sweep", "outcome"}))
	if err != nil {
		return nil, err
	}
	return &Metrics{runs: runs, rows: rows}, nil
}

func register(reg prometheus.Registerer, c *prometheus.CounterVec) (*prometheus.CounterVec, error) {
	err := reg.Register(c)
	if already, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
		return already.ExistingCollector.(*prometheus.CounterVec), nil
	}
	return c, err
}

// zero makes a sweep's series exist from the start, at 0, so an alert on their
// increase sees the first repair.
func (m *Metrics) zero(sweep string, outcomes ...string) {
	m.runs.WithLabelValues(sweep, "ok")
	m.runs.WithLabelValues(sweep, "failed")
	for _, o := range outcomes {
		m.rows.WithLabelValues(sweep, o)
	}
}

// ran counts one sweep and the rows it acted on, failed or not: a failed sweep
// may have repaired some rows before it stopped.
func (m *Metrics) ran(sweep string, err error, rows map[string]int) {
	result := "ok"
	if err != nil {
		result = "failed"
	}
	m.runs.WithLabelValues(sweep, result).Inc()
	for outcome, n := range rows {
		m.rows.WithLabelValues(sweep, outcome).Add(float64(n))
	}
}
