package api

import (
	"fmt"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// trainingThresholds are the training-gap settings among the risk thresholds
// (GET/PUT /v1/risk-thresholds): the window both signals are judged over, the QA
// criterion rule and the reopen-rate rule. In the view every field is set; in a
// PUT body a field left out keeps its value.
type trainingThresholds struct {
	TrainingWindowDays     *int     `json:"training_window_days"`
	TrainingCriterionPct   *float64 `json:"training_criterion_pct"`
	TrainingMinScorecards  *int64   `json:"training_min_scorecards"`
	TrainingReopenPct      *float64 `json:"training_reopen_pct"`
	TrainingMinResolutions *int64   `json:"training_min_resolutions"`
}

func trainingThresholdsOf(t quality.RiskThresholds) trainingThresholds {
	return trainingThresholds{TrainingWindowDays: &t.TrainingWindowDays, TrainingCriterionPct: &t.TrainingCriterionPct,
		TrainingMinScorecards: &t.TrainingMinScorecards, TrainingReopenPct: &t.TrainingReopenPct,
		TrainingMinResolutions: &t.TrainingMinResolutions}
}

// apply merges the fields given into t, naming every value out of range.
func (b trainingThresholds) apply(v *validator, t *quality.RiskThresholds) {
	set := func(dst, src *float64) {
		if src != nil {
			*dst = *src
		}
	}
	setInt := func(dst, src *int64) {
		if src != nil {
			*dst = *src
		}
	}
	if b.TrainingWindowDays != nil {
		t.TrainingWindowDays = *b.TrainingWindowDays
	}
	set(&t.TrainingCriterionPct, b.TrainingCriterionPct)
	setInt(&t.TrainingMinScorecards, b.TrainingMinScorecards)
	set(&t.TrainingReopenPct, b.TrainingReopenPct)
	setInt(&t.TrainingMinResolutions, b.TrainingMinResolutions)
	// The same bounds and words as the other thresholds: counts from 1, shares above 0.
	for _, r := range []struct {
		field       string
		value, most float64
		share       bool
	}{
		{"training_window_days", float64(t.TrainingWindowDays), 366, false},
		{"training_criterion_pct", t.TrainingCriterionPct, 100, true},
		{"training_min_scorecards", float64(t.TrainingMinScorecards), 1e6, false},
		// 0 % would make every agent with enough resolutions a gap.
		{"training_reopen_pct", t.TrainingReopenPct, 100, true},
		{"training_min_resolutions", float64(t.TrainingMinResolutions), 1e6, false},
	} {
		switch {
		case r.share && (r.value <= 0 || r.value > r.most):
			v.reject(r.field, FieldOutOfRange, fmt.Sprintf("must be above 0 up to %g", r.most))
		case !r.share && (r.value < 1 || r.value > r.most):
			v.reject(r.field, FieldOutOfRange, fmt.Sprintf("must be from 1 up to %g", r.most))
		}
	}
}
