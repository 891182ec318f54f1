package survey

import "time"

// Survey is one satisfaction survey: sent after a resolution, answered at most once.
type Survey struct {
	ID          string     `db:"id"`
	ComplaintID string     `db:"complaint_id"`
	Round       int        `db:"round"`
	WorkflowID  string     `db:"workflow_id"`
	Status      string     `db:"status"`
	SentAt      time.Time  `db:"sent_at"`
	RemindedAt  *time.Time `db:"reminded_at"`
	ExpiresAt   time.Time  `db:"expires_at"`
	AnsweredAt  *time.Time `db:"answered_at"`
	CSAT        *int16     `db:"csat"`
	NPS         *int16     `db:"nps"`
	CES         *int16     `db:"ces"`
	Solved      *bool      `db:"solved"`
	Comment     *string    `db:"comment"`
	// 002 §10.1's dimensions, 1–5.
	ResponseSpeed   *int16     `db:"response_speed"`
	ProblemSolved   *int16     `db:"problem_solved"`
	ServiceAttitude *int16     `db:"service_attitude"`
	ClosedAt        *time.Time `db:"closed_at"`
}
