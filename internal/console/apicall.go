package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// inProcess is a RoundTripper that hands a request to the API's handler in memory:
// the console speaks to /v1 exactly as a remote client would, minus the network.
type inProcess struct{ handler http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	w := &memoryWriter{header: http.Header{}, status: http.StatusOK}
	t.handler.ServeHTTP(w, r)
	return &http.Response{
		Status: http.StatusText(w.status), StatusCode: w.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.header, Body: io.NopCloser(&w.body), ContentLength: int64(w.body.Len()), Request: r,
	}, nil
}

// memoryWriter is the ResponseWriter inProcess gives the API handler.
type memoryWriter struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *memoryWriter) Header() http.Header { return w.header }

func (w *memoryWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
}

func (w *memoryWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// refusal is a problem as a form shows it: a message per field, and the rest. A 503
// is one too: the API could not confirm the action (no worker, Temporal or
// PostgreSQL away, a workflow not ready in time), so the form comes back as typed,
// with its key, to be sent again.
type refusal struct {
	Status int
	Code   string // the API's problem code; empty for the console's own refusals
	Fields map[string]string
	Detail string
	// Version is what a refused change's resource is at now (a 412's ETag): a page
	// drawn again with the refusal sends it, to apply the change knowingly.
	Version string
}

// Lead is the message key the page puts before the detail: a refusal is final for
// what was sent, an unavailable answer is not.
func (r *refusal) Lead() string {
	switch {
	case r.Code == api.CodeUnconfirmed:
		return "c.unconfirmed"
	case r.Code == api.CodePreconditionFailed:
		return "c.stale"
	case r.Status == http.StatusServiceUnavailable:
		return "c.unavailable"
	}
	return "c.refused"
}

// Says is the refusal as a page shows it in lang: its lead, status and the API's
// detail. An action not confirmed is the exception: its detail advises an API
// caller to retry with the same Idempotency-Key, and the form comes back with its
// key, so the console's own lead says it all — send the form again.
func (r *refusal) Says(lang string) string {
	if r.Code == api.CodeUnconfirmed {
		return fmt.Sprintf("%s (%d)", translate(lang, r.Lead()), r.Status)
	}
	return fmt.Sprintf("%s (%d): %s", translate(lang, r.Lead()), r.Status, r.Detail)
}

// Shown is Says for a page: each time the detail quotes in RFC 3339 (the workflow
// words its refusals in UTC: "after the committed resolution time
// 2026-12-07T20:12:44Z") becomes a time the page shows in the viewer's zone, as it
// shows every other time (localTime; "… UTC" without script).
func (r *refusal) Shown(lang string) template.HTML {
	return template.HTML(quotedTime.ReplaceAllStringFunc(template.HTMLEscapeString(r.Says(lang)), func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return string(localTime(t))
	}))
}

// quotedTime is a time in RFC 3339, as an API or workflow message quotes it.
var quotedTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)

// Unnamed are the refusal's field messages its detail does not already say, for a
// page that lists them after it: the API's detail of an invalid request names each
// field ("reason: is required"), which a list of the fields would name again.
func (r *refusal) Unnamed() map[string]string {
	out := map[string]string{}
	for f, m := range r.Fields {
		if !strings.Contains(r.Detail, f+": "+m) {
			out[f] = m
		}
	}
	return out
}

// into returns the reader of an API answer that decodes a success into out (nil to
// ignore it), written so a client call's two results can be passed straight in:
// into(&v)(c.client.GetComplaint(ctx, id)).
func into(out any) func(*http.Response, error) (*refusal, error) {
	return func(res *http.Response, err error) (*refusal, error) { return read(res, err, out) }
}

// versioned is into that also answers the read's ETag: the version of what was
// read, for a form to send back as If-Match.
func versioned(out any, version *string) func(*http.Response, error) (*refusal, error) {
	return func(res *http.Response, err error) (*refusal, error) {
		if err == nil {
			*version = res.Header.Get("ETag")
		}
		return read(res, err, out)
	}
}

// read decodes a successful answer into out, or returns the API's refusal (a 4xx or
// a 503); err is for answers that are neither (a transport failure, another 5xx,
// bad JSON).
func read(res *http.Response, err error, out any) (*refusal, error) {
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable {
		return nil, fmt.Errorf("API answered %d: %s", res.StatusCode, body)
	}
	if res.StatusCode >= 400 {
		var p apiclient.Problem
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("API answered %d with no problem: %s", res.StatusCode, body)
		}
		ref := &refusal{Status: res.StatusCode, Code: string(p.Code), Fields: map[string]string{}, Detail: p.Title}
		if res.StatusCode == http.StatusPreconditionFailed {
			ref.Version = res.Header.Get("ETag")
		}
		if p.Detail != nil && *p.Detail != "" {
			ref.Detail = *p.Detail
		}
		if p.Errors != nil {
			for _, e := range *p.Errors {
				ref.Fields[e.Field] = e.Message
			}
		}
		return ref, nil
	}
	if out == nil {
		return nil, nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, fmt.Errorf("decode API answer: %w", err)
	}
	return nil, nil
}

// number sends a number typed in a form as a JSON number, anything else as typed,
// so the API names the field with its own reason; empty is left out. "NaN" and
// "Inf" parse as floats but are no JSON numbers: they go as typed too (as a number
// they would fail the body's encoding and send nothing).
func number(body map[string]any, key, s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		body[key] = json.Number(trimFloat(f))
		return
	}
	body[key] = s
}

// jsonBody is a form's values as the JSON body of an API call.
func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}
