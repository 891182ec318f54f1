package activities

import (
	"context"
	"errors"
	"sync"

	"go.temporal.io/sdk/temporal"
)

// NotifyAll delivers several notices of one moment (a breach and the ladder level it
// reaches) in one activity, each under its own keys, so a retry repeats only what is
// not yet sent. It fails retryably while any notice may still go out.
func (a *Activities) NotifyAll(ctx context.Context, notices []Notice) error {
	errs := make([]error, len(notices))
	var wg sync.WaitGroup
	for i, n := range notices {
		wg.Go(func() { errs[i] = a.Notify(ctx, n) })
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
	if len(retry) > 0 {
		return errors.Join(retry...)
	}
	if len(failed) > 0 {
		return temporal.NewNonRetryableApplicationError(errors.Join(failed...).Error(), ErrTypeNotificationFailed, nil)
	}
	return nil
}
