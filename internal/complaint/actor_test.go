package complaint_test

import (
	"testing"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// A name a history would show as the system's or the customer's is theirs, however
// it is cased or padded; a name that only contains one is a person's.
func TestReservedActorIsWhatReadsAsOne(t *testing.T) {
	for id, want := range map[string]bool{
		complaint.ActorSystem: true, complaint.ActorCustomer: true,
		" system": true, "System": true, "SYSTEM ": true, "customer\t": true, "\u200bsystem": true,
		"ｓｙｓｔｅｍ": true, "\u3000Customer\n": true,
		"system-bot": false, "the system": false, "sys tem": false, "customers": false, "cass": false, "": false,
	} {
		if got := complaint.ReservedActor(id); got != want {
			t.Errorf("ReservedActor(%q) = %v, want %v", id, got, want)
		}
	}
}
