package store

// ComplaintsQuery is the SQL Complaints runs for f, for plan tests.
func ComplaintsQuery(f ComplaintFilter) (string, []any, error) { return complaintsPage(f).sql() }
