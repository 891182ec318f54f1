package codec_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/complaintflow/complaintflow/internal/codec"
)

func newKey(t *testing.T) string {
	t.Helper()
	k := make([]byte, codec.KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(k)
}

func keys(t *testing.T, spec string) codec.Keys {
	t.Helper()
	ks, err := codec.ParseKeys(spec)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

const pii = "张伟 +86 138 0013 8000 zhang.wei@example.com"

func TestPayloadsAreEncryptedUnderTheFirstKeyAndDecodeBack(t *testing.T) {
	ks := keys(t, "k1="+newKey(t))
	dc := ks.DataConverter()
	p, err := dc.ToPayload(map[string]string{"name": pii})
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Metadata[converter.MetadataEncoding]) != codec.Encoding || string(p.Metadata[codec.MetadataKeyID]) != "k1" {
		t.Fatalf("metadata %q", p.Metadata)
	}
	if bytes.Contains(p.Data, []byte("zhang.wei")) || bytes.Contains(p.Data, []byte("8000")) {
		t.Fatalf("the payload holds the plaintext")
	}
	var back map[string]string
	if err := dc.FromPayload(p, &back); err != nil || back["name"] != pii {
		t.Fatalf("decoded %q, %v", back, err)
	}
	// The same value twice: two ciphertexts (a fresh nonce each).
	q, _ := dc.ToPayload(map[string]string{"name": pii})
	if bytes.Equal(p.Data, q.Data) {
		t.Fatalf("two encryptions of one value are equal")
	}
}

func TestRotationTheNewKeyEncryptsTheOldStillDecrypts(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	before := keys(t, "k1="+k1)
	old, err := before.DataConverter().ToPayload(pii)
	if err != nil {
		t.Fatal(err)
	}
	after := keys(t, "k2="+k2+", k1="+k1)
	if after.ActiveKeyID() != "k2" {
		t.Fatalf("active key %q, want the first, k2", after.ActiveKeyID())
	}
	var s string
	if err := after.DataConverter().FromPayload(old, &s); err != nil || s != pii {
		t.Fatalf("the old payload under the rotated keys: %q, %v", s, err)
	}
	fresh, _ := after.DataConverter().ToPayload(pii)
	if string(fresh.Metadata[codec.MetadataKeyID]) != "k2" {
		t.Fatalf("new payloads use key %q, want k2", fresh.Metadata[codec.MetadataKeyID])
	}
	// Once k1 is dropped, its payloads no longer decrypt: it must stay while
	// histories that use it are retained.
	if err := keys(t, "k2="+k2).DataConverter().FromPayload(old, &s); err == nil || !strings.Contains(err.Error(), `"k1"`) {
		t.Fatalf("without k1: %v, want an error naming k1", err)
	}
	// A payload relabelled with another key's ID does not decrypt.
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{}, Data: old.Data}
	for k, v := range old.Metadata {
		relabelled.Metadata[k] = v
	}
	relabelled.Metadata[codec.MetadataKeyID] = []byte("k2")
	if err := after.DataConverter().FromPayload(relabelled, &s); err == nil {
		t.Fatalf("a relabelled payload decrypted")
	}
}

func TestPlaintextPayloadsPassThrough(t *testing.T) {
	plain, err := converter.GetDefaultDataConverter().ToPayload(pii)
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := keys(t, "k1="+newKey(t)).DataConverter().FromPayload(plain, &s); err != nil || s != pii {
		t.Fatalf("a recorded plaintext payload: %q, %v", s, err)
	}
}

func TestFailureMessagesAreEncrypted(t *testing.T) {
	ks := keys(t, "k1="+newKey(t))
	f := ks.FailureConverter().ErrorToFailure(&bytesError{"cannot reach " + pii})
	if strings.Contains(f.GetMessage(), "zhang.wei") || f.GetEncodedAttributes() == nil {
		t.Fatalf("failure message %q in plaintext", f.GetMessage())
	}
	if err := ks.FailureConverter().FailureToError(f); err == nil || !strings.Contains(err.Error(), "zhang.wei") {
		t.Fatalf("decoded failure %v", err)
	}
}

type bytesError struct{ s string }

func (e *bytesError) Error() string { return e.s }

func TestParseKeysRefusesBadKeys(t *testing.T) {
	k := newKey(t)
	for _, spec := range []string{"k1", "=" + k, "k1=short", "k1=" + k + ",k1=" + k, "k1=" + base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		if _, err := codec.ParseKeys(spec); err == nil {
			t.Errorf("ParseKeys(%q) accepted", spec)
		}
	}
	if ks, err := codec.ParseKeys(""); err != nil || ks.Enabled() {
		t.Errorf("empty: %v, enabled %v", err, ks.Enabled())
	}
}

// The Web UI's remote codec protocol: a preflight from the UI's origin is
// answered, decode and encode need the token, and decode gives back the plaintext.
func TestHandlerServesTheWebUIWithAuthAndCORS(t *testing.T) {
	ks := keys(t, "k1="+newKey(t))
	const ui = "http://ui.example:8233"
	authorize := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer ops" {
				http.Error(w, "no", http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(codec.Handler(ks, []string{ui}, authorize))
	t.Cleanup(srv.Close)

	pre, _ := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	pre.Header.Set("Origin", ui)
	pre.Header.Set("Access-Control-Request-Method", "POST")
	res, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != ui ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
	}

	enc, _ := ks.DataConverter().ToPayloads(pii)
	body, _ := protojson.Marshal(enc)
	post := func(path, token, origin string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		return res, buf.Bytes()
	}
	if res, _ := post("/decode", "", ui); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("decode without a token: %d", res.StatusCode)
	}
	res, out := post("/decode", "ops", ui)
	if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != ui {
		t.Fatalf("decode: %d %v %s", res.StatusCode, res.Header, out)
	}
	var decoded commonpb.Payloads
	if err := protojson.Unmarshal(out, &decoded); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := converter.GetDefaultDataConverter().FromPayloads(&decoded, &s); err != nil || s != pii {
		t.Fatalf("decoded %q, %v", s, err)
	}
	if res, _ := post("/decode", "ops", "http://evil.example"); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin is allowed: %v", res.Header)
	}
}
