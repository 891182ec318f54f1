package config

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"
)

// frontend answers the one call a client makes when it connects.
type frontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
}

func (frontend) GetSystemInfo(context.Context, *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, nil
}

// encodings records the compression of every call a server received.
type encodings struct {
	mu   sync.Mutex
	seen []string
}

func (e *encodings) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (e *encodings) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (e *encodings) HandleConn(context.Context, stats.ConnStats)                       {}
func (e *encodings) HandleRPC(_ context.Context, s stats.RPCStats) {
	if h, ok := s.(*stats.InHeader); ok {
		e.mu.Lock()
		e.seen = append(e.seen, h.FullMethod+"="+h.Compression)
		e.mu.Unlock()
	}
}

// The calls to Temporal go uncompressed unless TEMPORAL_GRPC_COMPRESSION=gzip (the
// SDK would gzip them all), as a Temporal frontend sees them on the wire; any other
// value is refused when the configuration is read.
func TestCallsToTemporalAreCompressedOnlyWhenAsked(t *testing.T) {
	for _, tc := range []struct{ env, want string }{{"", ""}, {"none", ""}, {"gzip", "gzip"}, {"GZIP", "gzip"}} {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var got encodings
		srv := grpc.NewServer(grpc.StatsHandler(&got))
		workflowservice.RegisterWorkflowServiceServer(srv, frontend{})
		go func() { _ = srv.Serve(lis) }()

		c, err := options(t, map[string]string{"TEMPORAL_GRPC_COMPRESSION": tc.env, "TEMPORAL_ADDRESS": lis.Addr().String()})
		if err != nil {
			t.Fatal(err)
		}
		opts, err := c.TemporalClientOptions()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		tc2, err := client.DialContext(ctx, opts)
		cancel()
		if err != nil {
			t.Fatalf("TEMPORAL_GRPC_COMPRESSION=%q: dial: %v", tc.env, err)
		}
		tc2.Close()
		srv.Stop()

		got.mu.Lock()
		calls := got.seen
		got.mu.Unlock()
		if len(calls) == 0 {
			t.Fatalf("TEMPORAL_GRPC_COMPRESSION=%q: the frontend saw no call", tc.env)
		}
		for _, call := range calls {
			if !strings.HasSuffix(call, "="+tc.want) {
				t.Errorf("TEMPORAL_GRPC_COMPRESSION=%q: %s, want compression %q", tc.env, call, tc.want)
			}
		}
	}

	if _, err := options(t, map[string]string{"TEMPORAL_GRPC_COMPRESSION": "zstd"}); err == nil ||
		!strings.Contains(err.Error(), "TEMPORAL_GRPC_COMPRESSION") {
		t.Errorf("zstd: %v, want it refused by name", err)
	}
}
