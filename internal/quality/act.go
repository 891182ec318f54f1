package quality

import "fmt"

// ActFault is what an Act decision lacks, or carries and may not, given its
// iteration's final check: a field, whether it is required (false: not taken) and
// why — the final check's verdict.
type ActFault struct {
	Field    string
	Required bool
	Why      string
}

// String words the fault as the PDCA workflow refuses it: "the final check met the
// target: sop_change is required".
func (f ActFault) String() string {
	if f.Required {
		return f.Why + ": " + f.Field + " is required"
	}
	return f.Why + ": no " + f.Field + " is taken"
}

// Verdicts of a final check an Act decision answers.
const (
	actMet    = "the final check met the target"
	actMissed = "the final check missed the target"
)

// SamplesText words a check's counts: "1 of 10 samples".
func SamplesText(samples, min *int64) string {
	if samples == nil || min == nil {
		return "samples not counted"
	}
	return fmt.Sprintf("%d of %d samples", *samples, *min)
}

// CheckAct is the Act rule, the API's and the PDCA workflow's (002 §9.2: act on
// what the check found): a met final check is standardised (sop_change, no
// adjusted_plan); a missed one needs its root cause and, before the last iteration,
// an adjusted plan; one on too few samples (CheckJudged) was neither — the team
// gives the root cause (why) with sop_change to standardise anyway or with
// adjusted_plan to go on, not both. At most one fault, the first that applies.
func CheckAct(met bool, samples, min *int64, sopChange, rootCause string, adjusted, lastIteration bool) []ActFault {
	judged := CheckJudged(samples, min)
	switch {
	case met && sopChange == "":
		return []ActFault{{"sop_change", true, actMet}}
	case met && adjusted:
		return []ActFault{{"adjusted_plan", false, actMet}}
	case met:
		return nil
	}
	why := actMissed
	if !judged {
		why = "the final check was not judged (" + SamplesText(samples, min) + ")"
	}
	switch {
	case rootCause == "":
		return []ActFault{{"root_cause", true, why}}
	case !judged && sopChange != "" && adjusted:
		return []ActFault{{"adjusted_plan", false, why + " and sop_change standardises"}}
	case !judged && sopChange != "", lastIteration:
		return nil
	case !adjusted:
		return []ActFault{{"adjusted_plan", true, why}}
	}
	return nil
}
