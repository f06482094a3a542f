package graph

import (
	"fmt"
	"slices"
	"sync"

	"gorgonia.org/tensor"
)

// Graph holds nodes. Nodes are appended as they are built, so creation order is a
// topological order. A Graph may be built from one goroutine at a time.
type Graph struct {
	mu     sync.Mutex
	nodes  []*Node
	inputs map[string]*Node
	grads  map[*Node][]*Node // forward node -> its gradient nodes, in the order Grad made them
}

// New returns an empty graph.
func New() *Graph {
	return &Graph{inputs: map[string]*Node{}, grads: map[*Node][]*Node{}}
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

// Input adds a placeholder fed at run time under its name, which must be unique in the graph.
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

// Param adds a parameter holding value (used as is, not copied). Its shape and element
// type are the value's.
func (g *Graph) Param(name string, value *tensor.Dense) *Node {
	return g.valueNode(KindParam, name, value)
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
	if t.DType != Float32 && t.DType != Float64 {
		return fmt.Errorf("element type %v is not float32 or float64", t.DType)
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

// SetGrad records that gx is the gradient of x (autodiff calls it; the visualizer reads it).
func (g *Graph) SetGrad(x, gx *Node) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !slices.Contains(g.grads[x], gx) {
		g.grads[x] = append(g.grads[x], gx)
	}
	if gx.gradOf == nil {
		gx.gradOf = x
	}
}

// Grad returns the latest gradient node recorded for x, or nil when none was.
func (g *Graph) Grad(x *Node) *Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	if gs := g.grads[x]; len(gs) > 0 {
		return gs[len(gs)-1]
	}
	return nil
}

// Grads returns every gradient node recorded for x, in the order they were made: with
// higher-order derivatives, one per call of autodiff.Grad that reached x.
func (g *Graph) Grads(x *Node) []*Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Node(nil), g.grads[x]...)
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
