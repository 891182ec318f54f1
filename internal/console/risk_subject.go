package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// subject is whom an alert is about (a training gap's agent or team), as the risk
// page names them: the directory's name beside the ID, or the ID alone when the
// directory does not know it or may not be read.
type subject struct {
	Label    string // message id of the kind ("rk.subject.agent"); "" for a kind the console does not know
	ID, Name string
}

// subjectKinds are the kinds of subject the API names ("agent:<id>", "team:<id>"),
// each with the message id of its word.
var subjectKinds = map[string]string{"agent": "rk.subject.agent", "team": "rk.subject.team"}

// subjectNames are the directory's names by subject ("agent:ann" → "Ann Lee").
type subjectNames map[string]string

// about is the subject s names; nil for an alert about the whole service.
func (n subjectNames) about(s string) *subject {
	if s == "" {
		return nil
	}
	kind, id, ok := strings.Cut(s, ":")
	if _, known := subjectKinds[kind]; !ok || !known {
		return &subject{ID: s, Name: s}
	}
	name := n[s]
	if name == "" {
		name = id
	}
	return &subject{Label: subjectKinds[kind], ID: id, Name: name}
}

// riskSubjectNames reads the directory's people and teams once, only when an alert
// or ledger entry is about someone. The names are a convenience: a refusal or an
// error leaves the IDs, and the page is drawn all the same.
func (c *Console) riskSubjectNames(r *http.Request, subjects []string) subjectNames {
	if !slices.ContainsFunc(subjects, func(s string) bool { return s != "" }) {
		return nil
	}
	names := subjectNames{}
	var teams page[apiclient.Team]
	if ref, err := into(&teams)(c.client.ListTeams(r.Context())); ref == nil && err == nil {
		for _, t := range teams.Items {
			names["team:"+string(t.Id)] = t.Name
		}
	}
	var people page[apiclient.Person]
	if ref, err := into(&people)(c.client.ListPeople(r.Context(), nil)); ref == nil && err == nil {
		for _, p := range people.Items {
			names["agent:"+string(p.Id)] = p.Name
		}
	}
	return names
}

// trainingRow is one QA criterion of a training gap's evidence: the subject's
// average and every agent's, both as % of the criterion's points.
type trainingRow struct {
	Criterion         string
	Average, Everyone float64
	Below             bool
}

// Training is a training gap's evidence by criterion, those under the threshold
// first (lowest first, as the API lists them), then the others by key; nil for an
// alert without it.
func (a riskAlert) Training() []trainingRow {
	ev := a.Details.Training
	if ev == nil {
		return nil
	}
	var below []string
	if ev.Below != nil {
		below = *ev.Below
	}
	var rest []string
	for k := range ev.Averages {
		if !slices.Contains(below, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var out []trainingRow
	for _, k := range slices.Concat(below, rest) {
		out = append(out, trainingRow{Criterion: k, Average: ev.Averages[k], Everyone: ev.Everyone[k], Below: slices.Contains(below, k)})
	}
	return out
}

// ScorecardIDs are the QA samples a training gap was judged on (the API lists at
// most 200 of them).
func (a riskAlert) ScorecardIDs() []string {
	if ev := a.Details.Training; ev != nil && ev.Scorecards != nil {
		return *ev.Scorecards
	}
	return nil
}

// ScorecardCount is how many scorecards a training gap was judged on, the listed
// ones or the count when more.
func (a riskAlert) ScorecardCount() int64 {
	n := int64(len(a.ScorecardIDs()))
	if c := a.Details.Counts; c != nil {
		n = max(n, (*c)["scorecards"])
	}
	return n
}

// Missed are the targets a missed-KPI alert's counts record as missed
// (quality.MissedKPIs), each with its value and target as the KPI table shows
// them; nil for any other alert.
func (a riskAlert) Missed() []kpiRow {
	if a.Details.Counts == nil {
		return nil
	}
	var out []kpiRow
	for _, m := range quality.MissedKPIs(*a.Details.Counts) {
		out = append(out, kpiRow{Kpi: string(m.KPI), Actual: &m.Actual, Target: m.Target})
	}
	return out
}
