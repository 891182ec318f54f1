package activities

// ReviewStore is what the review activities need of the system of record.
type ReviewStore interface{}
