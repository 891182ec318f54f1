// Package openapitest holds the API to its OpenAPI document in tests: Handler checks
// every request a test sends and every response the API gives against the document.
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
)

var (
	routerOnce sync.Once
	router     routers.Router
	routerErr  error
)

func documentRouter() (routers.Router, error) {
	routerOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		doc, err := openapi.Load(context.Background())
		if err != nil {
			routerErr = err
			return
		}
		// The document's server is relative ("/"); tests call httptest servers on any host.
		doc.Servers = nil
		router, routerErr = legacy.NewRouter(doc)
	})
	return router, routerErr
}

// Handler wraps h so that every exchange is checked against the OpenAPI document; a
// mismatch fails t:
//   - a response the document does not describe: an undocumented status, a body of
//     the wrong type or shape, a field it lacks (its response schemas forbid
//     additional properties);
//   - a request the document forbids that the API accepted (answered 2xx or 3xx);
//     tests send bad requests on purpose, and the API must refuse them;
//   - a request to a route the document lacks that the API did not answer 404 or 405.
func Handler(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	rt, err := documentRouter()
	if err != nil {
		t.Fatalf("openapitest: %v", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		resBody := rec.Body.Bytes()
		check(t, rt, r, reqBody, res, resBody)

		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(resBody)
	})
}

func check(t testing.TB, rt routers.Router, r *http.Request, reqBody []byte, res *http.Response, resBody []byte) {
	exchange := r.Method + " " + r.URL.RequestURI() + " → " + res.Status
	// The router matches on the request as the client addressed it.
	probe := r.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := rt.FindRoute(probe)
	if err != nil {
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("openapi: %s: the document has no such operation (%v)", exchange, err)
		}
		return
	}
	record(route.Method + " " + route.Path + " " + res.Status[:3])
	in := &openapi3filter.RequestValidationInput{
		Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			MultiError: true,
			// Tokens are the API's business; the document only says a bearer token is needed.
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && res.StatusCode < 400 {
		t.Errorf("openapi: %s: the API accepted a request the document forbids:\n%v\nrequest body: %s",
			exchange, err, reqBody)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	out.SetBodyBytes(resBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("openapi: %s: the response does not match the document:\n%v\nresponse body: %s",
			exchange, trim(err), resBody)
	}
}

// trim keeps a multi-error readable: one line per error, without the schema dumps.
func trim(err error) string {
	var me openapi3.MultiError
	if !errors.As(err, &me) {
		return err.Error()
	}
	lines := make([]string, 0, len(me))
	for _, e := range me {
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			lines = append(lines, "  "+strings.Join(se.JSONPointer(), "/")+": "+se.Reason)
			continue
		}
		lines = append(lines, "  "+strings.SplitN(e.Error(), "\n", 2)[0])
	}
	return strings.Join(lines, "\n")
}

var coverage sync.Mutex

// record appends an exchanged operation and status to the file OPENAPI_COVERAGE
// names, if any: which operations and answers the tests exercise.
func record(line string) {
	name := os.Getenv("OPENAPI_COVERAGE")
	if name == "" {
		return
	}
	coverage.Lock()
	defer coverage.Unlock()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.WriteString(line + "\n")
}
