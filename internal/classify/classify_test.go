package classify_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// rules is a compact version of the rule set migration 00004 seeds.
var rules = []classify.Rule{
	{Dimension: classify.DimProblemType, Value: "product", Priority: 10,
		Keywords: []string{"质量", "产品", "故障", "套餐", "闪退", "quality", "product*", "defect*", "broken", "feature*"}},
	{Dimension: classify.DimProblemType, Value: "service", Priority: 10,
		Keywords: []string{"客服", "态度", "服务", "排队", "rude", "attitude", "service", "support"}},
	{Dimension: classify.DimProblemType, Value: "logistics", Priority: 10,
		Keywords: []string{"物流", "快递", "配送", "发货", "包裹", "deliver*", "parcel*", "courier*", "late", "logistic*"}},
	{Dimension: classify.DimProblemType, Value: "after_sales", Priority: 20, Keywords: []string{"售后", "after-sales"}},
	{Dimension: classify.DimProblemType, Value: "after_sales", Priority: 10, Keywords: []string{"退款", "退货", "维修", "refund*", "repair*"}},
	{Dimension: classify.DimUrgency, Value: "high", Priority: 30,
		Keywords: []string{"严重", "起火", "受伤", "12315", "曝光", "urgent", "angry", "fire", "injur*"}},
	{Dimension: classify.DimUrgency, Value: "medium", Priority: 20,
		Keywords: []string{"投诉", "差", "慢", "故障", "延迟", "complain*", "terrible", "slow", "late", "broken", "never arrived"}},
	{Dimension: classify.DimUrgency, Value: "low", Priority: 10,
		Keywords: []string{"建议", "希望", "优化", "suggest*", "would be nice", "improve*"}},
	{Dimension: classify.DimScope, Value: "industry", Priority: 30, Keywords: []string{"行业", "industry", "industry-wide"}},
	{Dimension: classify.DimScope, Value: "group", Priority: 20, Keywords: []string{"很多人", "大家", "多名", "many customers", "everyone"}},
}

func newClassifier(t *testing.T, rs []classify.Rule) *classify.Classifier {
	t.Helper()
	c, err := classify.New(rs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestKeywordsOfSeedSentences(t *testing.T) {
	c := newClassifier(t, rules)
	tests := []struct {
		source, text string
		want         []string // must be among the keywords
		first        string   // the first keyword, when the order matters
		not          []string // must not be
	}{
		{"DOMAIN.md §2 heat-map phrase", "物流太慢了", []string{"物流慢"}, "物流慢", []string{"物流", "太慢", "慢"}},
		{"DOMAIN.md §2 heat-map phrase", "客服态度很差", []string{"客服", "态度差"}, "客服", []string{"态度", "很", "差"}},
		{"e2e complaint body", "物流慢，客服态度差 — the parcel is a week late",
			[]string{"物流慢", "客服", "态度差", "parcel", "week", "late"}, "物流慢", []string{"the", "is", "a"}},
		{"003", "例如,某电信客服因缺乏情绪管理培训,导致客户投诉率上升25%,直接造成日均处理时长增加1.5小时。",
			[]string{"电信", "客服", "情绪", "培训", "投诉率"}, "电信", []string{"客户", "导致", "25", "1.5", "小时", "例如"}},
		{"003", "以某物流公司为例,其传统派单系统平均配送时间达3小时,而竞争对手通过AI调度将配送效率提升至1小时,客户投诉率下降60%。",
			[]string{"配送", "物流", "竞争对手", "ai", "调度", "效率", "投诉率"}, "配送", []string{"公司", "通过", "60"}},
		{"003", "例如,某电信运营商通过分析客户投诉文本,发现“套餐复杂”类问题占比32%,远高于技术故障的18%,直接推动产品设计简化,客户满意度提升22%。",
			[]string{"运营商", "投诉", "套餐复杂", "故障", "产品设计", "满意度"}, "", []string{"套餐", "问题", "32"}},
		{"003", "某银行因网银故障未实时监控,导致2000+客户投诉延迟4小时才处理,损失客户价值约120万元。",
			[]string{"银行", "故障", "投诉", "延迟"}, "", []string{"2000", "万元", "处理"}},
		{"003", "例如,某品牌通过优化售后服务流程,客户复购率从65%提升至78%,直接贡献了年销售额增长12%。",
			[]string{"品牌", "售后服务", "流程"}, "", []string{"65", "提升"}},
		{"000 (traditional)", "同時,引入智能客服、自助服務平臺等,提升客戶自助服務能力,降低人工成本,提高客戶滿意度",
			[]string{"客服", "人工成本", "滿意度"}, "", []string{"客戶", "提升"}},
		{"DOMAIN.md §1", "Low urgency (e.g. feature suggestion): goes into the product iteration backlog",
			[]string{"low", "urgency", "feature", "suggestion", "product", "iteration", "backlog"}, "low", []string{"e.g", "the", "into", "goes", "goe"}},
		{"DOMAIN.md §1", "Angry customer detected: escalate to a human at once and raise priority",
			[]string{"angry", "escalate", "human", "priority"}, "angry", []string{"customer", "to", "at"}},
		{"DOMAIN.md §3", `find improvement opportunities (e.g. "logistics enquiries resolved only 60 %")`,
			[]string{"improvement", "opportunity", "logistics", "enquiry"}, "", []string{"60", "logistic", "only"}},
		{"personal names never become keywords", "我叫张伟，王芳的快递丢件了", []string{"快递", "丢件"}, "", []string{"张伟", "王芳"}},
	}
	for _, tt := range tests {
		t.Run(tt.source+"/"+tt.text[:min(len(tt.text), 24)], func(t *testing.T) {
			got := c.Classify(tt.text).Keywords
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("keywords %q lack %q", got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("keywords %q hold %q", got, w)
				}
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("keywords %q, want %q first", got, tt.first)
			}
		})
	}
}

func TestClassifySeedSentences(t *testing.T) {
	c := newClassifier(t, rules)
	tests := []struct {
		text                        string
		problemType, urgency, scope string
	}{
		// 003: "售后" (priority 20) beats the "服务" (service, 10) inside "售后服务".
		{"例如,某品牌通过优化售后服务流程,客户复购率从65%提升至78%,直接贡献了年销售额增长12%。", "after_sales", "low", "individual"},
		// 003: logistics and "投诉" (medium) in one sentence.
		{"以某物流公司为例,其传统派单系统平均配送时间达3小时,而竞争对手通过AI调度将配送效率提升至1小时,客户投诉率下降60%。", "logistics", "medium", "individual"},
		// 003: "差" is not a word of "差异", and "严重" makes it high.
		{"某连锁餐厅因未统一客户评价收集工具,导致不同门店评分差异达30%,严重影响整体品牌形象。", "other", "high", "individual"},
		// 003: product (套餐, 故障, 产品) outnumbers service; "投诉" is medium.
		{"例如,某电信运营商通过分析客户投诉文本,发现“套餐复杂”类问题占比32%,远高于技术故障的18%,直接推动产品设计简化,客户满意度提升22%。", "product", "medium", "individual"},
		{"物流太慢了", "logistics", "medium", "individual"},
		{"客服态度很差，大家都这么说", "service", "medium", "group"},
		{"充电器起火，我的手受伤了，要投诉到12315！整个行业都这样", "other", "high", "industry"},
		{"建议增加夜间配送服务", "logistics", "low", "individual"},
		// English, DOMAIN.md §1.
		{"Low urgency (e.g. feature suggestion): goes into the product iteration backlog", "product", "low", "individual"},
		{"Angry customer detected: escalate to a human at once and raise priority", "other", "high", "individual"},
		{"The deliveries were late again and the courier was rude; many customers complain.", "logistics", "medium", "group"},
		{"ＵＲＧＥＮＴ: the parcel never arrived", "logistics", "high", "individual"},
	}
	for _, tt := range tests {
		t.Run(tt.text[:min(len(tt.text), 30)], func(t *testing.T) {
			got := c.Classify(tt.text)
			if got.ProblemType != tt.problemType || got.Urgency != tt.urgency || got.Scope != tt.scope {
				t.Errorf("got %s/%s/%s, want %s/%s/%s (matched %+v)", got.ProblemType, got.Urgency, got.Scope,
					tt.problemType, tt.urgency, tt.scope, got.Matched)
			}
		})
	}
}

func TestWholeWordMatching(t *testing.T) {
	c := newClassifier(t, []classify.Rule{
		{Dimension: classify.DimUrgency, Value: "medium", Priority: 1, Keywords: []string{"差", "late", "deliver*", "售后"}},
	})
	tests := []struct {
		text string
		want []string // matching keywords; nil: no match
	}{
		{"态度很差", []string{"差"}},
		{"评分差异达30%", nil},
		{"太差了", []string{"差"}},
		{"a week late", []string{"late"}},
		{"this template is fine", nil},
		{"lately it is fine", nil},
		{"two deliveries", []string{"deliver*"}},
		{"售后服务", []string{"售后"}},
		{"LATE!", []string{"late"}},
	}
	for _, tt := range tests {
		got := c.Classify(tt.text)
		var words []string
		for _, m := range got.Matched {
			words = append(words, m.Keywords...)
		}
		if !slices.Equal(words, tt.want) {
			t.Errorf("%q matched %q, want %q", tt.text, words, tt.want)
		}
	}
}

func TestRulePriorityAndTies(t *testing.T) {
	low := classify.Rule{Dimension: classify.DimProblemType, Value: "service", Priority: 5, Keywords: []string{"客服", "态度"}}
	high := classify.Rule{Dimension: classify.DimProblemType, Value: "logistics", Priority: 50, Keywords: []string{"物流"}}
	text := "客服态度差，物流也慢"

	got := newClassifier(t, []classify.Rule{low, high}).Classify(text)
	if got.ProblemType != "logistics" {
		t.Errorf("higher priority: got %s, want logistics", got.ProblemType)
	}
	if len(got.Matched) != 2 || got.Matched[0].Value != "logistics" || got.Matched[1].Value != "service" {
		t.Errorf("matched rules %+v, want the winner first, then the other match", got.Matched)
	}

	// Equal priority: more matching keywords win (service has two).
	high.Priority = 5
	if got := newClassifier(t, []classify.Rule{high, low}).Classify(text); got.ProblemType != "service" {
		t.Errorf("more evidence: got %s, want service", got.ProblemType)
	}
	// Equal priority and evidence: the earlier mention wins, whatever the rule order.
	one := classify.Rule{Dimension: classify.DimProblemType, Value: "service", Priority: 5, Keywords: []string{"客服"}}
	for _, rs := range [][]classify.Rule{{high, one}, {one, high}} {
		if got := newClassifier(t, rs).Classify("物流慢，客服差").ProblemType; got != "logistics" {
			t.Errorf("earlier mention: got %s, want logistics", got)
		}
	}
	// Everything equal, same place: the value listed first in Values (more urgent).
	a := classify.Rule{Dimension: classify.DimUrgency, Value: "low", Priority: 1, Keywords: []string{"退款"}}
	b := classify.Rule{Dimension: classify.DimUrgency, Value: "high", Priority: 1, Keywords: []string{"退款"}}
	if got := newClassifier(t, []classify.Rule{a, b}).Classify("退款").Urgency; got != "high" {
		t.Errorf("full tie: got %s, want high", got)
	}
}

func TestDefaultsWhenNothingMatches(t *testing.T) {
	for _, rs := range [][]classify.Rule{rules, nil} {
		for _, text := range []string{"", "今天天气不错", "hello there"} {
			got := newClassifier(t, rs).Classify(text)
			if got.ProblemType != "other" || got.Urgency != "low" || got.Scope != "individual" {
				t.Errorf("%q with %d rules: got %s/%s/%s, want other/low/individual", text, len(rs), got.ProblemType, got.Urgency, got.Scope)
			}
			if got.Matched == nil || len(got.Matched) != 0 || got.Keywords == nil {
				t.Errorf("%q: matched %v keywords %v, want empty, not nil", text, got.Matched, got.Keywords)
			}
		}
	}
}

func TestOutputIsDeterministicAndSafeForConcurrentUse(t *testing.T) {
	c := newClassifier(t, rules)
	text := "客服态度非常差，物流也太慢了！物流公司说包裹在路上 — the courier is late, deliveries are slow"
	want := fmt.Sprint(c.Classify(text))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := fmt.Sprint(c.Classify(text)); got != want {
					t.Errorf("got %s, want %s", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	// In order of appearance ("公司" of "物流公司" is a stop word).
	if got := c.Classify(text).Keywords; !strings.HasPrefix(strings.Join(got, ","), "客服,态度差,物流慢,物流,包裹,courier,late,delivery,slow") {
		t.Errorf("keywords %q", got)
	}
}

func TestRuleChecks(t *testing.T) {
	tests := []struct {
		rule  classify.Rule
		field string
	}{
		{classify.Rule{Value: "product", Keywords: []string{"x"}}, "dimension"},
		{classify.Rule{Dimension: "mood", Value: "product", Keywords: []string{"x"}}, "dimension"},
		{classify.Rule{Dimension: classify.DimUrgency, Value: "product", Keywords: []string{"x"}}, "value"},
		{classify.Rule{Dimension: classify.DimScope, Keywords: []string{"x"}}, "value"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group"}, "keywords"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"ok", " "}}, "keywords[1]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{" 大家"}}, "keywords[0]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"a*b"}}, "keywords[0]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"*"}}, "keywords[0]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"!!"}}, "keywords[0]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"Everyone", "everyone"}}, "keywords[1]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{strings.Repeat("长", 51)}}, "keywords[0]"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"x"}, Priority: -1}, "priority"},
		{classify.Rule{Dimension: classify.DimScope, Value: "group", Keywords: []string{"x"}, Priority: 1001}, "priority"},
	}
	for _, tt := range tests {
		errs := tt.rule.Check()
		if len(errs) != 1 || errs[0].Field != tt.field {
			t.Errorf("%+v: got %+v, want one error on %s", tt.rule, errs, tt.field)
		}
		if _, err := classify.New([]classify.Rule{tt.rule}); err == nil {
			t.Errorf("%+v: New accepted it", tt.rule)
		}
	}
	if errs := rules[0].Check(); errs != nil {
		t.Errorf("valid rule: %+v", errs)
	}
}

func TestDispose(t *testing.T) {
	tests := []struct {
		f           classify.Feedback
		urgency     string
		disposition classify.Disposition
		wantUrgency string
	}{
		{classify.Feedback{Kind: "suggestion", HasText: true}, "low", classify.DispositionBacklog, "low"},
		{classify.Feedback{Kind: "other", HasText: true}, "low", classify.DispositionBacklog, "low"},
		{classify.Feedback{Kind: "suggestion", HasText: true}, "medium", classify.DispositionComplaint, "medium"},
		{classify.Feedback{Kind: "social_mention", HasText: true}, "high", classify.DispositionComplaint, "high"},
		{classify.Feedback{Kind: "rating", Rating: 5, HasText: true}, "low", classify.DispositionRecorded, "low"},
		{classify.Feedback{Kind: "rating", Rating: 4}, "medium", classify.DispositionRecorded, "medium"},
		{classify.Feedback{Kind: "rating", Rating: 5, HasText: true}, "high", classify.DispositionComplaint, "high"},
		{classify.Feedback{Kind: "rating", Rating: 1}, "low", classify.DispositionComplaint, "medium"},
		{classify.Feedback{Kind: "rating", Rating: 2, HasText: true}, "high", classify.DispositionComplaint, "high"},
		{classify.Feedback{Kind: "rating", Rating: 3}, "low", classify.DispositionRecorded, "low"},
		{classify.Feedback{Kind: "rating", Rating: 3, HasText: true}, "low", classify.DispositionBacklog, "low"},
	}
	for _, tt := range tests {
		got := classify.Dispose(tt.f, tt.urgency)
		if got.Disposition != tt.disposition || got.Urgency != tt.wantUrgency || got.Reason == "" {
			t.Errorf("%+v at %s: got %+v, want %s at %s", tt.f, tt.urgency, got, tt.disposition, tt.wantUrgency)
		}
	}
}

// 001 "实时反馈机制": 「对负面反馈在15分钟内进行初步响应」 — every negative or angry
// touch-point feedback filed as a complaint is negative_feedback, not only a 1–2 rating.
func TestSourceOfFeedbackFiledAsAComplaint(t *testing.T) {
	negative := &classify.Sentiment{Label: classify.SentimentNegative}
	angry := &classify.Sentiment{Label: classify.SentimentNeutral, Anger: true}
	neutral := &classify.Sentiment{Label: classify.SentimentNeutral}
	tests := []struct {
		f    classify.Feedback
		want complaint.Source
	}{
		{classify.Feedback{Kind: "rating", Rating: 1}, complaint.SourceNegativeFeedback},
		{classify.Feedback{Kind: "rating", Rating: 2, Sentiment: neutral}, complaint.SourceNegativeFeedback},
		{classify.Feedback{Kind: "rating", Rating: 3, Sentiment: negative}, complaint.SourceNegativeFeedback},
		{classify.Feedback{Kind: "other", Sentiment: negative}, complaint.SourceNegativeFeedback},
		{classify.Feedback{Kind: "suggestion", Sentiment: angry}, complaint.SourceNegativeFeedback},
		{classify.Feedback{Kind: "rating", Rating: 3, Sentiment: neutral}, complaint.SourceFeedback},
		{classify.Feedback{Kind: "other", Sentiment: neutral}, complaint.SourceFeedback},
		{classify.Feedback{Kind: "other"}, complaint.SourceFeedback},
		// A social mention is public, not a touch point: a source of its own.
		{classify.Feedback{Kind: "social_mention", Sentiment: negative}, complaint.SourceSocialMention},
		{classify.Feedback{Kind: "social_mention", Sentiment: angry}, complaint.SourceSocialMention},
	}
	for _, tt := range tests {
		if got := classify.Source(tt.f); got != tt.want {
			t.Errorf("%+v (sentiment %+v): source %s, want %s", tt.f, tt.f.Sentiment, got, tt.want)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	c, err := classify.New(rules)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := classify.Warm(); err != nil {
		b.Fatal(err)
	}
	text := "包裹一周未到\n物流慢，客服态度差 — the parcel is a week late"
	for b.Loop() {
		c.Classify(text)
	}
}
