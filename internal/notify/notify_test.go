package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/survey"
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

// The log channel is a place a survey link would otherwise sit in full: the line it
// writes holds the link's token masked, in the subject and the body, and the rest of
// the link as it was.
func TestLogChannelMasksSurveyLinks(t *testing.T) {
	key := []byte("a survey signing key of 32 bytes")
	token := survey.Sign(key, survey.Token{SurveyID: "7d0b5f3e-4f0e-4c1a-9a57-1f8d2c7e4b21", ExpiresAt: time.Now().Add(time.Hour)})
	link := "https://cf.example/v1/surveys/" + token
	var buf bytes.Buffer
	err := notify.Log{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}.Send(context.Background(), notify.Message{
		Key: "k", Recipient: "customer", Subject: "Survey " + link, Body: "请评价: " + link + " 谢谢"})
	if err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	if strings.Contains(line, token) || strings.Contains(line, token[strings.Index(token, ".")+1:]) {
		t.Errorf("the log line holds the survey token: %s", line)
	}
	if n := strings.Count(line, "https://cf.example/v1/surveys/"+survey.MaskedToken(token)); n != 2 {
		t.Errorf("the log line holds the masked link %d times, want 2 (subject, body): %s", n, line)
	}
}
