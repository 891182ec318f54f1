package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// E2E_CAPTURE=<dir> writes, per test, the shape of every API answer (status, keys in
// the order sent, value types, and string values with IDs, times and tokens masked)
// to <dir>/<test>.txt. Two captures diffed show whether a change altered what the API
// says — used to hold refactorings to "responses unchanged".
var capture struct {
	sync.Mutex
	last map[string]string
}

var (
	uuidRE  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	tokenRE = regexp.MustCompile(`[A-Za-z0-9_\-]{20,}`)
	numRE   = regexp.MustCompile(`\d{5,}`)
)

func mask(s string) string {
	s = uuidRE.ReplaceAllString(s, "<uuid>")
	s = timeRE.ReplaceAllString(s, "<time>")
	s = tokenRE.ReplaceAllString(s, "<tok>")
	return numRE.ReplaceAllString(s, "<n>")
}

func (s *stack) capture(method, path string, status int, raw []byte) {
	dir := os.Getenv("E2E_CAPTURE")
	if dir == "" {
		return
	}
	entry := fmt.Sprintf("%s %s %d\n%s\n", method, mask(path), status, shape(raw))
	capture.Lock()
	defer capture.Unlock()
	if capture.last == nil {
		capture.last = map[string]string{}
	}
	name := strings.ReplaceAll(s.t.Name(), "/", "_")
	if capture.last[name] == entry { // polling repeats the same answer
		return
	}
	capture.last[name] = entry
	f, err := os.OpenFile(filepath.Join(dir, name+".txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	_, _ = f.WriteString(entry)
}

// shape renders a JSON document's keys, value types and masked strings in order.
func shape(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "non-json: " + mask(string(raw))
		}
		switch v := tok.(type) {
		case json.Delim:
			b.WriteString(v.String())
		case string:
			b.WriteString(fmt.Sprintf("%q ", mask(v)))
		case json.Number:
			b.WriteString("num ")
		case bool:
			b.WriteString(fmt.Sprintf("%v ", v))
		case nil:
			b.WriteString("null ")
		}
	}
	return b.String()
}
