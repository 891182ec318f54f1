package notify_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/complaintflow/complaintflow/internal/notify"
)

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
