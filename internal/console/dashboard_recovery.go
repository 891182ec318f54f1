package console

import "github.com/complaintflow/complaintflow/internal/apiclient"

// recoveryTable is the cost of recovery of the whole period (its total) (002 §3.1; the README:
// compensation is "counted in the cost of recovery"): one row per currency, the sum
// granted and how many grants, as GET /v1/metrics reports it. Currencies are not
// added up, so it has no total row and no chart.
func recoveryTable(cost []apiclient.RecoveryCost) dashTable {
	t := dashTable{ID: "recovery", Caption: "Cost of recovery, whole period", First: "currency",
		Cols: []column{{"amount granted", "recovery_amount"}, {"grants", "recovery_granted"}}}
	for _, c := range cost {
		amount := c.Amount
		t.Rows = append(t.Rows, dashRow{Label: c.Currency, Values: []*float64{&amount, count(c.Granted)}})
	}
	return t
}
