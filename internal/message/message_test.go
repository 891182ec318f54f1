package message

import (
	"strings"
	"testing"
	"time"
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
