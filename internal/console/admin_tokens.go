package console

import (
	"net/http"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

var (
	tokenFields = []string{"name", "role", "person_id", "expires_in"}
	tokenRoles  = func() []string {
		out := make([]string, len(auth.Roles))
		for i, r := range auth.Roles {
			out[i] = string(r)
		}
		return out
	}()
)

func (c *Console) tokens(w http.ResponseWriter, r *http.Request) {
	c.showTokens(w, r, http.StatusOK, adminForm{}, nil)
}

// showTokens renders the tokens; secret is a token just created or rotated, whose
// secret this answer shows once (the page is not cached and not redirected to).
func (c *Console) showTokens(w http.ResponseWriter, r *http.Request, status int, form adminForm, secret *apiclient.IssuedToken) {
	var tokens page[apiclient.Token]
	limit := apiclient.Limit(200)
	ref, err := into(&tokens)(c.client.ListTokens(r.Context(), &apiclient.ListTokensParams{Limit: &limit}))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if form.Input == nil {
		form.Input = map[string]string{"role": "agent"}
	}
	c.renderAdmin(w, r, status, "tokens", ref, form, map[string]any{"Tokens": tokens.Items, "Roles": tokenRoles, "Secret": secret})
}

// createToken creates a token and shows its secret once.
func (c *Console) createToken(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, tokenFields...)
	body := map[string]any{"name": in["name"], "role": in["role"]}
	setIfGiven(body, in, "person_id", "expires_in")
	var created apiclient.IssuedToken
	ref, err := into(&created)(c.client.CreateTokenWithBody(r.Context(), "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showTokens(w, r, ref.Status, adminForm{Name: "token", Refusal: ref, Input: in}, nil)
		return
	}
	c.showTokens(w, r, http.StatusCreated, adminForm{}, &created)
}

// tokenAction rotates a token and shows the new secret once (revoking goes through
// the confirmation page, confirm.go).
func (c *Console) tokenAction(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	if err != nil || r.PathValue("action") != "rotate" {
		http.Error(w, "no such token action", http.StatusNotFound)
		return
	}
	var rotated apiclient.IssuedToken
	ref, err := into(&rotated)(c.client.RotateTokenWithBody(r.Context(), id, "application/json", jsonBody(map[string]any{})))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showTokens(w, r, ref.Status, adminForm{Name: "token-" + id.String(), Refusal: ref}, nil)
		return
	}
	c.showTokens(w, r, http.StatusOK, adminForm{}, &rotated)
}
