package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Personal data on a need-to-know basis on real servers (docs/privacy.md): the
// intake token reads what it filed in full; a quality token reads the phone masked
// and may not reveal it; the owner reads it masked too, reveals it, and the reveal
// is in the complaint's event log, once per reveal.
func TestPersonalDataIsMaskedAndRevealedOnRecord(t *testing.T) {
	s := newStack(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(hook.Close)
	s.directory(hook.URL) // logistics complaints go to ann, who reports to lee, max, dora
	ctx := context.Background()
	const phone, masked = "+86 138 0013 8000", "***8000"

	intake := s.token("intake")
	c := s.file(intake, "pii-e2e-1", apiclient.Medium, apiclient.Medium)
	if c.Customer.Phone == nil || *c.Customer.Phone != phone || c.PersonalData != apiclient.ComplaintPersonalDataFull {
		t.Fatalf("the filing token's answer: phone %v (%s), want it in full", c.Customer.Phone, c.PersonalData)
	}
	if c.Owner == nil || *c.Owner != "ann" {
		t.Fatalf("owner %v, want ann", c.Owner)
	}

	quality := s.api(s.token("quality"))
	got, err := quality.GetComplaintWithResponse(ctx, c.Id)
	s.want(200, got, err)
	if v := got.JSON200; v.Customer.Phone == nil || *v.Customer.Phone != masked || v.Customer.Name != "张*" ||
		v.PersonalData != apiclient.ComplaintPersonalDataMasked {
		t.Errorf("quality reads %s", got.Body)
	}
	refused, err := quality.RevealComplaintPersonalDataWithResponse(ctx, c.Id)
	s.want(403, refused, err)

	owner := s.api(s.personToken("agent", "ann"))
	got, err = owner.GetComplaintWithResponse(ctx, c.Id)
	s.want(200, got, err)
	if v := got.JSON200.Customer; v.Phone == nil || *v.Phone != masked {
		t.Errorf("the owner reads phone %v before revealing it, want %s", v.Phone, masked)
	}
	revealed, err := owner.RevealComplaintPersonalDataWithResponse(ctx, c.Id)
	s.want(200, revealed, err)
	r := revealed.JSON200
	if r.Customer.Phone == nil || *r.Customer.Phone != phone || r.Customer.Name != "张伟" || r.RevealedBy != "ann" {
		t.Errorf("the owner's reveal: %s", revealed.Body)
	}
	manager, err := s.api(s.personToken("manager", "max")).RevealComplaintPersonalDataWithResponse(ctx, c.Id)
	s.want(200, manager, err)

	events, err := quality.ListComplaintEventsWithResponse(ctx, c.Id)
	s.want(200, events, err)
	var by []string
	for _, e := range events.JSON200.Items {
		if e.Kind != "personal_data_revealed" {
			continue
		}
		by = append(by, e.Actor)
		raw, _ := json.Marshal(e.Data)
		var data struct {
			Fields []string `json:"fields"`
		}
		if err := json.Unmarshal(raw, &data); err != nil || !slices.Equal(data.Fields, []string{"name", "phone", "email"}) {
			t.Errorf("reveal event data %s, want fields name, phone, email", raw)
		}
		if e.OccurredAt.IsZero() {
			t.Errorf("reveal event without a time: %s", raw)
		}
	}
	if !slices.Equal(by, []string{"ann", "max"}) {
		t.Errorf("reveal events by %v, want ann then max, once each", by)
	}
}
