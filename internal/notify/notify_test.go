package notify_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/complaintflow/complaintflow/internal/notify"
)

func TestMaskText(t *testing.T) {
	for in, want := range map[string]string{
		"call +86 138 0013 8000 or li.lei@example.com": "call ***8000 or l***@example.com",
		"tel (010) 6552-9988, ext 12":                  "tel (***9988, ext 12",
		// Complaint IDs and deadlines are not phone numbers.
		"complaint 550e8400-e29b-41d4-a716-446655440000 due 2026-11-23T11:00:00Z": "complaint 550e8400-e29b-41d4-a716-446655440000 due 2026-11-23T11:00:00Z",
		"filed 2026-11-23 09:30, phone 13800138000":                               "filed 2026-11-23 09:30, phone ***8000",
		// Links stay whole (a survey link's host and token); text around them is masked.
		"answer at http://127.0.0.1:8080/v1/surveys/MTIzNDU2Nzg5MA.x-1 call 13800138000": "answer at http://127.0.0.1:8080/v1/surveys/MTIzNDU2Nzg5MA.x-1 call ***8000",
		// A link with an e-mail address in it is not kept.
		"see https://x.example/u?mail=li.lei@example.com": "see https://x.example/u?mail=l***@example.com",
	} {
		if got := notify.MaskText(in); got != want {
			t.Errorf("MaskText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"北京市朝阳区建国路88号": "北京市朝阳区***",
		"上海市":          "上***",
		"1 Main St":    "1 Ma***",
		"":             "***",
	} {
		if got := notify.MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	base := errors.New("boom")
	p := fmt.Errorf("send: %w", notify.Permanent(base))
	u := fmt.Errorf("send: %w", notify.Uncertain(base))
	if !notify.IsPermanent(p) || notify.IsUncertain(p) || !errors.Is(p, base) {
		t.Errorf("Permanent: IsPermanent=%v IsUncertain=%v", notify.IsPermanent(p), notify.IsUncertain(p))
	}
	if !notify.IsUncertain(u) || notify.IsPermanent(u) || !errors.Is(u, base) {
		t.Errorf("Uncertain: IsUncertain=%v IsPermanent=%v", notify.IsUncertain(u), notify.IsPermanent(u))
	}
	if notify.IsPermanent(base) || notify.IsUncertain(base) || notify.Permanent(nil) != nil || notify.Uncertain(nil) != nil {
		t.Error("a plain error is retryable and nil stays nil")
	}
}

func TestResendable(t *testing.T) {
	if !notify.Resendable(notify.Webhook{}) || !notify.Resendable(notify.Log{}) || notify.Resendable(notify.SMTP{}) {
		t.Error("webhook and log resend with the same key; e-mail never does")
	}
}
