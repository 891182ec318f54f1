// Package privacy is the one rule for a customer's personal data (seed 002 §1.4,
// "minimum necessary"): how a phone, an e-mail, an address or a name is masked,
// wherever it is shown (API views, staff notices, logs), and who may see it in full.
// It is stateless and does no I/O: the API and the activities both call it.
package privacy

import (
	"regexp"
	"strings"
)

// Contacts are a customer's personal fields as stored; "" for an absent one.
type Contacts struct {
	Name    string
	Phone   string
	Email   string
	Address string
}

// Masked returns the contacts with every present field masked; absent fields stay "".
func (c Contacts) Masked() Contacts {
	out := Contacts{}
	if c.Name != "" {
		out.Name = Name(c.Name)
	}
	if c.Phone != "" {
		out.Phone = Phone(c.Phone)
	}
	if c.Email != "" {
		out.Email = Email(c.Email)
	}
	if c.Address != "" {
		out.Address = Address(c.Address)
	}
	return out
}

// Fields names the fields present, in a fixed order: what a reveal shows.
func (c Contacts) Fields() []string {
	fields := []string{}
	for _, f := range []struct{ name, value string }{
		{FieldName, c.Name}, {FieldPhone, c.Phone}, {FieldEmail, c.Email}, {FieldAddress, c.Address},
	} {
		if f.value != "" {
			fields = append(fields, f.name)
		}
	}
	return fields
}

// The personal fields, as the API and the reveal event name them.
const (
	FieldName    = "name"
	FieldPhone   = "phone"
	FieldEmail   = "email"
	FieldAddress = "address"
)

// Redact hides the customer's own contacts wherever they appear verbatim in free
// text (a description quoting the phone number), leaving all else as it is.
func Redact(s string, c Contacts) string {
	for _, r := range [][2]string{
		{c.Address, Address(c.Address)},
		{c.Email, Email(c.Email)},
		{c.Phone, Phone(c.Phone)},
	} {
		if r[0] != "" {
			s = strings.ReplaceAll(s, r[0], r[1])
		}
	}
	return s
}

// OwnNotice is what staff may read of a notice to the customer — a callback's
// message, a notice that fell back to the log: it names the customer ("Dear 张伟"),
// so the name is masked too, then everything Staff masks.
func OwnNotice(s string, c Contacts) string {
	if c.Name != "" {
		s = strings.ReplaceAll(s, c.Name, Name(c.Name))
	}
	return Staff(s, c)
}

// ForAnalysis is text as classification reads it: without the customer's own
// contacts or any e-mail address, each left out (a space in its place). The keywords
// found there are shown to every role and feed the heat map, so "建国路" of a
// redacted address or "zhang" of a masked e-mail must not come back as keywords.
func ForAnalysis(s string, c Contacts) string {
	for _, v := range []string{c.Address, c.Email, c.Phone} {
		if v != "" {
			s = strings.ReplaceAll(s, v, " ")
		}
	}
	if len([]rune(strings.TrimSpace(c.Name))) >= 2 { // one character is no name to find
		s = strings.ReplaceAll(s, c.Name, " ")
	}
	return emailPattern.ReplaceAllString(s, " ")
}

// Staff is what a notice to staff may say: the customer's own contacts redacted,
// then anything else shaped like a phone number or an e-mail masked (Text).
func Staff(s string, c Contacts) string {
	return Text(Redact(s, c))
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// Seven or more digits, possibly split by spaces, dashes, dots or brackets, with
	// an optional leading +: phone numbers in the formats customers type them. UUIDs,
	// dates (with an optional time) and IPv4 addresses (with an optional port) come
	// first in the alternation and are kept: complaint IDs, deadlines and the
	// addresses in logs look like phone numbers to the last part ("127.0.0.1:8333"
	// became "***7001:8333").
	phonePattern = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}` +
		`|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?` +
		`|\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b(?::\d{1,5}\b)?` +
		`|(\+?\d[\d\s\-().]{5,}\d)`)
	// A link runs over the characters a URL may hold (RFC 3986) and ends at the
	// first it may not: white space, or in Chinese text the full-width punctuation
	// or the next character, which follow a link without a space.
	linkPattern = regexp.MustCompile(`https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`)
)

// Text hides e-mail addresses and phone numbers inside free text (PIPL: personal
// data must not leak into logs or notices to staff). Links are kept whole: a host
// like 127.0.0.1 or a signed token is not a phone number, and a mangled link is
// useless to whoever must open it — up to the first character a URL cannot hold,
// so what follows a link in Chinese text, with no space between, is still masked.
func Text(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range linkPattern.FindAllStringIndex(s, -1) {
		if strings.Contains(s[loc[0]:loc[1]], "@") {
			continue // a link with an e-mail address in it is masked as text
		}
		b.WriteString(maskPlain(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(maskPlain(s[last:]))
	return b.String()
}

func maskPlain(s string) string {
	s = emailPattern.ReplaceAllStringFunc(s, Email)
	return phonePattern.ReplaceAllStringFunc(s, func(m string) string {
		if sub := phonePattern.FindStringSubmatch(m); sub[1] != m {
			return m // a UUID, a date or an IP address
		}
		return Phone(m)
	})
}

// Phone keeps the last four digits: "+86 138 0013 8000" → "***8000".
func Phone(p string) string {
	digits := make([]rune, 0, len(p))
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) <= 4 {
		return "***"
	}
	return "***" + string(digits[len(digits)-4:])
}

// Email keeps the first letter and the domain: "li.lei@example.com" → "l***@example.com".
func Email(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	return string([]rune(local)[:1]) + "***@" + domain
}

// Address keeps the start of a postal address, the region, up to six characters
// and never more than half: "北京市朝阳区建国路88号" → "北京市朝阳区***".
func Address(a string) string {
	r := []rune(strings.TrimSpace(a))
	return string(r[:min(6, len(r)/2)]) + "***"
}

// Name keeps the first character: "Li Lei" → "L*", "李雷" → "李*". A name is
// personal data too (it identifies the customer); the first character is enough
// for staff to tell two customers of one list apart.
func Name(n string) string {
	r := []rune(strings.TrimSpace(n))
	if len(r) == 0 {
		return "*"
	}
	return string(r[:1]) + "*"
}
