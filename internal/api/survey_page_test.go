package api_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// surveyPages is the API with a zh-CN default for customers in Asia/Shanghai, and a
// complaint per locale, each with an open survey.
type surveyPages struct {
	t     *testing.T
	url   string
	store *store.Store
	key   []byte
	// surveys by the customer's locale
	surveys map[message.Locale]survey.Survey
}

func newSurveyPages(t *testing.T) *surveyPages {
	t.Helper()
	ctx := context.Background()
	srv := newAPIServer(t, false, false)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	srv.srv.UseCustomerLocale(message.ZhCN, shanghai)
	p := &surveyPages{t: t, url: srv.url, store: srv.store, surveys: map[message.Locale]survey.Survey{}}
	for _, l := range message.Locales {
		id := uuid.NewString()
		if _, _, err := srv.store.CreateComplaint(ctx, store.NewComplaint{
			ID: id, ExternalID: "survey-page-" + string(l), RequestHash: "h-survey-page-" + string(l), WorkflowID: "complaint:" + id,
			Channel: "web", CustomerID: "c-survey-page", CustomerName: "王芳", CustomerTier: complaint.Low, CustomerLocale: string(l),
			Category: "logistics", Urgency: complaint.Medium, Subject: "包裹丢失", Description: "详情见附件",
		}); err != nil {
			t.Fatal(err)
		}
		sv, err := srv.store.OpenSurvey(ctx, survey.Survey{ID: uuid.NewString(), ComplaintID: id, Round: 0,
			WorkflowID: "survey:" + id, SentAt: time.Now(), ExpiresAt: time.Now().Add(72 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		p.surveys[l] = sv
	}
	if p.key, err = srv.store.SurveySigningKey(ctx, ""); err != nil {
		t.Fatal(err)
	}
	return p
}

// link is the path of a genuine link to survey id that expires at expires.
func (p *surveyPages) link(id string, expires time.Time) string {
	return "/v1/surveys/" + survey.Sign(p.key, survey.Token{SurveyID: id, ExpiresAt: expires})
}

// get asks for path with header (name, value, …) and returns the answer and its body.
func (p *surveyPages) get(path string, header ...string) (*http.Response, string) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.url+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

var problemText = regexp.MustCompile(`<p id="problem">([^<]*)</p>`)

// A survey link that cannot be used, opened in a browser, answers a page saying
// why in the customer's language — the complaint's when the link names a survey
// whose complaint can be read, else the browser's, else the configured default —
// with the expiry in the customers' time zone and the status API clients get; API
// clients keep their problem answers.
func TestSurveyLinkThatCannotBeUsedOpensAPageInTheCustomersLanguage(t *testing.T) {
	p := newSurveyPages(t)
	expired := time.Date(2026, 1, 2, 7, 4, 0, 0, time.UTC) // 15:04 in Shanghai
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	genuine := p.link(p.surveys[message.En].ID, time.Now().Add(time.Hour))
	forged := genuine[:len(genuine)-4] // the signature cut
	for _, c := range []struct {
		name, path, acceptLanguage string
		status                     int
		lang, text                 string
	}{
		{"expired, an English customer", p.link(p.surveys[message.En].ID, expired), "",
			http.StatusGone, "en", "This survey link expired on 2 January 2026, 15:04 (Asia/Shanghai)."},
		{"expired, a Chinese customer with an English browser", p.link(p.surveys[message.ZhCN].ID, expired), "en-US,en;q=0.9",
			http.StatusGone, "zh-CN", "本调查链接已于2026年1月2日 15:04（Asia/Shanghai）过期。"},
		{"expired, a survey the database no longer holds, an English browser", p.link(uuid.NewString(), expired), "en-GB,en;q=0.9,zh;q=0.5",
			http.StatusGone, "en", "This survey link expired on 2 January 2026, 15:04 (Asia/Shanghai)."},
		{"expired, a survey the database no longer holds, no language", p.link(uuid.NewString(), expired), "",
			http.StatusGone, "zh-CN", "本调查链接已于2026年1月2日 15:04（Asia/Shanghai）过期。"},
		{"altered, an English browser", forged, "en", http.StatusUnauthorized, "en",
			"This survey link is not valid. Please open the whole link from our message."},
		{"malformed, a browser in a language we do not speak", "/v1/surveys/not-a-token", "fr-FR,fr;q=0.9",
			http.StatusUnauthorized, "zh-CN", "此调查链接无效，请打开我们消息中的完整链接。"},
		{"the payload alone, a Chinese browser", strings.SplitN(genuine, ".", 2)[0], "zh-TW,zh;q=0.9,en;q=0.8",
			http.StatusUnauthorized, "zh-CN", "此调查链接无效，请打开我们消息中的完整链接。"},
		{"genuine, of a survey the database no longer holds", p.link(uuid.NewString(), time.Now().Add(time.Hour)), "en",
			http.StatusNotFound, "en", "This survey link is no longer valid."},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := p.get(c.path, "Accept", browser, "Accept-Language", c.acceptLanguage)
			if res.StatusCode != c.status || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("got %d %s, want %d text/html:\n%s", res.StatusCode, res.Header.Get("Content-Type"), c.status, body)
			}
			if !strings.Contains(body, `<html lang="`+c.lang+`">`) {
				t.Errorf("the page is not in %s:\n%s", c.lang, body)
			}
			if m := problemText.FindStringSubmatch(body); m == nil || html.UnescapeString(m[1]) != c.text {
				t.Errorf("the page says %q, want %q:\n%s", m, c.text, body)
			}
			checkPageHeaders(t, c.name, res.Header, body)
			if strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src") || strings.Contains(body, "<script") {
				t.Errorf("the page runs a script: %s", res.Header.Get("Content-Security-Policy"))
			}

			// API clients get the problem, as before.
			for _, accept := range []string{"application/json", ""} {
				res, body := p.get(c.path, "Accept", accept, "Accept-Language", c.acceptLanguage)
				var problem struct {
					Status int    `json:"status"`
					Code   string `json:"code"`
					Detail string `json:"detail"`
				}
				if err := json.Unmarshal([]byte(body), &problem); err != nil || res.StatusCode != c.status ||
					res.Header.Get("Content-Type") != "application/problem+json" || problem.Status != c.status {
					t.Errorf("Accept %q: got %d %s %s, want a %d problem", accept, res.StatusCode, res.Header.Get("Content-Type"), body, c.status)
				}
				if c.status == http.StatusGone && problem.Detail != "the survey link expired at 2026-01-02T07:04:00Z" {
					t.Errorf("Accept %q: detail %q", accept, problem.Detail)
				}
			}
		})
	}
}

var closedText = regexp.MustCompile(`<p id="closed">([^<]*)</p>`)

// A genuine link of a survey no longer open shows why in the customer's language.
func TestClosedSurveyPageSaysWhyInTheCustomersLanguage(t *testing.T) {
	p := newSurveyPages(t)
	for _, c := range []struct {
		status, set string
		want        map[message.Locale]string
	}{
		{"answered", `answered_at = now(), csat = 5, solved = true`, map[message.Locale]string{
			message.En: "This survey was already answered. Thank you.", message.ZhCN: "您已回答过本调查，谢谢。"}},
		{"expired", `expires_at = '2026-01-02T07:04:00Z'`, map[message.Locale]string{
			message.En:   "This survey link expired on 2 January 2026, 15:04 (Asia/Shanghai).",
			message.ZhCN: "本调查链接已于2026年1月2日 15:04（Asia/Shanghai）过期。"}},
		{"cancelled", `closed_at = now()`, map[message.Locale]string{
			message.En: "This survey is closed. Thank you.", message.ZhCN: "本调查已结束，谢谢。"}},
	} {
		for locale, want := range c.want {
			sv := p.surveys[locale]
			if _, err := p.store.DB().Exec(`UPDATE surveys SET status = $2, `+c.set+` WHERE id = $1`, sv.ID, c.status); err != nil {
				t.Fatal(err)
			}
			res, body := p.get(p.link(sv.ID, time.Now().Add(time.Hour)), "Accept", "text/html")
			if m := closedText.FindStringSubmatch(body); res.StatusCode != http.StatusOK || m == nil || html.UnescapeString(m[1]) != want {
				t.Errorf("%s survey, %s customer: %d, says %q, want %q:\n%s", c.status, locale, res.StatusCode, m, want, body)
			}
			if strings.Contains(body, "<form") {
				t.Errorf("%s survey, %s customer: the page still has the form", c.status, locale)
			}
		}
	}
}

var scriptWords = regexp.MustCompile(`const words = \s*(\{.*\})\s*;`)

// The open survey's page hands its script the words it shows when an answer is
// refused or cannot be sent, in the customer's language, never the API's English
// detail; the script disables the button while sending.
func TestSurveyPageScriptSpeaksTheCustomersLanguage(t *testing.T) {
	p := newSurveyPages(t)
	for locale, want := range map[message.Locale]map[string]string{
		message.En: {"answered": "This survey was already answered. Thank you.", "failed": "Your answer could not be sent. Please try again.",
			"check": "Please check your answer to: %s.", "separator": ", ", "sending": "Sending…",
			"closed":  "This survey is closed. Thank you.",
			"invalid": "This survey link is not valid. Please open the whole link from our message."},
		message.ZhCN: {"answered": "您已回答过本调查，谢谢。", "failed": "提交失败，请稍后重试。",
			"check": "请检查以下问题的回答：%s。", "separator": "、", "sending": "正在提交…",
			"closed":  "本调查已结束，谢谢。",
			"invalid": "此调查链接无效，请打开我们消息中的完整链接。"},
	} {
		expires := time.Now().Add(time.Hour)
		// The link's expiry, as every customer text shows a time.
		want["expired"] = message.SurveyLinkExpired(locale, expires, mustShanghai(t))
		// As opened from a mail whose links a tracking tool tagged.
		res, body := p.get(p.link(p.surveys[locale].ID, expires)+"?utm_source=mail&utm_source=sms", "Accept", "text/html")
		m := scriptWords.FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("%s: %d, no words for the script:\n%s", locale, res.StatusCode, body)
		}
		var words struct {
			Fields    map[string]string `json:"fields"`
			ExpiresAt int64             `json:"expires_at"`
		}
		all := map[string]any{}
		if err := json.Unmarshal([]byte(m[1]), &all); err != nil {
			t.Fatalf("%s: the script's words are no JSON object: %v\n%s", locale, err, m[1])
		}
		_ = json.Unmarshal([]byte(m[1]), &words)
		for key, text := range want {
			if all[key] != text {
				t.Errorf("%s: words.%s = %q, want %q", locale, key, all[key], text)
			}
		}
		if words.ExpiresAt != expires.Truncate(time.Second).UnixMilli() {
			t.Errorf("%s: expires_at %d, want %d", locale, words.ExpiresAt, expires.Truncate(time.Second).UnixMilli())
		}
		for _, q := range message.SurveyQuestions(locale) {
			if words.Fields[q.Field] == "" || words.Fields[q.Field] != q.Label {
				t.Errorf("%s: the script names %s %q, want %q", locale, q.Field, words.Fields[q.Field], q.Label)
			}
		}
		for _, want := range []string{"send.disabled = true", "send.disabled = !retry", "catch", "problem.code"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the script lacks %q", locale, want)
			}
		}
		if strings.Contains(body, "answer.detail") {
			t.Errorf("%s: the script still shows the API's detail", locale)
		}
	}
}

func mustShanghai(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return z
}
