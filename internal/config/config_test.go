package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clean unsets every variable FromEnv reads that a test may set, for this test.
func clean(t *testing.T) {
	for _, k := range []string{"TEMPORAL_API_KEY", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA", "TEMPORAL_TLS",
		"SMTP_ADDR", "SMTP_USERNAME", "SMTP_TLS", "SMTP_FROM", "TEMPORAL_PAYLOAD_KEYS", "TEMPORAL_CODEC_ADDR", "TEMPORAL_CODEC_ORIGINS", "TEMPORAL_UI_URL", "TEMPORAL_GRPC_COMPRESSION",
		"WEBHOOK_SIGNING_SECRET", "SURVEY_SIGNING_SECRET", "OUTBOUND_ALLOW_CIDRS"} {
		t.Setenv(k, "")
	}
}

func TestSMTPPasswordIsNeverSentInClearTextToAnotherMachine(t *testing.T) {
	for _, tc := range []struct {
		addr, tls, user string
		refused         bool
	}{
		{"mail.example.com:25", "none", "cf", true},
		{"10.0.0.5:25", "none", "cf", true},
		{"127.0.0.1:1025", "none", "cf", false}, // the dev relay on this machine
		{"localhost:1025", "none", "cf", false},
		{"[::1]:1025", "none", "cf", false},
		{"mail.example.com:587", "starttls", "cf", false},
		{"mail.example.com:465", "tls", "cf", false},
		{"mail.example.com:25", "none", "", false}, // no password to leak
	} {
		clean(t)
		t.Setenv("SMTP_ADDR", tc.addr)
		t.Setenv("SMTP_TLS", tc.tls)
		t.Setenv("SMTP_USERNAME", tc.user)
		_, err := FromEnv()
		if refused := err != nil && strings.Contains(err.Error(), "clear text"); refused != tc.refused {
			t.Errorf("%s %s user %q: err %v, want refused %v", tc.addr, tc.tls, tc.user, err, tc.refused)
		}
	}
	clean(t)
	for k, v := range map[string]string{"SMTP_TLS": "ssl", "SMTP_FROM": "not an address", "SMTP_ADDR": "no-port"} {
		t.Setenv(k, v)
		if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: err %v, want one naming it", k, v, err)
		}
		clean(t)
	}
}

// certFiles writes a self-signed certificate and its key.
func certFiles(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "complaintflow"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func options(t *testing.T, env map[string]string) (Config, error) {
	t.Helper()
	clean(t)
	for k, v := range env {
		t.Setenv(k, v)
	}
	return FromEnv()
}

func TestTemporalClientOptions(t *testing.T) {
	c, err := options(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := c.TemporalClientOptions()
	if err != nil || opts.ConnectionOptions.TLS != nil || opts.Credentials != nil || opts.DataConverter != nil {
		t.Fatalf("the dev server: %+v, %v; want plain, no credentials, no codec", opts.ConnectionOptions, err)
	}

	cert, key := certFiles(t)
	c, err = options(t, map[string]string{"TEMPORAL_TLS_CERT": cert, "TEMPORAL_TLS_KEY": key, "TEMPORAL_TLS_CA": cert})
	if err != nil {
		t.Fatal(err)
	}
	opts, err = c.TemporalClientOptions()
	if err != nil || opts.ConnectionOptions.TLS == nil || len(opts.ConnectionOptions.TLS.Certificates) != 1 ||
		opts.ConnectionOptions.TLS.RootCAs == nil || opts.Credentials != nil {
		t.Fatalf("mTLS: %+v, %v", opts.ConnectionOptions.TLS, err)
	}

	c, err = options(t, map[string]string{"TEMPORAL_API_KEY": "cloud-key"})
	if err != nil {
		t.Fatal(err)
	}
	opts, err = c.TemporalClientOptions()
	if err != nil || opts.ConnectionOptions.TLS == nil || opts.Credentials == nil || opts.ConnectionOptions.TLS.Certificates != nil {
		t.Fatalf("Temporal Cloud: TLS %+v, credentials %v, %v; want TLS with the API key", opts.ConnectionOptions.TLS, opts.Credentials, err)
	}

	c, err = options(t, map[string]string{"TEMPORAL_TLS": "true"})
	if opts, err = c.TemporalClientOptions(); err != nil || opts.ConnectionOptions.TLS == nil || opts.Credentials != nil {
		t.Fatalf("TEMPORAL_TLS: %+v, %v", opts.ConnectionOptions.TLS, err)
	}

	if _, err := options(t, map[string]string{"TEMPORAL_TLS_CERT": cert}); err == nil || !strings.Contains(err.Error(), "together") {
		t.Errorf("a certificate without its key: %v", err)
	}
	c, _ = options(t, map[string]string{"TEMPORAL_TLS_CA": key}) // a key is no certificate
	if _, err := c.TemporalClientOptions(); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("a CA file without certificates: %v", err)
	}
	c, _ = options(t, map[string]string{"TEMPORAL_TLS_CERT": cert, "TEMPORAL_TLS_KEY": cert})
	if _, err := c.TemporalClientOptions(); err == nil {
		t.Errorf("a certificate as its own key was accepted")
	}
}

func TestPayloadKeysEncryptTheClientsPayloads(t *testing.T) {
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	c, err := options(t, map[string]string{"TEMPORAL_PAYLOAD_KEYS": "k2=" + key + ",k1=" + key[:len(key)-4] + "ZWY=",
		"TEMPORAL_CODEC_ADDR": "127.0.0.1:0", "TEMPORAL_CODEC_ORIGINS": "http://ui:8233, http://ui2"})
	if err != nil {
		t.Fatal(err)
	}
	opts, err := c.TemporalClientOptions()
	if err != nil || opts.DataConverter == nil || opts.FailureConverter == nil || c.PayloadKeys.ActiveKeyID() != "k2" {
		t.Fatalf("options %+v, %v", opts, err)
	}
	p, err := opts.DataConverter.ToPayload("张伟")
	if err != nil || string(p.Metadata["encryption-key-id"]) != "k2" {
		t.Fatalf("payload %v, %v", p, err)
	}
	if len(c.CodecOrigins) != 2 || c.CodecOrigins[1] != "http://ui2" {
		t.Errorf("origins %q", c.CodecOrigins)
	}
	if _, err := options(t, map[string]string{"TEMPORAL_PAYLOAD_KEYS": "k1=short"}); err == nil || !strings.Contains(err.Error(), "TEMPORAL_PAYLOAD_KEYS") {
		t.Errorf("a short key: %v", err)
	}
	if _, err := options(t, map[string]string{"TEMPORAL_CODEC_ADDR": "127.0.0.1:0"}); err == nil {
		t.Errorf("a codec endpoint without keys was accepted")
	}
}

// The worker's sizes and the workflow-task timeout are read from the environment;
// unset keeps the SDK's sizes (zero) and a 10 s workflow-task timeout, and a value that is not a
// positive number is refused with the variable named.
func TestWorkerSizingFromEnv(t *testing.T) {
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	// The workflow-task timeout is chosen on purpose (10 s: it is what a lost task
	// costs, workflows.DefaultWorkflowTaskTimeout); the worker sizes keep the SDK's defaults.
	// A stopping worker lets running activities finish for SHUTDOWN_TIMEOUT's 20 s.
	if c.Worker != (WorkerSizing{StopTimeout: 20 * time.Second}) || c.WorkflowTaskTimeout != 10*time.Second {
		t.Fatalf("unset: %+v, %v; want zero sizes, a 20s stop and a 10s workflow-task timeout", c.Worker, c.WorkflowTaskTimeout)
	}
	if got := c.Worker.StickyTimeout(); got != 30*time.Second {
		t.Fatalf("unset: the worker's sticky timeout is %v, want complaintflow's 30s, not the SDK's 5s", got)
	}
	if got := c.Worker.PollerFloor(); got != 4 {
		t.Fatalf("unset: the worker's pollers' floor is %d, want complaintflow's 4, not the SDK's 1", got)
	}

	t.Setenv("WORKER_STICKY_CACHE_SIZE", "2000")
	t.Setenv("WORKER_WORKFLOW_TASK_SLOTS", "8")
	t.Setenv("WORKER_ACTIVITY_SLOTS", "50")
	t.Setenv("WORKER_LOCAL_ACTIVITY_SLOTS", "40")
	t.Setenv("WORKER_MAX_POLLERS", "6")
	t.Setenv("WORKER_MIN_POLLERS", "3")
	t.Setenv("WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT", "12s")
	t.Setenv("WORKFLOW_TASK_TIMEOUT", "45s")
	c, err = FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := WorkerSizing{StickyCacheSize: 2000, WorkflowTaskSlots: 8, ActivitySlots: 50, LocalActivitySlots: 40, MaxPollers: 6,
		MinPollers: 3, StickyScheduleToStartTimeout: 12 * time.Second, StopTimeout: 20 * time.Second}
	if c.Worker != want || c.WorkflowTaskTimeout != 45*time.Second || c.Worker.StickyTimeout() != 12*time.Second || c.Worker.PollerFloor() != 3 {
		t.Fatalf("got %+v (sticky timeout %v), %v; want %+v, 45s", c.Worker, c.Worker.StickyTimeout(), c.WorkflowTaskTimeout, want)
	}

	for key, bad := range map[string]string{
		"WORKER_STICKY_CACHE_SIZE": "-1", "WORKER_WORKFLOW_TASK_SLOTS": "many", "WORKER_MAX_POLLERS": "0",
		"WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT": "30", "WORKFLOW_TASK_TIMEOUT": "5m",
		"WORKER_MIN_POLLERS": "7", // above WORKER_MAX_POLLERS, 6
	} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(key, bad)
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("%s=%s: err %v, want a refusal naming %s", key, bad, err, key)
			}
		})
	}
}

// The pollers' floor is complaintflow's unless set, and a ceiling the operator set
// lowers the default floor rather than being raised by it.
func TestPollerFloor(t *testing.T) {
	for _, c := range []struct {
		sizing WorkerSizing
		want   int
	}{
		{WorkerSizing{}, DefaultMinPollers},
		{WorkerSizing{MinPollers: 1}, 1},
		{WorkerSizing{MaxPollers: 2}, 2},
		{WorkerSizing{MaxPollers: 50}, DefaultMinPollers},
		{WorkerSizing{MinPollers: 8, MaxPollers: 8}, 8},
	} {
		if got := c.sizing.PollerFloor(); got != c.want {
			t.Errorf("%+v: floor %d, want %d", c.sizing, got, c.want)
		}
	}
}

// TEMPORAL_UI_URL is an absolute http(s) URL or nothing; anything else is refused
// with the variable named, before the console would draw broken links.
func TestTemporalUIURL(t *testing.T) {
	c, err := options(t, map[string]string{"TEMPORAL_UI_URL": "http://127.0.0.1:8233/"})
	if err != nil || c.TemporalUIURL != "http://127.0.0.1:8233/" {
		t.Fatalf("a UI URL: %q, %v", c.TemporalUIURL, err)
	}
	if c, err := options(t, map[string]string{}); err != nil || c.TemporalUIURL != "" {
		t.Fatalf("unset: %q, %v", c.TemporalUIURL, err)
	}
	for _, bad := range []string{"127.0.0.1:8233", "ftp://ui", "http://", "/ui"} {
		if _, err := options(t, map[string]string{"TEMPORAL_UI_URL": bad}); err == nil || !strings.Contains(err.Error(), "TEMPORAL_UI_URL") {
			t.Errorf("TEMPORAL_UI_URL=%q: %v, want refused", bad, err)
		}
	}
}

// A value the process would misread — TLS off for "yes", an instant shutdown, a burst
// that overflows into no limit, a risk-monitor spec the schedule refuses for ever
// (the API never ready) — is refused at start, naming the variable.
func TestAValueReadAsSomethingElseIsRefused(t *testing.T) {
	for name, bad := range map[string][]string{
		"TEMPORAL_TLS":          {"yes", "1 ", "on"},
		"SHUTDOWN_TIMEOUT":      {"0s", "-5s"},
		"INTAKE_BURST":          {"1e300", "1e9"},
		"AUTH_FAILURES_BURST":   {"9223372036854775808"},
		"RISK_MONITOR_SCHEDULE": {"none", "@every 15m", "0 */15 * * * *", "CRON_TZ=Asia/Shanghai */15 * * * *"},
	} {
		for _, v := range bad {
			t.Run(name+"="+v, func(t *testing.T) { // each its own environment
				if _, err := options(t, map[string]string{name: v}); err == nil || !strings.Contains(err.Error(), name) {
					t.Errorf("%s=%q: %v, want refused naming it", name, v, err)
				}
			})
		}
	}
	for env, check := range map[string]func(Config) bool{
		"TEMPORAL_TLS=1":                   func(c Config) bool { return c.TemporalTLS },
		"TEMPORAL_TLS=FALSE":               func(c Config) bool { return !c.TemporalTLS },
		"SHUTDOWN_TIMEOUT=1m":              func(c Config) bool { return c.ShutdownTimeout == time.Minute && c.Worker.StopTimeout == time.Minute },
		"INTAKE_BURST=999999999":           func(c Config) bool { return c.IntakeBurst == 999999999 },
		"RISK_MONITOR_SCHEDULE=OFF":        func(c Config) bool { return c.RiskMonitorSchedule == "off" },
		"RISK_MONITOR_SCHEDULE=0 8 * * 1 ": func(c Config) bool { return c.RiskMonitorSchedule == "0 8 * * 1" },
	} {
		t.Run(env, func(t *testing.T) {
			name, value, _ := strings.Cut(env, "=")
			if c, err := options(t, map[string]string{name: value}); err != nil || !check(c) {
				t.Errorf("%s: %+v, %v", env, c, err)
			}
		})
	}
}
