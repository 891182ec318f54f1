package activities

// CycleStore is what the PDCA activities need of the system of record.
type CycleStore interface{}
