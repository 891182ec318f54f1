package quality

import (
	"time"
)

// Review is a row of reviews: one run of a monthly planning or weekly tracking
// review. Metrics, Opportunities and Cycles are JSON documents (the activities
// define their shape).
type Review struct {
	ID            string       `db:"id"`
	ScheduleID    string       `db:"schedule_id"`
	Kind          ScheduleKind `db:"kind"`
	TimeZone      string       `db:"time_zone"`
	PeriodFrom    time.Time    `db:"period_from"`
	PeriodTo      time.Time    `db:"period_to"`
	StartedAt     time.Time    `db:"started_at"`
	FinishedAt    *time.Time   `db:"finished_at"`
	Metrics       string       `db:"metrics"`
	Opportunities string       `db:"opportunities"`
	Cycles        string       `db:"cycles"`
	Summary       string       `db:"summary"`
}

// KeywordCount is how many complaints of a period carry a keyword.
type KeywordCount struct {
	Keyword    string `db:"keyword" json:"keyword"`
	Complaints int64  `db:"complaints" json:"complaints"`
}
