package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// StarWeightsSetting names the service-star weights in the settings table.
const StarWeightsSetting = "service_star_weights"

// StarWeights reads the service-star weights: the seed's defaults overlaid with
// what was stored.
func (s *Store) StarWeights(ctx context.Context) (quality.StarWeights, error) {
	w := quality.DefaultStarWeights()
	var value string
	err := s.db.GetContext(ctx, &value, `SELECT value FROM settings WHERE name = $1`, StarWeightsSetting)
	if errors.Is(err, sql.ErrNoRows) {
		return w, nil
	}
	if err != nil {
		return w, fmt.Errorf("read service star weights: %w", err)
	}
	if err := json.Unmarshal([]byte(value), &w); err != nil {
		return w, fmt.Errorf("read service star weights: %w", err)
	}
	return w, nil
}

// PutStarWeights replaces the service-star weights.
func (s *Store) PutStarWeights(ctx context.Context, w quality.StarWeights) error {
	value, err := json.Marshal(w)
	if err != nil {
		return err
	}
	const q = `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`
	if _, err := s.db.ExecContext(ctx, q, StarWeightsSetting, string(value)); err != nil {
		return fmt.Errorf("write service star weights: %w", err)
	}
	return nil
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
