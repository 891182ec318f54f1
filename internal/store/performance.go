package store

import (
	"context"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// StarWeightsSetting names the service-star weights in the settings table.
const StarWeightsSetting = "service_star_weights"

// StarWeights reads the service-star weights: the seed's defaults overlaid with
// what was stored.
func (s *Store) StarWeights(ctx context.Context) (quality.StarWeights, error) {
	w := quality.DefaultStarWeights()
	_, err := s.readSetting(ctx, StarWeightsSetting, &w)
	return w, err
}

// PutStarWeights replaces the service-star weights.
func (s *Store) PutStarWeights(ctx context.Context, w quality.StarWeights) error {
	return s.writeSetting(ctx, StarWeightsSetting, w)
}

// AgentQAScores is the mean QA score (0–100) per agent of the samples scored in
// [from, to) (QAScores) — the quality input of the efficiency view and the
// service-star ranking. Agents without a scored sample are left out, so their input
// is null.
func (s *Store) AgentQAScores(ctx context.Context, from, to time.Time) (map[string]float64, error) {
	scores, err := s.QAScores(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(scores))
	for _, sc := range scores {
		if sc.Average != nil {
			out[sc.Agent] = *sc.Average
		}
	}
	return out, nil
}
