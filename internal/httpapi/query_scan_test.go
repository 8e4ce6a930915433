package httpapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The query table must list exactly what the handlers read: a parameter read
// but not declared would be refused before its handler sees it, and one
// declared but never read would be a filter the document promises and the
// server ignores. The handlers' reads are found in their source, following
// calls within this package, so a new c.Query in any handler is seen.

// queryReaders are the gin.Context and url.Values methods that read a query
// parameter by name; the name is their first argument.
var queryReaders = map[string]bool{
	"Query": true, "QueryArray": true, "GetQuery": true, "GetQueryArray": true,
	"DefaultQuery": true, "QueryMap": true, "GetQueryMap": true,
}

// readScan is what the package's source says about query reads.
type readScan struct {
	calls map[string]map[string]bool // function or method key → keys of what it calls
	// byName lists the keys of the methods of each name, for a call whose
	// receiver this scan does not type (h.replies.bind).
	byName map[string][]string
	reads  map[string]map[string]bool // function or method name → parameters it reads
	reader map[string]int             // helper name → index of its argument that names the parameter
	errs   map[string][]string        // function → reads it cannot follow
}

func scanQueryReads(t *testing.T) *readScan {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var decls []*ast.FuncDecl
	imports := map[*ast.FuncDecl]map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			// A call into another package (errors.New) is no call of this
			// package's function of that name.
			names := map[string]bool{}
			for _, im := range f.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				n := path[strings.LastIndex(path, "/")+1:]
				if im.Name != nil {
					n = im.Name.Name
				}
				names[n] = true
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					decls = append(decls, fd)
					imports[fd] = names
				}
			}
		}
	}
	s := &readScan{calls: map[string]map[string]bool{}, reads: map[string]map[string]bool{}, reader: map[string]int{}, byName: map[string][]string{}}
	for _, fd := range decls {
		if r := recvType(fd); r != "" {
			s.byName[fd.Name.Name] = append(s.byName[fd.Name.Name], r+"."+fd.Name.Name)
		}
	}
	// A helper that reads the parameter its caller names (intParam(c,
	// "year")) is found by a fixed point: its read's name is one of its own
	// parameters; its callers' literals are then reads.
	for changed := true; changed; {
		changed = false
		s.errs = map[string][]string{}
		for _, fd := range decls {
			if s.scanFunc(fset, fd, imports[fd]) {
				changed = true
			}
		}
	}
	return s
}

// scanFunc records fd's calls and reads; it reports whether it found fd to
// be a reading helper for the first time.
func (s *readScan) scanFunc(fset *token.FileSet, fd *ast.FuncDecl, imports map[string]bool) bool {
	name := fd.Name.Name
	recv, recvVar := recvType(fd), ""
	if recv != "" {
		name = recv + "." + name
		if names := fd.Recv.List[0].Names; len(names) > 0 {
			recvVar = names[0].Name
		}
	}
	if s.calls[name] == nil {
		s.calls[name], s.reads[name] = map[string]bool{}, map[string]bool{}
	}
	params := map[string]int{}
	i := 0
	for _, f := range fd.Type.Params.List {
		for _, n := range f.Names {
			params[n.Name] = i
			i++
		}
		if len(f.Names) == 0 {
			i++
		}
	}
	// url.Values taken from the request: vals := c.Request.URL.Query().
	values := map[string]bool{}
	// …or handed in as a url.Values parameter.
	for _, f := range fd.Type.Params.List {
		if sel, ok := f.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Values" {
			for _, n := range f.Names {
				values[n.Name] = true
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok && len(call.Args) == 0 {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Query" {
				if id, ok := as.Lhs[0].(*ast.Ident); ok {
					values[id.Name] = true
				}
			}
		}
		return true
	})
	became := false
	// read records that fd reads the parameter arg names.
	read := func(at ast.Node, arg ast.Expr) {
		switch a := arg.(type) {
		case *ast.BasicLit:
			if v, err := strconv.Unquote(a.Value); err == nil {
				s.reads[name][v] = true
				return
			}
		case *ast.Ident:
			if idx, ok := params[a.Name]; ok {
				if old, ok := s.reader[name]; !ok || old != idx {
					s.reader[name] = idx
					became = true
				}
				return
			}
		}
		s.errs[name] = append(s.errs[name], fset.Position(at.Pos()).String()+": a query parameter read by a name this test cannot follow; name it with a literal")
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			var callee string
			switch f := x.Fun.(type) {
			case *ast.Ident:
				callee = f.Name
			case *ast.SelectorExpr:
				callee = f.Sel.Name
				on, _ := f.X.(*ast.Ident)
				if on != nil && imports[on.Name] {
					return true
				}
				switch {
				case queryReaders[callee] && len(x.Args) > 0:
					read(x, x.Args[0])
				case on != nil && values[on.Name] && (callee == "Get" || callee == "Has"):
					read(x, x.Args[0])
				}
				// A method of the same receiver is that one; another
				// method of that name could be any of them.
				if on != nil && on.Name == recvVar && slices.Contains(s.byName[callee], recv+"."+callee) {
					callee = recv + "." + callee
				} else if keys := s.byName[callee]; len(keys) > 0 {
					for _, k := range keys {
						s.calls[name][k] = true
					}
				}
			case *ast.IndexListExpr:
				if id, ok := f.X.(*ast.Ident); ok {
					callee = id.Name
				}
			case *ast.IndexExpr:
				if id, ok := f.X.(*ast.Ident); ok {
					callee = id.Name
				}
			}
			if callee == "" {
				return true
			}
			s.calls[name][callee] = true
			if idx, ok := s.reader[callee]; ok && idx < len(x.Args) {
				read(x, x.Args[idx])
			}
		case *ast.IndexExpr:
			if id, ok := x.X.(*ast.Ident); ok && values[id.Name] {
				read(x, x.Index)
			}
		}
		return true
	})
	return became
}

// recvType is the name of fd's receiver type ("registerAPI" for
// func (h *registerAPI) list), or "" for a function.
func recvType(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// reached is every parameter read by fn or by what it calls, within the
// package; a read it cannot follow there is an error.
func (s *readScan) reached(t *testing.T, fn string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(f string) {
		if seen[f] {
			return
		}
		seen[f] = true
		maps.Copy(out, s.reads[f])
		for _, e := range s.errs[f] {
			t.Errorf("%s (reached from %s)", e, fn)
		}
		for g := range s.calls[f] {
			walk(g)
		}
	}
	walk(fn)
	return out
}

// handlerName is the key of the function or method a route's handler is:
// "registerAPI.list" for h.list on a *registerAPI.
func handlerName(h any) string {
	full := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	full = strings.TrimSuffix(full[strings.LastIndex(full, "/")+1:], "-fm")
	full = strings.ReplaceAll(full, "[...]", "") // a generic function's name
	parts := strings.Split(full, ".")            // package, [(*T) or T], name, [funcN]
	name := parts[len(parts)-1]
	if strings.HasPrefix(name, "func") {
		// The closure a handler maker returns (….paramCall[...].func1, the
		// maker inlined into its caller) reads what its maker's source reads;
		// a bare function literal has no name to find its source by (its
		// "maker" is the routes method, which is not found as a handler).
		if len(parts) < 3 {
			return ""
		}
		return parts[len(parts)-2]
	}
	if len(parts) == 3 {
		return strings.Trim(parts[1], "(*)") + "." + name
	}
	return name
}

// refusedByHandler are parameters a shared helper reads but the route's own
// handler refuses.
var refusedByHandler = map[string][]string{}

func TestQueryParamsAreWhatHandlersRead(t *testing.T) {
	s := scanQueryReads(t)
	routes := map[string]bool{}
	for _, r := range (&api{}).routes() {
		key := r.method + " " + r.path
		routes[key] = true
		h := handlerName(r.handle)
		if h == "" || s.calls[h] == nil {
			t.Errorf("%s: cannot find its handler's source (%q); give the route a named handler", key, h)
			continue
		}
		read := s.reached(t, h)
		for _, p := range refusedByHandler[key] {
			delete(read, p)
		}
		if spec, ok := lists[key]; ok && len(spec.sorts) == 0 {
			delete(read, "sort") // readList reads it only for a list that sorts
		}
		declared := map[string]bool{}
		for _, p := range queryParams[key] {
			if declared[p.name] {
				t.Errorf("%s: %s is declared twice", key, p.name)
			}
			declared[p.name] = true
		}
		for p := range read {
			if !declared[p] {
				t.Errorf("%s: %s reads ?%s, which queryParams does not declare (so it is refused)", key, h, p)
			}
		}
		for p := range declared {
			if !read[p] {
				t.Errorf("%s: queryParams declares ?%s, which %s never reads", key, p, h)
			}
		}
	}
	for key := range queryParams {
		if !routes[key] {
			t.Errorf("queryParams declares parameters of %s, which is not a route", key)
		}
	}
	// The scan itself must see the reads it exists to see.
	if got := slices.Sorted(maps.Keys(s.reached(t, "registerAPI.list"))); !slices.Contains(got, "year") || !slices.Contains(got, "delegation") {
		t.Errorf("the scan finds %v read by registerAPI.list, which reads year and delegation through helpers", got)
	}
}
