package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decoding a request body names every field of the wrong type and every unknown
// field at once, each with its full JSON pointer (/customer/vip), before the
// handler's own checks add theirs to the same list. encoding/json stops at the first
// such error and names a nested field by its last name only, so the body is first
// decoded into generic JSON values and walked beside the Go type it fills; what is
// wrong is recorded and cut out, and the rest fills the destination, so the
// handler's checks see every good field.

// decodeJSON reads a JSON object into dst and returns the problem with it, if any:
// what decodeBody returns, else the 400 naming every field of the wrong type or
// unknown. A handler with checks of its own uses decodeBody, so one 400 names both.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) *Problem {
	var v validator
	if p := decodeBody(w, r, dst, &v); p != nil {
		return p
	}
	return v.problem()
}

// decodeBody reads a JSON object into dst strictly: JSON content type, at most
// maxBodyBytes, valid UTF-8, one object. A failure of those is the returned problem
// (415, 413, 400 malformed_json). Fields of the wrong type (invalid_type) and
// unknown fields (unknown_field) go to v, with their pointers, and are left out of
// dst; every other field is decoded.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, v *validator) *Problem {
	return decodeBodyOf(w, r, dst, v, false)
}

// decodeOptionalBody is decodeBody for a body that may be left out: an empty (or
// all-whitespace) one leaves dst as it is, whatever its Content-Type and however it
// came (Content-Length: 0, or chunked, whose length is not known before reading).
func decodeOptionalBody(w http.ResponseWriter, r *http.Request, dst any, v *validator) *Problem {
	return decodeBodyOf(w, r, dst, v, true)
}

func decodeBodyOf(w http.ResponseWriter, r *http.Request, dst any, v *validator, optional bool) *Problem {
	ct := r.Header.Get("Content-Type")
	wrongType := func() *Problem {
		return problem(http.StatusUnsupportedMediaType, "Content-Type must be application/json, got "+ct)
	}
	notJSON := ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json")
	if notJSON && !optional { // an optional body's type matters only if there is one
		return wrongType()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return problem(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", maxBodyBytes))
	}
	if err != nil {
		return problem(http.StatusBadRequest, "reading request body: "+err.Error())
	}
	malformed := func(detail string) *Problem {
		return problemWithCode(http.StatusBadRequest, CodeMalformedJSON, detail)
	}
	switch {
	case len(bytes.TrimSpace(body)) == 0 && optional:
		return nil
	case len(bytes.TrimSpace(body)) == 0:
		return malformed("request body is empty; a JSON object is required")
	case notJSON:
		return wrongType()
	}
	if !utf8.Valid(body) {
		return malformed("request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return malformed(fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr))
		}
		return malformed("malformed JSON: unexpected end of input")
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("request body must hold a single JSON object")
	}
	target := reflect.TypeOf(dst).Elem()
	if _, isObject := doc.(map[string]any); !isObject && !accepts(target, doc) {
		return malformed("request body must be a JSON object")
	}
	before := len(v.errs)
	noNUL(doc, "", "", v)
	kept, _ := walk(doc, target, "", "", v)
	if len(v.errs) == before {
		kept = doc
	}
	clean, err := json.Marshal(kept)
	if err == nil {
		err = json.Unmarshal(clean, dst)
	}
	if err != nil { // a type's own UnmarshalJSON refused what the walk let through
		v.rejectAt("", "", FieldInvalid, "invalid JSON: "+err.Error())
	}
	return nil
}

// noNUL names every member name and string in x holding a NUL ("\u0000" is valid
// JSON): no field of this API holds one, and PostgreSQL refuses it in text, so
// letting it through would be a 500 at the first write or lookup.
func noNUL(x any, ptr, field string, v *validator) {
	switch x := x.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			v.rejectAt(ptr, field, FieldInvalidFormat, "must not contain a NUL character")
		}
	case []any:
		for i, e := range x {
			noNUL(e, ptr+"/"+strconv.Itoa(i), fmt.Sprintf("%s[%d]", field, i), v)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			p, f := ptr+"/"+escapePointer(k), join(field, k)
			if strings.ContainsRune(k, 0) {
				v.rejectAt(p, f, FieldInvalidFormat, "a member name must not contain a NUL character")
				continue
			}
			noNUL(x[k], p, f, v)
		}
	}
}

// accepts reports whether the top level of a body may be doc for a destination of
// type t: an object, or an array where t is a slice.
func accepts(t reflect.Type, doc any) bool {
	_, isArray := doc.([]any)
	return isArray && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessage      = reflect.TypeFor[json.RawMessage]()
)

// walk checks the generic JSON value x against the Go type t it will fill, at ptr
// (JSON pointer) and field (dotted name). It records what is wrong in v and returns
// x without it; ok is false when x itself cannot fill t and must be left out.
func walk(x any, t reflect.Type, ptr, field string, v *validator) (kept any, ok bool) {
	if x == nil { // null leaves any destination as it is, as encoding/json does
		return nil, true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage || t.Kind() == reflect.Interface {
		return x, true
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		b, _ := json.Marshal(x)
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
			v.rejectAt(ptr, field, FieldInvalidFormat, err.Error())
			return nil, false
		}
		return x, true
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		s, isString := x.(string)
		if !isString {
			return wrongType(ptr, field, "string", v)
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			v.rejectAt(ptr, field, FieldInvalidFormat, err.Error())
			return nil, false
		}
		return x, true
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, isObject := x.(map[string]any)
		if !isObject {
			return wrongType(ptr, field, "object", v)
		}
		return walkStruct(obj, t, ptr, field, v), true
	case reflect.Map:
		obj, isObject := x.(map[string]any)
		if !isObject {
			return wrongType(ptr, field, "object", v)
		}
		out := make(map[string]any, len(obj))
		for _, k := range sortedKeys(obj) {
			if kept, ok := walk(obj[k], t.Elem(), ptr+"/"+escapePointer(k), join(field, k), v); ok {
				out[k] = kept
			}
		}
		return out, true
	case reflect.Slice, reflect.Array:
		arr, isArray := x.([]any)
		if !isArray {
			return wrongType(ptr, field, "array", v)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i], _ = walk(e, t.Elem(), ptr+"/"+strconv.Itoa(i), fmt.Sprintf("%s[%d]", field, i), v)
		}
		return out, true
	case reflect.String:
		if _, isString := x.(string); !isString {
			return wrongType(ptr, field, "string", v)
		}
	case reflect.Bool:
		if _, isBool := x.(bool); !isBool {
			return wrongType(ptr, field, "boolean", v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return walkInteger(x, t, ptr, field, v)
	case reflect.Float32, reflect.Float64:
		n, isNumber := x.(json.Number)
		if !isNumber {
			return wrongType(ptr, field, "number", v)
		}
		if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			v.rejectAt(ptr, field, FieldOutOfRange, "is too large a number")
			return nil, false
		}
	}
	return x, true
}

// walkStruct checks the members of an object that fills a struct: known ones by
// their types, in the struct's order; unknown ones are named, in name order.
func walkStruct(obj map[string]any, t reflect.Type, ptr, field string, v *validator) map[string]any {
	out := make(map[string]any, len(obj))
	fields := jsonFields(t)
	used := map[string]bool{}
	for _, f := range fields {
		k, found := matchKey(obj, f.name, used)
		if !found {
			continue
		}
		used[k] = true
		if kept, ok := walk(obj[k], f.typ, ptr+"/"+escapePointer(f.name), join(field, f.name), v); ok {
			out[k] = kept
		}
	}
	for _, k := range sortedKeys(obj) {
		if !used[k] {
			v.rejectAt(ptr+"/"+escapePointer(k), join(field, k), FieldUnknown, "unknown field")
		}
	}
	return out
}

// walkInteger checks a number that fills an integer type.
func walkInteger(x any, t reflect.Type, ptr, field string, v *validator) (any, bool) {
	n, isNumber := x.(json.Number)
	if !isNumber {
		return wrongType(ptr, field, "number", v)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) {
		v.rejectAt(ptr, field, FieldInvalidType, "must be an integer")
		return nil, false
	}
	var fits bool
	if t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64 {
		u, err := strconv.ParseUint(string(n), 10, t.Bits())
		fits = err == nil && !reflect.Zero(t).OverflowUint(u)
	} else {
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		fits = err == nil && !reflect.Zero(t).OverflowInt(i)
	}
	if !fits {
		v.rejectAt(ptr, field, FieldOutOfRange, "is out of range for an integer")
		return nil, false
	}
	return x, true
}

func wrongType(ptr, field, kind string, v *validator) (any, bool) {
	article := "a"
	if kind == "object" || kind == "array" {
		article = "an"
	}
	v.rejectAt(ptr, field, FieldInvalidType, "must be "+article+" JSON "+kind)
	return nil, false
}

// jsonField is a member a struct takes from a JSON object.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the members t takes from a JSON object, as encoding/json reads
// them: exported fields under their json names, embedded structs' fields promoted,
// "-" skipped.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for _, f := range reflect.VisibleFields(t) {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous && name == "" && (f.Type.Kind() == reflect.Struct ||
			f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct) {
			continue // its fields are promoted: VisibleFields lists them too
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if slices.ContainsFunc(out, func(o jsonField) bool { return o.name == name }) {
			continue
		}
		out = append(out, jsonField{name, f.Type})
	}
	return out
}

// matchKey finds the member of obj for the field name: by the exact name — the
// document's schemas are closed (additionalProperties: false), so "REASON" is an
// unknown field, not reason as encoding/json's case folding would take it.
func matchKey(obj map[string]any, name string, used map[string]bool) (string, bool) {
	if _, ok := obj[name]; ok && !used[name] {
		return name, true
	}
	return "", false
}

func sortedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func join(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}

// escapePointer escapes a member name for a JSON pointer (RFC 6901).
func escapePointer(name string) string {
	return pointerEscaper.Replace(name)
}

// pointerEscaper is built once: a Replacer built per field was 6 % of intake's
// CPU in the API (bench -cpuprofile, issue 18).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")
