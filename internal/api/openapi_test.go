package api_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi"
)

// documented lists the document's operations as ServeMux patterns with their x-roles.
func documented(t *testing.T) map[string][]string {
	t.Helper()
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var roles []string
			if rs, ok := op.Extensions["x-roles"].([]any); ok {
				for _, r := range rs {
					roles = append(roles, fmt.Sprint(r))
				}
			}
			ops[method+" "+path] = roles
		}
	}
	return ops
}

// TestTheDocumentDescribesEveryRouteAndNoOther compares the router with the document
// both ways: a route the document lacks fails, and so does an operation no route serves.
func TestTheDocumentDescribesEveryRouteAndNoOther(t *testing.T) {
	srv := api.New(nil, nil, "", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	ops := documented(t)
	routes := map[string]bool{}
	for _, r := range srv.Routes() {
		routes[r.Pattern] = true
		if _, ok := ops[r.Pattern]; !ok {
			t.Errorf("route %q is not in the OpenAPI document", r.Pattern)
		}
	}
	for op := range ops {
		if !routes[op] {
			t.Errorf("the OpenAPI document has %q, which no route serves", op)
		}
	}
}

// TestTheDocumentNamesTheRolesTheRouterEnforces holds x-roles, and the "Roles: …"
// sentence of each description, to the roles authorize is given.
func TestTheDocumentNamesTheRolesTheRouterEnforces(t *testing.T) {
	srv := api.New(nil, nil, "", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ops := documented(t)
	for _, r := range srv.Routes() {
		want := make([]string, len(r.Roles))
		for i, role := range r.Roles {
			want[i] = string(role)
		}
		got, ok := ops[r.Pattern]
		if !ok {
			continue // TestTheDocumentDescribesEveryRouteAndNoOther names it
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: x-roles %v, want %v", r.Pattern, got, want)
		}
		method, path, _ := strings.Cut(r.Pattern, " ")
		op := doc.Paths.Value(path).GetOperation(method)
		public := op.Security != nil && len(*op.Security) == 0
		switch {
		case len(r.Roles) == 0 && !public:
			t.Errorf("%s needs no token, but the document asks for one (security: [] is missing)", r.Pattern)
		case len(r.Roles) > 0 && public:
			t.Errorf("%s needs a token, but the document says it does not", r.Pattern)
		case len(r.Roles) > 0 && !strings.Contains(op.Description, "Roles: "):
			t.Errorf("%s: the description does not say which roles may call it", r.Pattern)
		case len(r.Roles) > 0:
			sentence := op.Description[strings.Index(op.Description, "Roles: ")+len("Roles: "):]
			sentence, _, _ = strings.Cut(sentence, ".")
			named := strings.Split(sentence, ", ")
			slices.Sort(named)
			if !slices.Equal(named, want) {
				t.Errorf("%s: the description names roles %v, want %v", r.Pattern, named, want)
			}
		}
	}
}

func TestTheAPIServesItsDocumentAndReferencePageWithoutAToken(t *testing.T) {
	a := newDirectoryAPI(t)
	r := a.call("", "GET", "/v1/openapi.json", "")
	if r.status != 200 || r.body["openapi"] != "3.1.0" {
		t.Fatalf("GET /v1/openapi.json: got %d, openapi %v; want 200, 3.1.0", r.status, r.body["openapi"])
	}
	res, err := http.Get(a.url + "/v1/docs")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	if got, want := res.Header.Get("Content-Type"), "text/html; charset=utf-8"; res.StatusCode != 200 || got != want {
		t.Fatalf("GET /v1/docs: got %d %q, want 200 %q", res.StatusCode, got, want)
	}
	for _, want := range []string{`id="op-fileComplaint"`, "Roles: <code>intake</code>, <code>agent</code>, <code>admin</code>", `id="schema-Complaint"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the reference page lacks %s", want)
		}
	}
	for _, external := range []string{"<script", `src="http`, `href="http`} {
		if strings.Contains(string(page), external) {
			t.Errorf("the reference page holds %s: it must work offline, without scripts", external)
		}
	}
}

// TestTheDocumentEnumeratesTheErrorCodes holds the ProblemCode and FieldErrorCode
// enums to the constants of codes.go, both ways: a code added there and not to the
// document (or left in the document after its removal) fails here, before any test
// happens to provoke it.
func TestTheDocumentEnumeratesTheErrorCodes(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string][]string{} // name prefix → values
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				value, _ := strconv.Unquote(lit.Value)
				for _, prefix := range []string{"Code", "Field"} {
					if strings.HasPrefix(name.Name, prefix) {
						consts[prefix] = append(consts[prefix], value)
					}
				}
			}
		}
	}
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ schema, prefix string }{{"ProblemCode", "Code"}, {"FieldErrorCode", "Field"}} {
		var got []string
		for _, v := range doc.Components.Schemas[tc.schema].Value.Enum {
			got = append(got, fmt.Sprint(v))
		}
		want := consts[tc.prefix]
		slices.Sort(got)
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s enumerates %v, want the %s* constants of codes.go: %v", tc.schema, got, tc.prefix, want)
		}
	}
}

// TestEveryChangeTakesIfMatch holds the contract's concurrency rule: every PUT and
// PATCH takes If-Match, may answer 412, and answers the version it made as the
// ETag — so no change of /v1 can overwrite another unseen; every DELETE but a
// token's revocation (final whatever the token's state) takes If-Match too.
func TestEveryChangeTakesIfMatch(t *testing.T) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	changes, deletes := 0, 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if method == http.MethodDelete && op.OperationID != "revokeToken" {
				deletes++
				takes := false
				for _, p := range op.Parameters {
					takes = takes || p.Value.In == "header" && p.Value.Name == "If-Match"
				}
				if !takes || op.Responses.Value("412") == nil {
					t.Errorf("DELETE %s does not take If-Match, or does not answer 412", path)
				}
			}
			if method != http.MethodPut && method != http.MethodPatch {
				continue
			}
			changes++
			takes := false
			for _, p := range op.Parameters {
				takes = takes || p.Value.In == "header" && p.Value.Name == "If-Match"
			}
			if !takes {
				t.Errorf("%s %s does not take If-Match", method, path)
			}
			if op.Responses.Value("412") == nil {
				t.Errorf("%s %s does not answer 412", method, path)
			}
			for status, res := range op.Responses.Map() {
				if strings.HasPrefix(status, "2") && res.Value.Headers["ETag"] == nil {
					t.Errorf("%s %s: its %s has no ETag", method, path, status)
				}
			}
		}
	}
	if changes < 17 || deletes < 6 {
		t.Errorf("%d PUT and PATCH, %d DELETE operations; want the 17 and 6 there are", changes, deletes)
	}
}
