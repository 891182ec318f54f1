package e2e_test

import (
	"testing"
	"time"
)

// TestIntakeSystemsFileTheSameExternalIDAndEachIsCalledBack: two intake systems,
// each with a token bound to its integration, file the same external_id with the
// same body: two complaints, and each acknowledgement reaches its own system only.
// Feedback a bound token sends becomes a complaint of that system, under
// "feedback:" and the feedback's own external_id, and is called back too.
func TestIntakeSystemsFileTheSameExternalIDAndEachIsCalledBack(t *testing.T) {
	systems := map[string]*intakeSystem{"crm": startIntakeSystem(t), "shop": startIntakeSystem(t)}
	s := newStack(t)
	tokens := map[string]string{}
	for name, in := range systems {
		reg := s.must(201, s.do("PUT", "/v1/integrations/"+name, adminToken,
			map[string]string{"name": name, "callback_url": in.URL + "/complaintflow"}))
		in.setSecret(reg.body["secret"].(string))
		tokens[name] = s.must(201, s.do("POST", "/v1/tokens", adminToken,
			map[string]string{"role": "intake", "name": name + "-intake", "integration_id": name})).body["token"].(string)
	}
	agent := s.token("agent")

	filed := map[string]string{}
	for name := range systems {
		c := s.must(201, s.do("POST", "/v1/complaints", tokens[name], complaintBody("order-1", "medium", "medium")))
		if c.body["integration_id"] != name {
			t.Fatalf("%s filed: %s, want a complaint of its own", name, c.raw)
		}
		filed[name] = c.body["id"].(string)
	}
	if filed["crm"] == filed["shop"] {
		t.Fatalf("both systems' order-1 is complaint %s", filed["crm"])
	}
	fb := s.must(201, s.do("POST", "/v1/feedback", tokens["crm"],
		map[string]any{"external_id": "fb-1", "kind": "rating", "channel": "app", "rating": 1, "text": "送货太慢了，等了一个星期"}))
	fromFeedback, _ := fb.body["complaint_id"].(string)
	if fromFeedback == "" {
		t.Fatalf("crm's rating 1: %s, want a complaint", fb.raw)
	}
	found := items(s.must(200, s.do("GET", "/v1/complaints?external_id=feedback:fb-1", tokens["crm"], nil)))
	if len(found) != 1 || found[0]["id"] != fromFeedback || found[0]["integration_id"] != "crm" {
		t.Errorf("crm looks up feedback:fb-1: %v, want its complaint %s", found, fromFeedback)
	}

	for _, id := range []string{filed["crm"], filed["shop"], fromFeedback} {
		s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", agent, map[string]string{"message": "非常抱歉，我们马上处理"}))
	}
	want := map[string][]string{"crm": {filed["crm"], fromFeedback}, "shop": {filed["shop"]}}
	eventually(t, 30*time.Second, "each system's acknowledgements", func() bool {
		return len(systems["crm"].ofKind("acknowledged")) >= 2 && len(systems["shop"].ofKind("acknowledged")) >= 1
	})
	time.Sleep(2 * time.Second) // a callback to the wrong system would come with the others
	for name, in := range systems {
		got := map[string]string{}
		for _, c := range in.ofKind("acknowledged") {
			got[c.payload.ComplaintID] = c.payload.ExternalID
		}
		if len(got) != len(want[name]) || len(in.ofKind("acknowledged")) != len(want[name]) {
			t.Errorf("%s received acknowledgements of %v, want exactly %v", name, got, want[name])
		}
		for _, id := range want[name] {
			if ext, ok := got[id]; !ok || (id == fromFeedback) != (ext == "feedback:fb-1") || (id != fromFeedback && ext != "order-1") {
				t.Errorf("%s: acknowledgement of %s with external_id %q (received: %v)", name, id, ext, got)
			}
		}
	}
}
