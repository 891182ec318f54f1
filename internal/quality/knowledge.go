package quality

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Stale knowledge: 002 §9.1 「蓝色风险(如培训覆盖率不足、知识库更新滞后)需24小时内完成整改方案」.
// Every article of the knowledge base (001 「建立集中化的知识库和学习平台」) has an owner
// who reviews it every so many days; an owner keeping articles past their review
// date is a blue alert for that owner, who answers with a rectification plan. The
// knowledge update rate (002 「知識更新率」, 「老員工知識更新率不足20%」) is the share of
// live articles reviewed within their interval.

// KnowledgeDue is a live (not retired) article's review as the monitor reads it:
// its owner, whether the owner is still an active person of the directory, when it
// was last reviewed and when its next review is due.
type KnowledgeDue struct {
	ID          string
	Title       string
	Owner       string
	OwnerActive bool
	ReviewedAt  time.Time
	DueAt       time.Time
}

// Stale reports whether the article's review is due at the moment at.
func (k KnowledgeDue) Stale(at time.Time) bool { return !k.DueAt.After(at) }

// StaleArticle is an article of a stale_knowledge alert's evidence: staff
// content only, never a customer.
type StaleArticle struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	ReviewedAt time.Time `json:"reviewed_at"`
	DueAt      time.Time `json:"due_at"`
}

// KnowledgeEvidence is what a stale_knowledge check rests on.
type KnowledgeEvidence struct {
	Owner       string         `json:"owner"`
	OwnerActive bool           `json:"owner_active"` // false: the owner left; the quality lead takes the alert
	Articles    []StaleArticle `json:"articles"`     // the stale ones, longest overdue first (at most KnowledgeEvidenceMax)
	// The knowledge update rate: the owner's live articles, and everyone's, reviewed
	// within their interval, in %.
	UpdateRatePct        float64 `json:"update_rate_pct"`
	OverallUpdateRatePct float64 `json:"overall_update_rate_pct"`
}

// KnowledgeEvidenceMax bounds the articles an alert lists; the counts say how many
// there were.
const KnowledgeEvidenceMax = 200

// KnowledgeSubject is the subject of an owner's stale_knowledge alert: a person of
// the directory, named as a training gap's agent is.
func KnowledgeSubject(owner string) string { return "agent:" + owner }

// KnowledgeUpdateRate is the share of the live articles reviewed within their
// interval at the moment at, in % (100 for none), and how many are current.
func KnowledgeUpdateRate(live []KnowledgeDue, at time.Time) (pctCurrent float64, current int64) {
	for _, k := range live {
		if !k.Stale(at) {
			current++
		}
	}
	if len(live) == 0 {
		return 100, 0
	}
	return pct(current, int64(len(live))), current
}

// KnowledgeUpdate is the knowledge update rate at a moment, as the insight report
// gives it for a period's end: the articles live then, those reviewed within their
// interval, and their share in % (nil when none was live).
type KnowledgeUpdate struct {
	At            time.Time `json:"at"`
	Live          int64     `json:"live"`
	Current       int64     `json:"current"`
	UpdateRatePct *float64  `json:"update_rate_pct"`
}

// KnowledgeUpdateAt is the update rate of the articles live at the moment at, each
// as it stood then.
func KnowledgeUpdateAt(live []KnowledgeDue, at time.Time) KnowledgeUpdate {
	rate, current := KnowledgeUpdateRate(live, at)
	u := KnowledgeUpdate{At: at.UTC(), Live: int64(len(live)), Current: current}
	if len(live) > 0 {
		u.UpdateRatePct = &rate
	}
	return u
}

// CheckStaleKnowledge grades each owner of live articles: at least
// KnowledgeStaleMin of theirs past their review date is blue. Observed is the
// owner's stale articles, Baseline their live ones, Threshold the minimum. One check
// per owner found, ordered by owner; none found is one check without a grade, with
// the update rate in its note.
func CheckStaleKnowledge(live []KnowledgeDue, t RiskThresholds, w RiskWindows) []RiskCheck {
	overall, current := KnowledgeUpdateRate(live, w.At)
	byOwner := map[string][]KnowledgeDue{}
	for _, k := range live {
		byOwner[k.Owner] = append(byOwner[k.Owner], k)
	}
	var out []RiskCheck
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		if c := checkKnowledgeOwner(owner, byOwner[owner], overall, t, w); c.Holds() {
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		return out
	}
	return []RiskCheck{{Condition: StaleKnowledge, Threshold: float64(t.KnowledgeStaleMin),
		Details: RiskDetails{From: w.At, To: w.At, Counts: map[string]int64{"live": int64(len(live)), "current": current}},
		Note: fmt.Sprintf("no owner with %d or more stale articles; knowledge update rate %g%% (%d of %d live articles reviewed in their interval)",
			t.KnowledgeStaleMin, overall, current, len(live))}}
}

// checkKnowledgeOwner grades one owner's live articles.
func checkKnowledgeOwner(owner string, live []KnowledgeDue, overall float64, t RiskThresholds, w RiskWindows) RiskCheck {
	rate, current := KnowledgeUpdateRate(live, w.At)
	ev := &KnowledgeEvidence{Owner: owner, UpdateRatePct: rate, OverallUpdateRatePct: overall, Articles: []StaleArticle{}}
	var stale []KnowledgeDue
	for _, k := range live {
		ev.OwnerActive = k.OwnerActive
		if k.Stale(w.At) {
			stale = append(stale, k)
		}
	}
	slices.SortFunc(stale, func(a, b KnowledgeDue) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID)) })
	for _, k := range stale[:min(len(stale), KnowledgeEvidenceMax)] {
		ev.Articles = append(ev.Articles, StaleArticle{ID: k.ID, Title: k.Title, ReviewedAt: k.ReviewedAt.UTC(), DueAt: k.DueAt.UTC()})
	}
	c := RiskCheck{Condition: StaleKnowledge, Subject: KnowledgeSubject(owner), Observed: float64(len(stale)),
		Baseline: float64(len(live)), Threshold: float64(t.KnowledgeStaleMin),
		Details: RiskDetails{From: w.At, To: w.At, Knowledge: ev, Counts: map[string]int64{
			"stale": int64(len(stale)), "live": int64(len(live)), "current": current,
		}}}
	if len(stale) == 0 || int64(len(stale)) < t.KnowledgeStaleMin {
		return c
	}
	c.Details.From = stale[0].DueAt.UTC() // stale since the longest overdue review
	c.Note = fmt.Sprintf("%d of %d live articles past their review date; update rate %g%% (everyone's %g%%)",
		len(stale), len(live), rate, overall)
	return graded(c, t, Blue, float64(t.KnowledgeStaleMin))
}
