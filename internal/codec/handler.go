package codec

import (
	"net/http"
	"slices"

	"go.temporal.io/sdk/converter"
)

// Handler serves the keys' codec by the Temporal Web UI's remote codec protocol:
// POST <prefix>/encode and <prefix>/decode with {"payloads": […]} in protobuf
// JSON. The browser calls it from the UI's origin, so it answers CORS for the
// origins given (and only those); authorize guards encode and decode (the
// preflight carries no credentials and reveals nothing).
func Handler(ks Keys, origins []string, authorize func(http.Handler) http.Handler) http.Handler {
	codecs := authorize(converter.NewPayloadCodecHTTPHandler(ks.Codec()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && slices.Contains(origins, origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		codecs.ServeHTTP(w, r)
	})
}
