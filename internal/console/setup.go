package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The quality setup page (docs/console.md, "Quality setup"): the QA scorecard
// (GET/PUT /v1/qa-scorecard), the review rules (/v1/review-rules) and the risk
// thresholds (/v1/risk-thresholds), a form each. Who may send each is the API's
// rule (formRoutes); anyone else who may read them sees the values read-only. The
// API checks every value and names each bad field, shown next to it.

// setupBlankRows are the empty criterion rows the scorecard form offers for new criteria.
const setupBlankRows = 3

// qaCriterionRow is one criterion of the scorecard form: what the card says (or the
// form sent), and Index, its place in the PUT body (-1: not sent), which names its
// fields in a refusal (criteria[Index].points).
type qaCriterionRow struct {
	Key, Name, Dimension, Points string
	Index                        int
}

// setupCard is the scorecard as its form shows it.
type setupCard struct {
	SamplePct string
	Rows      []qaCriterionRow
}

// setupData is what the page shows: each resource's values (or a refused form's)
// and the version each form sends back as If-Match.
type setupData struct {
	Card               setupCard
	Groups             []qaGroup
	Rules, Thresholds  []settingRow
	Versions           map[string]string
	Updated            map[string]string // who changed each last, "" while the seed's apply
	PassPct, PassDays  string            // the thresholds a criterion's average is judged by
	PassMin            string
	CardTotal, Offered int
	CardSeed           string
}

// qaCardSeed is the seed rule the scorecard's defaults come from.
const qaCardSeed = "002 §10.1《客服质检评分表模板》「设置\"响应速度(20分)\"、\"问题解决(30分)\"、\"服务态度(25分)\"、" +
	"\"专业能力(25分)\"四大维度,每个维度细分为3-5个具体评分项」; 002 §3.4「按10%比例随机抽检」"

func (c *Console) qualitySetup(w http.ResponseWriter, r *http.Request) {
	c.showSetup(w, r, http.StatusOK, "", nil, nil)
}

// showSetup draws the page from the API's values, and over them, for the form
// that was refused (form, a section), what it sent (typed: a setupCard or the
// []settingRow of its section) with the refusal.
func (c *Console) showSetup(w http.ResponseWriter, r *http.Request, status int, form string, refused *refusal, typed any) {
	var card apiclient.QAScorecard
	rules, thresholds := map[string]any{}, map[string]any{}
	d := setupData{Versions: map[string]string{}, Updated: map[string]string{}, CardSeed: qaCardSeed}
	var cardVersion, rulesVersion, thresholdsVersion string
	for _, get := range []func() (*refusal, error){
		func() (*refusal, error) { return versioned(&card, &cardVersion)(c.client.GetQAScorecard(r.Context())) },
		func() (*refusal, error) {
			return versioned(&rules, &rulesVersion)(c.client.GetReviewRules(r.Context()))
		},
		func() (*refusal, error) {
			return versioned(&thresholds, &thresholdsVersion)(c.client.GetRiskThresholds(r.Context()))
		},
	} {
		if ref, err := get(); c.refusedPage(w, r, "setup", ref, err) {
			return
		}
	}
	d.Versions["scorecard"], d.Versions["rules"], d.Versions["thresholds"] = cardVersion, rulesVersion, thresholdsVersion
	if card.UpdatedBy != nil {
		d.Updated["scorecard"] = *card.UpdatedBy
	}
	if by, ok := thresholds["updated_by"].(string); ok {
		d.Updated["thresholds"] = by
	}
	d.Card = cardForm(card)
	d.Groups = qaGroups(card.Criteria)
	for _, k := range card.Criteria {
		d.CardTotal += k.Points
	}
	d.Rules, d.Thresholds = settingRows(reviewRuleSettings, rules), settingRows(riskThresholdSettings, thresholds)
	d.PassPct, d.PassDays, d.PassMin = settingValue(thresholds["training_criterion_pct"]), settingValue(thresholds["training_window_days"]),
		settingValue(thresholds["training_min_scorecards"])
	switch typed := typed.(type) {
	case setupCard:
		// A card refused as changed elsewhere shows as it is now, not as typed: it
		// is saved whole, so sending what was typed again would undo the other
		// change unseen; the refusal asks to redo the edit on it.
		if refused == nil || refused.Code != api.CodePreconditionFailed {
			d.Card = typed
		}
	case []settingRow:
		rows := &d.Thresholds
		if form == "rules" {
			rows = &d.Rules
		}
		if refused != nil && refused.Code == api.CodePreconditionFailed {
			*rows = overStale(*rows, typed)
		} else {
			*rows = typed
		}
	}
	d.Offered = len(d.Card.Rows)
	c.render(w, r, status, "setup", map[string]any{"Setup": d, "Form": form, "Refusal": refused})
}

// cardForm is the scorecard as its form shows it, with blank rows to add criteria.
func cardForm(card apiclient.QAScorecard) setupCard {
	out := setupCard{SamplePct: strconv.Itoa(card.SamplePct)}
	for i, k := range card.Criteria {
		row := qaCriterionRow{Key: k.Key, Name: k.Name, Points: strconv.Itoa(k.Points), Index: i}
		if k.Dimension != nil {
			row.Dimension = *k.Dimension
		}
		out.Rows = append(out.Rows, row)
	}
	for range setupBlankRows {
		out.Rows = append(out.Rows, qaCriterionRow{Index: -1})
	}
	return out
}

// setupScorecard sends the scorecard form: its sample share and its criteria, a row
// left empty left out (how a criterion is taken off the card).
func (c *Console) setupScorecard(w http.ResponseWriter, r *http.Request) {
	rows, _ := strconv.Atoi(r.PostFormValue("rows"))
	typed := setupCard{SamplePct: strings.TrimSpace(r.PostFormValue("sample_pct"))}
	criteria := []map[string]any{}
	for i := range min(rows, 100) {
		in := formInput(r, fmt.Sprintf("key-%d", i), fmt.Sprintf("name-%d", i), fmt.Sprintf("dimension-%d", i), fmt.Sprintf("points-%d", i))
		row := qaCriterionRow{Key: in[fmt.Sprintf("key-%d", i)], Name: in[fmt.Sprintf("name-%d", i)],
			Dimension: in[fmt.Sprintf("dimension-%d", i)], Points: in[fmt.Sprintf("points-%d", i)], Index: -1}
		if row != (qaCriterionRow{Index: -1}) {
			row.Index = len(criteria)
			k := map[string]any{"key": row.Key, "name": row.Name}
			if row.Dimension != "" {
				k["dimension"] = row.Dimension
			}
			number(k, "points", row.Points)
			criteria = append(criteria, k)
		}
		typed.Rows = append(typed.Rows, row)
	}
	body := map[string]any{"criteria": criteria}
	number(body, "sample_pct", typed.SamplePct)
	res, err := c.client.PutQAScorecardWithBody(r.Context(), &apiclient.PutQAScorecardParams{IfMatch: drawnVersion(r)},
		"application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/quality-setup#scorecard", func(status int, ref *refusal) {
		c.showSetup(w, r, status, "scorecard", ref, typed)
	})
}

// setupRules replaces the review rules with the form's; an emptied field takes its
// default, as the API's PUT does with a field left out.
func (c *Console) setupRules(w http.ResponseWriter, r *http.Request) {
	body, typed := settingsSent(r, reviewRuleSettings, false)
	res, err := c.client.PutReviewRulesWithBody(r.Context(), &apiclient.PutReviewRulesParams{IfMatch: drawnVersion(r)},
		"application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/quality-setup#rules", func(status int, ref *refusal) {
		c.showSetup(w, r, status, "rules", ref, typed)
	})
}

// setupThresholds changes the risk thresholds to the form's fields the user changed
// (the API merges field by field, so a field changed elsewhere meanwhile and left
// alone here stays as saved); an emptied field keeps its value, as the API's PUT
// does with a field left out.
func (c *Console) setupThresholds(w http.ResponseWriter, r *http.Request) {
	body, typed := settingsSent(r, riskThresholdSettings, true)
	res, err := c.client.PutRiskThresholdsWithBody(r.Context(), &apiclient.PutRiskThresholdsParams{IfMatch: drawnVersion(r)},
		"application/json", jsonBody(body))
	c.posted(w, r, res, err, "/console/quality-setup#thresholds", func(status int, ref *refusal) {
		c.showSetup(w, r, status, "thresholds", ref, typed)
	})
}
