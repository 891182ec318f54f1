package store

// ComplaintsQuery is the SQL Complaints runs for f, for plan tests.
func ComplaintsQuery(f ComplaintFilter) (string, []any, error) { return complaintsPage(f).sql() }

// DirectoryLock is the advisory lock key directory writes take.
const DirectoryLock = directoryLock

// TrainingReopensQuery is the SQL TrainingReopens runs, for plan tests.
const TrainingReopensQuery = trainingReopensQuery
