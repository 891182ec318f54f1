package privacy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/privacy"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"call +86 138 0013 8000 or li.lei@example.com": "call ***8000 or l***@example.com",
		"tel (010) 6552-9988, ext 12":                  "tel (***9988, ext 12",
		// Complaint IDs and deadlines are not phone numbers.
		"complaint 550e8400-e29b-41d4-a716-446655440000 due 2026-11-23T11:00:00Z": "complaint 550e8400-e29b-41d4-a716-446655440000 due 2026-11-23T11:00:00Z",
		"filed 2026-11-23 09:30, phone 13800138000":                               "filed 2026-11-23 09:30, phone ***8000",
		// Links stay whole (a survey link's host and token); text around them is masked.
		"answer at http://127.0.0.1:8080/v1/surveys/MTIzNDU2Nzg5MA.x-1 call 13800138000": "answer at http://127.0.0.1:8080/v1/surveys/MTIzNDU2Nzg5MA.x-1 call ***8000",
		// IP addresses and ports stay readable (a delivery error in the log), around
		// masked contacts; a dotted phone number is still masked.
		"dial tcp 127.0.0.1:8333: connect: connection refused":            "dial tcp 127.0.0.1:8333: connect: connection refused",
		"smtp 10.20.30.40:587 refused 13800138000 and li.lei@example.com": "smtp 10.20.30.40:587 refused ***8000 and l***@example.com",
		"from 192.168.1.254 via [::1]:7233 and 2001:db8::7001:8333":       "from 192.168.1.254 via [::1]:7233 and 2001:db8::7001:8333",
		"phone 138.0013.8000":   "phone ***8000",
		"phone 010.6552.9988.1": "phone ***9881",
		// A link ends where a URL cannot go on: in Chinese text at the full-width
		// comma that follows it, with no space, so the number after it is masked.
		"订单链接https://shop.example.com/o/123，电话13800138000，请回电":    "订单链接https://shop.example.com/o/123，电话***8000，请回电",
		"链接 https://shop.example.com/o/123?a=1&b=2 电话13800138000": "链接 https://shop.example.com/o/123?a=1&b=2 电话***8000",
		// A link with an e-mail address in it is not kept.
		"see https://x.example/u?mail=li.lei@example.com": "see https://x.example/u?mail=l***@example.com",
	} {
		if got := privacy.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		in   string
		mask func(string) string
		want string
	}{
		{"北京市朝阳区建国路88号", privacy.Address, "北京市朝阳区***"},
		{"上海市", privacy.Address, "上***"},
		{"1 Main St", privacy.Address, "1 Ma***"},
		{"", privacy.Address, "***"},
		{"+86 138 0013 8000", privacy.Phone, "***8000"},
		{"123", privacy.Phone, "***"},
		{"li.lei@example.com", privacy.Email, "l***@example.com"},
		{"@example.com", privacy.Email, "***"},
		{"Li Lei", privacy.Name, "L*"},
		{"李雷", privacy.Name, "李*"},
		{" ", privacy.Name, "*"},
	} {
		if got := tc.mask(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestContacts(t *testing.T) {
	c := privacy.Contacts{Name: "Li Lei", Phone: "+86 138 0013 8000", Address: "北京市朝阳区建国路88号"}
	got := c.Masked()
	want := privacy.Contacts{Name: "L*", Phone: "***8000", Address: "北京市朝阳区***"}
	if got != want {
		t.Errorf("Masked() = %+v, want %+v", got, want)
	}
	if got, want := c.Fields(), []string{"name", "phone", "address"}; !slices.Equal(got, want) {
		t.Errorf("Fields() = %v, want %v", got, want)
	}
	text := "call me on +86 138 0013 8000 at 北京市朝阳区建国路88号, order 12345678"
	if got, want := privacy.Redact(text, c), "call me on ***8000 at 北京市朝阳区***, order 12345678"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
	if got, want := privacy.Staff(text, c), "call me on ***8000 at 北京市朝阳区***, order ***5678"; got != want {
		t.Errorf("Staff = %q, want %q", got, want)
	}
}

func TestAccessOf(t *testing.T) {
	rec := privacy.Record{FiledBy: "tok-intake", Owner: "ann", Managers: []string{"lee", "max"}}
	for _, tc := range []struct {
		name string
		v    privacy.Viewer
		r    privacy.Record
		want privacy.Access
	}{
		{"the filing token", privacy.Viewer{Role: "intake", TokenID: "tok-intake"}, rec, privacy.Full},
		{"another intake token", privacy.Viewer{Role: "intake", TokenID: "tok-other"}, rec, privacy.Masked},
		{"admin", privacy.Viewer{Role: "admin", TokenID: "t"}, rec, privacy.Revealable},
		{"the owner", privacy.Viewer{Role: "agent", TokenID: "t", PersonID: "ann"}, rec, privacy.Revealable},
		{"another agent", privacy.Viewer{Role: "agent", TokenID: "t", PersonID: "bob"}, rec, privacy.Masked},
		{"agent without a person", privacy.Viewer{Role: "agent", TokenID: "t"}, rec, privacy.Masked},
		{"manager in the chain", privacy.Viewer{Role: "manager", TokenID: "t", PersonID: "max"}, rec, privacy.Revealable},
		{"manager elsewhere", privacy.Viewer{Role: "manager", TokenID: "t", PersonID: "zed"}, rec, privacy.Masked},
		{"agent in the chain", privacy.Viewer{Role: "agent", TokenID: "t", PersonID: "lee"}, rec, privacy.Masked},
		{"quality", privacy.Viewer{Role: "quality", TokenID: "t", PersonID: "q"}, rec, privacy.Masked},
		{"unowned, agent", privacy.Viewer{Role: "agent", TokenID: "t", PersonID: "ann"}, privacy.Record{}, privacy.Masked},
		{"unowned, admin", privacy.Viewer{Role: "admin", TokenID: "t"}, privacy.Record{}, privacy.Revealable},
	} {
		if got := privacy.AccessOf(tc.v, tc.r); got != tc.want {
			t.Errorf("%s: AccessOf = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// What classification reads holds none of the customer's contacts, nor any e-mail
// address, so no keyword is drawn from them; the rest of the text stays.
func TestForAnalysisLeavesTheContactsOut(t *testing.T) {
	c := privacy.Contacts{Name: "Zhang Wei", Phone: "+86 138 0013 8000", Email: "zhang.wei@example.com", Address: "北京市朝阳区建国路88号"}
	got := privacy.ForAnalysis("请送到北京市朝阳区建国路88号，我的邮箱 zhang.wei@example.com，同事 li.na@example.cn 也可以；电话 +86 138 0013 8000。Zhang Wei, 包裹一周未到", c)
	for _, gone := range []string{"建国路", "zhang", "li.na", "example", "0013", "Zhang Wei"} {
		if strings.Contains(got, gone) {
			t.Errorf("%q still holds %q", got, gone)
		}
	}
	if !strings.Contains(got, "包裹一周未到") || !strings.Contains(got, "请送到") {
		t.Errorf("%q lost the complaint itself", got)
	}
	if got := privacy.ForAnalysis("Li is late", privacy.Contacts{Name: "L"}); got != "Li is late" {
		t.Errorf("a one-character name cut %q", got)
	}
}
