// Package config reads complaintflow's configuration from the environment. Every
// setting has a default that works for local development (`make run`).
package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/codec"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// Config is the whole configuration of the worker and the API process.
type Config struct {
	DatabaseURL string // DATABASE_URL

	TemporalAddress   string // TEMPORAL_ADDRESS
	TemporalNamespace string // TEMPORAL_NAMESPACE
	TaskQueue         string // TEMPORAL_TASK_QUEUE
	TemporalAPIKey    string // TEMPORAL_API_KEY (Temporal Cloud)
	TemporalTLSCert   string // TEMPORAL_TLS_CERT: client certificate file (mTLS)
	TemporalTLSKey    string // TEMPORAL_TLS_KEY: client key file (mTLS)
	TemporalTLSCA     string // TEMPORAL_TLS_CA: CA bundle for the server certificate
	TemporalTLS       bool   // TEMPORAL_TLS: use TLS without client certificates
	// TEMPORAL_GRPC_COMPRESSION: gzip or none (the default) — whether the calls to
	// Temporal are compressed; see GrpcCompression.
	GrpcCompression string
	// TEMPORAL_PAYLOAD_KEYS encrypts what the processes hand Temporal ("id=base64,…",
	// the first encrypts; see internal/codec and docs/privacy.md). Empty: plaintext.
	PayloadKeys codec.Keys
	// TEMPORAL_CODEC_ADDR serves the keys' codec to the Temporal Web UI (API
	// process; empty: not served), for TEMPORAL_CODEC_ORIGINS (the UI's origins,
	// comma-separated).
	CodecAddr    string
	CodecOrigins []string
	// TEMPORAL_UI_URL is the Temporal Web UI the console links each complaint's and
	// cycle's workflow to (e.g. http://127.0.0.1:8233); empty: no links.
	TemporalUIURL string

	HTTPAddr            string        // HTTP_ADDR of the API (starter)
	MetricsAddr         string        // METRICS_ADDR of the worker's /metrics
	BootstrapAdminToken string        // BOOTSTRAP_ADMIN_TOKEN seeds the first admin
	ShutdownTimeout     time.Duration // SHUTDOWN_TIMEOUT
	LogLevel            slog.Level    // LOG_LEVEL: debug, info, warn, error

	SMTPAddr     string // SMTP_ADDR host:port; empty disables e-mail
	SMTPFrom     string // SMTP_FROM sender address
	SMTPUsername string // SMTP_USERNAME: PLAIN authentication when set
	SMTPPassword string // SMTP_PASSWORD
	SMTPTLS      string // SMTP_TLS: none, starttls or tls
	// WEBHOOK_SIGNING_SECRET signs the webhook notices of people with no key of
	// their own (webhooks set before people had keys); empty: theirs fail, others'
	// are signed with their own keys. At least MinSecretLen bytes.
	WebhookSigningSecret string
	// OUTBOUND_ALLOW_CIDRS lists the internal networks (loopback, private,
	// link-local, …) webhooks and callbacks may be posted to; empty: none
	// (notify.Egress). Comma-separated CIDR prefixes; a malformed one is refused.
	OutboundAllow []netip.Prefix

	// PUBLIC_BASE_URL is where customers reach the API: survey links point there.
	PublicBaseURL string
	// SURVEY_SIGNING_SECRET signs survey links; empty: a key generated on first use
	// and kept in PostgreSQL (the worker and the API share it through the database).
	// At least MinSecretLen bytes.
	SurveySigningSecret string

	// QUALITY_TEAM is the directory team that owns reviews, PDCA cycles and risk
	// alerts (default "quality"): its lead approves plans and owns alerts.
	QualityTeam string
	// RISK_MONITOR_SCHEDULE is the cron spec (UTC) of the risk-monitor schedule the
	// API creates at start when there is none (default every 15 minutes); "off"
	// creates none.
	RiskMonitorSchedule string

	// Throttling of the API (docs/tokens.md, "Throttling"); 0 disables a limit.
	// AUTH_FAILURES_PER_MINUTE refills, and AUTH_FAILURES_BURST bounds, the refused
	// tokens a client address or token prefix may send before it gets 429.
	AuthFailuresPerMinute float64
	AuthFailuresBurst     int
	// INTAKE_RATE_PER_SECOND and INTAKE_BURST bound how fast one token files
	// complaints and feedback.
	IntakePerSecond float64
	IntakeBurst     int

	// CUSTOMER_LOCALE is the language of customers whose complaint names none
	// (default zh-CN; see internal/message).
	CustomerLocale message.Locale
	// CUSTOMER_TIME_ZONE shows times to customers (default Asia/Shanghai).
	CustomerZone *time.Location

	// Worker sizes the worker process (docs/operations.md, "Sizing the worker").
	Worker WorkerSizing
	// WORKFLOW_TASK_TIMEOUT is the workflow-task timeout of the complaint workflows
	// the API starts (default workflows.DefaultWorkflowTaskTimeout, 10 s: what a task
	// the server started but never delivered costs).
	WorkflowTaskTimeout time.Duration
}

// WorkerSizing is what an operator may size in a worker process; zero values keep
// the SDK's defaults, except the sticky timeout's (StickyTimeout) and the pollers'
// floor (PollerFloor).
type WorkerSizing struct {
	// WORKER_STICKY_CACHE_SIZE: workflows kept in memory between tasks (SDK default
	// 10,000; ≈ 50–57 KiB RSS each).
	StickyCacheSize int
	// WORKER_WORKFLOW_TASK_SLOTS, WORKER_ACTIVITY_SLOTS, WORKER_LOCAL_ACTIVITY_SLOTS:
	// tasks of each kind run at once (SDK default 1,000 each).
	WorkflowTaskSlots, ActivitySlots, LocalActivitySlots int
	// WORKER_MAX_POLLERS: the autoscaling pollers' ceiling per task kind (SDK default 100).
	MaxPollers int
	// WORKER_MIN_POLLERS: the autoscaling pollers' floor per task kind, and for
	// workflow tasks per queue (zero: PollerFloor).
	MinPollers int
	// WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT: how long a workflow task waits on this
	// worker's own (sticky) queue before the server moves it to the shared one and
	// any worker replays it (zero: DefaultStickyScheduleToStartTimeout).
	StickyScheduleToStartTimeout time.Duration
	// SHUTDOWN_TIMEOUT: how long a stopping worker lets running activities finish
	// before it cancels them (zero: the SDK's, at once). A notice cut off after the
	// send is uncertain and never resent; a measurement is redone.
	StopTimeout time.Duration
}

// DefaultStickyScheduleToStartTimeout replaces the SDK's 5 s. On a saturated
// worker its own queue runs more than 5 s behind; at 5 s the server then moves
// thousands of tasks to the shared queue, where the same worker gets them again
// after a failed start and a second wait — saturated, breaches came at
// worst 26–64 s late, with 30 s 13–24 s (docs/performance.md). The cost is
// paid when a worker is killed: a task queued for it in the ~10 s before the
// server notices waits this long for another worker.
const DefaultStickyScheduleToStartTimeout = 30 * time.Second

// StickyTimeout is the sticky schedule-to-start timeout the worker runs with.
func (s WorkerSizing) StickyTimeout() time.Duration {
	if s.StickyScheduleToStartTimeout > 0 {
		return s.StickyScheduleToStartTimeout
	}
	return DefaultStickyScheduleToStartTimeout
}

// DefaultMinPollers replaces the SDK's floor of one poller. The server asks for
// another poller only once a task has waited 200 ms in the backlog and for one
// fewer whenever a poll waited a second, so between bursts the worker keeps a
// single poll open on its own (sticky) queue; a task that comes while that poll
// is on its way back is written to the backlog and read back from it instead of
// handed over. Under a burst of deadlines 12–31 % of the workflow tasks went so
// (64 % with 10,000 open), each a write and a read more for the server, and they
// waited 17–21 ms for the worker on average against 5–7 ms with a floor of 4
// (docs/performance.md). An idle long poll costs the server next to nothing.
const DefaultMinPollers = 4

// PollerFloor is the floor the worker's autoscaling pollers run with: the
// operator's, else DefaultMinPollers, but never above a ceiling the operator set.
func (s WorkerSizing) PollerFloor() int {
	if s.MinPollers > 0 {
		return s.MinPollers
	}
	if s.MaxPollers > 0 {
		return min(DefaultMinPollers, s.MaxPollers)
	}
	return DefaultMinPollers
}

// Check refuses sizes that contradict each other.
func (s WorkerSizing) Check() error {
	if s.MaxPollers > 0 && s.MinPollers > s.MaxPollers {
		return fmt.Errorf("WORKER_MIN_POLLERS: %d is above WORKER_MAX_POLLERS (%d)", s.MinPollers, s.MaxPollers)
	}
	return nil
}

// WorkerSize is one of WorkerSizing's sizes and the environment variable that sets
// it: a count (Count) or a duration (Duration).
type WorkerSize struct {
	Env      string
	Count    func(*WorkerSizing) *int
	Duration func(*WorkerSizing) *time.Duration
}

// Set parses raw, as the environment variable takes it, into s; a size is positive
// (unset is how to keep the SDK's default).
func (w WorkerSize) Set(s *WorkerSizing, raw string) error {
	if w.Duration != nil {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: %q is not a positive duration", w.Env, raw)
		}
		*w.Duration(s) = d
		return nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return fmt.Errorf("%s: %q is not a positive integer", w.Env, raw)
	}
	*w.Count(s) = n
	return nil
}

// Format is s's size as the environment variable takes it, "" when unset.
func (w WorkerSize) Format(s WorkerSizing) string {
	if w.Duration != nil {
		if d := *w.Duration(&s); d > 0 {
			return d.String()
		}
		return ""
	}
	if n := *w.Count(&s); n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

// WorkerSizes are every size an operator sets, as FromEnv reads them; tools that
// size a worker another way (the benchmark's flags) name them from here.
var WorkerSizes = []WorkerSize{
	{"WORKER_STICKY_CACHE_SIZE", func(s *WorkerSizing) *int { return &s.StickyCacheSize }, nil},
	{"WORKER_WORKFLOW_TASK_SLOTS", func(s *WorkerSizing) *int { return &s.WorkflowTaskSlots }, nil},
	{"WORKER_ACTIVITY_SLOTS", func(s *WorkerSizing) *int { return &s.ActivitySlots }, nil},
	{"WORKER_LOCAL_ACTIVITY_SLOTS", func(s *WorkerSizing) *int { return &s.LocalActivitySlots }, nil},
	{"WORKER_MAX_POLLERS", func(s *WorkerSizing) *int { return &s.MaxPollers }, nil},
	{"WORKER_MIN_POLLERS", func(s *WorkerSizing) *int { return &s.MinPollers }, nil},
	{"WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT", nil, func(s *WorkerSizing) *time.Duration { return &s.StickyScheduleToStartTimeout }},
}

// FromEnv reads the configuration, falling back to local defaults.
func FromEnv() (Config, error) {
	c := Config{
		DatabaseURL:         env("DATABASE_URL", "postgres://complaintflow@127.0.0.1:5432/complaintflow?sslmode=disable"),
		TemporalAddress:     env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace:   env("TEMPORAL_NAMESPACE", "default"),
		TaskQueue:           env("TEMPORAL_TASK_QUEUE", workflows.TaskQueue),
		TemporalAPIKey:      os.Getenv("TEMPORAL_API_KEY"),
		TemporalTLSCert:     os.Getenv("TEMPORAL_TLS_CERT"),
		TemporalTLSKey:      os.Getenv("TEMPORAL_TLS_KEY"),
		TemporalTLSCA:       os.Getenv("TEMPORAL_TLS_CA"),
		GrpcCompression:     strings.ToLower(env("TEMPORAL_GRPC_COMPRESSION", "none")),
		HTTPAddr:            env("HTTP_ADDR", "127.0.0.1:8080"),
		MetricsAddr:         env("METRICS_ADDR", "127.0.0.1:9464"),
		BootstrapAdminToken: os.Getenv("BOOTSTRAP_ADMIN_TOKEN"),

		SMTPAddr:             os.Getenv("SMTP_ADDR"),
		SMTPFrom:             env("SMTP_FROM", "complaintflow@localhost"),
		SMTPUsername:         os.Getenv("SMTP_USERNAME"),
		SMTPPassword:         os.Getenv("SMTP_PASSWORD"),
		SMTPTLS:              strings.ToLower(env("SMTP_TLS", "starttls")),
		WebhookSigningSecret: os.Getenv("WEBHOOK_SIGNING_SECRET"),
		SurveySigningSecret:  os.Getenv("SURVEY_SIGNING_SECRET"),
		QualityTeam:          env("QUALITY_TEAM", "quality"),
		RiskMonitorSchedule:  strings.TrimSpace(env("RISK_MONITOR_SCHEDULE", "*/15 * * * *")),
	}
	c.PublicBaseURL = env("PUBLIC_BASE_URL", "http://"+c.HTTPAddr)
	var err error
	if c.ShutdownTimeout, err = time.ParseDuration(env("SHUTDOWN_TIMEOUT", "20s")); err != nil {
		return c, fmt.Errorf("SHUTDOWN_TIMEOUT: %w", err)
	}
	if c.ShutdownTimeout <= 0 {
		// Zero would cut every request and running activity off at once.
		return c, fmt.Errorf("SHUTDOWN_TIMEOUT: %v is not a positive duration such as 20s", c.ShutdownTimeout)
	}
	// Anything but a boolean is refused: "1" or "yes" read as false would connect
	// without the TLS the operator asked for.
	if c.TemporalTLS, err = strconv.ParseBool(env("TEMPORAL_TLS", "false")); err != nil {
		return c, fmt.Errorf("TEMPORAL_TLS: %q is not true or false", os.Getenv("TEMPORAL_TLS"))
	}
	// A spec the schedule would refuse is refused here, at start, rather than kept
	// retrying while /readyz says the risk monitor is starting.
	if strings.EqualFold(c.RiskMonitorSchedule, "off") {
		c.RiskMonitorSchedule = "off"
	} else if _, err := quality.ParseSpec(c.RiskMonitorSchedule, "UTC"); err != nil {
		return c, fmt.Errorf("RISK_MONITOR_SCHEDULE: %q is not a five-field cron spec or off: %w", c.RiskMonitorSchedule, err)
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	if err := c.readLimits(); err != nil {
		return c, err
	}
	locale, ok := message.ParseLocale(env("CUSTOMER_LOCALE", string(message.DefaultLocale)))
	if !ok {
		return c, fmt.Errorf("CUSTOMER_LOCALE: %q is not one of %v", os.Getenv("CUSTOMER_LOCALE"), message.Locales)
	}
	c.CustomerLocale = locale
	if c.CustomerZone, err = time.LoadLocation(env("CUSTOMER_TIME_ZONE", "Asia/Shanghai")); err != nil {
		return c, fmt.Errorf("CUSTOMER_TIME_ZONE: %w", err)
	}
	if c.PayloadKeys, err = codec.ParseKeys(os.Getenv("TEMPORAL_PAYLOAD_KEYS")); err != nil {
		return c, fmt.Errorf("TEMPORAL_PAYLOAD_KEYS: %w", err)
	}
	c.CodecAddr = os.Getenv("TEMPORAL_CODEC_ADDR")
	for _, o := range strings.Split(os.Getenv("TEMPORAL_CODEC_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CodecOrigins = append(c.CodecOrigins, o)
		}
	}
	if c.TemporalUIURL = os.Getenv("TEMPORAL_UI_URL"); c.TemporalUIURL != "" {
		if u, err := url.Parse(c.TemporalUIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("TEMPORAL_UI_URL: %q is not an http(s) URL such as http://127.0.0.1:8233", c.TemporalUIURL)
		}
	}
	if _, err := GrpcCompression(c.GrpcCompression); err != nil {
		return c, fmt.Errorf("TEMPORAL_GRPC_COMPRESSION: %w", err)
	}
	if c.CodecAddr != "" && !c.PayloadKeys.Enabled() {
		return c, fmt.Errorf("TEMPORAL_CODEC_ADDR needs TEMPORAL_PAYLOAD_KEYS")
	}
	if err := c.readSizing(); err != nil {
		return c, err
	}
	c.Worker.StopTimeout = c.ShutdownTimeout
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		return c, fmt.Errorf("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
	}
	if err := c.checkSMTP(); err != nil {
		return c, err
	}
	if err := c.checkSecrets(); err != nil {
		return c, err
	}
	if c.OutboundAllow, err = notify.ParseCIDRs(os.Getenv("OUTBOUND_ALLOW_CIDRS")); err != nil {
		return c, fmt.Errorf("OUTBOUND_ALLOW_CIDRS: %w", err)
	}
	return c, nil
}

// MinSecretLen is the shortest signing secret accepted: a short one can be found
// offline by brute force from a single signed survey link or webhook request, and
// then links and notices forged at will.
const MinSecretLen = 32

// checkSecrets refuses signing secrets shorter than MinSecretLen; empty keeps its
// meaning (only people's own webhook keys; a generated survey key).
func (c Config) checkSecrets() error {
	for _, s := range []struct{ name, value string }{
		{"WEBHOOK_SIGNING_SECRET", c.WebhookSigningSecret},
		{"SURVEY_SIGNING_SECRET", c.SurveySigningSecret},
	} {
		if s.value != "" && len(s.value) < MinSecretLen {
			return fmt.Errorf("%s: %d bytes is too short, at least %d random bytes are needed (e.g. openssl rand -hex 32)",
				s.name, len(s.value), MinSecretLen)
		}
	}
	return nil
}

// readLimits reads the throttling budgets: numbers of zero or more, with defaults
// that stop a script guessing tokens and let an intake system file steadily.
func (c *Config) readLimits() error {
	for _, l := range []struct {
		name, def string
		set       func(float64)
		whole     bool
	}{
		{"AUTH_FAILURES_PER_MINUTE", "30", func(v float64) { c.AuthFailuresPerMinute = v }, false},
		{"AUTH_FAILURES_BURST", "20", func(v float64) { c.AuthFailuresBurst = int(v) }, true},
		{"INTAKE_RATE_PER_SECOND", "20", func(v float64) { c.IntakePerSecond = v }, false},
		{"INTAKE_BURST", "40", func(v float64) { c.IntakeBurst = int(v) }, true},
	} {
		raw := env(l.name, l.def)
		v, err := strconv.ParseFloat(raw, 64)
		// Whole numbers stay below 1e9: converted, a larger one overflows int and a
		// negative budget turns the limit off.
		if err != nil || !(v >= 0) || math.IsInf(v, 0) || (l.whole && (v != math.Trunc(v) || v >= 1e9)) {
			kind := "a number of 0 or more"
			if l.whole {
				kind = "a whole number from 0 to 999999999"
			}
			return fmt.Errorf("%s: %q is not %s", l.name, raw, kind)
		}
		l.set(v)
	}
	return nil
}

// readSizing reads the worker's sizes and the workflow-task timeout; a value that
// is not a positive number is refused, not silently replaced by a default.
func (c *Config) readSizing() error {
	for _, v := range WorkerSizes {
		raw := os.Getenv(v.Env)
		if raw == "" {
			continue
		}
		if err := v.Set(&c.Worker, raw); err != nil {
			return err
		}
	}
	if err := c.Worker.Check(); err != nil {
		return err
	}
	c.WorkflowTaskTimeout = workflows.DefaultWorkflowTaskTimeout
	if raw := os.Getenv("WORKFLOW_TASK_TIMEOUT"); raw != "" {
		d, err := time.ParseDuration(raw)
		// Temporal caps the workflow-task timeout at 120 s.
		if err != nil || d <= 0 || d > 2*time.Minute {
			return fmt.Errorf("WORKFLOW_TASK_TIMEOUT: %q is not a duration in (0, 2m]", raw)
		}
		c.WorkflowTaskTimeout = d
	}
	return nil
}

// checkSMTP refuses SMTP settings that would fail on the first notice, and a
// password sent in clear text to another machine.
func (c Config) checkSMTP() error {
	switch c.SMTPTLS {
	case "none", "starttls", "tls":
	default:
		return fmt.Errorf("SMTP_TLS: %q is not one of none, starttls, tls", c.SMTPTLS)
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		return fmt.Errorf("SMTP_FROM: %w", err)
	}
	if c.SMTPAddr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(c.SMTPAddr)
	if err != nil {
		return fmt.Errorf("SMTP_ADDR: %w", err)
	}
	if c.SMTPUsername != "" && c.SMTPTLS == "none" && !isLoopback(host) {
		return fmt.Errorf("SMTP_USERNAME with SMTP_TLS=none would send the password in clear text to %s", host)
	}
	return nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// TemporalClientOptions turns the Temporal settings into SDK client options:
// plain for the dev server, mTLS for a self-hosted cluster, API key for Temporal
// Cloud; payloads encrypted when there are payload keys.
func (c Config) TemporalClientOptions() (client.Options, error) {
	opts := client.Options{HostPort: c.TemporalAddress, Namespace: c.TemporalNamespace}
	var err error
	if opts.ConnectionOptions.GrpcCompression, err = GrpcCompression(c.GrpcCompression); err != nil {
		return opts, fmt.Errorf("TEMPORAL_GRPC_COMPRESSION: %w", err)
	}
	if c.PayloadKeys.Enabled() {
		opts.DataConverter, opts.FailureConverter = c.PayloadKeys.DataConverter(), c.PayloadKeys.FailureConverter()
	}
	useTLS := c.TemporalTLS || c.TemporalAPIKey != "" || c.TemporalTLSCert != "" || c.TemporalTLSCA != ""
	if !useTLS {
		return opts, nil
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return opts, fmt.Errorf("load Temporal client certificate: %w", err)
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	}
	if c.TemporalTLSCA != "" {
		pem, err := os.ReadFile(c.TemporalTLSCA)
		if err != nil {
			return opts, fmt.Errorf("read TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return opts, fmt.Errorf("TEMPORAL_TLS_CA %s holds no PEM certificate", c.TemporalTLSCA)
		}
		tlsCfg.RootCAs = pool
	}
	opts.ConnectionOptions.TLS = tlsCfg
	if c.TemporalAPIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.TemporalAPIKey)
	}
	return opts, nil
}

// GrpcCompression is the SDK's setting for a TEMPORAL_GRPC_COMPRESSION value.
// The SDK gzips every call by default; complaintflow does not ("none", also for
// ""), because its calls are small — a start, a task, its completion — and
// compressing and inflating each costs CPU on both ends (the API and worker here,
// the Temporal frontend there) to save bandwidth a LAN or a cloud region does not
// lack (docs/operations.md, "Compression of the calls to Temporal"). "gzip" is the
// SDK's default, for a link where bytes are dear.
func GrpcCompression(name string) (client.GrpcCompression, error) {
	switch name {
	case "", "none":
		return &client.GrpcCompressionNone{}, nil
	case "gzip":
		return &client.GrpcCompressionGzip{}, nil
	}
	return nil, fmt.Errorf("%q is not gzip or none", name)
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return fallback
}
