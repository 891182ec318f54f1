package api

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// maxBreachingWithin bounds breaching_within: a week ahead is a plan, not a shift.
const maxBreachingWithin = 168

// breachingWithin reads breaching_within, whole hours from 1 to a week: the window
// from now in which a complaint's nearest running deadline falls ("breaching
// soon"); nil, nil when absent or empty.
func breachingWithin(v *validator, q url.Values, now time.Time) (from, to *time.Time) {
	val := once(v, q, "breaching_within", 10)
	if val == "" {
		return nil, nil
	}
	h, err := strconv.Atoi(val)
	if err != nil || h < 1 || h > maxBreachingWithin {
		v.reject("breaching_within", FieldOutOfRange, fmt.Sprintf("%q is not a whole number of hours from 1 to %d", val, maxBreachingWithin))
		return nil, nil
	}
	return &now, new(now.Add(time.Duration(h) * time.Hour))
}

// personParam reads a parameter naming a person of the directory: an id, or me
// for the person the caller's token acts for (refused when it acts for none).
func personParam(v *validator, q url.Values, name string, caller auth.Principal) string {
	val := once(v, q, name, 200)
	if val != "me" {
		return val
	}
	if caller.PersonID == "" {
		v.reject(name, FieldNotApplicable, "is me, but this token acts for no person of the directory")
	}
	return caller.PersonID
}
