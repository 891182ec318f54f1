// Package null is complaintflow's one convention for a value that may be absent: a
// pointer, nil when absent (SQL NULL). The store scans NULL columns into pointers;
// every layer converts at its edges with these two helpers instead of its own.
package null

// IfEmpty is &s, or nil for "": an empty text is stored as NULL.
func IfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Value is *p, or T's zero value when p is nil.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
