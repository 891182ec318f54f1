package store

import (
	"context"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// StarWeightsSetting names the service-star weights in the settings table.
const StarWeightsSetting = "service_star_weights"

// starWeights is the service-star weights' document: the seed's defaults overlaid
// with what was stored.
var starWeights = document[quality.StarWeights]{StarWeightsSetting, quality.DefaultStarWeights}

// StarWeights reads the service-star weights and their version.
func (s *Store) StarWeights(ctx context.Context) (quality.StarWeights, Version, error) {
	return starWeights.read(ctx, s)
}

// PutStarWeights replaces the service-star weights (see document.write).
func (s *Store) PutStarWeights(ctx context.Context, w quality.StarWeights, by string, at time.Time, version *time.Time) (Version, error) {
	return starWeights.write(ctx, s, w, by, at, version)
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
