package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// A decision body is refused with complaint.CheckDecision's problems, in its order,
// except that extend_by and a missing amount are worded for the JSON form, and
// another kind's extend_by or compensation is refused rather than dropped; a good
// body becomes the Decision the workflow gets.
func TestDecisionBodyCheck(t *testing.T) {
	tests := []struct {
		body string
		want []string // field: detail
		d    complaint.Decision
	}{
		{`{"decision":"extend","extend_by":"6h"}`, nil,
			complaint.Decision{Kind: complaint.DecisionExtend, ExtensionSeconds: 6 * 3600}},
		{`{"decision":"extend","extend_by":"6h","compensation":{"kind":"cash"}}`, []string{
			"compensation: applies only to compensate"}, complaint.Decision{}},
		{`{"decision":"reject","reason":"no","extend_by":"6h","compensation":{"kind":"refund","amount":5}}`, []string{
			"extend_by: applies only to extend", "compensation: applies only to compensate"}, complaint.Decision{}},
		{`{"decision":"extend"}`, []string{`extend_by: is required, e.g. "6h"`}, complaint.Decision{}},
		{`{"decision":"extend","extend_by":"soon"}`, []string{`extend_by: "soon" is not a duration like "90m" or "6h"`}, complaint.Decision{}},
		{`{"decision":"extend","extend_by":"1.5s"}`, []string{"extend_by: must be a positive whole number of seconds"}, complaint.Decision{}},
		{`{"decision":"extend","extend_by":"-1h","owner":"lee"}`, []string{
			"owner: applies only to approve and reassign", "extend_by: must be a positive whole number of seconds"}, complaint.Decision{}},
		{`{"decision":"compensate","compensation":{"kind":"coupon","amount":50,"currency":"CNY"}}`, nil,
			complaint.Decision{Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{Kind: "coupon", Amount: 50, Currency: "CNY"}}},
		{`{"decision":"compensate","compensation":{"kind":"coupon","amount":50},"extend_by":"6h"}`, []string{
			"extend_by: applies only to extend", `compensation.currency: is required, e.g. "CNY": the compensation is recorded in it`}, complaint.Decision{}},
		{`{"decision":"compensate","compensation":{"kind":"cash","currency":"cny"}}`, []string{
			`compensation.kind: "cash" is not one of coupon, voucher, refund, upgrade, gift, points, other`,
			"compensation.amount: is required", "compensation.currency: must be an ISO 4217 code such as CNY"}, complaint.Decision{}},
		{`{"decision":"compensate","compensation":{"kind":"gift","amount":1e10}}`, []string{
			"compensation.amount: must be between 0 and 1e9", `compensation.currency: is required, e.g. "CNY": the compensation is recorded in it`}, complaint.Decision{}},
		{`{"decision":"compensate"}`, []string{
			"compensation: is required: kind, amount and optionally currency and note"}, complaint.Decision{}},
		{`{"decision":"approve","urgency":"high","owner":"lee","reason":"food safety"}`, nil,
			complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High, Owner: "lee", Reason: "food safety"}},
		{`{"decision":"ignore","urgency":"urgent"}`, []string{
			`decision: "ignore" is not one of approve, reject, reassign, extend, compensate`,
			`urgency: "urgent" is not one of high, medium, low`, "urgency: applies only to approve"}, complaint.Decision{}},
	}
	for _, tt := range tests {
		var b decisionBody
		if err := json.Unmarshal([]byte(tt.body), &b); err != nil {
			t.Fatal(err)
		}
		var v validator
		d := b.check(&v)
		var got []string
		for _, e := range v.errs {
			got = append(got, e.Field+": "+e.Message)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.body, got, tt.want)
		}
		if len(tt.want) == 0 && !reflect.DeepEqual(d, tt.d) {
			t.Errorf("%s: got decision %+v, want %+v", tt.body, d, tt.d)
		}
	}
}
