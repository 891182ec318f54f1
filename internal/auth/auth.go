// Package auth issues and checks API bearer tokens. Secrets are random, shown once,
// and stored only as SHA-256 hashes: a high-entropy secret needs no slow hash, and a
// leaked table reveals no usable token.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
)

// Role is what a token may do.
type Role string

// Roles, from DESIGN.md's users.
const (
	RoleIntake  Role = "intake"
	RoleAgent   Role = "agent"
	RoleManager Role = "manager"
	RoleQuality Role = "quality"
	RoleAdmin   Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleIntake, RoleAgent, RoleManager, RoleQuality, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Principal is the caller behind a token.
type Principal struct {
	TokenID string
	Name    string
	Role    Role
	// PersonID is the directory person the token acts for; "" for a token that
	// belongs to a system (an intake channel, a script) rather than a person.
	PersonID string
	// IntegrationID is the intake integration the token files complaints for; ""
	// when it files for none.
	IntegrationID string
}

// Actor is the identity recorded on the principal's actions and checked by
// manager-approval validators: the person when the token has one, else its name.
func (p Principal) Actor() string {
	if p.PersonID != "" {
		return p.PersonID
	}
	return p.Name
}

// Allowed reports whether the principal holds one of the roles.
func (p Principal) Allowed(roles ...Role) bool { return slices.Contains(roles, p.Role) }

// NewSecret returns a fresh token secret: "cf_" and 32 random bytes, URL-safe.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return "cf_" + base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the stored form of a secret.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
