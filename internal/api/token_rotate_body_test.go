package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// A token's rotation takes an optional body: one sent chunked and empty (or only
// white space), whose length is not known before it is read, is no body at all, as
// an empty one with Content-Length: 0 is, not a 400 "request body is empty".
func TestTokenRotationWithAnEmptyChunkedBodyKeepsTheExpiry(t *testing.T) {
	srv := newAPIServer(t, false, false)
	a := &directoryAPI{t: t, url: srv.url, srv: srv.srv, store: srv.store, tokens: roleTokens(t, srv.store, "test-")}
	created := a.newSecret("chunked", `{"role":"agent","name":"rotated chunked"}`)
	id := created.body["id"].(string)
	for _, body := range []string{"", " \r\n\t"} {
		status, got := postChunked(t, a.url+"/v1/tokens/"+id+"/rotate", a.tokens[auth.RoleAdmin], body)
		if status != http.StatusOK || got["id"] != id || got["expires_at"] != created.body["expires_at"] {
			t.Errorf("chunked body %q: %d %v, want 200 with the same token and expiry", body, status, got)
		}
	}
}

// postChunked posts body as JSON with no length known before it is read (an
// in-memory reader would be sent with one), and decodes the answer.
func postChunked(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", url, io.MultiReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatalf("POST %s: %d, answer not JSON: %v", url, resp.StatusCode, err)
	}
	return resp.StatusCode, got
}
