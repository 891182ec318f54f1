package quality_test

import (
	"fmt"
	"testing"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The Act rule the API and the PDCA workflow share: a final check on too few
// samples takes sop_change (standardise anyway) or adjusted_plan (go on) with its
// root cause — before, the API refused the standardising one as a miss (400
// adjusted_plan), so the console could not reach it (found by a review).
func TestCheckActAnswersTheFinalChecksVerdict(t *testing.T) {
	one, ten := int64(1), int64(10)
	for _, tc := range []struct {
		name           string
		met            bool
		samples, min   *int64
		sop, root      string
		adjusted, last bool
		want           string // the first fault, "" for none
	}{
		{"met, standardised", true, &ten, &ten, "route by region", "", false, false, ""},
		{"met without sop_change", true, nil, nil, "", "", false, false, "the final check met the target: sop_change is required"},
		{"met with a plan", true, nil, nil, "x", "", true, false, "the final check met the target: no adjusted_plan is taken"},
		{"missed without a root cause", false, nil, nil, "", "", true, false, "the final check missed the target: root_cause is required"},
		{"missed without a plan", false, nil, nil, "", "why", false, false, "the final check missed the target: adjusted_plan is required"},
		{"missed at the last iteration", false, nil, nil, "", "why", false, true, ""},
		{"missed, standardised anyway", false, &ten, &ten, "x", "why", false, false, "the final check missed the target: adjusted_plan is required"},
		{"thin without a root cause", false, &one, &ten, "x", "", false, false, "the final check was not judged (1 of 10 samples): root_cause is required"},
		{"thin, standardised with a reason", false, &one, &ten, "route by region", "one complaint", false, false, ""},
		{"thin, re-planned", false, &one, &ten, "", "one complaint", true, false, ""},
		{"thin, both", false, &one, &ten, "x", "why", true, false,
			"the final check was not judged (1 of 10 samples) and sop_change standardises: no adjusted_plan is taken"},
		{"thin, neither", false, &one, &ten, "", "why", false, false, "the final check was not judged (1 of 10 samples): adjusted_plan is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if fs := quality.CheckAct(tc.met, tc.samples, tc.min, tc.sop, tc.root, tc.adjusted, tc.last); len(fs) > 0 {
				got = fmt.Sprint(fs[0])
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
