package classify

import (
	"fmt"
	"strings"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// Disposition is what becomes of a piece of feedback.
type Disposition string

// Dispositions (DOMAIN.md §1, 002 §9.3): a complaint under the SLA, an item of the
// improvement backlog, or only recorded (for the heat map and the metrics).
const (
	DispositionComplaint Disposition = "complaint"
	DispositionBacklog   Disposition = "backlog"
	DispositionRecorded  Disposition = "recorded"
)

// Dispositions lists every disposition.
var Dispositions = []Disposition{DispositionComplaint, DispositionBacklog, DispositionRecorded}

// Feedback is what the disposition depends on besides the classification.
type Feedback struct {
	Kind    string
	Rating  int // 1–5; 0 when there is none
	HasText bool
	// Sentiment of the text; nil when it was not analysed (the keyword rules alone
	// decide then).
	Sentiment *Sentiment
}

// Decision is the disposition of a piece of feedback, the urgency it is handled
// with and why, in words an operator can read.
type Decision struct {
	Disposition Disposition
	Urgency     string
	Reason      string
}

// SurelyNegative is the score at or below which a negative text is filed as a
// complaint though it names no failure: the lowest threshold keeping complaint
// precision on fold 1 of the training tweets at 0.85 (`go run ./scripts/sentiment
// -mode validate`; docs/classification.md).
const SurelyNegative = 0.6

// Dispose routes classified feedback:
//
//   - anger makes it a complaint (002 §3.2: an angry customer reaches a human at
//     once); the complaint's intake raises its urgency one level, once
//     (complaint.Level.Raised), and records why;
//   - a rating of 1 or 2 is a complaint: urgency at least medium;
//   - high urgency → a complaint, whatever the rating or sentiment;
//   - a positive rating (4 or 5) → recorded;
//   - praise (positive sentiment, not sent as a suggestion) → recorded and counted
//     as praise, even when a rule keyword matched ("一点都不慢" holds "慢");
//   - negative sentiment naming a delivery or service failure ("太慢", "凉了",
//     "态度差") → a complaint, urgency at least medium;
//   - surely negative (score ≤ −SurelyNegative) → a complaint: the tweets' label
//     is "complaint", and most complaint tweets name no concrete failure;
//   - medium urgency → a complaint (negative mention, dissatisfied rating, defect);
//   - low urgency with text (a neutral suggestion, a negative text without a
//     concrete failure) → the improvement backlog, no complaint SLA;
//   - low urgency without text (a bare 3-star rating) → recorded.
func Dispose(f Feedback, urgency string) Decision {
	d := Decision{Urgency: urgency}
	s := f.Sentiment
	angry := ""
	if s != nil && s.Anger {
		angry = "anger (" + strings.Join(s.AngerReasons, ", ") + "): the complaint's urgency is raised at filing; "
	}
	if f.Rating >= 1 && f.Rating <= 2 && d.Urgency == string(complaint.Low) {
		d.Urgency = string(complaint.Medium)
	}
	rated := fmt.Sprintf("rating %d of 5", f.Rating)
	switch {
	case d.Urgency == string(complaint.High):
		d.Disposition, d.Reason = DispositionComplaint, angry+"high urgency: filed as a complaint under the SLA"
	case angry != "":
		d.Disposition, d.Reason = DispositionComplaint, angry+"filed as a complaint under the SLA"
	case f.Rating >= 4:
		d.Disposition, d.Reason = DispositionRecorded, "positive "+rated+": recorded"
	case f.Rating >= 1 && f.Rating <= 2:
		d.Disposition, d.Reason = DispositionComplaint, angry+"dissatisfied "+rated+": filed as a complaint under the SLA"
	case s != nil && s.Label == SentimentPositive && f.HasText && f.Kind != "suggestion":
		d.Disposition, d.Reason = DispositionRecorded, fmt.Sprintf("praise (sentiment %+.2f): recorded", s.Score)
	case s != nil && s.Label == SentimentNegative && len(s.Failures) > 0:
		if d.Urgency == string(complaint.Low) {
			d.Urgency = string(complaint.Medium)
		}
		d.Disposition, d.Reason = DispositionComplaint, angry+"negative, names a delivery or service failure ("+
			strings.Join(s.Failures, ", ")+"): filed as a complaint under the SLA"
	case s != nil && s.Label == SentimentNegative && s.Score <= -SurelyNegative:
		d.Disposition, d.Reason = DispositionComplaint, fmt.Sprintf("surely negative (sentiment %+.2f): filed as a complaint under the SLA", s.Score)
	case d.Urgency == string(complaint.Medium):
		d.Disposition, d.Reason = DispositionComplaint, angry+"medium urgency: filed as a complaint under the SLA"
	case !f.HasText:
		d.Disposition, d.Reason = DispositionRecorded, "low urgency and no text to act on: recorded"
	default:
		d.Disposition, d.Reason = DispositionBacklog, "low urgency "+f.Kind+": improvement backlog, no complaint SLA"
		if s != nil && s.Label == SentimentNegative {
			d.Reason = "negative " + f.Kind + " without a delivery or service failure: improvement backlog, no complaint SLA"
		}
	}
	return d
}

// Source is where feedback filed as a complaint comes from, which may select a
// policy of its own (complaint.PickPolicy). Negative touch-point feedback — a
// rating of 1 or 2, or a negative or angry text sent at a touch point (any kind
// but a social mention, which is public, not a touch point) — is
// negative_feedback: 001 "实时反馈机制" 「对负面反馈在15分钟内进行初步响应」.
func Source(f Feedback) complaint.Source {
	s := f.Sentiment
	switch {
	case f.Rating >= 1 && f.Rating <= 2:
		return complaint.SourceNegativeFeedback
	case f.Kind == "social_mention":
		return complaint.SourceSocialMention
	case s != nil && (s.Anger || s.Label == SentimentNegative):
		return complaint.SourceNegativeFeedback
	}
	return complaint.SourceFeedback
}

// CountsAs is the sentiment a piece of feedback counts as in the sentiment figures
// (docs/metrics.md), given its rating (0: none), its disposition and the sentiment
// of its text:
//
//   - anger, a rating of 1 or 2, or filing as a complaint → negative: that is where
//     customers complain, whatever the text model guessed ("rating 1" reads
//     positive to it);
//   - a rating of 3 → neutral, 4 or 5 → positive: the customer said how they feel,
//     the text model only guesses;
//   - otherwise the text's label, but praise counts as positive only when it was
//     recorded rather than filed as work (a positive suggestion counts as neutral).
func CountsAs(rating int, d Disposition, s Sentiment) string {
	switch {
	case s.Anger || (rating >= 1 && rating <= 2) || d == DispositionComplaint:
		return SentimentNegative
	case rating == 3:
		return SentimentNeutral
	case rating >= 4:
		return SentimentPositive
	case s.Label == SentimentPositive && d != DispositionRecorded:
		return SentimentNeutral
	}
	return s.Label
}
