package e2e_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/codec"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/internal/survey"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// A complaint's whole life — filed with the customer's name, phone, e-mail and
// address, acknowledged, resolved, surveyed by e-mail, answered through the link,
// closed — leaves none of that personal data and not the survey link's token in
// Temporal: the histories of its workflows, read through a client without the key,
// hold them in no payload, failure, memo or search attribute — nor, decoded with the
// key, in any payload: workflows carry IDs, not values, and the token is signed at
// send time (docs/privacy.md). The notification rows hold the link masked only; the
// customer's e-mail holds it in full.
func TestTemporalHistoriesHoldNoPersonalDataNorSurveyLinks(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newStack(t, notify.SMTP{Addr: mails.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone})
	agent := s.token("agent")
	ctx := context.Background()

	req := complaintRequest("pii-in-temporal", apiclient.Medium, apiclient.Medium)
	const name, address = "欧阳娜娜", "上海市浦东新区世纪大道100号"
	req.Customer.Name, req.Customer.Address = name, ptr(address)
	filed, err := s.api(adminToken).FileComplaintWithResponse(ctx, req)
	s.want(201, filed, err)
	id := filed.JSON201.Id
	api := s.api(agent)
	ack, err := api.AcknowledgeComplaintWithResponse(ctx, id, nil, apiclient.AcknowledgeRequest{Message: "非常抱歉，我们马上处理"})
	s.want(200, ack, err)
	res, err := api.ResolveComplaintWithResponse(ctx, id, nil,
		apiclient.ResolveRequest{Summary: "Reshipped by express", RootCause: "Parcel lost at the depot"})
	s.want(200, res, err)
	token := strings.TrimPrefix(s.awaitSurveyPath(mails, 0), "/v1/surveys/")
	answered, err := s.api("").AnswerSurveyWithResponse(ctx, token, apiclient.SurveyAnswerRequest{Csat: 5, Solved: true})
	s.want(200, answered, err)
	complaintWF, surveyWF := workflows.ComplaintWorkflowID(id.String()), workflows.SurveyWorkflowID(id.String(), 0)
	for _, wf := range []string{complaintWF, surveyWF} {
		if err := s.temporal.GetWorkflow(ctx, wf, "").Get(ctx, nil); err != nil {
			t.Fatalf("%s: %v", wf, err)
		}
	}

	raw, err := client.Dial(client.Options{HostPort: testenv.Temporal(t), Namespace: "default", Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	secrets := map[string]string{
		"name": name, "phone": *req.Customer.Phone, "e-mail": string(*req.Customer.Email), "address": address,
		"survey token": token, "survey token's signature": token[strings.Index(token, ".")+1:],
	}
	for _, wf := range []string{complaintWF, surveyWF} {
		encrypted := 0
		iter := raw.GetWorkflowHistory(ctx, wf, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			e, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			// The wire form holds every string and every payload's bytes as they are.
			b, err := proto.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			for what, secret := range secrets {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s: event %d (%s) holds the customer's %s", wf, e.GetEventId(), e.GetEventType(), what)
				}
			}
			if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
				for _, p := range a.GetInput().GetPayloads() {
					if string(p.GetMetadata()[converter.MetadataEncoding]) == codec.Encoding {
						encrypted++
					}
				}
			}
		}
		if encrypted == 0 {
			t.Errorf("%s: no encrypted activity input: the histories were not encrypted at all", wf)
		}
	}
	s.checkDecodedHistories(secrets, complaintWF, surveyWF)
	// With the key, the same history replays (checkHistory decrypts).
	s.checkHistory(complaintWF, "secrets_complaint_survey_encrypted")
	s.checkHistory(surveyWF, "secrets_feedback_answered_encrypted")

	var full, masked int
	if err := s.store.DB().Get(&full, `SELECT count(*) FROM notifications WHERE strpos(body, $1) > 0`, token); err != nil {
		t.Fatal(err)
	}
	if err := s.store.DB().Get(&masked, `SELECT count(*) FROM notifications WHERE strpos(body, $1) > 0`, survey.MaskedToken(token)); err != nil {
		t.Fatal(err)
	}
	if full != 0 || masked != 1 {
		t.Errorf("notification rows: %d hold the token, %d the masked link; want 0 and 1", full, masked)
	}
	listed := s.must(200, s.do("GET", "/v1/notifications?complaint_id="+id.String(), adminToken, nil))
	if strings.Contains(listed.raw, token) || !strings.Contains(listed.raw, survey.MaskedToken(token)) {
		t.Errorf("GET /v1/notifications shows the token or no masked link: %s", listed.raw)
	}
}

// checkDecodedHistories reads the workflows' histories through a client that
// decodes every payload with the key (the codec the Web UI's codec endpoint uses),
// as an operator holding the key would, and finds none of the secrets in any event:
// the encryption is the second defence, not the one that keeps them out. It checks
// the decoding happened: no payload is left encrypted, and the resolution's summary,
// free text that is in the history only encrypted, reads in plaintext.
func (s *stack) checkDecodedHistories(secrets map[string]string, workflowIDs ...string) {
	s.t.Helper()
	ctx := context.Background()
	keys, err := codec.ParseKeys(testenv.PayloadKeys)
	if err != nil {
		s.t.Fatal(err)
	}
	decode, err := converter.NewPayloadCodecGRPCClientInterceptor(converter.PayloadCodecGRPCClientInterceptorOptions{
		Codecs: []converter.PayloadCodec{keys.Codec()}})
	if err != nil {
		s.t.Fatal(err)
	}
	keyed, err := client.Dial(client.Options{HostPort: testenv.Temporal(s.t), Namespace: "default",
		Logger:            tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
		ConnectionOptions: client.ConnectionOptions{DialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(decode)}}})
	if err != nil {
		s.t.Fatal(err)
	}
	defer keyed.Close()
	const summary = "Reshipped by express" // the resolution's, typed by staff
	plain := 0
	for _, wf := range workflowIDs {
		iter := keyed.GetWorkflowHistory(ctx, wf, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			e, err := iter.Next()
			if err != nil {
				s.t.Fatal(err)
			}
			b, err := proto.Marshal(e)
			if err != nil {
				s.t.Fatal(err)
			}
			if bytes.Contains(b, []byte(codec.Encoding)) {
				s.t.Errorf("%s: event %d (%s) is still encrypted through the keyed client", wf, e.GetEventId(), e.GetEventType())
			}
			if bytes.Contains(b, []byte(summary)) {
				plain++
			}
			for what, secret := range secrets {
				if bytes.Contains(b, []byte(secret)) {
					s.t.Errorf("%s: event %d (%s), decoded, holds the customer's %s", wf, e.GetEventId(), e.GetEventType(), what)
				}
			}
		}
	}
	if plain == 0 {
		s.t.Errorf("no decoded event holds the resolution summary %q: the histories were not decoded", summary)
	}
}
