package console

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// keyField is the hidden field of every form that runs a workflow action (or opens a
// risk alert). Its value, made when the form is drawn, goes to the API bound to
// what the form sends (sentKey) as the action's Idempotency-Key: a double click, the
// browser's "resend", or sending the form again as it came back after "not
// confirmed" (503) is the same action, applied at most once; the form edited before
// it is sent again is another action, with a key of its own — with the same key the
// API would answer the first one's outcome for it (docs/console.md).
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

// withKey passes the form's key, bound to its input (sentKey), on as the request's
// Idempotency-Key (none if the form had none, as a hand-made request may).
func withKey(r *http.Request) apiclient.RequestEditorFn {
	key := sentKey(r)
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

// keySpace is the name space of the keys sentKey makes.
var keySpace = uuid.MustParse("6f1c2f7e-4c1b-4d8e-9a57-3e2f0c9b7a10")

// sentKey is the Idempotency-Key a form goes with: a name-based UUID of the key it
// was drawn with and every field it sends (its values trimmed, as the console sends
// them; the CSRF token, which a new sign-in changes, left out). The same form sent
// again as it was is the same key; edited, another one. "" for a form without a key.
func sentKey(r *http.Request) string {
	form := r.PostFormValue(keyField)
	if form == "" {
		return ""
	}
	names := make([]string, 0, len(r.PostForm))
	for n := range r.PostForm {
		if n != keyField && n != "csrf" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(strconv.Quote(form))
	for _, n := range names {
		b.WriteString("\n" + strconv.Quote(n))
		for _, v := range r.PostForm[n] {
			b.WriteString(" " + strconv.Quote(strings.TrimSpace(v)))
		}
	}
	return uuid.NewSHA1(keySpace, []byte(b.String())).String()
}
