package console

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// keyField is the hidden field of every form that runs a workflow action (or opens a
// risk alert). Its value, made when the form is drawn, goes to the API as the
// action's Idempotency-Key: a double click, the browser's "resend", or sending the
// form again after "not confirmed" (503) is the same action, applied at most once
// (docs/console.md).
const keyField = "idempotency_key"

// actionKey is the key a form is drawn with: the one it was sent with when it comes
// back refused or unconfirmed (form is the form answered, mine this one), so
// sending it again repeats that action; otherwise a fresh one.
func actionKey(form, mine string, input map[string]string) string {
	if form == mine {
		if k := input[keyField]; k != "" {
			return k
		}
	}
	return uuid.NewString()
}

// withKey passes the form's key on as the request's Idempotency-Key (none if the
// form had none, as a hand-made request may).
func withKey(r *http.Request) apiclient.RequestEditorFn {
	key := r.PostFormValue(keyField)
	return func(_ context.Context, req *http.Request) error {
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		return nil
	}
}

// keepKey adds the form's key to its input, so a refused or unconfirmed form is
// drawn again with the key it was sent with.
func keepKey(r *http.Request, input map[string]string) map[string]string {
	input[keyField] = r.PostFormValue(keyField)
	return input
}
