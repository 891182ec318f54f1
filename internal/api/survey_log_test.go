package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The API's error log names the request's path, which for a survey link is the
// customer's credential: a request on a genuine link that fails — with a 500 (the
// surveys table gone) or a 503 (the database out of time) — logs the path with the
// token masked, never the token.
func TestAPIErrorLogMasksTheSurveyToken(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var logged lockedBuffer
	h := api.New(st, nil, "", slog.New(slog.NewJSONHandler(&logged, nil)), prometheus.NewRegistry()).Handler()
	key, err := st.SurveySigningKey(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	token := survey.Sign(key, survey.Token{SurveyID: uuid.NewString(), ExpiresAt: time.Now().Add(time.Hour)})
	path := "/v1/surveys/" + token
	if _, err := st.DB().Exec(`ALTER TABLE surveys RENAME TO surveys_gone`); err != nil {
		t.Fatal(err)
	}

	expired, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	for _, c := range []struct {
		name    string
		req     *http.Request
		status  int
		message string
	}{
		{"500", httptest.NewRequest(http.MethodGet, path, nil), http.StatusInternalServerError, "request failed"},
		{"503", httptest.NewRequest(http.MethodGet, path, nil).WithContext(expired), http.StatusServiceUnavailable, "dependency unavailable"},
	} {
		before := len(logged.String())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, c.req)
		line := logged.String()[before:]
		if rec.Code != c.status || !strings.Contains(line, c.message) {
			t.Errorf("%s: answered %d, logged %q; want %d and %q", c.name, rec.Code, line, c.status, c.message)
		}
		if strings.Contains(line, token) || strings.Contains(line, token[strings.Index(token, ".")+1:]) {
			t.Errorf("%s: the error log holds the survey token: %s", c.name, line)
		}
		if !strings.Contains(line, "/v1/surveys/"+survey.MaskedToken(token)) {
			t.Errorf("%s: the error log does not name the masked link: %s", c.name, line)
		}
	}
}
