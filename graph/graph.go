package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"gorgonia.org/tensor"
)

// Graph holds nodes. Nodes are appended as they are built, so creation order is a
// topological order. A Graph may be built from one goroutine at a time.
type Graph struct {
	mu       sync.Mutex
	nodes    []*Node
	inputs   map[string]*Node
	params   map[string]param
	attached map[any]any
	rng      *rand.Rand
}

// param is a parameter and the place in the caller's code where it was made.
type param struct {
	node  *Node
	where string
}

// New returns an empty graph. Its random source (Rand), which layers draw their initial
// weights from, is seeded with 0: call Seed for another reproducible draw.
func New() *Graph {
	return &Graph{inputs: map[string]*Node{}, params: map[string]param{}, attached: map[any]any{},
		rng: rand.New(rand.NewPCG(0, 0))}
}

// Rand is the graph's random source: layers draw their initial weights from it unless
// given one of their own. Building from one goroutine, draws are reproducible.
func (g *Graph) Rand() *rand.Rand { return g.rng }

// Seed reseeds the graph's random source.
func (g *Graph) Seed(seed uint64) { g.rng = rand.New(rand.NewPCG(seed, 0)) }

// Attached returns the value attached to g under key, calling make to create it the first
// time. Packages that keep facts about a graph keep them here (autodiff records which node
// is the gradient of which), so that Graph need not know them.
func (g *Graph) Attached(key any, make func() any) any {
	g.mu.Lock()
	defer g.mu.Unlock()
	v, ok := g.attached[key]
	if !ok {
		v = make()
		g.attached[key] = v
	}
	return v
}

// Nodes returns every node of the graph in creation order.
func (g *Graph) Nodes() []*Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Node(nil), g.nodes...)
}

func (g *Graph) add(n *Node) *Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	n.g = g
	n.id = len(g.nodes)
	g.nodes = append(g.nodes, n)
	return n
}

// Input adds a placeholder fed at run time by its node (Feeds{x: v}). Its name must be
// unique in the graph: errors name the input by it, and Graph.FeedsByName finds it by it.
func (g *Graph) Input(name string, dt DType, shape ...int) *Node {
	t := Type{Shape: Shape(shape).Clone(), DType: dt}
	if err := checkType(t); err != nil {
		panic(&ShapeError{Op: "input", Inputs: []string{name}, Shapes: []Shape{t.Shape}, Reason: err.Error()})
	}
	if name == "" {
		panic(&ShapeError{Op: "input", Inputs: []string{`""`}, Shapes: []Shape{t.Shape}, Reason: "an input needs a name to be fed by"})
	}
	g.mu.Lock()
	_, dup := g.inputs[name]
	g.mu.Unlock()
	if dup {
		panic(&ShapeError{Op: "input", Inputs: []string{name}, Shapes: []Shape{t.Shape}, Reason: fmt.Sprintf("an input named %q already exists", name)})
	}
	n := g.add(&Node{name: name, kind: KindInput, typ: t})
	g.mu.Lock()
	g.inputs[name] = n
	g.mu.Unlock()
	return n
}

// InputNode returns the input with the given name, or nil.
func (g *Graph) InputNode(name string) *Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inputs[name]
}

// Param adds a parameter named name at the graph's root scope, holding value (used as is,
// not copied). Its shape and element type are the value's. Names are unique: a second
// parameter of the same name panics with a *ShapeError naming both places it was made.
// Layers make their parameters through a Scope (Scope.Param), which prefixes the name.
func (g *Graph) Param(name string, value *tensor.Dense) *Node { return g.Root().Param(name, value) }

// Params returns every parameter of the graph in creation order.
func (g *Graph) Params() []*Node { return g.Root().Params() }

// ParamNode returns the parameter with the given full name ("conv1.W"), or nil.
func (g *Graph) ParamNode(name string) *Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.params[name].node
}

// Const adds a constant holding value (not copied; do not modify it afterwards).
func (g *Graph) Const(name string, value *tensor.Dense) *Node {
	return g.valueNode(KindConst, name, value)
}

// Scalar adds an unnamed scalar constant of the given element type.
func (g *Graph) Scalar(v float64, dt DType) *Node {
	return g.Const("", FromFloat64s(dt, nil, []float64{v}))
}

func (g *Graph) valueNode(k Kind, name string, v *tensor.Dense) *Node {
	if v == nil {
		panic(&ShapeError{Op: k.String(), Inputs: []string{name}, Reason: "nil value"})
	}
	dt, err := DTypeOf(v)
	if err != nil {
		panic(&ShapeError{Op: k.String(), Inputs: []string{name}, Shapes: []Shape{shapeOf(v)}, Reason: err.Error()})
	}
	if k == KindParam && !dt.IsFloat() {
		panic(&ShapeError{Op: k.String(), Inputs: []string{name}, Shapes: []Shape{shapeOf(v)}, Reason: fmt.Sprintf("a parameter is trained by gradients, so it must be float32 or float64, not %s", dt)})
	}
	return g.add(&Node{name: name, kind: k, typ: Type{Shape: shapeOf(v), DType: dt}, value: v})
}

// Apply adds a node computing op on inputs, checking the inputs with the op's shape rule.
// It panics with a *ShapeError when they do not fit. Ops' constructors call it;
// models call the constructors (ops.Exp, ops.MatMul, ...).
func Apply(op Op, inputs ...*Node) *Node {
	if len(inputs) == 0 {
		panic(&ShapeError{Op: op.Name(), Reason: "no inputs"})
	}
	g := inputs[0].g
	types := make([]Type, len(inputs))
	for i, x := range inputs {
		if x == nil {
			panic(&ShapeError{Op: op.Name(), Inputs: labels(inputs), Shapes: shapes(inputs), Reason: fmt.Sprintf("input %d is nil", i)})
		}
		if x.g != g {
			panic(&ShapeError{Op: op.Name(), Inputs: labels(inputs), Shapes: shapes(inputs), Reason: fmt.Sprintf("%s belongs to another graph", x.Label())})
		}
		types[i] = x.typ
		if !x.typ.DType.IsFloat() {
			if ia, ok := op.(IntInputs); !ok || !ia.IntInput(i) {
				panic(&ShapeError{Op: op.Name(), Inputs: labels(inputs), Shapes: shapes(inputs),
					Reason: fmt.Sprintf("input %d (%s) is %s: %s takes float32 or float64 there", i, x.Label(), x.typ.DType, op.Name())})
			}
		}
	}
	t, err := op.Shape(types...)
	if err == nil {
		err = checkType(t)
	}
	if err != nil {
		panic(&ShapeError{Op: op.Name(), Inputs: labels(inputs), Shapes: shapes(inputs), Reason: err.Error()})
	}
	return g.add(&Node{kind: KindOp, op: op, inputs: append([]*Node(nil), inputs...), typ: t})
}

func checkType(t Type) error {
	if !t.DType.valid() {
		return fmt.Errorf("element type %v is not float32, float64, int32 or int64", t.DType)
	}
	for _, d := range t.Shape {
		if d <= 0 {
			return fmt.Errorf("shape %v has an axis of size %d", t.Shape, d)
		}
	}
	return nil
}

func labels(ns []*Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		if n == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = n.Label()
	}
	return out
}

func shapes(ns []*Node) []Shape {
	out := make([]Shape, len(ns))
	for i, n := range ns {
		if n != nil {
			out[i] = n.typ.Shape
		}
	}
	return out
}

// Topo returns the nodes that outputs depend on, outputs included, in a topological order:
// every node comes after its inputs. It is the one traversal that compiling, autodiff and
// drawing share. Ties keep creation order, so the result is deterministic.
func Topo(outputs ...*Node) []*Node {
	seen := map[*Node]bool{}
	var order []*Node
	var stack []*Node
	for _, o := range outputs {
		if o == nil || seen[o] {
			continue
		}
		stack = append(stack[:0], o)
		seen[o] = true
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			order = append(order, n)
			for _, x := range n.inputs {
				if !seen[x] {
					seen[x] = true
					stack = append(stack, x)
				}
			}
		}
	}
	// Node ids are a topological order: sort the reachable set by id.
	slices.SortFunc(order, func(a, b *Node) int { return a.id - b.id })
	return order
}
