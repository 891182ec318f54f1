package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The cycle page says what each check rests on: its window, how many samples, and
// for a check on fewer than the minimum "not judged: n of m samples" instead of met
// or not met (the quality lead's cycle: 100 % from one complaint). A check recorded
// before samples were counted shows none and keeps its verdict.
func TestCyclePageShowsEachChecksSamplesAndWhatIsNotJudged(t *testing.T) {
	check := func(value float64, samples any, judged, met, final bool) map[string]any {
		return map[string]any{"iteration": 1, "checked_at": ago(time.Hour), "window_from": ago(15 * 24 * time.Hour),
			"window_to": ago(time.Hour), "value": value, "baseline": 60, "target": 80, "met": met, "final": final,
			"samples": samples, "min_samples": 10, "judged": judged}
	}
	f := &fakeAPI{answers: map[string]any{"/v1/pdca-cycles/" + testID + "/events": items()}}
	f.answers["/v1/pdca-cycles/"+testID] = cycleJSON("act", "approved",
		check(75, nil, true, false, false), check(91.67, 12, true, true, false), check(100, 1, false, false, true))
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	cells := regexp.MustCompile(`<td class="check-samples">([^<]*)</td><td class="check-met">([^<]*)</td>`)
	for lang, want := range map[string][]string{
		"en":    {"— not met", "12 met", "1 not judged: 1 of 10 samples (final)"},
		"zh-CN": {"— 未达成", "12 已达成", "1 样本不足，未评判：1 / 10 (最终)"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/console/pdca/"+testID, nil)
		r.SetPathValue("id", testID)
		r.Header.Set("Accept-Language", lang)
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality, PersonID: "q"}}))
		w := httptest.NewRecorder()
		c.cycle(w, r)
		var got []string
		for _, m := range cells.FindAllStringSubmatch(w.Body.String(), -1) {
			got = append(got, m[1]+" "+m[2])
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: checks %q, want %q: %s", lang, got, want, snippet(w.Body.String(), `id="checks"`))
		}
		if head := map[string]string{"en": "Samples", "zh-CN": "样本数"}[lang]; !strings.Contains(w.Body.String(), `<th scope="col">`+head+`</th>`) {
			t.Errorf("%s: no %q column", lang, head)
		}
	}
}
