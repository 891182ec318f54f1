package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/complaintflow/complaintflow/internal/survey"
)

// surveyKeySetting names the survey-link signing key in the settings table.
const surveyKeySetting = "survey_signing_key"

// SurveySigningKey returns the key survey links are signed with: configured, if
// not empty, or else the key kept in the settings table, generated and stored the
// first time. The worker (which signs) and the API (which verifies) thus agree
// without configuration, and links survive restarts.
func (s *Store) SurveySigningKey(ctx context.Context, configured string) ([]byte, error) {
	return s.signingKey(ctx, surveyKeySetting, configured)
}

// signingKey returns configured, if not empty, or else the key stored under name,
// generating and storing a random one the first time.
func (s *Store) signingKey(ctx context.Context, name, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("generate %s: %w", name, err)
	}
	const q = `WITH ins AS (
			INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value
		)
		SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE name = $1 LIMIT 1`
	var value string
	if err := s.insertedOrStored(ctx, &value, q, name, hex.EncodeToString(random)); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return []byte(value), nil
}

const surveyColumns = `id, complaint_id, round, workflow_id, status, sent_at, reminded_at, expires_at,
	answered_at, csat, nps, ces, solved, comment, closed_at, response_speed, problem_solved, service_attitude`

// OpenSurvey creates the survey of a complaint's resolution round, or returns the
// one already created for it: a retried activity gets the same survey (and so the
// same link).
func (s *Store) OpenSurvey(ctx context.Context, sv survey.Survey) (survey.Survey, error) {
	q := `WITH ins AS (
			INSERT INTO surveys (id, complaint_id, round, workflow_id, sent_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (complaint_id, round) DO NOTHING
			RETURNING ` + surveyColumns + `
		)
		SELECT * FROM ins UNION ALL
		SELECT ` + surveyColumns + ` FROM surveys WHERE complaint_id = $2 AND round = $3 LIMIT 1`
	var out survey.Survey
	err := s.insertedOrStored(ctx, &out, q, sv.ID, sv.ComplaintID, sv.Round, sv.WorkflowID, sv.SentAt, sv.ExpiresAt)
	if isForeignKeyViolation(err) {
		return out, fmt.Errorf("open survey: complaint %s: %w", sv.ComplaintID, ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("open survey: %w", err)
	}
	return out, nil
}

// Survey reads one survey.
func (s *Store) Survey(ctx context.Context, id string) (survey.Survey, error) {
	var out survey.Survey
	err := s.db.GetContext(ctx, &out, `SELECT `+surveyColumns+` FROM surveys WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return out, ErrNotFound
	}
	if err != nil {
		return out, fmt.Errorf("read survey: %w", err)
	}
	return out, nil
}

// Surveys lists a complaint's surveys, first round first.
func (s *Store) Surveys(ctx context.Context, complaintID string) ([]survey.Survey, error) {
	out := []survey.Survey{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+surveyColumns+` FROM surveys WHERE complaint_id = $1 ORDER BY round`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("list surveys: %w", err)
	}
	return out, nil
}
