package openapi

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// The reference page: the document rendered server-side as one HTML page, operations
// grouped by tag, then the schemas, with no script and nothing fetched from elsewhere.

//go:embed reference.html
var referenceSource string

var referencePage = template.Must(template.New("reference").Parse(referenceSource))

var (
	htmlOnce sync.Once
	htmlDoc  []byte
	htmlErr  error
)

// ReferenceHTML is the document rendered as a reference page, once.
func ReferenceHTML() ([]byte, error) {
	htmlOnce.Do(func() {
		doc, err := Load(context.Background())
		if err != nil {
			htmlErr = err
			return
		}
		var buf bytes.Buffer
		if err := referencePage.Execute(&buf, pageOf(doc)); err != nil {
			htmlErr = fmt.Errorf("openapi: rendering the reference page: %w", err)
			return
		}
		htmlDoc = buf.Bytes()
	})
	return htmlDoc, htmlErr
}

type page struct {
	Title, Version, Description string
	Tags                        []tagView
	Schemas                     []schemaView
}

type tagView struct {
	Name, Description string
	Operations        []operationView
}

type operationView struct {
	Method, Path, ID, Summary, Description string
	Roles                                  []string
	Public                                 bool
	Parameters                             []fieldView
	Body                                   []bodyView
	Responses                              []responseView
}

type bodyView struct {
	ContentType string
	Type        typeView
}

type responseView struct {
	Status, Description string
	Bodies              []bodyView
}

type fieldView struct {
	Name, In, Description string
	Required              bool
	Type                  typeView
}

type schemaView struct {
	Name, Description string
	Type              typeView
	Properties        []fieldView
}

// typeView is a type as text, in parts; a part naming a schema links to it.
type typeView []typePart

type typePart struct{ Text, Link string }

var methodOrder = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

func pageOf(doc *openapi3.T) page {
	p := page{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	byTag := map[string]*tagView{}
	for _, t := range doc.Tags {
		p.Tags = append(p.Tags, tagView{Name: t.Name, Description: t.Description})
	}
	for i := range p.Tags {
		byTag[p.Tags[i].Name] = &p.Tags[i]
	}
	paths := doc.Paths.Keys()
	slices.Sort(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for _, method := range methodOrder {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			t, ok := byTag[tag]
			if !ok {
				p.Tags = append(p.Tags, tagView{Name: tag})
				t = &p.Tags[len(p.Tags)-1]
				byTag = reindex(p.Tags)
			}
			t.Operations = append(t.Operations, operationOf(doc, method, path, item, op))
		}
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for name := range doc.Components.Schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		s := doc.Components.Schemas[name].Value
		v := schemaView{Name: name, Description: s.Description, Type: typeOf(&openapi3.SchemaRef{Value: s}, false)}
		v.Properties = propertiesOf(s)
		p.Schemas = append(p.Schemas, v)
	}
	return p
}

func reindex(tags []tagView) map[string]*tagView {
	m := make(map[string]*tagView, len(tags))
	for i := range tags {
		m[tags[i].Name] = &tags[i]
	}
	return m
}

func operationOf(doc *openapi3.T, method, path string, item *openapi3.PathItem, op *openapi3.Operation) operationView {
	v := operationView{Method: method, Path: path, ID: op.OperationID, Summary: op.Summary, Description: op.Description}
	if roles, ok := op.Extensions["x-roles"].([]any); ok {
		for _, r := range roles {
			v.Roles = append(v.Roles, fmt.Sprint(r))
		}
	}
	v.Public = op.Security != nil && len(*op.Security) == 0
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range params {
			prm := ref.Value
			v.Parameters = append(v.Parameters, fieldView{Name: prm.Name, In: prm.In, Description: prm.Description,
				Required: prm.Required, Type: typeOf(prm.Schema, true)})
		}
	}
	if op.RequestBody != nil {
		v.Body = bodiesOf(op.RequestBody.Value.Content)
	}
	statuses := op.Responses.Keys()
	slices.Sort(statuses)
	for _, status := range statuses {
		r := op.Responses.Value(status).Value
		v.Responses = append(v.Responses, responseView{Status: status, Description: deref(r.Description), Bodies: bodiesOf(r.Content)})
	}
	return v
}

func bodiesOf(content openapi3.Content) []bodyView {
	types := make([]string, 0, len(content))
	for ct := range content {
		types = append(types, ct)
	}
	slices.Sort(types)
	out := make([]bodyView, len(types))
	for i, ct := range types {
		out[i] = bodyView{ContentType: ct, Type: typeOf(content[ct].Schema, true)}
	}
	return out
}

func propertiesOf(s *openapi3.Schema) []fieldView {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]fieldView, len(names))
	for i, name := range names {
		prop := s.Properties[name]
		desc := ""
		if prop.Value != nil {
			desc = prop.Value.Description
		}
		out[i] = fieldView{Name: name, Required: slices.Contains(s.Required, name), Type: typeOf(prop, true), Description: desc}
	}
	return out
}

// typeOf describes a schema: a link to a named one, else its type, format and enum;
// inline objects list their properties when nested is true.
func typeOf(ref *openapi3.SchemaRef, nested bool) typeView {
	if ref == nil {
		return typeView{{Text: "any"}}
	}
	if ref.Ref != "" {
		name := ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
		return typeView{{Text: name, Link: "#schema-" + name}}
	}
	s := ref.Value
	if s == nil {
		return typeView{{Text: "any"}}
	}
	var alts []typeView
	for _, sub := range append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...) {
		alts = append(alts, typeOf(sub, nested))
	}
	if len(alts) > 0 {
		return joinTypes(alts, " | ")
	}
	types := s.Type.Slice()
	if len(types) == 0 {
		return typeView{{Text: "any"}}
	}
	for _, t := range types {
		var tv typeView
		switch t {
		case "array":
			tv = append(typeView{{Text: "array of "}}, typeOf(s.Items, nested)...)
		case "object":
			tv = objectType(s, nested)
		default:
			text := t
			if s.Format != "" {
				text += " (" + s.Format + ")"
			}
			if len(s.Enum) > 0 {
				vals := make([]string, len(s.Enum))
				for i, e := range s.Enum {
					vals[i] = fmt.Sprint(e)
				}
				text += ": " + strings.Join(vals, ", ")
			}
			if s.Const != nil {
				text += fmt.Sprintf(" = %v", s.Const)
			}
			tv = typeView{{Text: text}}
		}
		alts = append(alts, tv)
	}
	return joinTypes(alts, " | ")
}

func objectType(s *openapi3.Schema, nested bool) typeView {
	if len(s.Properties) == 0 || !nested {
		if ap := s.AdditionalProperties.Schema; ap != nil {
			return append(typeView{{Text: "map of "}}, typeOf(ap, nested)...)
		}
		return typeView{{Text: "object"}}
	}
	tv := typeView{{Text: "{ "}}
	for i, f := range propertiesOf(s) {
		if i > 0 {
			tv = append(tv, typePart{Text: ", "})
		}
		name := f.Name
		if !f.Required {
			name += "?"
		}
		tv = append(tv, typePart{Text: name + ": "})
		tv = append(tv, f.Type...)
	}
	return append(tv, typePart{Text: " }"})
}

func joinTypes(alts []typeView, sep string) typeView {
	var out typeView
	for i, a := range alts {
		if i > 0 {
			out = append(out, typePart{Text: sep})
		}
		out = append(out, a...)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
