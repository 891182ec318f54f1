package message

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

func TestSeedsPassCheck(t *testing.T) {
	for _, d := range Definitions() {
		for _, l := range Locales {
			seed, ok := d.Seeds[l]
			if !ok {
				t.Errorf("%s has no %s seed", d.Key, l)
				continue
			}
			if errs := Check(d.Key, seed); len(errs) > 0 {
				t.Errorf("%s/%s seed refused: %v", d.Key, l, errs)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		key  Key
		text Text
		want []FieldError
	}{
		{"known variables", Progress, Text{"{{.complaint_id}}", "{{if .resolution_due_at}}{{.message}}{{end}}"}, nil},
		{"unknown variable named", Progress, Text{"ok", "{{.message}} {{.refund}}"},
			[]FieldError{{Field: "body", Variable: "refund"}}},
		{"unknown in a condition", Acknowledgement, Text{"{{if .vip}}x{{end}}", "b"},
			[]FieldError{{Field: "subject", Variable: "vip"}}},
		{"does not parse", Resolution, Text{"{{.summary", "b"}, []FieldError{{Field: "subject"}}},
		{"unknown key", Key("nope"), Text{"s", "b"}, []FieldError{{Field: "key"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.key, tt.text)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %d problems", got, len(tt.want))
			}
			for i := range got {
				if got[i].Field != tt.want[i].Field || got[i].Variable != tt.want[i].Variable {
					t.Errorf("got %+v, want field %s variable %q", got[i], tt.want[i].Field, tt.want[i].Variable)
				}
				if tt.want[i].Variable != "" && !strings.Contains(got[i].Reason, `"`+tt.want[i].Variable+`"`) {
					t.Errorf("reason %q does not name %s", got[i].Reason, tt.want[i].Variable)
				}
			}
		})
	}
}

func TestRender(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	due := Time(time.Date(2026, 3, 4, 6, 30, 0, 0, time.UTC))
	vars := map[string]string{"complaint_id": "c1", "customer_name": "李雷", "message": "已安排退款", "resolution_due_at": due}
	tests := []struct {
		locale      Locale
		wantSubject string
		wantBody    string
	}{
		{ZhCN, "我们已收到您的投诉（c1）", "我们承诺在 2026年3月4日 14:30（Asia/Shanghai） 前解决您的问题。"},
		{En, "We have received your complaint (c1)", "We commit to resolving it by 4 March 2026, 14:30 (Asia/Shanghai)."},
	}
	for _, tt := range tests {
		t.Run(string(tt.locale), func(t *testing.T) {
			seed, _ := Seed(Acknowledgement, tt.locale)
			got, err := Render(Acknowledgement, tt.locale, seed, vars, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject != tt.wantSubject || !strings.Contains(got.Body, tt.wantBody) {
				t.Errorf("got %q / %q, want %q / …%q…", got.Subject, got.Body, tt.wantSubject, tt.wantBody)
			}
		})
	}
}

func TestParseLocale(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Locale
		ok   bool
	}{{"zh-CN", ZhCN, true}, {"zh-cn", ZhCN, true}, {"zh", ZhCN, true}, {"en", En, true}, {"en-GB", En, true}, {"fr", "", false}, {"", "", false}} {
		if got, ok := ParseLocale(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseLocale(%q) = %q, %t; want %q, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// The late texts say why and when, in both locales, and never show the missed
// deadline even when it is passed; the on-time progress shows the expected time
// beside the committed one (002 §9.3).
func TestOverdueTextsExplainWhyAndWhenNeverTheMissedTime(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	missed := Time(time.Date(2026, 3, 4, 6, 30, 0, 0, time.UTC))
	expected := Time(time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC))
	vars := map[string]string{"complaint_id": "c1", "customer_name": "李雷", "message": "仓库已找到包裹",
		"reason": "暴雨导致仓库关闭", "expected_by": expected, "resolution_due_at": missed}
	tests := []struct {
		key    Key
		locale Locale
		want   []string
	}{
		{ProgressOverdue, ZhCN, []string{"仓库已找到包裹", "未能在承诺的时间内", "原因：暴雨导致仓库关闭", "2026年3月5日 18:00"}},
		{ProgressOverdue, En, []string{"not resolved your complaint in the time we committed to", "Why: 暴雨导致仓库关闭", "5 March 2026, 18:00"}},
		{ResolutionOverdue, ZhCN, []string{"非常抱歉", "新的预计解决时间"}},
		{ResolutionOverdue, En, []string{"We are sorry", "when we now expect to resolve it"}},
		{Progress, ZhCN, []string{"尚未解决的原因：暴雨导致仓库关闭", "2026年3月5日 18:00", "不晚于承诺的 2026年3月4日 14:30"}},
		{Progress, En, []string{"Why it is not resolved yet", "5 March 2026, 18:00", "(4 March 2026, 14:30 (Asia/Shanghai))"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.key)+"/"+string(tt.locale), func(t *testing.T) {
			seed, _ := Seed(tt.key, tt.locale)
			got, err := Render(tt.key, tt.locale, seed, vars, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Body, w) {
					t.Errorf("%q lacks %q", got.Body, w)
				}
			}
			if tt.key != Progress && (strings.Contains(got.Body, "3月4日") || strings.Contains(got.Body, "4 March")) {
				t.Errorf("%q shows the missed deadline", got.Body)
			}
		})
	}
	// Without a reason or an expected time, the late progress says a time will follow.
	seed, _ := Seed(ProgressOverdue, En)
	got, err := Render(ProgressOverdue, En, seed, map[string]string{"message": "still on it"}, shanghai)
	if err != nil || !strings.Contains(got.Body, "We will tell you when") || strings.Contains(got.Body, "Why:") {
		t.Errorf("bare late progress: %q, %v", got.Body, err)
	}
}

// A customer reads every value the API sends in their own language: each variable
// carrying the API's values names every one of them in every locale, every seed
// renders the word and never the raw value, and a new variable is either free text
// or has its words (or this test fails).
func TestCustomerTextsNameTheAPIsValuesInTheCustomersLanguage(t *testing.T) {
	values := map[string][]string{
		"kind": slices.Concat(complaint.CompensationKinds,
			[]string{string(complaint.RecoveryRefund), string(complaint.RecoveryCompensation)}),
		"status": {complaint.CompensationGranted, complaint.CompensationRequested,
			complaint.CompensationDeclined, complaint.CompensationCancelled},
	}
	// Free text: what a person wrote, an ID, a number, a link, a currency code.
	// "survey" is a flag the seeds test and never print.
	free := []string{"complaint_id", "customer_name", "message", "reason", "reasons", "summary",
		"link", "amount", "currency", "note", "title", "survey"}
	// The API's values themselves, for a template's comparisons (and for templates
	// saved before their names existed): the seeds print their names.
	raw := []string{"kind", "status"}
	latin := regexp.MustCompile(`[A-Za-z]+`)
	for _, d := range Definitions() {
		for _, v := range d.Vars {
			if v.Kind == KindTime || slices.Contains(free, v.Name) || slices.Contains(raw, v.Name) {
				continue
			}
			api, ok := values[v.Of]
			if !ok {
				t.Errorf("%s.%s: free text, or which values does it name?", d.Key, v.Name)
				continue
			}
			for _, value := range api {
				for _, l := range Locales {
					word := v.Words[value][l]
					if word == "" {
						t.Errorf("%s.%s: no %s word for %q", d.Key, v.Name, l, value)
						continue
					}
					seed, _ := Seed(d.Key, l)
					got, err := Render(d.Key, l, seed, map[string]string{v.Of: value, "currency": "CNY"}, time.UTC)
					if err != nil {
						t.Fatal(err)
					}
					text := got.Subject + got.Body
					if !strings.Contains(text, word) {
						t.Errorf("%s/%s with %s=%q lacks %q: %q", d.Key, l, v.Name, value, word, got.Body)
					}
					if l == ZhCN && slices.ContainsFunc(latin.FindAllString(text, -1), func(w string) bool { return w != "CNY" }) {
						t.Errorf("%s/%s with %s=%q shows a raw value: %q", d.Key, l, v.Name, value, got.Body)
					}
				}
			}
		}
	}
}

// The compensation notice reads as a sentence in each locale, and an admin's
// template gets the same words as the seed.
func TestCompensationNoticeReadsInTheCustomersLanguage(t *testing.T) {
	vars := map[string]string{"kind": "coupon", "amount": "50", "currency": "CNY", "status": "granted"}
	for _, tt := range []struct {
		locale Locale
		text   Text
		want   string
	}{
		{ZhCN, Text{}, "为表歉意，我们为您提供优惠券：50 CNY（已发放）。"},
		{En, Text{}, "As an apology we have granted you a coupon of 50 CNY (granted)."},
		{ZhCN, Text{"s", "{{.kind_name}}/{{.status_name}}"}, "优惠券/已发放"},
		// An admin's template saved against the raw values reads as it did.
		{En, Text{"s", "granted you a {{.kind}}{{if eq .status \"granted\"}}, sent{{end}}"}, "granted you a coupon, sent"},
	} {
		if tt.text.Body == "" {
			tt.text, _ = Seed(Compensation, tt.locale)
		}
		got, err := Render(Compensation, tt.locale, tt.text, vars, time.UTC)
		if err != nil || got.Body != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.locale, got.Body, err, tt.want)
		}
	}
}

// The reopening's reasons are staff words about the customer ("the customer says
// the problem is not solved; CSAT 1 of 5"): no seed shows them to the customer,
// who hears, in their language, that we are sorry and when we expect to resolve it.
func TestTheDissatisfiedReopeningDoesNotQuoteStaffWordsToTheCustomer(t *testing.T) {
	for _, l := range Locales {
		seed, _ := Seed(ReopenedDissatisfied, l)
		got, err := Render(ReopenedDissatisfied, l, seed, map[string]string{
			"reasons": "the customer says the problem is not solved; CSAT 1 of 5", "resolution_due_at": "2026-12-08T10:00:00Z"}, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got.Body, "the customer says") || strings.Contains(got.Body, "CSAT") {
			t.Errorf("%s: %q quotes the staff's reasons", l, got.Body)
		}
	}
}
