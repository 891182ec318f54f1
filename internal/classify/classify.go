// Package classify analyses feedback and complaint text (DOMAIN.md §2 "Analyse"):
// problem type, urgency and scope from configurable keyword rules, and the keywords
// behind the feedback heat map. Chinese is segmented with go-ego/gse, English is
// tokenised. It is pure: no database, no clock, the same output for the same input.
package classify

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Dimension is what a rule decides.
type Dimension string

// The three dimensions of DOMAIN.md §2, and the customer's sentiment: anger words
// (002 §3.2 "angry customer detected") raise a complaint's urgency and escalate it.
const (
	DimProblemType Dimension = "problem_type"
	DimUrgency     Dimension = "urgency"
	DimScope       Dimension = "scope"
	DimSentiment   Dimension = "sentiment"
)

// Dimensions lists the dimensions in the order results report them.
var Dimensions = []Dimension{DimProblemType, DimUrgency, DimScope, DimSentiment}

// Values a rule of each dimension may assign, in tie-break order: when two rules of
// equal priority and equal evidence disagree, the value listed first wins (the more
// urgent, the wider scope).
var Values = map[Dimension][]string{
	DimProblemType: complaint.Categories,
	DimUrgency:     {string(complaint.High), string(complaint.Medium), string(complaint.Low)},
	DimScope:       {ScopeIndustry, ScopeGroup, ScopeIndividual},
	DimSentiment:   {complaint.SentimentAngry},
}

// Scopes: how many customers a problem touches.
const (
	ScopeIndividual = "individual"
	ScopeGroup      = "group"
	ScopeIndustry   = "industry"
)

// Defaults when no rule of a dimension matches: an unknown problem, low urgency (it
// goes to the backlog, not a complaint SLA) and one customer.
const (
	DefaultProblemType = "other"
	DefaultUrgency     = string(complaint.Low)
	DefaultScope       = ScopeIndividual
)

// Limits on a rule, so a rule set stays something a person can read.
const (
	MaxKeywords     = 100
	MaxKeywordRunes = 50
	MaxPriority     = 1000
)

// Rule assigns Value on Dimension to text that contains one of Keywords. Among the
// matching rules of a dimension the highest Priority wins.
//
// A keyword matches whole words, case-insensitively: "差" matches "态度很差" but not
// "差异", "late" matches "a week late" but not "template". A trailing "*" matches any
// ending ("deliver*": delivery, delivered). Full-width letters count as half-width.
type Rule struct {
	Dimension Dimension `json:"dimension"`
	Value     string    `json:"value"`
	Keywords  []string  `json:"keywords"`
	Priority  int       `json:"priority"`
}

// FieldError names a bad field of a rule, relative to the rule ("keywords[2]").
type FieldError struct {
	Field  string
	Detail string
}

// Check lists what is wrong with the rule; nil when it is valid.
func (r Rule) Check() []FieldError {
	var errs []FieldError
	add := func(field, detail string) { errs = append(errs, FieldError{field, detail}) }
	values, ok := Values[r.Dimension]
	switch {
	case r.Dimension == "":
		add("dimension", "is required; one of "+joinDims())
	case !ok:
		add("dimension", fmt.Sprintf("%q is not one of %s", r.Dimension, joinDims()))
	case r.Value == "":
		add("value", "is required; one of "+strings.Join(values, ", "))
	case !slices.Contains(values, r.Value):
		add("value", fmt.Sprintf("%q is not a %s; one of %s", r.Value, r.Dimension, strings.Join(values, ", ")))
	}
	switch {
	case len(r.Keywords) == 0:
		add("keywords", "must hold at least one keyword")
	case len(r.Keywords) > MaxKeywords:
		add("keywords", fmt.Sprintf("must hold at most %d keywords", MaxKeywords))
	}
	seen := map[string]bool{}
	for i, k := range r.Keywords {
		field := fmt.Sprintf("keywords[%d]", i)
		n := normalize(k)
		stem := strings.TrimSuffix(n, "*")
		switch {
		case strings.TrimSpace(k) == "":
			add(field, "must not be blank")
		case k != strings.TrimSpace(k):
			add(field, "must not start or end with white space")
		case utf8.RuneCountInString(k) > MaxKeywordRunes:
			add(field, fmt.Sprintf("must be at most %d characters", MaxKeywordRunes))
		case strings.TrimSpace(stem) == "" || strings.Contains(stem, "*"):
			add(field, `may hold "*" only at the end, after at least one character`)
		case !strings.ContainsFunc(stem, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
			add(field, "must hold a letter or digit")
		case seen[n]:
			add(field, "repeats an earlier keyword of this rule")
		}
		seen[n] = true
	}
	if r.Priority < 0 || r.Priority > MaxPriority {
		add("priority", fmt.Sprintf("must be from 0 to %d", MaxPriority))
	}
	return errs
}

func joinDims() string {
	names := make([]string, len(Dimensions))
	for i, d := range Dimensions {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// Match is a rule that matched, with the keywords that matched it.
type Match struct {
	Dimension Dimension `json:"dimension"`
	Value     string    `json:"value"`
	Priority  int       `json:"priority"`
	Keywords  []string  `json:"keywords"`
}

// Result is the classification of one text.
type Result struct {
	ProblemType string   `json:"problem_type"`
	Urgency     string   `json:"urgency"`
	Scope       string   `json:"scope"`
	Matched     []Match  `json:"matched_rules"`
	Keywords    []string `json:"keywords"`
	// Sentiment is a dimension of its own, from the sentiment model and its cues,
	// not from the rules (sentiment.go).
	Sentiment Sentiment `json:"sentiment"`
}

// Classifier applies one rule set. It is immutable and safe for concurrent use; a
// changed rule set is a new Classifier.
type Classifier struct {
	rules []compiledRule
	// verbs are rule keywords that are verbs to the segmenter ("投诉", "退款"): the
	// rules say they matter, so extraction keeps them as keywords.
	verbs map[string]bool
	// sentiment is the model that scores texts; nil is the embedded one.
	sentiment *SentimentModel
}

// WithSentiment is a copy of c that scores sentiment with sm instead of the
// embedded model: the training command calibrates a model before it is embedded.
func (c *Classifier) WithSentiment(sm *SentimentModel) *Classifier {
	cc := *c
	cc.sentiment = sm
	return &cc
}

type compiledRule struct {
	Rule
	index    int
	keywords []pattern
}

// pattern is a normalised keyword: text, and whether it matches any ending.
type pattern struct {
	text   string
	prefix bool
	source string
}

// New compiles a rule set, checking every rule.
func New(rules []Rule) (*Classifier, error) {
	c := &Classifier{verbs: map[string]bool{}}
	var errs []error
	for i, r := range rules {
		for _, e := range r.Check() {
			errs = append(errs, fmt.Errorf("rule %d: %s %s", i, e.Field, e.Detail))
		}
		cr := compiledRule{Rule: r, index: i}
		for _, k := range r.Keywords {
			n := normalize(k)
			p := pattern{text: strings.TrimSuffix(n, "*"), prefix: strings.HasSuffix(n, "*"), source: k}
			cr.keywords = append(cr.keywords, p)
			if !p.prefix && isHan(p.text) {
				c.verbs[p.text] = true
			}
		}
		c.rules = append(c.rules, cr)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// Classify decides problem type, urgency and scope of text and extracts its keywords.
//
// Per dimension the winner is the matching rule with the highest priority; ties go
// to the rule with more matching keywords, then to the one whose first match comes
// earlier in the text, then to the value listed first in Values.
// ruleAngerStands says whether a classification rule's anger words stand in text:
// not when each occurrence is negated ("not angry at all", "并不愤怒"), nor when a
// text the model reads as praise turns after them ("I was angry at first, but you
// fixed it — thank you"). A word not found as written (a wildcard's other forms)
// stands: anger reaching a human is the safe side (002 §3.2).
func ruleAngerStands(text string, words []string, label string) bool {
	plain := strings.ReplaceAll(normalize(text), "'", "")
	contrast := lastContrast(plain)
	for _, w := range words {
		w = strings.ReplaceAll(strings.TrimSuffix(strings.ToLower(w), "*"), "'", "")
		found := false
		for from := 0; w != ""; {
			i := strings.Index(plain[from:], w)
			if i < 0 {
				break
			}
			at := from + i
			from, found = at+len(w), true
			if !negatedBefore(plain[:at]) && (label != SentimentPositive || contrast < at) {
				return true
			}
		}
		if !found {
			return true
		}
	}
	return false
}

func (c *Classifier) Classify(text string) Result {
	d := analyse(text)
	var sent Sentiment
	if c.sentiment != nil {
		sent = c.sentiment.Analyse(text)
	} else {
		sent = AnalyseSentiment(text)
	}
	res := Result{
		ProblemType: DefaultProblemType, Urgency: DefaultUrgency, Scope: DefaultScope,
		Matched: []Match{}, Keywords: d.keywords(c.verbs), Sentiment: sent,
	}
	type hit struct {
		rule  *compiledRule
		words []string
		first int
	}
	var hits []hit
	for i := range c.rules {
		r := &c.rules[i]
		h := hit{rule: r, first: -1}
		for _, p := range r.keywords {
			if at := d.find(p); at >= 0 {
				h.words = append(h.words, p.source)
				if h.first < 0 || at < h.first {
					h.first = at
				}
			}
		}
		if len(h.words) > 0 {
			hits = append(hits, h)
		}
	}
	valueRank := func(h hit) int { return slices.Index(Values[h.rule.Dimension], h.rule.Value) }
	slices.SortStableFunc(hits, func(a, b hit) int {
		switch {
		case a.rule.Dimension != b.rule.Dimension:
			return slices.Index(Dimensions, a.rule.Dimension) - slices.Index(Dimensions, b.rule.Dimension)
		case a.rule.Priority != b.rule.Priority:
			return b.rule.Priority - a.rule.Priority
		case len(a.words) != len(b.words):
			return len(b.words) - len(a.words)
		case a.first != b.first:
			return a.first - b.first
		case valueRank(a) != valueRank(b):
			return valueRank(a) - valueRank(b)
		}
		return a.rule.index - b.rule.index
	})
	decided := map[Dimension]bool{}
	for _, h := range hits {
		res.Matched = append(res.Matched, Match{
			Dimension: h.rule.Dimension, Value: h.rule.Value, Priority: h.rule.Priority, Keywords: h.words,
		})
		if decided[h.rule.Dimension] {
			continue
		}
		decided[h.rule.Dimension] = true
		switch h.rule.Dimension {
		case DimProblemType:
			res.ProblemType = h.rule.Value
		case DimUrgency:
			res.Urgency = h.rule.Value
		case DimScope:
			res.Scope = h.rule.Value
		case DimSentiment:
			// Anger words of the rules ("angry", "愤怒") count unless denied or taken
			// back (ruleAngerStands). Counted, they join the anger reasons once each
			// and the text is negative, as every angry text is.
			if !ruleAngerStands(text, h.words, res.Sentiment.Label) {
				continue
			}
			res.Sentiment.Anger = true
			res.Sentiment.Label = SentimentNegative
			res.Sentiment.Score = math.Min(res.Sentiment.Score, -NeutralBand)
			for _, w := range h.words {
				if !slices.Contains(res.Sentiment.AngerReasons, w) {
					res.Sentiment.AngerReasons = append(res.Sentiment.AngerReasons, w)
				}
			}
		}
	}
	return res
}
