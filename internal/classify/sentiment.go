package classify

import (
	_ "embed"
	"math"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentiment labels (001 「情感分析」, 003 「情感分析主要關注客戶反饋的情感傾向」).
const (
	SentimentNegative = "negative"
	SentimentNeutral  = "neutral"
	SentimentPositive = "positive"
)

// SentimentLabels lists the labels in the order reports show them.
var SentimentLabels = []string{SentimentNegative, SentimentNeutral, SentimentPositive}

// NeutralBand is the half-width of the neutral band of the score: a text whose
// score lies in (−NeutralBand, +NeutralBand) is neutral — the model cannot tell
// (a question, a plain suggestion, a text without words it knows).
const NeutralBand = 0.1

// Sentiment is the feeling of a text: a label, a score from −1 (surely negative)
// to +1 (surely positive), whether the author is angry and why, and the delivery or
// service failures the text names ("太慢", "凉了", "态度差"), which make negative
// feedback a complaint.
type Sentiment struct {
	Label        string   `json:"label"`
	Score        float64  `json:"score"`
	Anger        bool     `json:"anger"`
	AngerReasons []string `json:"anger_reasons"`
	Failures     []string `json:"failures"`
}

//go:embed sentiment.model.gz
var modelFile []byte

var (
	modelOnce   sync.Once
	sentModel   model
	sentErr     error
	sentLoadDur time.Duration
)

func sentimentModel() (*model, error) {
	modelOnce.Do(func() {
		start := time.Now()
		sentModel, sentErr = decodeModel(modelFile)
		sentLoadDur = time.Since(start)
	})
	return &sentModel, sentErr
}

// WarmSentiment loads the embedded sentiment model now and reports how long that took.
func WarmSentiment() (time.Duration, error) {
	_, err := sentimentModel()
	return sentLoadDur, err
}

// AnalyseSentiment scores text with the embedded model and finds anger and failure
// cues. A model that fails to load leaves every text neutral (Warm reports why).
func AnalyseSentiment(text string) Sentiment {
	m, err := sentimentModel()
	if err != nil {
		m = nil
	}
	return m.analyse(text)
}

// analyse is AnalyseSentiment with model m; a nil m scores every text 0.
func (m *model) analyse(text string) Sentiment {
	norm := normalize(text)
	// Cues are written without apostrophes: "doesn't work" is "doesnt work".
	plain := strings.ReplaceAll(norm, "'", "")
	s := Sentiment{Label: SentimentNeutral, AngerReasons: []string{}, Failures: findCues(plain, failureCues)}
	feats, zh := sentimentFeatures(norm)
	if m != nil && len(feats) > 1 { // the language feature alone says nothing
		// A negated failure ("不慢", "一点都不慢", "not cold") is praise the n-grams
		// miss: their "慢" and "cold" weigh negative. Each adds negatedCueLogit.
		// A negated praise with a degree word ("不太好", "not very good") is the reverse.
		z := m.logit(feats, zh) + negatedCueLogit*float64(countNegated(plain, negatableCues)) -
			negatedPraiseLogit*float64(countNegated(plain, praiseCues))
		s.Score = math.Round((2*sigmoid(z)-1)*1000) / 1000
	}
	// A suggestion ("建议增加夜间配送") reads friendly but asks for work: neutral
	// unless the praise is clear.
	if s.Score > 0 && s.Score < suggestionPraise && len(findCues(plain, suggestionCues)) > 0 {
		s.Score = math.Min(s.Score, NeutralBand/2)
	}
	// A failure named after a contrast ("菜好吃但是送得太慢") is the point of the
	// text, whatever the praise before it: negative.
	if at := lastContrast(plain); at >= 0 && s.Score > -NeutralBand && len(findCues(plain[at:], failureCues)) > 0 {
		s.Score = -NeutralBand
	}
	switch {
	case s.Score >= NeutralBand:
		s.Label = SentimentPositive
	case s.Score <= -NeutralBand:
		s.Label = SentimentNegative
	}
	// Anger (002 §3.2 「检测到愤怒情绪自动升级至人工客服并标记优先级」): a threat to go to a
	// regulator, the media or court whatever the score, or strong words in a
	// negative text.
	s.AngerReasons = append(s.AngerReasons, findCues(plain, threatCues)...)
	if s.Label == SentimentNegative {
		s.AngerReasons = append(s.AngerReasons, findCues(plain, furyCues)...)
	}
	s.Anger = len(s.AngerReasons) > 0
	if s.Anger && s.Label != SentimentNegative {
		s.Label = SentimentNegative
		s.Score = math.Min(s.Score, -NeutralBand)
	}
	return s
}

// cue is a phrase: head, then tail within gap characters ("态度" … "差"); a cue with
// no head is tail alone. A cue right after a negation ("不慢", "没凉") does not count.
type cue struct {
	head, tail string
	gap        int
}

func cues(spec ...string) []cue {
	out := make([]cue, 0, len(spec))
	for _, s := range spec {
		head, tail, ok := strings.Cut(s, "…")
		if !ok {
			out = append(out, cue{tail: s})
			continue
		}
		out = append(out, cue{head: head, tail: tail, gap: 4})
	}
	return out
}

// findCues lists the cues found in the normalised text, each once, in list order.
func findCues(text string, list []cue) []string {
	found := []string{}
	for _, c := range list {
		if m, ok := c.match(text); ok {
			found = append(found, m)
		}
	}
	return found
}

// negatedCueLogit is what one negated failure cue adds to the model's log-odds.
const negatedCueLogit = 4

// negatedPraiseLogit is what one negated praise with a degree word takes from the
// log-odds: half of negatedCueLogit, which cost less on the training rows'
// cross-validation (docs/classification.md).
const negatedPraiseLogit = 2

// countNegated counts the cues of list that occur only negated ("不慢").
func countNegated(text string, list []cue) int {
	n := 0
	for _, c := range list {
		if c.head != "" {
			continue
		}
		if _, ok := c.match(text); ok {
			continue
		}
		for from := 0; from < len(text); {
			at := strings.Index(text[from:], c.tail)
			if at < 0 {
				break
			}
			at += from
			from = at + len(c.tail)
			// "不好意思" is an apology, not "not good".
			if wordBounded(text, at, from) && negatedBefore(text[:at]) && !strings.HasPrefix(text[from:], "意思") {
				n++
				break
			}
		}
	}
	return n
}

func (c cue) match(text string) (string, bool) {
	for from := 0; from < len(text); {
		at := strings.Index(text[from:], c.tail)
		if at < 0 {
			return "", false
		}
		at += from
		from = at + len(c.tail)
		if !wordBounded(text, at, at+len(c.tail)) || negatedBefore(text[:at]) {
			continue
		}
		if c.head == "" {
			return c.tail, true
		}
		// The head lies at most gap characters back: look there only, not at the
		// whole text before each occurrence (quadratic on a long text).
		window := max(0, at-len(c.head)-c.gap*utf8.UTFMax)
		h := strings.LastIndex(text[window:at], c.head)
		if h >= 0 && utf8.RuneCountInString(text[window+h+len(c.head):at]) <= c.gap {
			return text[window+h : from], true
		}
	}
	return "", false
}

// wordBounded holds for Han text always and for Latin text at word boundaries.
func wordBounded(text string, from, to int) bool {
	isWord := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	if first := text[from]; isWord(first) && from > 0 && isWord(text[from-1]) {
		return false
	}
	if last := text[to-1]; isWord(last) && to < len(text) && isWord(text[to]) {
		return false
	}
	return true
}

// negatedBefore reports whether the text ends in a negation: "不", "没", "并不太",
// "not ", "never ", "wasn't ".
func negatedBefore(before string) bool {
	trimmed := before
	// Longest first: "不是很慢" cuts "是很", not "很" (which left "不是" unread).
	for _, adverb := range []string{"怎么", "那么", "是很", "算太", "太", "很", "算", "是", "也", "都", "会"} {
		if t, ok := strings.CutSuffix(trimmed, adverb); ok {
			trimmed = t
			break
		}
	}
	for _, n := range []string{"不", "没", "没有", "无", "别", "未"} {
		if strings.HasSuffix(trimmed, n) {
			// "特别好" is "especially good", "分别", "个别" not a negation either.
			return n != "别" || !strings.HasSuffix(trimmed, "特别") && !strings.HasSuffix(trimmed, "分别") && !strings.HasSuffix(trimmed, "个别")
		}
	}
	words := lastWords(before, 2)
	if len(words) == 0 {
		return false
	}
	last := strings.ReplaceAll(words[0], "'", "")
	if last == "too" || last == "very" || last == "that" || last == "so" {
		if len(words) < 2 {
			return false
		}
		last = strings.ReplaceAll(words[1], "'", "")
	}
	return latinNegators[last]
}

// lastWords is the last n words of s (as strings.Fields splits them), last first,
// read from its last 64 bytes only: every occurrence of a cue asks, so reading the
// whole text before it made a long text quadratic. A negation is a word or two of a
// few letters; a word cut by the window is left out.
func lastWords(s string, n int) []string {
	cut := len(s) > 64
	if cut {
		s = s[len(s)-64:]
	}
	var out []string
	for len(out) < n {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		if s == "" {
			break
		}
		i := strings.LastIndexFunc(s, unicode.IsSpace)
		if i < 0 {
			if !cut {
				out = append(out, s)
			}
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		out = append(out, s[i+size:])
		s = s[:i]
	}
	return out
}

// failureCues name a delivery or service failure: late, cold, spilled, missing or
// wrong food or goods, a rude or absent service (issue 16: "太慢", "凉了", "态度差").
var failureCues = cues(
	"太慢", "好慢", "很慢", "超慢", "真慢", "慢死", "特别慢", "非常慢", "慢得", "送得慢", "送餐慢", "配送慢", "送的慢", "送的太慢",
	"超时", "迟到", "晚到", "晚了", "等了", "等太久", "一个小时", "两个小时", "俩小时", "半天才",
	"凉了", "都凉", "凉的", "冰凉", "冷了", "凉透",
	"洒了", "撒了", "漏了", "洒出", "少送", "漏送", "少了", "送错", "错送", "没送", "没有送", "没收到", "没有收到", "未送达", "送错了",
	"态度…差", "态度…不好", "态度…恶劣", "态度…冷漠", "服务…差", "服务…不好", "不理人", "没人理", "挂电话", "骂人", "不耐烦",
	"物流…慢", "快递…慢", "发货…慢", "破损", "坏了",
	"late", "slow", "cold", "delayed", "delay", "never arrived", "never came", "never showed", "didnt arrive", "hasnt arrived",
	"not arrived", "still waiting", "still no", "missing", "wrong order", "wrong item", "rude", "no reply", "no response",
	"on hold", "hung up", "not working", "doesnt work", "broken", "damaged", "cancelled", "canceled", "charged twice",
)

// suggestionPraise is the score above which a text with a suggestion cue is
// still praise ("很好吃，希望继续保持").
const suggestionPraise = 0.6

// suggestionCues ask for a change (the seed rules' low-urgency words).
var suggestionCues = cues("建议", "希望", "能否", "能不能", "可否", "如果能", "最好能", "改进", "优化", "增加", "添加",
	"suggest", "would be nice", "would love", "feature request", "could you", "please add", "wish")

// negatableCues are complaints that, negated, praise: "不慢", "没凉", "not late".
var negatableCues = cues("慢", "凉", "冷", "差", "难吃", "贵", "咸", "油腻", "脏", "晚",
	"late", "cold", "slow", "bad", "rude", "disappointed", "disappointing", "expensive")

// praiseCues are praise with a degree word that, negated, complain: "不太好",
// "不是很满意", "not very good". The character n-grams see "太好" (praise) there;
// a plain "不好" they weigh right themselves.
var praiseCues = cues("太好", "很好", "怎么好", "那么好", "太满意", "很满意", "怎么满意", "太喜欢", "很喜欢", "太新鲜", "很新鲜",
	"very good", "that good", "too good", "very happy", "very helpful")

// threatCues are threats to go to a regulator, the media or court (002 §3.2; issue
// 16: "12315", "投诉到…").
var threatCues = cues(
	"12315", "投诉到", "去投诉", "举报",
	// Not "曝光" or "媒体" alone: a camera's exposure (曝光) and a phone's multimedia
	// (多媒体) are praised in reviews.
	"要曝光", "去曝光", "曝光你", "曝光他", "网上曝光", "媒体曝光", "找媒体", "联系媒体", "告诉媒体", "上媒体", "记者", "消协", "消费者协会", "市场监管", "监管部门", "起诉",
	// Not "工商" alone: 工商银行 (ICBC) is a bank customers praise paying with.
	"工商局", "工商部门", "找工商", "告到工商", "向工商",
	"律师", "法院", "报警", "维权",
	"cfpb", "bbb", "better business bureau", "ftc", "regulator", "attorney general", "lawyer", "attorney",
	// Not "sue" or "court" alone: "Sue at the front desk", "the food court".
	"sue you", "sue them", "sue the", "sue your", "will sue", "going to sue", "gonna sue",
	"lawsuit", "to court", "in court", "small claims", "report you", "the media", "the press", "go public",
)

// furyCues are words of strong anger; they count in a negative text only.
var furyCues = cues(
	"气死", "愤怒", "气愤", "恶心", "垃圾", "骗子", "坑人", "太过分", "忍无可忍", "再也不", "最后一次", "滚", "无语", "退钱", "差评",
	"furious", "outraged", "outrageous", "disgusted", "disgusting", "unacceptable", "worst", "never again", "scam",
	"ridiculous", "pathetic", "fuming", "livid", "wtf", "fed up", "sick of", "shame on", "joke",
)
