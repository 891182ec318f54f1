// Package telemetry wires logging and Prometheus metrics, including the Temporal
// SDK's own metrics, for the worker and the API.
package telemetry

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// NewLogger returns the JSON logger both processes use.
func NewLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// Metrics is one Prometheus registry holding process metrics and the Temporal SDK's
// metrics (through OpenTelemetry's Prometheus exporter).
type Metrics struct {
	Registry *prometheus.Registry
	// Temporal goes into client.Options.MetricsHandler.
	Temporal client.MetricsHandler
}

// NewMetrics builds the registry.
func NewMetrics() (*Metrics, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("prometheus exporter: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	handler := temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter: provider.Meter("temporal-sdk-go"),
		// Without it the SDK's counters (task failures, sticky cache hits and misses,
		// …) are exported as gauges, which Prometheus's rate() and increase() misread.
		UseMonotonicCounters: true,
		// A metrics failure must never take down the process (the default panics).
		OnError: func(err error) { slog.Warn("temporal metrics", "error", err) },
	})
	return &Metrics{Registry: reg, Temporal: handler}, nil
}
