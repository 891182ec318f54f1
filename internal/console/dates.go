package console

import (
	"net/http"
	"time"
	_ "time/tzdata" // the browsers' zones, also where the system has no zone database
)

// zoneField is the field console.js adds to a posted form with a date picker: the
// browser's IANA zone, the one the console's pages show times in.
const zoneField = "tz"

// withZone adds the form's zone to its input, for endOfDay.
func withZone(r *http.Request, input map[string]string) map[string]string {
	input[zoneField] = r.PostFormValue(zoneField)
	return input
}

// endOfDay turns a date picker's YYYY-MM-DD into the last second of that day in the
// viewer's zone (RFC 3339 with that zone's offset then), so the page shows the due
// back on the day picked. No zone (no script: times read in UTC) or one Go does not
// know is UTC. Anything else goes as typed, for the API to name.
func endOfDay(day, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" { // Local is the server's zone, never a browser's
		loc = time.UTC
	}
	d, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return day
	}
	// Not d plus 24h: a day that changes its offset is 23 or 25 hours long.
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc).Format(time.RFC3339)
}

// zonedTime turns a date-and-time picker's YYYY-MM-DDTHH:MM into RFC 3339 in the
// viewer's zone (UTC without one, as endOfDay). Anything else goes as typed, for the
// API to name.
func zonedTime(at, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", at, loc)
	if err != nil {
		return at
	}
	return t.Format(time.RFC3339)
}
