package graph

import (
	"fmt"
	"runtime"
	"strings"

	"gorgonia.org/tensor"
)

// Scope is a place in a graph where layers make their parameters, like a module path in
// PyTorch: a layer built in g.In("block2").In("attn") names its weight "block2.attn.W".
// Parameter names are unique in a graph; making one twice panics with a *ShapeError that
// names both places in the calling code. A model's parameters are those under its scope
// (Params), found without listing them.
//
//	s := g.In("mlp")
//	fc1 := nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 784, Out: 100}) // mlp.fc1.W, mlp.fc1.b
//	params := s.Params()
type Scope struct {
	g    *Graph
	path string
}

// Root is the graph's top scope: parameters made there are named as given ("W1").
func (g *Graph) Root() Scope { return Scope{g: g} }

// In is g.Root().In(name).
func (g *Graph) In(name string) Scope { return g.Root().In(name) }

// In returns the scope named name inside s. The name may not be empty or hold a dot.
func (s Scope) In(name string) Scope {
	if name == "" || strings.Contains(name, ".") {
		panic(&ShapeError{Op: "scope", Inputs: []string{s.path}, Reason: fmt.Sprintf("scope name %q: want a non-empty name without dots", name)})
	}
	return Scope{g: s.g, path: s.Name(name)}
}

// Graph is the scope's graph.
func (s Scope) Graph() *Graph { return s.g }

// Path is the scope's dotted path, "" at the root.
func (s Scope) Path() string { return s.path }

// Name is name qualified by the scope's path: "fc1.W" for name "W" in scope "fc1".
func (s Scope) Name(name string) string {
	if s.path == "" {
		return name
	}
	return s.path + "." + name
}

// Param adds a parameter named s.Name(name) holding value (used as is, not copied). It
// panics with a *ShapeError when the graph already has a parameter of that name, naming
// where each was made, or when value is not float32 or float64.
func (s Scope) Param(name string, value *tensor.Dense) *Node {
	full := s.Name(name)
	where := caller()
	if name == "" {
		panic(&ShapeError{Op: "param", Inputs: []string{`""`}, Reason: "a parameter needs a name (made at " + where + ")"})
	}
	g := s.g
	g.mu.Lock()
	prev, dup := g.params[full]
	g.mu.Unlock()
	if dup {
		panic(&ShapeError{Op: "param", Inputs: []string{full}, Shapes: []Shape{prev.node.typ.Shape},
			Reason: fmt.Sprintf("a parameter named %q was already made at %s; made again at %s (build each layer in a scope of its own: s.In(\"name\"))", full, prev.where, where)})
	}
	n := g.valueNode(KindParam, full, value)
	g.mu.Lock()
	g.params[full] = param{node: n, where: where}
	g.mu.Unlock()
	return n
}

// Params returns the parameters made in s and the scopes inside it, in creation order.
func (s Scope) Params() []*Node {
	g := s.g
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []*Node
	for _, n := range g.nodes {
		if n.kind == KindParam && s.Holds(n.name) {
			out = append(out, n)
		}
	}
	return out
}

// Holds reports whether a full name ("block2.attn.W") is made in s or a scope inside it;
// every name is in the root scope.
func (s Scope) Holds(name string) bool {
	return s.path == "" || strings.HasPrefix(name, s.path+".")
}

// libraries are the packages whose frames caller skips, so that a duplicate parameter is
// reported where the model's own code made it, not inside a layer.
var libraries = []string{"graph.", "ops.", "nn.", "nn/", "autodiff.", "onnx."}

// isTest reports whether a function name "nn/book_test.TestX" is in a test package: the
// tests of a library package are callers like any user's code.
func isTest(function string) bool {
	pkg := function
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i:]
	}
	if i := strings.Index(pkg, "."); i >= 0 {
		pkg = pkg[:i]
	}
	return strings.HasSuffix(pkg, "_test")
}

// caller returns "file.go:line" of the first frame outside zerograd's graph-building packages.
func caller() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	const module = "github.com/zerograd/zerograd/"
	for {
		f, more := frames.Next()
		lib := false
		if rest, ok := strings.CutPrefix(f.Function, module); ok && !isTest(rest) {
			for _, l := range libraries {
				lib = lib || strings.HasPrefix(rest, l)
			}
		}
		if !lib || !more {
			file := f.File
			if i := strings.LastIndex(file, "/"); i >= 0 {
				if j := strings.LastIndex(file[:i], "/"); j >= 0 {
					file = file[j+1:]
				}
			}
			return fmt.Sprintf("%s:%d", file, f.Line)
		}
	}
}
