package activities

// RiskStore is what the risk activities need of the system of record.
type RiskStore interface{}
