package complaint_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// A name a history would show as the system's or the customer's is theirs, however
// it is cased or padded, invisible characters (default-ignorable code points)
// included; a name that only contains one is a person's.
func TestReservedActorIsWhatReadsAsOne(t *testing.T) {
	for id, want := range map[string]bool{
		complaint.ActorSystem: true, complaint.ActorCustomer: true,
		" system": true, "System": true, "SYSTEM ": true, "customer\t": true, "\u200bsystem": true,
		"ｓｙｓｔｅｍ": true, "\u3000Customer\n": true,
		// Default-ignorable beyond the format characters: a combining grapheme joiner,
		// the Hangul fillers, a variation selector, a tag.
		"system\u034F": true, "system\u3164": true, "system\u115F": true, "sys\u1160tem": true, "system\uFFA0": true,
		"\uFE0Fcustomer": true, "customer\U000E0100": true, "system\U000E0041": true, "\u17B4system": true,
		"system-bot": false, "the system": false, "sys tem": false, "customers": false, "cass": false, "": false,
	} {
		if got := complaint.ReservedActor(id); got != want {
			t.Errorf("ReservedActor(%q) = %v, want %v", id, got, want)
		}
	}
}

// Only white space and default-ignorable code points are trimmed from a name's ends.
func TestTrimInvisible(t *testing.T) {
	for in, want := range map[string]string{
		"ops": "ops", " ops\t": "ops", "\u200bops": "ops", "ops\u034F": "ops", "\u3164ops\uFFA0": "ops",
		"\uFE0Fops\U000E0100": "ops", "o\u200bps": "o\u200bps", "ｏｐｓ": "ｏｐｓ", "\u3000": "",
	} {
		if got := complaint.TrimInvisible(in); got != want {
			t.Errorf("TrimInvisible(%q) = %q, want %q", in, got, want)
		}
	}
}
