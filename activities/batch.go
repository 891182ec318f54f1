package activities

import (
	"context"
	"errors"
	"sync"

	"go.temporal.io/sdk/temporal"
)

// NotifyAll delivers several notices of one moment (a breach and the ladder level it
// reaches) in one activity, each under its own keys, so a retry repeats only what is
// not yet sent. It fails retryably while any notice may still go out. The notices
// to resume (Notice.Resume: the warnings a late wake-up superseded) are looked up
// together, one read per complaint, so shedding them stays cheap.
func (a *Activities) NotifyAll(ctx context.Context, notices []Notice) error {
	var jobs []func() error
	resumes := map[string][]string{} // complaint → event keys
	for _, n := range notices {
		if n.Resume {
			if len(resumes[n.ComplaintID]) == 0 { // one job per complaint; it reads the keys once all are gathered
				jobs = append(jobs, func() error { return a.resume(ctx, n.ComplaintID, resumes[n.ComplaintID]...) })
			}
			resumes[n.ComplaintID] = append(resumes[n.ComplaintID], n.EventKey)
			continue
		}
		jobs = append(jobs, func() error { return a.Notify(ctx, n) })
	}
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() { errs[i] = job() })
	}
	wg.Wait()
	var retry, failed []error
	for _, err := range errs {
		var appErr *temporal.ApplicationError
		switch {
		case err == nil:
		case errors.As(err, &appErr) && appErr.NonRetryable():
			failed = append(failed, err)
		default:
			retry = append(retry, err)
		}
	}
	return settle(retry, failed)
}
