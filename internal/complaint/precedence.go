package complaint

import (
	"fmt"
	"strings"
)

// Any is the wildcard of a policy or routing key: the field matches every value.
const Any = "*"

// Source is where a complaint came from; a source may have SLA policies of its own
// (001 "实时反馈机制": negative touch-point feedback is answered within 15 minutes).
type Source string

// Sources of a complaint.
const (
	// SourceDirect is a complaint filed through POST /v1/complaints.
	SourceDirect Source = "direct"
	// SourceNegativeFeedback is negative touch-point feedback (classify.Source).
	SourceNegativeFeedback Source = "negative_feedback"
	// SourceSocialMention is a social-media mention filed as a complaint.
	SourceSocialMention Source = "social_mention"
	// SourceFeedback is any other feedback filed as a complaint.
	SourceFeedback Source = "feedback"
)

// Sources lists every source.
var Sources = []Source{SourceDirect, SourceNegativeFeedback, SourceSocialMention, SourceFeedback}

// MostSpecific returns the index of the key among keys that matches want and is
// the most specific, or -1 when none matches. A key matches when each of its fields
// is either Any or equal to want's field. Fields are given in precedence order: a
// field named exactly outweighs every field after it together, so of two matching
// keys the one that names the earlier field wins, and then the next field decides.
// Ties (duplicate keys) go to the first.
func MostSpecific(want []string, keys [][]string) int {
	best, bestScore := -1, -1
	for i, k := range keys {
		score, ok := specificity(want, k)
		if ok && score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// specificity weighs the exactly named fields of a matching key: 2^(n-1) for the
// first of n fields, down to 1 for the last.
func specificity(want, key []string) (int, bool) {
	if len(key) != len(want) {
		return 0, false
	}
	score := 0
	for i, f := range key {
		switch f {
		case Any:
		case want[i]:
			score |= 1 << (len(key) - 1 - i)
		default:
			return 0, false
		}
	}
	return score, true
}

// PolicyKey selects an SLA policy. The default matrix names urgency and tier with
// Source Any; a source policy names its source and may leave urgency or tier Any.
// Precedence, most specific first: source, then urgency, then tier — so any
// policy of the complaint's source outranks the urgency × tier matrix.
type PolicyKey struct {
	Source  string `json:"source"`
	Urgency string `json:"urgency"`
	Tier    string `json:"tier"`
}

// Fields lists the key's fields in precedence order, for MostSpecific.
func (k PolicyKey) Fields() []string { return []string{k.Source, k.Urgency, k.Tier} }

// ID names the policy as "<source>/<urgency>/<tier>", e.g. "*/high/medium".
func (k PolicyKey) ID() string { return k.Source + "/" + k.Urgency + "/" + k.Tier }

// PickPolicy returns the index of the policy that applies to a complaint of want
// (a source, an urgency and a tier, none of them Any) and why, in words an operator
// can read; -1 when no policy matches.
func PickPolicy(want PolicyKey, policies []PolicyKey) (int, string) {
	keys := make([][]string, len(policies))
	for i, p := range policies {
		keys[i] = p.Fields()
	}
	i := MostSpecific(want.Fields(), keys)
	if i < 0 {
		return -1, ""
	}
	got := policies[i]
	if got.Source == Any {
		return i, fmt.Sprintf("no policy for source %s: the urgency %s × tier %s cell of the SLA matrix", want.Source, got.Urgency, got.Tier)
	}
	var named []string
	for _, f := range []struct{ name, value string }{{"urgency", got.Urgency}, {"tier", got.Tier}} {
		if f.value != Any {
			named = append(named, f.name+" "+f.value)
		}
	}
	scope := "any urgency and tier"
	if len(named) > 0 {
		scope = strings.Join(named, ", ")
	}
	return i, fmt.Sprintf("source %s has a policy of its own (%s), which outranks the urgency × tier matrix", want.Source, scope)
}

// RouteKey selects a routing rule. Precedence, most specific first: tier, then
// channel, then category — a rule for high-value customers (002 §2.3) outranks any
// rule that does not name the tier.
type RouteKey struct {
	Tier     string
	Channel  string
	Category string
}

// Fields lists the key's fields in precedence order, for MostSpecific.
func (k RouteKey) Fields() []string { return []string{k.Tier, k.Channel, k.Category} }

// PickRoute returns the index of the routing rule for a complaint of want, -1 when
// none matches.
func PickRoute(want RouteKey, routes []RouteKey) int {
	keys := make([][]string, len(routes))
	for i, r := range routes {
		keys[i] = r.Fields()
	}
	return MostSpecific(want.Fields(), keys)
}

// Raised is the urgency one level above l, capped at High; false when l is
// already at the top (002 §3.2: an angry customer's priority is raised).
func (l Level) Raised() (Level, bool) {
	switch l {
	case Low:
		return Medium, true
	case Medium:
		return High, true
	}
	return l, false
}

// SentimentAngry is the sentiment an intake system reports for an angry customer.
const SentimentAngry = "angry"

// AngerReason says why a customer is taken as angry at intake (002 §3.2): the
// intake system's sentiment, or anger words the classification rules found in the
// text; "" when neither.
func AngerReason(sentiment string, angerWords []string) string {
	var why []string
	if sentiment == SentimentAngry {
		why = append(why, "the intake system reports the customer angry")
	}
	if len(angerWords) > 0 {
		why = append(why, "anger words in the text: "+strings.Join(angerWords, ", "))
	}
	return strings.Join(why, "; ")
}
