// Package api is complaintflow's HTTP front door: JSON under /v1, RFC 9457 problem
// details for errors, bearer tokens with roles. It starts, updates and queries
// workflows through the Temporal client and reads PostgreSQL.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/classify"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/schedules"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
	"github.com/complaintflow/complaintflow/workflows"
)

// Server serves the API.
type Server struct {
	store     *store.Store
	temporal  client.Client
	taskQueue string
	// workflowTaskTimeout of complaint workflows (workflows.DefaultWorkflowTaskTimeout
	// until set; 0 is the server's default, 10 s).
	workflowTaskTimeout time.Duration
	log                 *slog.Logger
	registry            *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// lookups counts token lookups in PostgreSQL by outcome: what a guesser costs
	// once throttled (nothing) shows here.
	lookups *prometheus.CounterVec

	tokens tokenCache // principals by secret, dropped on any token change (tokens.go)
	// Throttling budgets (throttle.go): refused tokens per client address and per
	// token prefix, filings per intake token.
	badByAddr, badByPrefix, intake buckets

	// warmup loads the Chinese dictionary, once, when the handler is built; ready
	// answers 503 until it has returned (readiness.go).
	warmup     func() (time.Duration, error)
	warmOnce   sync.Once
	dictionary atomic.Pointer[string] // nil while loading, then "ok" or why it failed
	// startup holds the names of start-up steps still waiting for a dependency
	// (see Starting); readyz reports each until it is done.
	startup sync.Map

	surveyKey surveyKey
	// locale is the customer locale of complaints filed without one (CUSTOMER_LOCALE).
	locale    message.Locale
	zone      *time.Location  // CUSTOMER_TIME_ZONE: times shown to customers
	rules     ruleCache       // compiled classification rules (classifier.go)
	schedules *schedules.Sync // review schedules in PostgreSQL and Temporal
	lat       latencies       // request latencies for the risk monitor (latency.go)
	started   startedMarks    // workflow-start marks to clear, batched (started.go)
	// qualityTeam is the directory team whose lead owns manual risk alerts (QUALITY_TEAM).
	qualityTeam string
	// egress judges the webhook and callback URLs callers register, as the worker
	// judges what it posts to (OUTBOUND_ALLOW_CIDRS).
	egress notify.Egress
}

// UseEgress sets the rule registered webhook and callback URLs must pass: the
// worker's, from OUTBOUND_ALLOW_CIDRS (notify.DefaultEgress until set).
func (s *Server) UseEgress(e notify.Egress) { s.egress = e }

// UseQualityTeam names the directory team whose lead owns risk alerts opened by
// hand (QUALITY_TEAM; "quality" until set).
func (s *Server) UseQualityTeam(id string) { s.qualityTeam = id }

// UseWorkflowTaskTimeout sets the workflow-task timeout of the complaint
// workflows it starts (WORKFLOW_TASK_TIMEOUT); 0 takes the server's default.
func (s *Server) UseWorkflowTaskTimeout(d time.Duration) { s.workflowTaskTimeout = d }

// New builds the server. Its metrics go into registry, which /metrics serves.
func New(st *store.Store, tc client.Client, taskQueue string, log *slog.Logger, registry *prometheus.Registry) *Server {
	s := &Server{
		store: st, temporal: tc, taskQueue: taskQueue, log: log, registry: registry,
		schedules: schedules.New(st, tc, taskQueue, log),
		warmup:    classify.Warm, qualityTeam: "quality", egress: notify.DefaultEgress(),
		workflowTaskTimeout: workflows.DefaultWorkflowTaskTimeout,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "complaintflow_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "complaintflow_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	s.lookups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "complaintflow_token_lookups_total", Help: "Bearer token lookups in PostgreSQL by result (found, unknown, error).",
	}, []string{"result"})
	registry.MustRegister(s.requests, s.latency, s.lookups)
	s.UseLimits(DefaultLimits)
	return s
}

// Bootstrap seeds the first admin token, so a fresh installation can be administered;
// a changed secret replaces the token the previous one seeded (store.SeedBootstrapToken).
func (s *Server) Bootstrap(ctx context.Context, adminSecret string) error {
	if adminSecret == "" {
		return nil
	}
	replaced, err := s.store.SeedBootstrapToken(ctx, store.Token{
		ID: newID(), Name: "bootstrap-admin", Role: string(auth.RoleAdmin),
		Hash: auth.Hash(adminSecret), CreatedBy: "BOOTSTRAP_ADMIN_TOKEN",
	})
	if replaced > 0 {
		s.log.InfoContext(ctx, "BOOTSTRAP_ADMIN_TOKEN changed: the previous bootstrap admin token is revoked", "revoked", replaced)
	}
	return err
}

// Handler returns the routed, instrumented handler.
func (s *Server) Handler() http.Handler {
	return s.instrument(s.routes())
}

// Route is one route Handler registers: its ServeMux pattern ("GET
// /v1/complaints/{id}") and the roles that may call it (none: no token needed).
type Route struct {
	Pattern string
	Roles   []auth.Role
}

// Routes lists the routes Handler registers, in the order it registers them: the
// seam the OpenAPI document is checked against, both ways.
func (s *Server) Routes() []Route {
	return s.routes().registered
}

// serveMux is a ServeMux that records the routes registered on it.
type serveMux struct {
	*http.ServeMux
	registered []Route
}

// Handle registers h and records its pattern with the roles authorize was given;
// the method-less fallback ("/") is no route and is not recorded. Every route's
// path, query (against the OpenAPI document) and Idempotency-Key are checked before
// its handler (checkedInput).
func (m *serveMux) Handle(pattern string, h http.Handler) {
	if strings.Contains(pattern, " ") {
		route := Route{Pattern: pattern}
		if a, ok := h.(authorized); ok {
			route.Roles = a.roles
		} else {
			h = checkedInput(h) // authorize checks after the token (admit)
		}
		m.registered = append(m.registered, route)
	}
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers a handler that needs no token.
func (m *serveMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// routes registers every route on a fresh mux, recording each pattern and its roles.
func (s *Server) routes() *serveMux {
	if _, err := openapi.QueryParameters(); err != nil {
		panic(err) // the query of every route is held to the embedded document (declaredQuery)
	}
	mux := &serveMux{ServeMux: http.NewServeMux()}
	everyone := []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality, auth.RoleAdmin}
	staff := []auth.Role{auth.RoleAgent, auth.RoleManager, auth.RoleAdmin}
	s.registerReferenceRoutes(mux)

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	s.warmOnce.Do(s.warm)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))

	mux.Handle("POST /v1/complaints", s.authorize(s.rateLimited(s.fileComplaint), auth.RoleIntake, auth.RoleAgent, auth.RoleAdmin))
	mux.Handle("GET /v1/complaints", s.authorize(s.listComplaints, everyone...))
	mux.Handle("GET /v1/complaints/{id}", s.authorize(s.getComplaint, everyone...))
	mux.Handle("GET /v1/complaints/{id}/events", s.authorize(s.listEvents, everyone...))
	mux.Handle("POST /v1/complaints/{id}/acknowledge", s.authorize(s.acknowledge, staff...))
	mux.Handle("POST /v1/complaints/{id}/resolve", s.authorize(s.resolve, staff...))
	mux.Handle("POST /v1/complaints/{id}/close", s.authorize(s.closeComplaint, staff...))
	mux.Handle("POST /v1/complaints/{id}/pause", s.authorize(s.pause, staff...))
	mux.Handle("POST /v1/complaints/{id}/resume", s.authorize(s.resume, staff...))
	mux.Handle("POST /v1/complaints/{id}/reopen", s.authorize(s.reopen, staff...))
	mux.Handle("POST /v1/complaints/{id}/escalations", s.authorize(s.requestEscalation, staff...))
	mux.Handle("GET /v1/complaints/{id}/escalations", s.authorize(s.listComplaintEscalations, everyone...))
	mux.Handle("GET /v1/complaints/{id}/escalations/{seq}", s.authorize(s.getEscalation, everyone...))
	mux.Handle("POST /v1/complaints/{id}/escalations/{seq}/decision",
		s.authorize(s.decideEscalation, auth.RoleManager, auth.RoleAdmin))
	mux.Handle("GET /v1/escalations", s.authorize(s.escalationInbox, auth.RoleManager, auth.RoleAdmin))
	mux.Handle("POST /v1/complaints/{id}/compensations", s.authorize(s.compensate, staff...))
	mux.Handle("GET /v1/complaints/{id}/compensations", s.authorize(s.listCompensations, everyone...))
	mux.Handle("GET /v1/complaints/{id}/compensations/{seq}", s.authorize(s.getCompensation, everyone...))
	mux.Handle("POST /v1/complaints/{id}/handover", s.authorize(s.handover, staff...))
	mux.Handle("GET /v1/compensation-limits", s.authorize(s.listCompensationLimits, staff...))
	mux.Handle("PUT /v1/compensation-limits", s.authorize(s.putCompensationLimits, auth.RoleAdmin))

	mux.Handle("GET /v1/sla-policies", s.authorize(s.listPolicies, everyone...))
	mux.Handle("PUT /v1/sla-policies/{urgency}/{tier}", s.authorize(s.putPolicy, auth.RoleAdmin))
	mux.Handle("GET /v1/sla-policies/sources", s.authorize(s.listSourcePolicies, everyone...))
	mux.Handle("PUT /v1/sla-policies/sources/{source}/{urgency}/{tier}", s.authorize(s.putSourcePolicy, auth.RoleAdmin))
	mux.Handle("DELETE /v1/sla-policies/sources/{source}/{urgency}/{tier}", s.authorize(s.deleteSourcePolicy, auth.RoleAdmin))

	s.registerTokenRoutes(mux)
	s.registerDirectoryRoutes(mux)
	s.registerSurveyRoutes(mux)
	s.registerFeedbackRoutes(mux)
	s.registerMetricsRoutes(mux)
	s.registerReviewRoutes(mux)
	s.registerCycleRoutes(mux)
	s.registerQARoutes(mux)
	s.registerRiskRoutes(mux)
	s.registerCustomerRoutes(mux)
	s.registerNotificationRoutes(mux)
	s.registerIntegrationRoutes(mux)
	s.registerPrivacyRoutes(mux)
	s.registerMessageRoutes(mux)
	s.registerKnowledgeRoutes(mux)

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem(http.StatusNotFound, "no route for "+r.Method+" "+r.URL.Path))
	})
	return mux
}

type principalKey struct{}

func principalFrom(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(principalKey{}).(auth.Principal)
	return p
}

// authorize admits a request whose bearer token holds one of the roles: 401 without
// a valid token, 403 with the wrong role.
func (s *Server) authorize(h http.HandlerFunc, roles ...auth.Role) http.Handler {
	return authorized{roles: roles, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := actingPrincipal(r); ok { // the console's in-process call (inprocess.go)
			admit(w, r, h, p, roles)
			return
		}
		// The scheme's case does not matter (RFC 9110 §11.1): "bearer" is "Bearer".
		scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="complaintflow"`)
			writeProblem(w, r, problem(http.StatusUnauthorized, "a bearer token is required"))
			return
		}
		p, err := s.principal(r, strings.TrimSpace(secret))
		var throttled throttledError
		if errors.As(err, &throttled) {
			tooMany(w, r, throttled.wait, "too many invalid tokens from this client")
			return
		}
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="complaintflow", error="invalid_token"`)
			writeProblem(w, r, problem(http.StatusUnauthorized, "the bearer token is not valid"))
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		admit(w, r, h, p, roles)
	})}
}

// admit serves the request as p when p holds one of the roles, else answers 403.
func admit(w http.ResponseWriter, r *http.Request, h http.HandlerFunc, p auth.Principal, roles []auth.Role) {
	if !p.Allowed(roles...) {
		writeProblem(w, r, problem(http.StatusForbidden, "role "+string(p.Role)+" may not "+actionOf(r.Pattern)))
		return
	}
	checkedInput(h).ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
}

// RequireAdmin guards a handler served beside the API (the Temporal codec
// endpoint) with the API's tokens: admins only.
func (s *Server) RequireAdmin(h http.Handler) http.Handler {
	return s.authorize(h.ServeHTTP, auth.RoleAdmin)
}

// authorized is a handler behind authorize; the mux records its roles.
type authorized struct {
	http.Handler
	roles []auth.Role
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// serverError answers an unexpected error: a dependency that is down is a 503 with
// Retry-After (the request may be retried as is), anything else a 500.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if unavailable(err) {
		s.writeUnavailable(w, r, err, "a dependency is unavailable; retry later")
		return
	}
	// The path of a survey link holds its token, the customer's credential.
	s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", survey.MaskLinks(r.URL.Path), "error", err)
	writeProblem(w, r, problem(http.StatusInternalServerError, "internal error; see the server log"))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// instrument counts and times requests by route pattern (never by raw path, which
// would explode the label set) and logs them.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// No answer of the API is to be read as another type than it says (a JSON
		// echo of a field sniffed as HTML).
		w.Header().Set("X-Content-Type-Options", "nosniff")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" || route == "/" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
		s.latency.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
		if s.lat.observe(start, elapsed) {
			s.flushLatenciesSoon()
		}
		s.log.DebugContext(r.Context(), "http", "method", r.Method, "route", route, "status", rec.status, "duration", elapsed)
	})
}
