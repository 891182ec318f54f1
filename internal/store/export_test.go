package store

import "github.com/complaintflow/complaintflow/internal/quality"

// ComplaintsQuery is the SQL Complaints runs for f, for plan tests.
func ComplaintsQuery(f ComplaintFilter) (string, []any, error) { return complaintsPage(f).sql() }

// DirectoryLock is the advisory lock key directory writes take.
const DirectoryLock = directoryLock

// TrainingReopensQuery is the SQL TrainingReopens runs, for plan tests.
const TrainingReopensQuery = trainingReopensQuery

// MergeQADimensions gives scores the dimension rows of agents (agent, dimension
// pairs), for the merge's test.
func MergeQADimensions(scores []quality.AgentQAScore, agentDims ...[2]string) []quality.AgentQAScore {
	rows := make([]qaDimensionRow, len(agentDims))
	for i, a := range agentDims {
		rows[i] = qaDimensionRow{Agent: a[0], AgentQADimension: quality.AgentQADimension{Dimension: a[1], Scored: 1}}
	}
	return mergeQADimensions(scores, rows)
}
