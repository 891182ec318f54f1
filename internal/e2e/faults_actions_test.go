package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// act posts an agent action with an Idempotency-Key and returns the status, the
// Retry-After header and how long the answer took.
func (f *faultStack) act(token, id, action, key string, body any) (status int, retryAfter string, took time.Duration, raw string) {
	f.t.Helper()
	status, retryAfter, took, raw, err := tryAct(f.url, token, id, action, key, body)
	if err != nil {
		f.t.Fatalf("%s: no HTTP answer after %v: %v", action, took, err)
	}
	return status, retryAfter, took, raw
}

// tryAct is act without failing the test, for goroutines.
func tryAct(url, token, id, action, key string, body any) (status int, retryAfter string, took time.Duration, raw string, err error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/complaints/"+id+"/"+action, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	start := time.Now()
	c := http.Client{Timeout: 2 * time.Minute}
	res, err := c.Do(req)
	took = time.Since(start)
	if err != nil {
		return 0, "", took, "", err
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Retry-After"), took, string(out), nil
}

// Defect 2: an action while no worker polls is answered within a bound — a 503
// with Retry-After — and a retry with the same Idempotency-Key gets the action's
// outcome once a worker is back: applied once, never a 409 for itself, also when
// the action (close) ended the workflow before the retry came.
func TestFaultsActionWithoutAWorkerIsAnsweredAndItsRetryGetsTheOutcome(t *testing.T) {
	f := newFaultStack(t, faultOptions{})
	f.putPolicy(apiclient.Medium, apiclient.Medium, noLadder(apiclient.PutPolicyRequest{FirstResponse: "1h", Resolution: ptr("24h")}))
	agent := f.agent
	id := f.file(adminToken, "no-worker-1", apiclient.Medium, apiclient.Medium).Id.String()
	eventually(t, time.Minute, "the complaint opened", func() bool { return f.count(id, "opened") == 1 })

	f.killWorker()
	ack := map[string]string{"message": "We are on it"}
	status, retry, took, raw := f.act(agent, id, "acknowledge", "ack-1", ack)
	if status != http.StatusServiceUnavailable || retry == "" || !strings.Contains(raw, `"code":"unconfirmed"`) {
		t.Fatalf("acknowledge without a worker: HTTP %d, Retry-After %q, want 503 unconfirmed with Retry-After: %s", status, retry, raw)
	}
	if took > 20*time.Second {
		t.Errorf("acknowledge without a worker answered after %v, want within the 10 s bound (and slack)", took)
	}
	firstAnswer := took
	answered503 := 1
	// Still no worker: the retry is the same update, and the same answer.
	if status, retry, _, raw = f.act(agent, id, "acknowledge", "ack-1", ack); status != http.StatusServiceUnavailable || retry == "" {
		t.Fatalf("retry without a worker: HTTP %d, want 503 with Retry-After: %s", status, raw)
	}
	answered503++

	f.startWorker()
	f.waitReady(2*time.Minute, "the worker", "http://"+f.workerAt+"/readyz")
	for range 2 {
		if status, _, _, raw = f.act(agent, id, "acknowledge", "ack-1", ack); status != http.StatusOK {
			t.Fatalf("retry with the same key after the worker returned: HTTP %d, want 200: %s", status, raw)
		}
	}
	if n := f.count(id, "acknowledged"); n != 1 {
		t.Errorf("%d acknowledged events, want 1", n)
	}

	resolution := map[string]string{"summary": "Reshipped by express", "root_cause": "Parcel lost at the depot"}
	if status, _, _, raw = f.act(agent, id, "resolve", "resolve-1", resolution); status != http.StatusOK {
		t.Fatalf("resolve: HTTP %d, want 200: %s", status, raw)
	}
	// The worker goes again; a close waits for it, is applied when it returns (the
	// workflow ends with it), and its retry is answered 200, not "closed" 409.
	f.killWorker()
	closing := map[string]string{"reason": "customer withdrew"}
	if status, retry, _, raw = f.act(agent, id, "close", "close-1", closing); status != http.StatusServiceUnavailable || retry == "" {
		t.Fatalf("close without a worker: HTTP %d, want 503 with Retry-After: %s", status, raw)
	}
	answered503++
	f.startWorker()
	workerBack := time.Now()
	// The client retries with its key until it hears the outcome; whether the
	// returning worker ran the waiting update or the retry did, it is one close.
	deadline := time.Now().Add(2 * time.Minute)
	for status != http.StatusOK {
		if status != http.StatusServiceUnavailable {
			t.Fatalf("retry of the close with its key: HTTP %d, want 503 then 200: %s", status, raw)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the close was not confirmed within 2 minutes of the worker's return: %s", raw)
		}
		answered503++
		time.Sleep(time.Second)
		status, _, _, raw = f.act(agent, id, "close", "close-1", closing)
	}
	closeConfirmed := time.Since(workerBack)
	// The workflow has ended with the close; its retry still gets the outcome.
	eventually(t, time.Minute, "the closed event", func() bool { return f.count(id, "closed") == 1 })
	if status, _, _, raw = f.act(agent, id, "close", "close-1", closing); status != http.StatusOK {
		t.Fatalf("retry of the applied close with its key: HTTP %d, want 200: %s", status, raw)
	}
	// A different key is a different action: the complaint is closed.
	if status, _, _, raw = f.act(agent, id, "close", "close-2", closing); status != http.StatusConflict {
		t.Errorf("a new close of a closed complaint: HTTP %d, want 409: %s", status, raw)
	}
	if n := f.count(id, "closed"); n != 1 {
		t.Errorf("%d closed events, want 1", n)
	}
	t.Logf("figures: no worker: actions 2, 503 answers %d (the first after %v, Retry-After %s), applied once each; close confirmed to its retry %v after the worker started",
		answered503, firstAnswer.Round(10*time.Millisecond), retry, closeConfirmed.Round(100*time.Millisecond))
}
