package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// contender is one way to start a complaint-shaped workflow.
type contender struct {
	name string
	// do starts one; seq is unique per contender for the whole run.
	do  func(ctx context.Context, seq int64) error
	seq atomic.Int64
}

func (c *contender) call(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.do(ctx, c.seq.Add(1))
}

// newAPIContender files complaints through POST /v1/complaints.
func newAPIContender(s *stack, runID string, httpClient *http.Client) *contender {
	url := s.baseURL + "/v1/complaints"
	auth := "Bearer " + s.intakeToken
	return &contender{name: "api", do: func(ctx context.Context, seq int64) error {
		return postComplaint(ctx, httpClient, url, auth, complaintBody(runID, seq))
	}}
}

// intakeRetries counts the 503s that postComplaint retried, for the reports.
var intakeRetries atomic.Int64

// postComplaint files one complaint and expects 201. A 503 ("recorded but its
// workflow could not be started; retry the same request") is retried as the API
// asks, with the same body (intake is idempotent on external_id), as the SDK
// retries an unavailable server on the raw contender's side, until the request's
// timeout (-timeout); the time counts.
func postComplaint(ctx context.Context, httpClient *http.Client, url, auth string, body []byte) error {
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		res, err := httpClient.Do(req)
		if err != nil {
			return err
		}
		if res.StatusCode == http.StatusServiceUnavailable { // until the request's -timeout
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			intakeRetries.Add(1)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(min(time.Duration(attempt)*500*time.Millisecond, 2*time.Second)):
			}
			continue
		}
		defer res.Body.Close()
		// A retry answers 200 with the complaint the first attempt recorded.
		if res.StatusCode != http.StatusCreated && (attempt == 1 || res.StatusCode != http.StatusOK) {
			raw, _ := io.ReadAll(io.LimitReader(res.Body, 512))
			return fmt.Errorf("HTTP %d: %s", res.StatusCode, raw)
		}
		// Drain so the connection is reused.
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
}

// newRawContender starts the bare workflow with the SDK, as directly as possible.
// extra adds start options the API passes, to tell their cost from the API's own:
// "search-attributes" (a new complaint's, workflows.StartSearchAttributes),
// "id-policies" (ID conflict policy USE_EXISTING, reuse policy REJECT_DUPLICATE) or
// "api" (both).
func newRawContender(s *stack, runID, extra string) *contender {
	withSA := extra == "search-attributes" || extra == "api"
	withPolicies := extra == "id-policies" || extra == "api"
	return &contender{name: "raw", do: func(ctx context.Context, seq int64) error {
		id := "bench-bare-" + runID + "-" + strconv.FormatInt(seq, 10)
		opts := client.StartWorkflowOptions{ID: id, TaskQueue: s.cfg.taskQueue}
		if withPolicies {
			opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
			opts.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
		}
		if withSA {
			h := splitmix64(uint64(seq))
			opts.TypedSearchAttributes = workflows.StartSearchAttributes(complaint.Level(urgencyMix.pick(h>>24)),
				complaint.Level(tierMix.pick(h>>8)), complaint.Categories[(h>>16)%uint64(len(complaint.Categories))], "")
		}
		_, err := s.tc.ExecuteWorkflow(ctx, opts, BareWorkflowName, id)
		return err
	}}
}

func newHTTPClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil, // loopback only, never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0, // no global limit
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// The intake mix: weights per value, over urgency and tier independently.
var (
	urgencyMix = weighted{{string(complaint.High), 20}, {string(complaint.Medium), 50}, {string(complaint.Low), 30}}
	tierMix    = weighted{{string(complaint.High), 15}, {string(complaint.Medium), 35}, {string(complaint.Low), 50}}
	subjects   = []string{"包裹一周未到", "Refund not received after 14 days", "设备开机即黑屏", "Rude agent on the hotline", "Charged twice for one order"}
)

type weighted []struct {
	value  string
	weight uint64
}

func (w weighted) pick(r uint64) string {
	var total uint64
	for _, e := range w {
		total += e.weight
	}
	r %= total
	for _, e := range w {
		if r < e.weight {
			return e.value
		}
		r -= e.weight
	}
	return w[len(w)-1].value
}

// splitmix64 spreads sequence numbers into well-mixed bits, deterministically.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

type intakeCustomer struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Tier  string `json:"tier"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

type intakeBody struct {
	ExternalID  string         `json:"external_id"`
	Channel     string         `json:"channel"`
	Customer    intakeCustomer `json:"customer"`
	Category    string         `json:"category"`
	Urgency     string         `json:"urgency"`
	Subject     string         `json:"subject"`
	Description string         `json:"description"`
}

// complaintBody is a realistic intake body; the mix is a function of seq.
func complaintBody(runID string, seq int64) []byte {
	h := splitmix64(uint64(seq))
	cust := h >> 40 % 50000
	b := intakeBody{
		ExternalID: "bench-" + runID + "-" + strconv.FormatInt(seq, 10),
		Channel:    complaint.Channels[h%uint64(len(complaint.Channels))],
		Customer: intakeCustomer{
			ID: "cust-" + strconv.FormatUint(cust, 10), Name: "张伟 " + strconv.FormatUint(cust, 10),
			Tier:  tierMix.pick(h >> 8),
			Phone: "+86 138 0013 " + fmt.Sprintf("%04d", cust%10000),
			Email: "customer" + strconv.FormatUint(cust, 10) + "@example.com",
		},
		Category: complaint.Categories[(h>>16)%uint64(len(complaint.Categories))],
		Urgency:  urgencyMix.pick(h >> 24),
		Subject:  subjects[(h>>32)%uint64(len(subjects))],
		Description: "物流慢，客服态度差 — the parcel is a week late, the tracking page has not moved since it left " +
			"the depot and nobody at the hotline could tell me where it is. I want a refund or a reshipment.",
	}
	out, _ := json.Marshal(b)
	return out
}

// runResult is one measured run of one contender.
type runResult struct {
	contender string
	requests  int
	errors    int
	firstErr  string
	elapsed   time.Duration
	latencies []time.Duration // successful requests only
	// Open loop only.
	rate        float64
	serviceLats []time.Duration  // from the actual send, for comparison
	maxLag      time.Duration    // how late the dispatcher sent a request
	cpuRun      cpuUsage         // CPU used while the requests ran
	cpu         cpuUsage         // CPU used by run + drain
	pgCPU       cpuUsage         // of it PostgreSQL's, by database (phase 1)
	tasks       taskCounts       // tasks the worker executed in run + drain (phase 1)
	server      *timerQueueStats // the Temporal server's counters over run + drain (phase 1; nil: n/a)
	timings     timings          // API handler and StartWorkflowExecution latencies during the run
	statements  []pgStatement    // -pg-statements: PostgreSQL's costliest over run + drain (phase 1)
	drain       time.Duration
}

func (r runResult) ok() int { return r.requests - r.errors }

func (r runResult) throughput() float64 { return float64(r.ok()) / r.elapsed.Seconds() }

// endToEnd is the rate at which the worker finished what the run started: from the
// first request until the worker caught up.
func (r runResult) endToEnd() float64 { return float64(r.ok()) / (r.elapsed + r.drain).Seconds() }

type errCounter struct {
	n     atomic.Int64
	mu    sync.Mutex
	first string
}

func (e *errCounter) add(err error) {
	if e.n.Add(1) == 1 {
		e.mu.Lock()
		e.first = err.Error()
		e.mu.Unlock()
	}
}

// closedLoop runs n requests from conc callers, each sending its next request as
// soon as the previous one answers: the sustainable throughput.
func closedLoop(ctx context.Context, c *contender, n, conc int, timeout time.Duration) runResult {
	lat := make([]time.Duration, n)
	okFlags := make([]bool, n)
	var next, attempted atomic.Int64
	var errs errCounter
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= n || ctx.Err() != nil {
					return
				}
				attempted.Add(1)
				t0 := time.Now()
				if err := c.call(ctx, timeout); err != nil {
					errs.add(err)
					continue
				}
				lat[k], okFlags[k] = time.Since(t0), true
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	res := runResult{contender: c.name, requests: int(attempted.Load()), errors: int(errs.n.Load()), firstErr: errs.first, elapsed: elapsed}
	for i, ok := range okFlags {
		if ok {
			res.latencies = append(res.latencies, lat[i])
		}
	}
	return res
}

// openLoop sends requests on a fixed schedule at rate per second for d, whatever
// the answers do, and times each from its scheduled send time, so a slow answer
// cannot hide the requests queued behind it (no coordinated omission).
func openLoop(ctx context.Context, c *contender, rate float64, d time.Duration, timeout time.Duration, maxInFlight int) runResult {
	n := int(math.Round(rate * d.Seconds()))
	lat := make([]time.Duration, n)
	svc := make([]time.Duration, n)
	okFlags := make([]bool, n)
	var errs errCounter
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxInFlight)
	interval := float64(time.Second) / rate
	start := time.Now().Add(20 * time.Millisecond)
	var maxLag time.Duration
	sent := 0
	for i := range n {
		sched := start.Add(time.Duration(float64(i) * interval))
		if wait := time.Until(sched); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		if lag := time.Since(sched); lag > maxLag {
			maxLag = lag
		}
		sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			if err := c.call(ctx, timeout); err != nil {
				errs.add(err)
				return
			}
			end := time.Now()
			lat[i], svc[i], okFlags[i] = end.Sub(sched), end.Sub(t0), true
		}()
	}
	wg.Wait()
	res := runResult{
		contender: c.name, requests: sent, errors: int(errs.n.Load()), firstErr: errs.first,
		elapsed: time.Since(start), rate: rate, maxLag: maxLag,
	}
	for i, ok := range okFlags {
		if ok {
			res.latencies = append(res.latencies, lat[i])
			res.serviceLats = append(res.serviceLats, svc[i])
		}
	}
	return res
}

// percentile is the nearest-rank percentile (p in 0..100) of the durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

type latencySummary struct {
	n                        int
	p50, p90, p95, p99, pmax time.Duration
	mean                     time.Duration
}

func summarize(lats []time.Duration) latencySummary {
	s := slices.Clone(lats)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	out := latencySummary{n: len(s)}
	if len(s) == 0 {
		return out
	}
	out.p50, out.p90, out.p95, out.p99, out.pmax = percentile(s, 50), percentile(s, 90), percentile(s, 95), percentile(s, 99), s[len(s)-1]
	out.mean = sum / time.Duration(len(s))
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
