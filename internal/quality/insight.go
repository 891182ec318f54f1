package quality

// KeywordTrend is how often a keyword was carried in a period and in the period
// before it (complaints or feedback), for the customer-needs insight report.
type KeywordTrend struct {
	Keyword string `db:"keyword" json:"keyword"`
	Now     int64  `db:"now" json:"now"`
	Before  int64  `db:"before" json:"before"`
}

// RootCauseCount is how many complaints of a category opened in a period were
// resolved with a root cause (compared trimmed and case-folded).
type RootCauseCount struct {
	Category   string `db:"category" json:"category"`
	RootCause  string `db:"root_cause" json:"root_cause"`
	Complaints int64  `db:"complaints" json:"complaints"`
}

// BacklogTracking is the improvement list's monthly tracking (002 §3.4): items
// still open at the period's end, those of them past their due date, those
// without an owner, and items done within the period.
type BacklogTracking struct {
	Open       int64 `db:"open" json:"open"`
	Overdue    int64 `db:"overdue" json:"overdue"`
	Unassigned int64 `db:"unassigned" json:"unassigned"`
	Done       int64 `db:"done" json:"done"`
}
