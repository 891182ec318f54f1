package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// Native fuzz tests of every decoder of outside input, run as a handler runs them:
// decodeBody into the route's request type, then the route's own checks. A
// handler writes nothing before these have passed (it returns on their problem),
// so their properties are the route's:
//   - no input panics;
//   - a refused input is a 4xx; a 400 that is not malformed JSON names at least
//     one field, each with its code;
//   - an accepted input holds only text PostgreSQL stores: valid UTF-8, no NUL
//     (anything else would be a 500 at the write, the defect they were made for).
// The seeds are valid and invalid bodies of each route; testdata/fuzz holds the
// corpus the fuzzer grew (make fuzz).

// fuzzBody decodes body into a T and runs check on it, then asserts the properties.
func fuzzBody[T any](t *testing.T, body []byte, check func(*T, *validator)) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var dst T
	var v validator
	p := decodeBody(httptest.NewRecorder(), r, &dst, &v)
	if p == nil {
		check(&dst, &v)
		p = v.problem()
	}
	if p == nil {
		if bad := unstorable(reflect.ValueOf(dst), ""); bad != "" {
			t.Fatalf("accepted %q, whose %s PostgreSQL cannot store", body, bad)
		}
		return
	}
	refused(t, body, p)
}

// refused asserts that p is a 4xx naming what is wrong.
func refused(t *testing.T, input []byte, p *Problem) {
	t.Helper()
	if p.Status < 400 || p.Status >= 500 {
		t.Fatalf("%q: status %d, want a 4xx", input, p.Status)
	}
	if p.Status == http.StatusBadRequest && p.Code != CodeMalformedJSON {
		if len(p.Errors) == 0 {
			t.Fatalf("%q: a 400 naming no field: %+v", input, p)
		}
		for _, e := range p.Errors {
			if e.Code == "" || e.Message == "" {
				t.Fatalf("%q: a field error without code or message: %+v", input, e)
			}
		}
	}
}

// unstorable names the first string under v that is not valid UTF-8 or holds a
// NUL; "" when there is none.
func unstorable(v reflect.Value, at string) string {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return at + " " + strings.TrimSpace(" "+s)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return unstorable(v.Elem(), at)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if bad := unstorable(v.Field(i), at+"."+v.Type().Field(i).Name); bad != "" {
					return bad
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if bad := unstorable(v.Index(i), at+"[]"); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if bad := unstorable(it.Key(), at+" key"); bad != "" {
				return bad
			}
			if bad := unstorable(it.Value(), at+"[key]"); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// seeds adds the bodies every body fuzz test starts from, then the route's own.
func seeds(f *testing.F, own ...string) {
	for _, s := range append(own, `{}`, `[]`, `null`, `{"a":1}`, `{"\u0000":1}`, `"x"`, `{"a":"\u0000"}`,
		`{"a":{"b":{"c":[[[[{}]]]]}}}`, `{"a":1e999}`, `{"a":"\ud800"}`) {
		f.Add([]byte(s))
	}
	f.Add([]byte{'{', '"', 0xff, '"', ':', '1', '}'})
}

func FuzzComplaintIntake(f *testing.F) {
	seeds(f,
		`{"external_id":"T-1","channel":"web","customer":{"id":"c-1","name":"王芳","tier":"vip","phone":"+86 138 0013 8000","email":"w@example.com"},"category":"logistics","urgency":"high","subject":"包裹丢失","description":"三天没有物流信息"}`,
		`{"external_id":"T-2","channel":"phone","customer":{"id":"c-2","name":"Li","tier":"low"},"category":"billing","urgency":"low","subject":"x","description":"y","sentiment":"angry","customer_locale":"en"}`,
		`{"external_id":"\u0000","channel":"web","customer":{"id":"c-1","name":"a\u0000","tier":"vip"},"category":"logistics","urgency":"high","subject":"s","description":"d"}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(req *fileRequest, v *validator) { req.validate(v) })
	})
}

func FuzzFeedback(f *testing.F) {
	seeds(f,
		`{"external_id":"F-1","kind":"review","channel":"app","text":"物流太慢了，客服也不回复","rating":1,"customer":{"id":"c-1","name":"王芳","tier":"low"}}`,
		`{"kind":"suggestion","channel":"web","text":"please add dark mode"}`,
		`{"kind":"review","channel":"web","rating":99}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(req *feedbackRequest, v *validator) { req.validate(v) })
	})
}

func FuzzSurveyAnswer(f *testing.F) {
	seeds(f,
		`{"csat":5,"nps":10,"ces":1,"solved":true,"comment":"谢谢"}`,
		`{"csat":1,"solved":false,"response_speed":2,"problem_solved":1,"service_attitude":3}`,
		`{"csat":0,"nps":11,"solved":"yes"}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(b *surveyAnswerBody, v *validator) { b.check(v) })
	})
}

func FuzzEscalationDecision(f *testing.F) {
	seeds(f,
		`{"decision":"approve","reason":"VIP customer, parcel lost twice"}`,
		`{"decision":"approve","reason":"r","urgency":"critical","owner":"dora","extend_by":"PT4H"}`,
		`{"decision":"approve","reason":"r","compensation":{"kind":"refund","amount":50,"currency":"CNY","note":"n"}}`,
		`{"decision":"reject"}`,
		`{"decision":"approve","reason":"r","extend_by":"P99999999D","compensation":{"amount":-1e308}}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(b *decisionBody, v *validator) { b.check(v) })
	})
}

// The plan's approvers and owners are looked up in the directory (PostgreSQL); the
// fuzz test leaves them out and fuzzes every other rule of the plan.
func FuzzPDCAPlan(f *testing.F) {
	seeds(f,
		`{"measures":[{"description":"call back within 2 h","due":"2026-03-01T09:00:00+08:00"}],"target":0.9,"due":"2026-03-31T09:00:00+08:00","baseline":0.6,"resources":"2 agents","risks":"holiday peak"}`,
		`{"measures":[],"target":-1,"due":"tomorrow"}`,
		`{"measures":[{"description":"","due":"2026-13-01T00:00:00Z"}],"due":"0000-01-01T00:00:00Z"}`,
	)
	s := &Server{}
	cycle := quality.Cycle{Metric: "first_response_rate", Baseline: new(0.5)}
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(b *cyclePlanBody, v *validator) {
			b.Approvers = nil
			for i := range b.Measures {
				b.Measures[i].Owner = ""
			}
			if _, err := s.planRequest(t.Context(), v, "", *b, cycle, "fuzz"); err != nil {
				t.Fatalf("a plan without directory lookups failed: %v", err)
			}
		})
	})
}

func FuzzClassificationRules(f *testing.F) {
	seeds(f,
		`{"rules":[{"dimension":"problem_type","value":"logistics","keywords":["快递","物流"],"priority":10}]}`,
		`{"rules":[{"dimension":"urgency","value":"high","keywords":["投诉","12315"],"priority":1},{"dimension":"scope","value":"group","keywords":["大家"]}]}`,
		`{"rules":[{"dimension":"nope","value":"","keywords":[""],"priority":-1}]}`,
		`{"rules":[]}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(req *rulesRequest, v *validator) { req.validate(v) })
	})
}

func FuzzCalendarSpec(f *testing.F) {
	seeds(f,
		`{"name":"Shanghai office","time_zone":"Asia/Shanghai","weekly_hours":{"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"18:00"}],"sat":[]},"holidays":["2026-02-17"],"working_days":["2026-02-14"]}`,
		`{"name":"x","time_zone":"Local","weekly_hours":{"xyz":[{"start":"25:00","end":"09:00"}]},"holidays":["2026-02-30"]}`,
		`{"name":"x","time_zone":"America/New_York","weekly_hours":{"sun":[{"start":"00:00","end":"24:00"}]}}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, body, func(b *putCalendarBody, v *validator) { b.validate(v) })
	})
}

// FuzzReviewCronSpec fuzzes a review schedule's cron spec and time zone, as
// createReviewSchedule checks them: refused with the field named, or turned into
// the Temporal calendar specs the schedule is created with, whose next runs are
// in order.
func FuzzReviewCronSpec(f *testing.F) {
	for _, s := range [][2]string{
		{"0 9 1 * *", "Asia/Shanghai"}, {"*/15 8-18 * * 1-5", "UTC"}, {"0 0 30 2 *", "UTC"},
		{"@monthly", "Europe/Berlin"}, {"0 9 * * MON", "America/New_York"}, {"61 * * * *", "UTC"},
		{"", ""}, {"* * * * * * *", "Local"}, {"0 9 1 * *", "../../etc/passwd"}, {"0 9 1 * *", "\x00"},
		{"CRON_TZ=Asia/Tokyo 0 9 * * *", "UTC"}, {"0 0 29 2 *", "UTC"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, spec, zone string) {
		var v validator
		if !checkReviewZone(&v, "time_zone", zone) {
			refused(t, []byte(zone), v.problem())
			return
		}
		parsed := checkReviewCronSpec(&v, "cron_spec", spec, zone)
		if parsed == nil {
			p := v.problem()
			refused(t, []byte(spec), p)
			if p.Errors[0].Field != "cron_spec" {
				t.Fatalf("%q: names %q, want cron_spec", spec, p.Errors[0].Field)
			}
			return
		}
		_ = quality.ScheduleSpec(parsed, zone)
		runs := quality.NextRuns(parsed, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 3)
		for i := 1; i < len(runs); i++ {
			if !runs[i].After(runs[i-1]) {
				t.Fatalf("%q in %s: runs out of order: %v", spec, zone, runs)
			}
		}
	})
}
