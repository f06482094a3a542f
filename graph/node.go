package graph

import (
	"fmt"
	"sync"

	"gorgonia.org/tensor"
)

// Op is one operation: its static shape rule, its forward kernel and its gradient rule.
// Ops live in package ops, one family per file; see ops/doc.go.
type Op interface {
	// Name is the op's label in errors and pictures, e.g. "matmul".
	Name() string
	// Shape returns the type of the output given the inputs' types, or an error saying
	// what does not fit (the graph wraps it in a *ShapeError naming the inputs).
	Shape(in ...Type) (Type, error)
	// Forward computes out from in. out has the shape and type Shape returned and
	// never shares memory with an input. It returns an error only for bad data
	// (a label out of range), never for shapes, which were checked when building.
	Forward(out *tensor.Dense, in ...*tensor.Dense) error
	// Grad returns, for each input x[i], the gradient of the final scalar with respect
	// to x[i], built from ops, given y (this op's node) and gy (the gradient flowing
	// into y). An entry is nil where no gradient flows.
	Grad(x []*Node, y, gy *Node) []*Node
}

// IntInputs is implemented by ops that take integer inputs (class labels, indices): Apply
// lets input i be Int32 or Int64 only when IntInput(i) is true, and panics with a
// *ShapeError naming the input otherwise, so a float kernel never sees integers.
type IntInputs interface {
	IntInput(i int) bool
}

// Kind tells what a node is.
type Kind uint8

// The kinds of node.
const (
	KindInput Kind = iota + 1 // fed at run time (a placeholder)
	KindParam                 // a value kept between runs, updated by optimizers
	KindConst                 // a value fixed when the graph is built
	KindOp                    // the output of an op applied to other nodes
)

func (k Kind) String() string {
	switch k {
	case KindInput:
		return "input"
	case KindParam:
		return "param"
	case KindConst:
		return "const"
	case KindOp:
		return "op"
	}
	return "kind?"
}

// Node is a value in a graph: an input, a parameter, a constant or the output of an op.
// Its type is known the moment it is made.
type Node struct {
	g      *Graph
	id     int
	name   string
	kind   Kind
	op     Op
	inputs []*Node
	typ    Type

	mu    sync.RWMutex  // guards value for params
	value *tensor.Dense // params and consts
}

// ID is the node's index in its graph, in creation order (a topological order).
func (n *Node) ID() int { return n.id }

// Graph is the graph the node belongs to.
func (n *Node) Graph() *Graph { return n.g }

// Name is the name given when building, or "" when none was given.
func (n *Node) Name() string { return n.name }

// SetName names a node after it is made (for pictures and errors) and returns it. An
// input's new name must be free; a parameter cannot be renamed (its name is its identity
// in parameter files and optimizer state).
func (n *Node) SetName(name string) *Node {
	n.g.mu.Lock()
	defer n.g.mu.Unlock()
	if n.kind == KindParam && name != n.name {
		panic(&ShapeError{Op: "setname", Inputs: []string{n.Label()}, Shapes: []Shape{n.typ.Shape},
			Reason: fmt.Sprintf("a parameter keeps the name its scope gave it; make it as %q instead", name)})
	}
	if n.kind == KindInput && name != n.name {
		if _, dup := n.g.inputs[name]; dup {
			panic(&ShapeError{Op: "setname", Inputs: []string{n.Label()}, Shapes: []Shape{n.typ.Shape},
				Reason: fmt.Sprintf("an input named %q already exists", name)})
		}
		delete(n.g.inputs, n.name)
		n.g.inputs[name] = n
	}
	n.name = name
	return n
}

// Label is the name, or the op name and id ("exp#7") for unnamed nodes: it names the node in errors.
func (n *Node) Label() string {
	if n.name != "" {
		return n.name
	}
	switch n.kind {
	case KindOp:
		return fmt.Sprintf("%s#%d", n.op.Name(), n.id)
	default:
		return fmt.Sprintf("%s#%d", n.kind, n.id)
	}
}

func (n *Node) String() string { return n.Label() + n.typ.Shape.String() }

// Kind tells whether the node is an input, a parameter, a constant or an op output.
func (n *Node) Kind() Kind { return n.kind }

// Op is the node's op, nil unless Kind is KindOp.
func (n *Node) Op() Op { return n.op }

// Inputs are the op's operands, in order.
func (n *Node) Inputs() []*Node { return n.inputs }

// Type is the node's static shape and element type.
func (n *Node) Type() Type { return n.typ }

// Shape is the node's static shape. Do not modify it.
func (n *Node) Shape() Shape { return n.typ.Shape }

// DType is the node's element type.
func (n *Node) DType() DType { return n.typ.DType }

// Value returns the current value of a parameter or constant (nil for inputs and op nodes,
// whose values live in a compiled program). Optimizers update a parameter's value in place.
func (n *Node) Value() *tensor.Dense {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.value
}

// SetValue replaces the value of a parameter, checking its shape and element type.
// The tensor is used as it is, not copied.
func (n *Node) SetValue(v *tensor.Dense) error {
	if n.kind != KindParam {
		return fmt.Errorf("graph: SetValue on %s %s: only parameters can be set", n.kind, n.Label())
	}
	if err := checkValue(n, v); err != nil {
		return fmt.Errorf("graph: SetValue %s: %w", n.Label(), err)
	}
	n.mu.Lock()
	n.value = v
	n.mu.Unlock()
	return nil
}

// checkValue says what is wrong with v as a value of n (the caller names the context).
func checkValue(n *Node, v *tensor.Dense) error {
	if v == nil {
		return fmt.Errorf("nil value")
	}
	dt, err := DTypeOf(v)
	if err != nil {
		return err
	}
	if dt != n.typ.DType {
		return fmt.Errorf("value is %s, want %s", dt, n.typ.DType)
	}
	if !sameShape(v, n.typ.Shape) {
		return fmt.Errorf("value has shape %v, want %v", shapeOf(v), n.typ.Shape)
	}
	return nil
}
