// Package codec encrypts what complaintflow hands Temporal: every payload (workflow
// and activity inputs and results, signals, queries, updates, memos) and every
// failure's message, with AES-256-GCM, so Temporal's histories hold no customer's
// name, phone, e-mail or address in plaintext. The key's ID is in each payload's
// metadata: keys rotate by adding a new key first (it encrypts) and keeping the old
// ones (they still decrypt). Payloads that are not encrypted (histories written
// before, or by a process without keys) pass through, so they still decode and
// replay. Search attributes are not payloads: they carry IDs and codes only.
//
// Handler serves the codec to the Temporal Web UI (its remote codec protocol:
// POST …/encode and …/decode), so operators who hold a key see the payloads.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	// Encoding marks an encrypted payload (metadata "encoding").
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key that encrypted the payload.
	MetadataKeyID = "encryption-key-id"
)

// KeySize is the size of a key: AES-256.
const KeySize = 32

// Keys are the named keys; the first encrypts, all decrypt.
type Keys struct {
	active string
	aeads  map[string]cipher.AEAD
}

// ParseKeys reads TEMPORAL_PAYLOAD_KEYS: "id=base64key,id=base64key,…", the
// first the key that encrypts, each key 32 bytes in standard base64. Empty: no
// keys (Keys.Enabled is false).
func ParseKeys(spec string) (Keys, error) {
	ks := Keys{aeads: map[string]cipher.AEAD{}}
	for i, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, enc, ok := strings.Cut(item, "=")
		id = strings.TrimSpace(id)
		if !ok || id == "" {
			return Keys{}, fmt.Errorf("key %d: want id=base64key", i+1)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if err != nil || len(raw) != KeySize {
			return Keys{}, fmt.Errorf("key %q: want %d bytes in standard base64", id, KeySize)
		}
		if _, dup := ks.aeads[id]; dup {
			return Keys{}, fmt.Errorf("key %q is given twice", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return Keys{}, fmt.Errorf("key %q: %w", id, err)
		}
		if ks.aeads[id], err = cipher.NewGCM(block); err != nil {
			return Keys{}, fmt.Errorf("key %q: %w", id, err)
		}
		if ks.active == "" {
			ks.active = id
		}
	}
	return ks, nil
}

// Enabled tells whether there is a key to encrypt with.
func (ks Keys) Enabled() bool { return ks.active != "" }

// ActiveKeyID is the ID of the key that encrypts.
func (ks Keys) ActiveKeyID() string { return ks.active }

// Codec is the converter.PayloadCodec of the keys.
func (ks Keys) Codec() converter.PayloadCodec { return codec{ks} }

// DataConverter is the SDK's default converter with payloads encrypted.
func (ks Keys) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), ks.Codec())
}

// FailureConverter encrypts failures' messages and stack traces too: an error
// may quote what it failed on.
func (ks Keys) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: ks.DataConverter(), EncodeCommonAttributes: true,
	})
}

type codec struct{ ks Keys }

// Encode encrypts each payload, whole (metadata and data), under the active key.
func (c codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.ks.aeads[c.ks.active]
	if aead == nil {
		return nil, errors.New("codec: no key to encrypt with")
	}
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.ks.active),
			},
			// The key ID is bound to the ciphertext: a payload relabelled with
			// another key's ID does not decrypt.
			Data: aead.Seal(nonce, nonce, plain, []byte(c.ks.active)),
		}
	}
	return out, nil
}

// Decode decrypts the encrypted payloads with the key their metadata names and
// passes the others through.
func (c codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead := c.ks.aeads[id]
		if aead == nil {
			return nil, fmt.Errorf("codec: payload encrypted with key %q, which is not configured", id)
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, errors.New("codec: encrypted payload too short")
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("codec: payload does not decrypt with key %q", id)
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
	}
	return out, nil
}
