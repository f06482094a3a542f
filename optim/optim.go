package optim

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Optimizer updates parameters from their gradients: one of the book's chapter 6 rules.
type Optimizer interface {
	// Step updates each parameter's value in place from its gradient value: grads[i] is
	// the gradient of params[i], with the same shape and element type. It checks
	// everything before changing anything, so a failed Step leaves parameters and
	// state as they were. The gradients are only read.
	Step(params []*graph.Node, grads []*tensor.Dense) error

	// State returns copies of the optimizer's state (momentum, running averages, step
	// count), one Slot per tensor, named like "adam/m/W1". It is empty before the first
	// Step and for SGD.
	State() []Slot

	// SetState replaces the optimizer's state with copies of state, as State returned it,
	// for the parameters params. It checks that every slot the parameters need is there
	// with the parameter's shape and element type, and that no other slot is, and reports
	// every mismatch by name; on error nothing changes. An empty state resets the
	// optimizer to its state before the first Step.
	SetState(params []*graph.Node, state []Slot) error
}

// Every rule is an Optimizer.
var (
	_ Optimizer = (*SGD)(nil)
	_ Optimizer = (*Momentum)(nil)
	_ Optimizer = (*Nesterov)(nil)
	_ Optimizer = (*AdaGrad)(nil)
	_ Optimizer = (*RMSprop)(nil)
	_ Optimizer = (*Adam)(nil)
)

// A Slot is one tensor of an optimizer's state with its name, such as "adam/m/W1" (Adam's
// first moment of parameter W1) or "adam/iter" (a float64 scalar counting steps). Package
// nn converts slots to and from its NamedTensor to write them in parameter files.
type Slot struct {
	Name  string
	Value *tensor.Dense
}

// eps keeps the adaptive rules from dividing by zero; the book's value.
const eps = 1e-7

// float is the element type of the kernels; the public API stays plain.
type float interface{ float32 | float64 }

// sqrt is math.Sqrt for both element types (correctly rounded for float32 too).
func sqrt[T float](x T) T { return T(math.Sqrt(float64(x))) }

// key is the name a parameter's state is kept under: its name, or its label ("param#3")
// when it has none.
func key(p *graph.Node) string {
	if p.Name() != "" {
		return p.Name()
	}
	return p.Label()
}

// checkArgs checks a step's parameters and gradients: as many of each, parameter nodes
// only, and each gradient of its parameter's shape and element type, held contiguously.
func checkArgs(rule string, params []*graph.Node, grads []*tensor.Dense) error {
	if len(params) != len(grads) {
		return fmt.Errorf("optim: %s: %d parameters but %d gradients", rule, len(params), len(grads))
	}
	for i, p := range params {
		if p == nil {
			return fmt.Errorf("optim: %s: parameter %d is nil", rule, i)
		}
		if p.Kind() != graph.KindParam {
			return fmt.Errorf("optim: %s: %s is %s %s, not a parameter: only parameters can be updated", rule, p.Label(), article(p.Kind()), p.Kind())
		}
		if err := checkTensor(grads[i], p.Type()); err != nil {
			return fmt.Errorf("optim: %s: gradient of %s %w", rule, p.Label(), err)
		}
		if err := checkTensor(p.Value(), p.Type()); err != nil {
			return fmt.Errorf("optim: %s: value of %s %w", rule, p.Label(), err)
		}
	}
	return nil
}

func article(k graph.Kind) string {
	if k == graph.KindInput || k == graph.KindOp {
		return "an"
	}
	return "a"
}

// checkTensor says what keeps t from being used as a value of type want, in words that
// follow the tensor's name: "is float32[2 3], want float64[2 3]".
func checkTensor(t *tensor.Dense, want graph.Type) error {
	if t == nil {
		return fmt.Errorf("is nil")
	}
	dt, err := graph.DTypeOf(t)
	if err != nil {
		return fmt.Errorf("has an %w", err)
	}
	if dt != want.DType || !sameShape(t, want.Shape) {
		return fmt.Errorf("is %s, want %s", typeOf(t), want)
	}
	if t.IsMaterializable() {
		return fmt.Errorf("is a view (sliced or transposed); pass a contiguous tensor")
	}
	return nil
}

// sameShape compares a tensor's shape with s without allocating.
func sameShape(t *tensor.Dense, s graph.Shape) bool {
	ts := t.Shape()
	if len(ts) != len(s) {
		return false
	}
	for i := range s {
		if ts[i] != s[i] {
			return false
		}
	}
	return true
}

// typeOf is a tensor's type as the graph writes it, "float32[2 3]", for messages.
func typeOf(t *tensor.Dense) string {
	dt, err := graph.DTypeOf(t)
	if err != nil {
		return fmt.Sprintf("%v%v", t.Dtype(), graph.Shape(t.Shape()))
	}
	return graph.Type{DType: dt, Shape: graph.Shape(t.Shape())}.String()
}

// checkRate checks a learning rate: finite and not negative.
func checkRate(rule, field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("optim: %s: %s = %g, want a finite value >= 0", rule, field, v)
	}
	return nil
}

// checkUnit checks a decay factor (momentum, decay rate, beta): 0 <= v < 1.
func checkUnit(rule, field string, v float64) error {
	if !(v >= 0 && v < 1) {
		return fmt.Errorf("optim: %s: %s = %g, want 0 <= %s < 1", rule, field, v, field)
	}
	return nil
}

// checkRateUnit checks a learning rate lr (field LR) and one decay factor.
func checkRateUnit(rule string, lr float64, field string, v float64) error {
	if err := checkRate(rule, "LR", lr); err != nil {
		return err
	}
	return checkUnit(rule, field, v)
}
