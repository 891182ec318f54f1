package main

import (
	"net"
	"os"
	"strconv"
)

// settings is devstack's view of the environment, and what it passes on to the
// worker and the API. Variable names match internal/config.
type settings struct {
	databaseURL      string // DATABASE_URL; "" = start our own PostgreSQL
	pgPort           int    // PG_PORT
	temporalAddress  string // TEMPORAL_ADDRESS
	externalTemporal bool   // TEMPORAL_ADDRESS was set: start no dev server
	temporalPort     int    // TEMPORAL_PORT
	temporalUIPort   int    // TEMPORAL_UI_PORT
	temporalUI       string // Web UI URL, known only for our own dev server
	namespace        string // TEMPORAL_NAMESPACE
	httpAddr         string // HTTP_ADDR of the API
	metricsAddr      string // METRICS_ADDR of the worker
	adminToken       string // BOOTSTRAP_ADMIN_TOKEN
}

func settingsFromEnv() settings {
	return settings{
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
}

// appEnv is our environment plus the stack's addresses. Only the worker gets
// METRICS_ADDR, so the API never tries to bind the worker's metrics port.
func (c settings) appEnv(worker bool) []string {
	env := os.Environ()
	env = append(env,
		"DATABASE_URL="+c.databaseURL,
		"TEMPORAL_ADDRESS="+c.temporalAddress,
		"TEMPORAL_NAMESPACE="+c.namespace,
		"HTTP_ADDR="+c.httpAddr,
		"BOOTSTRAP_ADMIN_TOKEN="+c.adminToken,
	)
	if worker {
		env = append(env, "METRICS_ADDR="+c.metricsAddr)
	}
	return env // later entries win in os/exec
}

// apiURL is where to reach the API: a wildcard listen address (":8080",
// "0.0.0.0:8080") is reached on loopback.
func (c settings) apiURL() string {
	host, port, err := net.SplitHostPort(c.httpAddr)
	if err != nil {
		return "http://" + c.httpAddr
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
