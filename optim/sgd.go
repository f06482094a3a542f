package optim

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// The gradient-following rules of the book's chapter 6: SGD, Momentum and Nesterov.
// Each file-level kernel is the book's update (common/optimizer.py) over raw slices,
// one generic function for float32 and float64.

// ---- SGD ----

// SGD is stochastic gradient descent: x -= LR * g.
type SGD struct {
	LR float64 // learning rate
}

// NewSGD returns SGD with learning rate lr.
func NewSGD(lr float64) *SGD { return &SGD{LR: lr} }

// DefaultSGD returns SGD with the book's default learning rate, 0.01.
func DefaultSGD() *SGD { return NewSGD(0.01) }

// Step applies x -= LR * g to each parameter.
func (o *SGD) Step(params []*graph.Node, grads []*tensor.Dense) error {
	if err := checkRate("sgd", "LR", o.LR); err != nil {
		return err
	}
	if err := checkArgs("sgd", params, grads); err != nil {
		return err
	}
	for i, p := range params {
		// The vector kernel takes the leading elements, the loop the rest.
		if x := p.Value(); x.Dtype() == tensor.Float32 {
			x, g, lr := x.Float32s(), grads[i].Float32s(), float32(o.LR)
			n := sgdVec32(x, g[:len(x)], lr)
			sgd(x[n:], g[n:], lr)
		} else {
			x, g := x.Float64s(), grads[i].Float64s()
			n := sgdVec64(x, g[:len(x)], o.LR)
			sgd(x[n:], g[n:], o.LR)
		}
	}
	return nil
}

// sgd is the update loop. The conversion T(...) rounds the product before the
// subtraction, so that no build (GOAMD64=v3 may fuse a*b+c) makes it an FMA: it computes
// the bits the vector kernels (sgdVec32, sgdVec64) do.
func sgd[T float](x, g []T, lr T) {
	g = g[:len(x)]
	for i := range x {
		x[i] -= T(lr * g[i])
	}
}

// State returns nil: SGD keeps no state.
func (o *SGD) State() []Slot { return nil }

// SetState accepts only an empty state: SGD keeps none.
func (o *SGD) SetState(params []*graph.Node, state []Slot) error {
	return (&store{rule: "sgd"}).setState(params, state, nil)
}

// ---- Momentum ----

// Momentum is SGD with a velocity v that keeps a share of the previous steps (the book's
// ball rolling down the loss):
//
//	v = Momentum*v - LR*g
//	x += v
type Momentum struct {
	LR       float64 // learning rate
	Momentum float64 // share of the velocity kept from one step to the next, in [0, 1)

	st store // "momentum/v/<param>"
}

// NewMomentum returns Momentum with learning rate lr and momentum factor momentum.
func NewMomentum(lr, momentum float64) *Momentum {
	return &Momentum{LR: lr, Momentum: momentum}
}

// DefaultMomentum returns Momentum with the book's defaults: LR 0.01, Momentum 0.9.
func DefaultMomentum() *Momentum { return NewMomentum(0.01, 0.9) }

// Step applies the momentum update to each parameter.
func (o *Momentum) Step(params []*graph.Node, grads []*tensor.Dense) error {
	state, err := o.slots().begin(o.check(), params, grads)
	if err != nil {
		return err
	}
	for i, p := range params {
		x, g, v := p.Value(), grads[i], state[i].t[0]
		if x.Dtype() == tensor.Float32 {
			momentum(x.Float32s(), g.Float32s(), v.Float32s(), float32(o.LR), float32(o.Momentum))
		} else {
			momentum(x.Float64s(), g.Float64s(), v.Float64s(), o.LR, o.Momentum)
		}
	}
	return nil
}

func momentum[T float](x, g, v []T, lr, m T) {
	g, v = g[:len(x)], v[:len(x)]
	for i := range x {
		v[i] = m*v[i] - lr*g[i]
		x[i] += v[i]
	}
}

func (o *Momentum) check() error {
	return checkRateUnit("momentum", o.LR, "Momentum", o.Momentum)
}

func (o *Momentum) slots() *store { return o.st.use("momentum", kindV) }

// State returns copies of the velocities, named "momentum/v/<param>".
func (o *Momentum) State() []Slot { return o.slots().state() }

// SetState restores the velocities State returned; see Optimizer.
func (o *Momentum) SetState(params []*graph.Node, state []Slot) error {
	return o.slots().setState(params, state, nil)
}

// ---- Nesterov ----

// Nesterov is Nesterov's accelerated gradient as the book writes it (after Bengio et al.,
// arXiv:1212.0901): the momentum step looks ahead along the velocity.
//
//	v *= Momentum
//	v -= LR*g
//	x += Momentum*Momentum*v
//	x -= (1+Momentum)*LR*g
type Nesterov struct {
	LR       float64 // learning rate
	Momentum float64 // share of the velocity kept from one step to the next, in [0, 1)

	st store // "nesterov/v/<param>"
}

// NewNesterov returns Nesterov with learning rate lr and momentum factor momentum.
func NewNesterov(lr, momentum float64) *Nesterov {
	return &Nesterov{LR: lr, Momentum: momentum}
}

// DefaultNesterov returns Nesterov with the book's defaults: LR 0.01, Momentum 0.9.
func DefaultNesterov() *Nesterov { return NewNesterov(0.01, 0.9) }

// Step applies Nesterov's update to each parameter.
func (o *Nesterov) Step(params []*graph.Node, grads []*tensor.Dense) error {
	state, err := o.slots().begin(o.check(), params, grads)
	if err != nil {
		return err
	}
	m := o.Momentum
	mm, c := m*m, (1+m)*o.LR // the scalar products, computed first as in the book's Python
	for i, p := range params {
		x, g, v := p.Value(), grads[i], state[i].t[0]
		if x.Dtype() == tensor.Float32 {
			nesterov(x.Float32s(), g.Float32s(), v.Float32s(), float32(o.LR), float32(m), float32(mm), float32(c))
		} else {
			nesterov(x.Float64s(), g.Float64s(), v.Float64s(), o.LR, m, mm, c)
		}
	}
	return nil
}

// nesterov takes mm = m*m and c = (1+m)*lr ready-made.
func nesterov[T float](x, g, v []T, lr, m, mm, c T) {
	g, v = g[:len(x)], v[:len(x)]
	for i := range x {
		v[i] *= m
		v[i] -= lr * g[i]
		x[i] += mm * v[i]
		x[i] -= c * g[i]
	}
}

func (o *Nesterov) check() error {
	return checkRateUnit("nesterov", o.LR, "Momentum", o.Momentum)
}

func (o *Nesterov) slots() *store { return o.st.use("nesterov", kindV) }

// State returns copies of the velocities, named "nesterov/v/<param>".
func (o *Nesterov) State() []Slot { return o.slots().state() }

// SetState restores the velocities State returned; see Optimizer.
func (o *Nesterov) SetState(params []*graph.Node, state []Slot) error {
	return o.slots().setState(params, state, nil)
}
