package classify

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// MaxExtracted bounds the keywords extracted from one text: a heat map needs the
// salient few, not every noun of a long description.
const MaxExtracted = 20

// The segmenter holds gse's embedded simplified and traditional Chinese dictionaries
// (the seed documents use both): ~1.6 s and ~200 MiB of heap to load, so it is
// loaded once per process, on first use or by Warm, and shared (gse only reads it).
var (
	segOnce sync.Once
	seg     *gse.Segmenter
	segErr  error
	segTook time.Duration
)

func segmenter() *gse.Segmenter {
	segOnce.Do(func() {
		start := time.Now()
		s := &gse.Segmenter{SkipLog: true, Dict: gse.NewDict()}
		s.Init()
		// Words of complaints the dictionary lacks, added first so one pass computes
		// the path costs of all words.
		for w, pos := range extraWords {
			if segErr = s.AddToken(w, 300, pos); segErr != nil {
				return
			}
		}
		if segErr = s.LoadDictEmbed("zh"); segErr == nil {
			seg = s
		}
		segTook = time.Since(start)
	})
	return seg
}

// Warm loads the Chinese dictionary and the sentiment model now rather than on the
// first text, and reports how long loading took (the model: ~40 ms). Without a
// dictionary Chinese text is still classified by its rules, but its keywords
// degrade to whole runs of Han characters; without the model every text is neutral.
func Warm() (time.Duration, error) {
	segmenter()
	_, modelErr := sentimentModel()
	return segTook + sentLoadDur, errors.Join(segErr, modelErr)
}

// normalize folds text for matching: full-width forms to ASCII, ’ to ', lower case,
// runs of white space to one space.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			r -= 0xFEE0
		case r == '’':
			r = '\''
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// token is a word of the normalised text: a gse segment of a run of Han characters
// (pos is gse's part of speech) or a Latin word or number (pos "eng" or "m").
type token struct {
	text       string
	pos        string
	start, end int // byte offsets into doc.text
	run        int // tokens of one unbroken run of Han characters share a run
}

func (t token) han() bool { return t.pos != "eng" && t.pos != "m" }

// doc is an analysed text: its tokens, and the offsets where words start and end,
// which keyword matching must respect.
type doc struct {
	text         string
	tokens       []token
	starts, ends map[int]bool
}

func analyse(text string) *doc {
	d := &doc{text: normalize(text), starts: map[int]bool{}, ends: map[int]bool{}}
	run := 0
	for i := 0; i < len(d.text); {
		r, size := utf8.DecodeRuneInString(d.text[i:])
		j := i + size
		switch {
		case unicode.Is(unicode.Han, r):
			for j < len(d.text) {
				r, n := utf8.DecodeRuneInString(d.text[j:])
				if !unicode.Is(unicode.Han, r) {
					break
				}
				j += n
			}
			run++
			d.segmentHan(i, j, run)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			for j < len(d.text) {
				r, n := utf8.DecodeRuneInString(d.text[j:])
				if unicode.Is(unicode.Han, r) || !(unicode.IsLetter(r) || unicode.IsDigit(r) || isInnerApostrophe(d.text, j, r)) {
					break
				}
				j += n
			}
			pos := "eng"
			if !strings.ContainsFunc(d.text[i:j], unicode.IsLetter) {
				pos = "m"
			}
			d.add(token{text: d.text[i:j], pos: pos, start: i, end: j})
		}
		i = j
	}
	return d
}

// isInnerApostrophe keeps "don't" and "customer's" one word.
func isInnerApostrophe(s string, at int, r rune) bool {
	if r != '\'' {
		return false
	}
	next, _ := utf8.DecodeRuneInString(s[at+utf8.RuneLen(r):])
	return unicode.IsLetter(next) && !unicode.Is(unicode.Han, next)
}

func (d *doc) add(t token) {
	d.tokens = append(d.tokens, t)
	d.starts[t.start], d.ends[t.end] = true, true
}

// segmentHan segments text[from:to], a run of Han characters.
func (d *doc) segmentHan(from, to, run int) {
	s := segmenter()
	if s == nil {
		d.add(token{text: d.text[from:to], pos: "x", start: from, end: to, run: run})
		return
	}
	for _, sg := range s.ModeSegment([]byte(d.text[from:to])) {
		t := token{text: sg.Token().Text(), pos: sg.Token().Pos(), start: from + sg.Start(), end: from + sg.End(), run: run}
		// The dictionary holds some degree + adjective pairs as words ("太慢", "太差"):
		// split them, so "慢" is a word of "物流太慢了" and "物流" can join it.
		if first, size := utf8.DecodeRuneInString(t.text); degreePrefixes[first] && adjectives[t.text[size:]] {
			d.add(token{text: t.text[:size], pos: "d", start: t.start, end: t.start + size, run: run})
			d.add(token{text: t.text[size:], pos: "a", start: t.start + size, end: t.end, run: run})
			continue
		}
		d.add(t)
		d.subWords(sg.Token(), t.start)
	}
}

// subWords marks the boundaries of the words of at least two characters inside a
// long dictionary word ("售后" and "服务" in "售后服务"), so a rule keyword "售后"
// matches it; single characters are not words of their own ("差" in "差异").
func (d *doc) subWords(t *gse.Token, offset int) {
	for _, sub := range t.Segments() {
		if sub == nil || utf8.RuneCountInString(sub.Token().Text()) < 2 || sub.End()-sub.Start() == len(t.Text()) {
			continue
		}
		d.starts[offset+sub.Start()], d.ends[offset+sub.End()] = true, true
		d.subWords(sub.Token(), offset+sub.Start())
	}
}

// find returns the offset of the first whole-word occurrence of p, or -1.
func (d *doc) find(p pattern) int {
	for from := 0; from < len(d.text); {
		at := strings.Index(d.text[from:], p.text)
		if at < 0 {
			return -1
		}
		at += from
		if d.starts[at] && (p.prefix || d.ends[at+len(p.text)]) {
			return at
		}
		_, size := utf8.DecodeRuneInString(d.text[at:])
		from = at + size
	}
	return -1
}

// keywords extracts the salient words: Chinese nouns (and verbs the rules or the
// domain care about), a noun joined with a following short adjective across degree
// adverbs ("物流太慢了" → "物流慢", "客服态度很差" → "客服", "态度差"), English
// words that are not stop words, singular. Most frequent first, then in order of
// appearance; person names and numbers never.
func (d *doc) keywords(ruleVerbs map[string]bool) []string {
	type kw struct {
		count, first int
	}
	found := map[string]*kw{}
	var order []string
	emit := func(k string) {
		if f, ok := found[k]; ok {
			f.count++
			return
		}
		found[k] = &kw{count: 1, first: len(order)}
		order = append(order, k)
	}
	for i := 0; i < len(d.tokens); i++ {
		t := d.tokens[i]
		if !t.han() {
			if w := englishKeyword(t); w != "" {
				emit(w)
			}
			continue
		}
		if !hanCandidate(t, ruleVerbs, true) {
			continue
		}
		if j := d.adjectiveAfter(i); j > 0 {
			emit(t.text + d.tokens[j].text)
			i = j
			continue
		}
		if hanCandidate(t, ruleVerbs, false) {
			emit(t.text)
		}
	}
	slices.SortStableFunc(order, func(a, b string) int {
		return cmp.Or(found[b].count-found[a].count, found[a].first-found[b].first)
	})
	if len(order) > MaxExtracted {
		order = order[:MaxExtracted]
	}
	if order == nil {
		return []string{}
	}
	return order
}

// adjectiveAfter returns the index of a short adjective that follows token i in the
// same run, past at most two degree adverbs, or 0.
func (d *doc) adjectiveAfter(i int) int {
	run := d.tokens[i].run
	for j, skipped := i+1, 0; j < len(d.tokens) && d.tokens[j].run == run; j++ {
		t := d.tokens[j]
		// "好" is an adverb in "物流好慢" and an adjective in "服务好".
		adverb := degreeAdverbs[t.text] && skipped < 2
		if adverb && j+1 < len(d.tokens) && d.tokens[j+1].run == run && adjectives[d.tokens[j+1].text] {
			skipped++
			continue
		}
		switch {
		case adjectives[t.text]:
			return j
		case adverb:
			skipped++
		default:
			return 0
		}
	}
	return 0
}

// hanCandidate reports whether a Chinese token is a keyword (or, with head, may lead
// a noun + adjective phrase: verbs like "配送" and "等待" may too).
func hanCandidate(t token, ruleVerbs map[string]bool, head bool) bool {
	if utf8.RuneCountInString(t.text) < 2 || stopWords[t.text] || strings.ContainsFunc(t.text, unicode.IsDigit) {
		return false
	}
	switch {
	case strings.HasPrefix(t.pos, "nr"): // person names: personal data, never a keyword
		return false
	case strings.HasPrefix(t.pos, "n"), t.pos == "vn", t.pos == "j", t.pos == "l":
		return true
	case t.pos == "v":
		return head || ruleVerbs[t.text] || domainVerbs[t.text]
	}
	return false
}

// englishKeyword is the keyword form of a Latin token, or "".
func englishKeyword(t token) string {
	w := strings.TrimSuffix(t.text, "'s")
	if t.pos != "eng" || len(w) < 2 || stopWords[w] {
		return ""
	}
	w = singular(w)
	if stopWords[w] {
		return ""
	}
	return w
}

// singular is a light plural normalisation: deliveries → delivery, boxes → box,
// parcels → parcel; "status", "process", "analysis" and "logistics" stay as they are.
func singular(w string) string {
	switch {
	case invariantNouns[w]:
		return w
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") ||
		strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

// invariantNouns end in s but are not plurals.
var invariantNouns = set("logistics", "analytics", "news", "series", "species", "sales", "always", "perhaps", "lens",
	"gas", "bus", "yes", "this", "its", "was", "has", "does", "less", "unless", "across", "thanks", "wifi")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// extraWords are complaint words gse's dictionary lacks ("APP闪退" would be 闪/退).
var extraWords = map[string]string{
	"闪退": "v", "卡顿": "v", "漏发": "v", "错发": "v", "丢件": "v", "催单": "v", "扣费": "v", "不佳": "a", "差评": "n",
}

// degreeAdverbs may stand between a noun and its adjective: "态度很差", "物流太慢".
var degreeAdverbs = set("太", "很", "非常", "特别", "十分", "也", "都", "真", "真的", "好", "超", "超级", "极", "极其",
	"有点", "有些", "比较", "挺", "实在", "太过", "相当", "越来越", "还", "又", "更", "最", "老是", "总是", "一直", "巨", "蛮")

// degreePrefixes start the dictionary's degree + adjective words ("太慢", "很差").
var degreePrefixes = map[rune]bool{'太': true, '很': true, '超': true, '挺': true, '巨': true, '真': true, '最': true, '更': true, '极': true, '蛮': true}

// adjectives are the short judgements a heat map groups by: "物流慢", "态度差", "价格贵",
// and their positive counterparts ("物流快", "服务好").
var adjectives = set("慢", "差", "贵", "烂", "坏", "破", "脏", "乱", "吵", "冷", "难", "低", "高", "少", "卡", "糟", "凶",
	"旧", "久", "晚", "假", "臭", "不好", "不行", "不佳", "不够", "不足", "不满", "不对", "不准", "差劲", "糟糕", "恶劣",
	"缓慢", "粗暴", "冷淡", "敷衍", "混乱", "昂贵", "复杂", "麻烦", "失望", "难用", "难吃", "离谱",
	"快", "好", "便宜", "不错", "满意", "热情", "耐心", "专业", "及时", "方便", "简单")

// domainVerbs are verbs that name a complaint's substance, kept as keywords even when
// no rule mentions them (most verbs — 导致, 提升, 通过 — are noise in a heat map).
var domainVerbs = set("投诉", "退款", "退货", "换货", "维修", "返修", "保修", "配送", "发货", "送货", "快递", "包裹",
	"延迟", "延误", "闪退", "卡顿", "缺货", "到货", "漏发", "错发", "丢件", "破损", "损坏", "起火", "受伤", "漏水",
	"开裂", "催单", "索赔", "赔偿", "补偿", "扣费", "欺骗", "诈骗", "爆炸", "维权", "起诉", "曝光", "排队", "等待")

// stopWords are never keywords: Chinese generic nouns and function words, English
// function words and filler.
var stopWords = set(
	// Chinese
	"客户", "顾客", "用户", "问题", "情况", "时候", "小时", "时间", "方面", "东西", "事情", "例如", "公司", "企业",
	"我们", "你们", "他们", "自己", "这个", "那个", "这些", "那些", "什么", "怎么", "今天", "昨天", "明天", "现在",
	"已经", "一直", "还是", "可以", "没有", "就是", "因为", "所以", "但是", "如果", "而且", "通过", "进行", "导致",
	"造成", "直接", "发现", "表示", "认为", "需要", "能够", "实现", "提升", "提高", "增加", "下降", "上升", "达到",
	"其中", "以及", "关于", "对于", "作为", "为了", "一个", "一些", "部分", "方式", "方法", "过程", "结果", "原因",
	"数据", "水平", "工作", "平均", "之后", "之前", "以后", "以前", "目前", "一下", "一点", "大家", "人员", "有关",
	"建议", "希望", "意见", "反馈",
	// Chinese, traditional forms
	"客戶", "顧客", "用戶", "問題", "情況", "時候", "小時", "時間", "東西", "企業", "我們", "你們", "他們", "這個",
	"那個", "這些", "那些", "現在", "已經", "沒有", "因為", "所以", "如果", "通過", "進行", "導致", "造成", "發現",
	"認為", "需要", "實現", "提升", "提高", "增加", "達到", "關於", "對於", "作為", "為了", "一個", "部分", "方式",
	"方法", "過程", "結果", "原因", "數據", "水平", "工作", "能力", "人員",
	// English
	"a", "an", "the", "and", "or", "but", "if", "then", "than", "so", "too", "very", "of", "to", "in", "on", "at",
	"for", "with", "from", "by", "as", "about", "into", "over", "after", "before", "again", "is", "was", "were",
	"be", "been", "being", "am", "are", "do", "does", "did", "done", "have", "has", "had", "having", "i", "me", "my",
	"mine", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their",
	"this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "whose", "when", "where",
	"why", "how", "all", "any", "some", "more", "most", "other", "such", "no", "not", "nor", "only", "own", "same",
	"just", "also", "still", "even", "ever", "once", "up", "down", "out", "off", "can", "could", "would", "should",
	"will", "shall", "may", "might", "must", "get", "got", "one", "now", "e.g", "eg", "etc", "via", "per", "each",
	"both", "few", "many", "much", "very", "really", "please", "thanks", "thank", "hi", "hello", "dear", "ok",
	"okay", "yes", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "can't", "won't", "i'm", "it's",
	"i've", "let", "make", "made", "like", "within", "without", "while", "because", "since", "until", "against",
	"between", "through", "during", "above", "below", "under", "further", "someone", "something", "goes",
	"going", "went", "gone", "come", "comes", "came", "customer", "user", "thing", "lot", "way",
)
