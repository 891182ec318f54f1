// Package console is complaintflow's web console for agents and managers: server-
// rendered pages under /console/ that read and act only through the /v1 API, called
// in process as the signed-in person's token, so every rule and refusal stays the
// API's (docs/console.md).
package console

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// sessionLifetime bounds a sign-in: a working day, after which the person signs in again.
const sessionLifetime = 8 * time.Hour

// csp allows only the console's own files: no inline script or style, no framing.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Console serves the web console.
type Console struct {
	api     *api.Server
	store   *store.Store
	log     *slog.Logger
	client  *apiclient.Client
	pages   map[string]*template.Template
	fragRow *template.Template
	// grants is who may call each API route, as the API's authorisation admits
	// them: the forms a page offers follow it (roles.go).
	grants grants
	// acting is the API's rule of who may act on a complaint at all
	// (api.Server.ActingRefusal): a complaint's forms follow it (roles.go).
	acting func(ctx context.Context, p auth.Principal, a auth.Assignment) (string, error)
	// workflowUI and namespace place a workflow in the Temporal Web UI
	// (LinkWorkflows); empty: no links.
	workflowUI, namespace string
	// noWorker is set while no worker polls the task queue (WatchWorkers).
	noWorker atomic.Pointer[noWorker]
}

// New builds the console over the API server whose handler it calls in process, and
// the store that keeps its sessions.
func New(srv *api.Server, st *store.Store, log *slog.Logger) (*Console, error) {
	client, err := apiclient.NewClient("http://in-process", apiclient.WithHTTPClient(
		&http.Client{Transport: inProcess{handler: srv.Handler()}}))
	if err != nil {
		return nil, err
	}
	c := &Console{api: srv, store: st, log: log, client: client, pages: map[string]*template.Template{}, grants: grantsOf(srv.Routes()),
		acting: srv.ActingRefusal}
	if err := c.parseFirstPages(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseFirstPages parses the sign-in, queue, complaint and inbox pages and the
// queue's rows; the other pages are parsed where their routes are registered.
func (c *Console) parseFirstPages() error {
	for _, page := range []string{"login", "queue", "complaint", "escalations"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/rows.html", "templates/"+page+".html")
		if err != nil {
			return err
		}
		c.pages[page] = t
	}
	var err error
	c.fragRow, err = template.New("rows.html").Funcs(funcs).ParseFS(templateFiles, "templates/rows.html")
	return err
}

// Handler serves everything under /console/.
func (c *Console) Handler() http.Handler {
	return secured(c.routes())
}

// Route is one console route: its ServeMux pattern and whether it needs a signed-in
// session (the roles are the API's: every page calls it as the session's token).
type Route struct {
	Pattern string
	Session bool
}

// Routes lists the routes Handler registers: the seam the role × route matrix test
// walks, so a new page cannot escape it.
func (c *Console) Routes() []Route {
	return c.routes().registered
}

// routeMux is a ServeMux that records the routes registered on it.
type routeMux struct {
	*http.ServeMux
	registered []Route
}

// Handle registers h and records its pattern and whether session guards it; the
// method-less fallback is no route and is not recorded.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	if strings.Contains(pattern, " ") {
		_, session := h.(sessioned)
		m.registered = append(m.registered, Route{Pattern: pattern, Session: session})
	}
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers a handler that needs no session.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// routes registers every console route on a fresh mux.
func (c *Console) routes() *routeMux {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /console/login", c.loginForm)
	mux.HandleFunc("POST /console/login", c.signIn)
	mux.HandleFunc("GET /console/lang", c.setLang)
	mux.Handle("POST /console/logout", c.session(c.signOut))
	mux.Handle("GET /console/{$}", c.session(c.queue))
	mux.Handle("GET /console/queue/rows", c.session(c.queueRows))
	mux.Handle("GET /console/complaints/{id}", c.session(c.complaint))
	mux.Handle("GET /console/complaints/{id}/events", c.session(c.complaintEvents))
	mux.Handle("POST /console/complaints/{id}/reveal", c.session(c.reveal))
	mux.Handle("POST /console/complaints/{id}/{action}", c.session(c.act))
	mux.Handle("GET /console/escalations", c.session(c.escalations))
	mux.Handle("GET /console/escalations/pending", c.session(c.inboxKeys))
	mux.Handle("POST /console/escalations/{id}/{seq}/decide", c.session(c.decide))
	c.pages["notifications"] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles,
		"templates/layout.html", "templates/rows.html", "templates/notifications.html"))
	mux.Handle("GET /console/notifications", c.session(c.notifications))
	mux.Handle("GET /console/notifications/rows", c.session(c.notificationRows))
	c.registerQuality(mux)
	c.registerKnowledge(mux)
	c.registerDashboard(mux)
	c.registerAdmin(mux)
	mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such console page", http.StatusNotFound)
	})
	return mux
}

// secured sets the security headers on every answer and refuses cross-site writes:
// a browser tells us the origin of a POST, and only our own pages may send one.
func secured(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead && crossSite(r) {
			http.Error(w, "cross-site request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossSite reports whether the browser says the request came from another site.
// A browser's Sec-Fetch-Site "same-origin" settles it: behind a proxy that rewrites
// Host the Origin cannot be compared. Without it (older browsers) the Origin must
// be this console's, on the scheme the browser used (servedOverTLS).
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return false
	case "", "none":
	default:
		return true
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		scheme := "http"
		if servedOverTLS(r) {
			scheme = "https"
		}
		return origin != scheme+"://"+r.Host
	}
	return false
}

// servedOverTLS reports whether the browser reached the console over TLS: directly,
// or through a proxy that terminated it and says so (X-Forwarded-Proto: https; the
// starter serves plain HTTP). A browser cannot set that header on a cross-site form,
// and a client claiming it over plain HTTP only gets cookies it cannot send back.
func servedOverTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// viewer is the signed-in person a page is rendered for.
type viewer struct {
	auth.Principal
	CSRF string
}

type viewerKey struct{}

func viewerFrom(ctx context.Context) viewer {
	v, _ := ctx.Value(viewerKey{}).(viewer)
	return v
}

// render writes a page with the viewer and data, at status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	lang := langOf(r)
	data["Viewer"] = viewerFrom(r.Context())
	if _, ok := data["May"]; !ok { // a page may have asked more of it (a complaint's)
		data["May"] = c.may(viewerFrom(r.Context()))
	}
	data["Lang"] = lang
	data["PageTitle"] = pageTitle(lang, page, status)
	data["Here"] = r.URL.RequestURI()
	data["NoWorker"] = c.noWorker.Load()
	// Rendered whole before anything is sent, so a template that fails is a 500, not
	// a half page under a 200.
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		c.fail(w, r, fmt.Errorf("page %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if _, err := buf.WriteTo(w); err != nil {
		c.log.DebugContext(r.Context(), "console page not sent", "page", page, "error", err)
	}
}

// fail answers a page whose API call failed unexpectedly. PostgreSQL away (the
// session cannot be read) is not a fault of the page: the user is told to try again
// in a moment, as the API tells its callers.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if store.Unavailable(err) {
		c.log.WarnContext(r.Context(), "console request: database unavailable", "path", r.URL.Path, "error", err)
		c.refused(w, r, &refusal{Status: http.StatusServiceUnavailable, Detail: "the database does not answer"})
		return
	}
	c.log.ErrorContext(r.Context(), "console request failed", "path", r.URL.Path, "error", err)
	http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
}

// refused answers a page the API refused to show, in plain text; a 503 says to try
// again and when (Retry-After), as the API's own 503s do.
func (c *Console) refused(w http.ResponseWriter, r *http.Request, ref *refusal) {
	if ref.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", api.RetryAfterHeader)
	}
	http.Error(w, ref.Says(langOf(r)), ref.Status)
}

// refusedPlain answers a request whose API call failed or was refused where there
// is no page to show it on (a fragment, a poll, a download, a form's setup), and
// reports whether it did.
func (c *Console) refusedPlain(w http.ResponseWriter, r *http.Request, ref *refusal, err error) bool {
	if err != nil {
		c.fail(w, r, err)
		return true
	}
	if ref != nil {
		c.refused(w, r, ref)
		return true
	}
	return false
}

// refusedPage answers a page whose API call failed or was refused with the page
// tmpl showing the refusal, and reports whether it did.
func (c *Console) refusedPage(w http.ResponseWriter, r *http.Request, tmpl string, ref *refusal, err error) bool {
	return c.refusedPageWith(w, r, tmpl, nil, ref, err)
}

// refusedPageWith is refusedPage for a page that keeps data over its refusal: the
// filters or pickers the API refused, shown as sent so they can be put right. A 503
// says when to try again, as refused does.
func (c *Console) refusedPageWith(w http.ResponseWriter, r *http.Request, tmpl string, data map[string]any, ref *refusal, err error) bool {
	if err != nil {
		c.fail(w, r, err)
		return true
	}
	if ref == nil {
		return false
	}
	if ref.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", api.RetryAfterHeader)
	}
	if data == nil {
		data = map[string]any{}
	}
	data["PageRefusal"] = ref
	c.render(w, r, ref.Status, tmpl, data)
	return true
}

// pollAnswer is the JSON a page's watch fetches; never cached, so each poll asks.
func (c *Console) pollAnswer(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		c.log.ErrorContext(r.Context(), "console poll answer failed", "path", r.URL.Path, "error", err)
	}
}

// part is a part of a page that keeps up by itself (the queue's and the notices'
// rows, the PDCA board, the dashboard's figures), rendered alone both where the
// page embeds it and where its poll answers, with its fingerprint. The open page
// sends the fingerprint back (If-None-Match) and hears 304 while the part says the
// same, so it swaps the part only when it changed and a poll of nothing new costs
// no bytes.
type part struct {
	HTML template.HTML
	ETag string
}

// part renders the template name of t with data.
func (c *Console) part(t *template.Template, name string, data map[string]any) (part, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return part{}, fmt.Errorf("part %s: %w", name, err)
	}
	sum := fnv.New64a()
	sum.Write(buf.Bytes())
	return part{HTML: template.HTML(buf.String()), ETag: fmt.Sprintf(`"%x"`, sum.Sum64())}, nil
}

// partAnswer answers a part's poll: the part with its ETag, or 304 when it is the
// one the page shows.
func (c *Console) partAnswer(w http.ResponseWriter, r *http.Request, t *template.Template, name string, data map[string]any) {
	p, err := c.part(t, name, data)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", p.ETag)
	if shows(r.Header.Get("If-None-Match"), p.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if _, err := io.WriteString(w, string(p.HTML)); err != nil {
		c.log.DebugContext(r.Context(), "console part not sent", "part", name, "error", err)
	}
}

// shows reports whether an If-None-Match header names etag: one of its list, by the
// weak comparison a conditional GET uses (RFC 9110 §13.1.2), so a proxy that
// marks the ETag weak (W/) on the way does not turn every poll into a swap.
func shows(ifNoneMatch, etag string) bool {
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		if tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/"); tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

// Beside serves the console under /console/ and everything else with api, so one
// listener carries both and /v1 stays exactly the API's.
func (c *Console) Beside(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/console/", c.Handler())
	mux.Handle("/", api)
	return mux
}
