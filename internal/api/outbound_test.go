package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi/openapitest"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// newOutboundAPI is the directory API judging registered URLs by egress, set
// before the server answers anything (the tests' default rule allows loopback).
func newOutboundAPI(t *testing.T, allow string) *directoryAPI {
	t.Helper()
	st, err := store.Open(context.Background(), testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cidrs, err := notify.ParseCIDRs(allow)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.New(st, nil, "", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	srv.UseEgress(notify.Egress{Allow: cidrs})
	hs := httptest.NewServer(openapitest.Handler(t, srv.Handler()))
	t.Cleanup(hs.Close)
	return &directoryAPI{t: t, url: hs.URL, srv: srv, store: st, tokens: roleTokens(t, st, "test-")}
}

// internalURLs name this machine, the metadata service or an internal network, by
// address or by a name that can only be internal: the worker would refuse to post
// to them, so they are refused when registered.
var internalURLs = []string{
	"http://169.254.169.254/latest/meta-data/",
	"http://127.0.0.1:8080/hook",
	"http://localhost/hook",
	"https://api.localhost./hook",
	"http://[::1]/hook",
	"http://[::ffff:10.0.0.1]/hook",
	"http://[2002:a9fe:a9fe::1]/hook", // 6to4 of 169.254.169.254
	"http://10.1.2.3/hook",
	"http://127.1/hook",
	"http://metadata.google.internal/computeMetadata/v1/",
	"http://crm/hook",
}

func TestInternalWebhookAndCallbackURLsAreRefusedWhenRegistered(t *testing.T) {
	a := newOutboundAPI(t, "")
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	before := a.admin("GET", "/v1/people/ann", "", http.StatusOK)
	for _, u := range internalURLs {
		for _, tc := range []struct {
			path, body string
			want       []string
		}{
			{"/v1/people/bob", fmt.Sprintf(`{"name":"Bob","role":"agent","webhook_url":%q}`, u), []string{"webhook_url"}},
			{"/v1/people/ann", fmt.Sprintf(`{"name":"Ann","role":"agent","webhook_url":%q}`, u), []string{"webhook_url"}},
			// Every bad field at once.
			{"/v1/people/bob", fmt.Sprintf(`{"name":"Bob","role":"agent","email":"bob at example","webhook_url":%q}`, u),
				[]string{"email", "webhook_url"}},
			{"/v1/integrations/crm", fmt.Sprintf(`{"name":"","callback_url":%q}`, u), []string{"name", "callback_url"}},
		} {
			r := a.admin("PUT", tc.path, tc.body, http.StatusBadRequest)
			if got := r.fields(); !slices.Equal(got, tc.want) || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("PUT %s %s: blamed %v (%s), want %v", tc.path, tc.body, got, r.header.Get("Content-Type"), tc.want)
			}
			if code := r.body["errors"].([]any)[len(tc.want)-1].(map[string]any)["code"]; code != api.FieldInvalid {
				t.Errorf("PUT %s %s: code %v, want %s", tc.path, tc.body, code, api.FieldInvalid)
			}
		}
	}
	a.admin("GET", "/v1/people/bob", "", http.StatusNotFound)
	a.admin("GET", "/v1/integrations/crm", "", http.StatusNotFound)
	if after := a.admin("GET", "/v1/people/ann", "", http.StatusOK); after.body["webhook_url"] != before.body["webhook_url"] ||
		after.body["updated_at"] != before.body["updated_at"] {
		t.Errorf("refused writes changed ann: before %v, after %v", before.body, after.body)
	}

	// Public hosts pass: names are not resolved here; the worker checks what it dials.
	for i, u := range []string{"https://hooks.example.com/x", "http://8.8.8.8/x", "http://[2606:4700::1111]:8443/x", "https://crm.corp.example/cb"} {
		a.admin("PUT", fmt.Sprintf("/v1/people/p%d", i), fmt.Sprintf(`{"name":"P","role":"agent","webhook_url":%q}`, u), http.StatusCreated)
		a.admin("PUT", fmt.Sprintf("/v1/integrations/i%d", i), fmt.Sprintf(`{"name":"I","callback_url":%q}`, u), http.StatusCreated)
	}
	// Only http(s) URLs naming a host.
	for _, u := range []string{"file:///etc/passwd", "gopher://hooks.example.com/x", "http://:8080/x", "http:hooks.example.com"} {
		r := a.admin("PUT", "/v1/integrations/crm", fmt.Sprintf(`{"name":"CRM","callback_url":%q}`, u), http.StatusBadRequest)
		if got := r.fields(); !slices.Equal(got, []string{"callback_url"}) || r.body["errors"].([]any)[0].(map[string]any)["code"] != api.FieldInvalidFormat {
			t.Errorf("callback_url %s: got %v, want callback_url invalid_format", u, r.body["errors"])
		}
	}
}

// OUTBOUND_ALLOW_CIDRS lets an operator register URLs on the networks it allows,
// and only those.
func TestAllowedNetworksMayBeRegistered(t *testing.T) {
	a := newOutboundAPI(t, "127.0.0.0/8, 169.254.169.254/32, 10.0.0.0/8")
	for i, u := range internalURLs {
		want := http.StatusCreated
		if u == "http://127.1/hook" || u == "http://[::1]/hook" {
			want = http.StatusBadRequest // a legacy IPv4 form; ::1 not allowed
		}
		a.admin("PUT", fmt.Sprintf("/v1/people/p%d", i), fmt.Sprintf(`{"name":"P","role":"agent","webhook_url":%q}`, u), want)
		a.admin("PUT", fmt.Sprintf("/v1/integrations/i%d", i), fmt.Sprintf(`{"name":"I","callback_url":%q}`, u), want)
	}
	a.admin("PUT", "/v1/integrations/other", `{"name":"Other","callback_url":"http://192.168.1.7/cb"}`, http.StatusBadRequest)
}
