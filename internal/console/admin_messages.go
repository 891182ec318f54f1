package console

import (
	"net/http"
	"net/url"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// messages lists the customer texts per locale (docs/messages.md); ?key=&locale=
// opens one in the edit form.
func (c *Console) messageTemplates(w http.ResponseWriter, r *http.Request) {
	c.showMessageTemplates(w, r, http.StatusOK, adminForm{})
}

func (c *Console) showMessageTemplates(w http.ResponseWriter, r *http.Request, status int, form adminForm) {
	var list page[apiclient.MessageTemplate]
	ref, err := into(&list)(c.client.ListMessageTemplates(r.Context()))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var editing *apiclient.MessageTemplate
	key, locale := r.URL.Query().Get("key"), r.URL.Query().Get("locale")
	if form.Input != nil {
		key, locale = form.Input["key"], form.Input["locale"]
	}
	for i, t := range list.Items {
		if t.Key == key && string(t.Locale) == locale {
			editing = &list.Items[i]
		}
	}
	if editing != nil && form.Input == nil {
		form.Input = map[string]string{"key": editing.Key, "locale": string(editing.Locale), "subject": editing.Subject, "body": editing.Body}
	}
	c.renderAdmin(w, r, status, "messages", ref, form, map[string]any{"Templates": list.Items, "Editing": editing})
}

// putMessageTemplate changes one customer text, against the version the form was
// drawn with; the API's refusal (a template that does not parse, an unknown
// variable, a text changed elsewhere) is shown with what was typed.
func (c *Console) putMessageTemplate(w http.ResponseWriter, r *http.Request) {
	in := formValues(r, "key", "locale", "subject", "body")
	in["body"] = r.PostFormValue("body") // a template's line breaks and spaces are its own
	body := map[string]any{"subject": in["subject"], "body": in["body"]}
	ref, err := into(nil)(c.client.PutMessageTemplateWithBody(r.Context(), in["key"], in["locale"],
		&apiclient.PutMessageTemplateParams{IfMatch: drawnVersion(r)}, "application/json", jsonBody(body)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showMessageTemplates(w, r, ref.Status, adminForm{Name: "message", Refusal: ref, Input: in})
		return
	}
	http.Redirect(w, r, "/console/admin/messages?key="+url.QueryEscape(in["key"])+"&locale="+url.QueryEscape(in["locale"])+"#message-form", http.StatusSeeOther)
}
