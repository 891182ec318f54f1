package console

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// An inbox entry's history is the last events of the timeline, oldest first.
func TestLatestEvents(t *testing.T) {
	events := func(ids ...int64) []apiclient.ComplaintEvent {
		out := []apiclient.ComplaintEvent{}
		for _, id := range ids {
			out = append(out, apiclient.ComplaintEvent{Id: id})
		}
		return out
	}
	ids := func(es []apiclient.ComplaintEvent) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.Id)
		}
		return out
	}
	for _, tt := range []struct {
		in   []apiclient.ComplaintEvent
		want []int64
	}{
		{events(), []int64{}},
		{events(1, 2), []int64{1, 2}},
		{events(1, 2, 3, 4, 5, 6, 7), []int64{3, 4, 5, 6, 7}},
	} {
		if got := ids(latest(tt.in, historyLen)); !slices.Equal(got, tt.want) {
			t.Errorf("latest(%v) = %v, want %v", ids(tt.in), got, tt.want)
		}
	}
}

// A countdown carries its clock's warnings as the API reported them.
func TestClockWarningsAttribute(t *testing.T) {
	c := complaint{Complaint: apiclient.Complaint{}}
	c.Sla.WarningPercents = []int{60, 80}
	if got := c.Next().WarningList(); got != "60,80" {
		t.Errorf("data-warnings = %q, want 60,80", got)
	}
	if got := (clock{}).WarningList(); got != "" {
		t.Errorf("a clock without warnings: data-warnings = %q, want empty", got)
	}
}

// The inbox in Chinese: every decision the API takes, reassign too, each option and
// field label in the viewer's language (the values stay the API's), and the entry's
// history.
func TestInboxFormSpeaksTheViewersLanguage(t *testing.T) {
	c := withPage(t, "escalations")
	id := uuid.New()
	entry := pending{E: apiclient.Escalation{Id: "e1", ComplaintId: id, Seq: 1, RequestedBy: "ann", Reason: "refund"},
		History: []apiclient.ComplaintEvent{{Id: 7, Kind: "escalation_requested", Actor: "ann"}}, Input: map[string]string{}}
	r := httptest.NewRequest(http.MethodGet, "/console/escalations", nil)
	r.Header.Set("Accept-Language", "zh-CN")
	w := httptest.NewRecorder()
	c.render(w, r, http.StatusOK, "escalations", map[string]any{"Entries": []pending{entry},
		"Kinds": decisionKinds, "Urgencies": decisionUrgencies, "CompKinds": compensationKinds, "Input": map[string]string{}, "Refused": ""})
	body := w.Body.String()
	for _, want := range []string{`<option value="reassign">改派</option>`, `<option value="extend">延长期限</option>`,
		`<option value="high">高</option>`, `<option value="voucher">代金券</option>`, "新负责人，人员 ID（批准、改派）",
		"延长时长，如 6h（延长期限）", "<strong>已申请升级</strong>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Chinese inbox lacks %q", want)
		}
	}
	for _, raw := range []string{">extend_by<", ">urgency<", ">owner<", ">reassign<", ">escalation_requested<"} {
		if strings.Contains(body, raw) {
			t.Errorf("the Chinese inbox shows the API's name %q", raw)
		}
	}
}

// An inbox the API refuses to list has nothing to watch: no poll, so no
// "not up to date" note under the refusal every 3 s.
func TestRefusedInboxIsNotWatched(t *testing.T) {
	c := withPage(t, "escalations")
	render := func(data map[string]any) string {
		w := httptest.NewRecorder()
		c.render(w, httptest.NewRequest(http.MethodGet, "/console/escalations", nil), http.StatusOK, "escalations", data)
		return w.Body.String()
	}
	if body := render(map[string]any{"Entries": []pending{}}); !strings.Contains(body, `data-poll="/console/escalations/pending"`) {
		t.Fatal("the inbox is not watched")
	}
	if body := render(map[string]any{"PageRefusal": &refusal{Status: http.StatusForbidden, Detail: "role agent may not"}}); strings.Contains(body, "data-poll") {
		t.Error("a refused inbox is watched")
	}
}

// withPage is a console that renders one page (with the layout and the shared
// fragments), for tests of its markup.
func withPage(t *testing.T, name string) *Console {
	t.Helper()
	page, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles,
		"templates/layout.html", "templates/rows.html", "templates/"+name+".html")
	if err != nil {
		t.Fatal(err)
	}
	return &Console{pages: map[string]*template.Template{name: page}, log: slog.New(slog.DiscardHandler)}
}

// A page whose read the API refuses (a role that may not, PostgreSQL away) shows
// the refusal with its status — not a 500 from a form drawn without its input.
func TestARefusedPageShowsTheRefusal(t *testing.T) {
	quality := &Console{pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler)}
	quality.registerQuality(&routeMux{ServeMux: http.NewServeMux()}) // the quality pages, as the console parses them
	for _, page := range []string{"escalations", "reviews", "risk", "performance", "backlog", "kpi", "pdca", "qa"} {
		c := quality
		if page == "escalations" {
			c = withPage(t, page)
		}
		w := httptest.NewRecorder()
		c.render(w, httptest.NewRequest(http.MethodGet, "/console/"+page, nil), http.StatusForbidden, page,
			map[string]any{"PageRefusal": &refusal{Status: http.StatusForbidden, Detail: "role agent may not"}})
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "role agent may not") {
			t.Errorf("%s refused: HTTP %d, %.200s; want 403 showing the refusal", page, w.Code, w.Body.String())
		}
	}
}

// The insight page's CSV link carries the page's period and zone as a query the
// CSV handler reads (not escaped whole into one meaningless parameter).
func TestInsightCSVLinkKeepsThePeriod(t *testing.T) {
	c := &Console{pages: map[string]*template.Template{}, log: slog.New(slog.DiscardHandler)}
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	r := httptest.NewRequest(http.MethodGet, "/console/insight?period=2026-05&time_zone=Asia%2FShanghai", nil)
	w := httptest.NewRecorder()
	c.render(w, r, http.StatusOK, "insight", map[string]any{"Input": map[string]string{"period": "2026-05", "time_zone": "Asia/Shanghai"},
		"Query": csvQuery(r), "Report": apiclient.InsightReport{Period: "2026-05"}})
	if want := `href="/console/insight.csv?period=2026-05&amp;time_zone=Asia%2FShanghai"`; !strings.Contains(w.Body.String(), want) {
		t.Errorf("HTTP %d; the CSV link is not %s: %.300s", w.Code, want, w.Body.String())
	}
}
