package main

import (
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/complaintflow/complaintflow/internal/devenv"
)

// settings is devstack's view of the environment, and what it passes on to the
// worker and the API. Variable names match internal/config.
type settings struct {
	dataDir          string   // .data, or .data/cluster for the production shape
	workers, apis    int      // how many worker and API processes (2 each in the cluster)
	shards           int      // TEMPORAL_SHARDS: history shards of a new cluster
	databaseURL      string   // DATABASE_URL; "" = start our own PostgreSQL
	pgPort           int      // PG_PORT
	temporalAddress  string   // TEMPORAL_ADDRESS
	externalTemporal bool     // TEMPORAL_ADDRESS was set: start no dev server
	temporalPort     int      // TEMPORAL_PORT
	temporalUIPort   int      // TEMPORAL_UI_PORT
	temporalUI       string   // Web UI URL, known only for our own dev server
	namespace        string   // TEMPORAL_NAMESPACE
	httpAddr         string   // HTTP_ADDR of the (first) API; the i-th listens on port+i
	metricsAddr      string   // METRICS_ADDR of the (first) worker; the i-th on port+i
	adminToken       string   // BOOTSTRAP_ADMIN_TOKEN
	extraEnv         []string // set for every app after the stack's addresses (soak)
}

func settingsFromEnv(cluster bool) settings {
	c := settings{
		dataDir:          ".data",
		workers:          1,
		apis:             1,
		shards:           envInt("TEMPORAL_SHARDS", devenv.DefaultHistoryShards),
		databaseURL:      os.Getenv("DATABASE_URL"),
		pgPort:           envInt("PG_PORT", 55432),
		temporalAddress:  os.Getenv("TEMPORAL_ADDRESS"),
		externalTemporal: os.Getenv("TEMPORAL_ADDRESS") != "",
		temporalPort:     envInt("TEMPORAL_PORT", 7233),
		temporalUIPort:   envInt("TEMPORAL_UI_PORT", 8233),
		namespace:        envOr("TEMPORAL_NAMESPACE", "default"),
		httpAddr:         envOr("HTTP_ADDR", "127.0.0.1:8080"),
		metricsAddr:      envOr("METRICS_ADDR", "127.0.0.1:9464"),
		adminToken:       envOr("BOOTSTRAP_ADMIN_TOKEN", "dev-admin-token"),
	}
	if cluster {
		// Its own PostgreSQL cluster: complaintflow's rows there point at workflows
		// of this Temporal server, not of make run's dev server.
		c.dataDir = ".data/cluster"
		c.workers, c.apis = 2, 2
	}
	return c
}

// forSoak moves the stack out of make run's way (docs/operations.md, "Soak"): a
// fresh data directory of its own and free ports for whatever the environment
// does not set, so a soak runs beside a developer's make run. The intake throttle
// is per token and not under test, and the apps log warnings only: 20,000
// complaints at info would be the run's largest write.
func (c *settings) forSoak() error {
	c.dataDir = filepath.Join(c.dataDir, "soak")
	ports := []struct {
		env  string
		port *int
	}{{"PG_PORT", &c.pgPort}, {"TEMPORAL_PORT", &c.temporalPort}, {"TEMPORAL_UI_PORT", &c.temporalUIPort}}
	for _, p := range ports {
		if os.Getenv(p.env) != "" {
			continue
		}
		n, err := devenv.FreePort()
		if err != nil {
			return err
		}
		*p.port = n
	}
	addrs := []struct {
		env  string
		addr *string
	}{{"HTTP_ADDR", &c.httpAddr}, {"METRICS_ADDR", &c.metricsAddr}}
	for _, a := range addrs {
		if os.Getenv(a.env) != "" {
			continue
		}
		n, err := devenv.FreePort()
		if err != nil {
			return err
		}
		*a.addr = "127.0.0.1:" + strconv.Itoa(n)
	}
	c.extraEnv = append(c.extraEnv, "INTAKE_RATE_PER_SECOND=0", "LOG_LEVEL="+envOr("LOG_LEVEL", "warn"))
	return os.RemoveAll(c.dataDir)
}

// appEnv is our environment plus the stack's addresses for the i-th worker or
// API process. Only a worker gets METRICS_ADDR, so the API never tries to bind a
// worker's metrics port.
func (c settings) appEnv(worker bool, i int) []string {
	env := os.Environ()
	env = append(env,
		"DATABASE_URL="+c.databaseURL,
		"TEMPORAL_ADDRESS="+c.temporalAddress,
		"TEMPORAL_NAMESPACE="+c.namespace,
		"HTTP_ADDR="+nthAddr(c.httpAddr, i),
		"BOOTSTRAP_ADMIN_TOKEN="+c.adminToken,
		// A developer's webhook and callback receivers run on this machine, which
		// production refuses to post to unless allowed (docs/operations.md).
		"OUTBOUND_ALLOW_CIDRS="+envOr("OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8,::1/128"),
	)
	if worker {
		env = append(env, "METRICS_ADDR="+nthAddr(c.metricsAddr, i))
	}
	if c.temporalUI != "" { // our own dev server's UI: the console links workflows to it
		env = append(env, "TEMPORAL_UI_URL="+c.temporalUI)
	}
	env = append(env, c.extraEnv...)
	return env // later entries win in os/exec
}

// nthAddr is addr with its port moved up by i: the i-th process's address.
func nthAddr(addr string, i int) string {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || i == 0 {
		return addr
	}
	return net.JoinHostPort(host, strconv.Itoa(n+i))
}

// apiURL is where to reach the i-th API: a wildcard listen address (":8080",
// "0.0.0.0:8080") is reached on loopback.
func (c settings) apiURL(i int) string {
	addr := nthAddr(c.httpAddr, i)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

func envInt(key string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return fallback
}
