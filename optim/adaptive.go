package optim

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/parallel"
)

// The rules of the book's chapter 6 that adapt the step to each element: AdaGrad,
// RMSprop and Adam. Each keeps a running measure of the squared gradients, h or v, and
// divides by its square root (plus 1e-7, so that a zero never divides).

// ---- AdaGrad ----

// AdaGrad shrinks the step of each element by the root of the sum of its squared
// gradients so far, h:
//
//	h += g*g
//	x -= LR*g / (sqrt(h) + 1e-7)
type AdaGrad struct {
	LR float64 // learning rate

	st store // "adagrad/h/<param>"
}

// NewAdaGrad returns AdaGrad with learning rate lr.
func NewAdaGrad(lr float64) *AdaGrad { return &AdaGrad{LR: lr} }

// DefaultAdaGrad returns AdaGrad with the book's default learning rate, 0.01.
func DefaultAdaGrad() *AdaGrad { return NewAdaGrad(0.01) }

// Step applies AdaGrad's update to each parameter.
func (o *AdaGrad) Step(params []*graph.Node, grads []*tensor.Dense) error {
	state, err := o.slots().begin(checkRate("adagrad", "LR", o.LR), params, grads)
	if err != nil {
		return err
	}
	for i, p := range params {
		x, g, h := p.Value(), grads[i], state[i].t[0]
		if x.Dtype() == tensor.Float32 {
			adaGrad(x.Float32s(), g.Float32s(), h.Float32s(), float32(o.LR))
		} else {
			adaGrad(x.Float64s(), g.Float64s(), h.Float64s(), o.LR)
		}
	}
	return nil
}

func adaGrad[T float](x, g, h []T, lr T) {
	g, h = g[:len(x)], h[:len(x)]
	for i := range x {
		h[i] += g[i] * g[i]
		x[i] -= lr * g[i] / (sqrt(h[i]) + eps)
	}
}

func (o *AdaGrad) slots() *store { return o.st.use("adagrad", kindH) }

// State returns copies of the sums of squared gradients, named "adagrad/h/<param>".
func (o *AdaGrad) State() []Slot { return o.slots().state() }

// SetState restores the sums State returned; see Optimizer.
func (o *AdaGrad) SetState(params []*graph.Node, state []Slot) error {
	return o.slots().setState(params, state, nil)
}

// ---- RMSprop ----

// RMSprop is AdaGrad that forgets: h is a moving average of the squared gradients.
//
//	h *= DecayRate
//	h += (1-DecayRate)*g*g
//	x -= LR*g / (sqrt(h) + 1e-7)
type RMSprop struct {
	LR        float64 // learning rate
	DecayRate float64 // share of h kept from one step to the next, in [0, 1)

	st store // "rmsprop/h/<param>"
}

// NewRMSprop returns RMSprop with learning rate lr and decay rate decayRate.
func NewRMSprop(lr, decayRate float64) *RMSprop { return &RMSprop{LR: lr, DecayRate: decayRate} }

// DefaultRMSprop returns RMSprop with the book's defaults: LR 0.01, DecayRate 0.99.
func DefaultRMSprop() *RMSprop { return NewRMSprop(0.01, 0.99) }

// Step applies RMSprop's update to each parameter.
func (o *RMSprop) Step(params []*graph.Node, grads []*tensor.Dense) error {
	state, err := o.slots().begin(o.check(), params, grads)
	if err != nil {
		return err
	}
	d := o.DecayRate
	for i, p := range params {
		x, g, h := p.Value(), grads[i], state[i].t[0]
		if x.Dtype() == tensor.Float32 {
			rmsProp(x.Float32s(), g.Float32s(), h.Float32s(), float32(o.LR), float32(d), float32(1-d))
		} else {
			rmsProp(x.Float64s(), g.Float64s(), h.Float64s(), o.LR, d, 1-d)
		}
	}
	return nil
}

// rmsProp takes keep = 1-d ready-made, computed in float64 as the book's Python does.
func rmsProp[T float](x, g, h []T, lr, d, keep T) {
	g, h = g[:len(x)], h[:len(x)]
	for i := range x {
		h[i] *= d
		h[i] += keep * g[i] * g[i]
		x[i] -= lr * g[i] / (sqrt(h[i]) + eps)
	}
}

func (o *RMSprop) check() error {
	return checkRateUnit("rmsprop", o.LR, "DecayRate", o.DecayRate)
}

func (o *RMSprop) slots() *store { return o.st.use("rmsprop", kindH) }

// State returns copies of the moving averages, named "rmsprop/h/<param>".
func (o *RMSprop) State() []Slot { return o.slots().state() }

// SetState restores the moving averages State returned; see Optimizer.
func (o *RMSprop) SetState(params []*graph.Node, state []Slot) error {
	return o.slots().setState(params, state, nil)
}

// ---- Adam ----

// Adam joins Momentum and RMSprop: moving averages of the gradients, m, and of their
// squares, v, with the bias of their zero start corrected in the learning rate, as the
// book writes it (Kingma and Ba, arXiv:1412.6980):
//
//	iter += 1
//	lr_t = LR * sqrt(1 - Beta2^iter) / (1 - Beta1^iter)
//	m += (1-Beta1)*(g - m)
//	v += (1-Beta2)*(g*g - v)
//	x -= lr_t*m / (sqrt(v) + 1e-7)
//
// iter counts calls of Step, for all parameters together.
type Adam struct {
	LR    float64 // learning rate
	Beta1 float64 // share of m kept from one step to the next, in [0, 1)
	Beta2 float64 // share of v kept from one step to the next, in [0, 1)

	st   store    // "adam/m/<param>", "adam/v/<param>"
	iter int64    // "adam/iter"
	task adamTask // the running update of a large float32 parameter, over the cores
}

// NewAdam returns Adam with learning rate lr and decay rates beta1 and beta2.
func NewAdam(lr, beta1, beta2 float64) *Adam { return &Adam{LR: lr, Beta1: beta1, Beta2: beta2} }

// DefaultAdam returns Adam with the book's defaults: LR 0.001, Beta1 0.9, Beta2 0.999.
func DefaultAdam() *Adam { return NewAdam(0.001, 0.9, 0.999) }

// Step counts one more step and applies Adam's update to each parameter.
func (o *Adam) Step(params []*graph.Node, grads []*tensor.Dense) error {
	state, err := o.slots().begin(o.check(), params, grads)
	if err != nil {
		return err
	}
	o.iter++
	t := float64(o.iter)
	lrt := o.LR * math.Sqrt(1-math.Pow(o.Beta2, t)) / (1 - math.Pow(o.Beta1, t))
	c1, c2 := 1-o.Beta1, 1-o.Beta2
	for i, p := range params {
		x, g, m, v := p.Value(), grads[i], state[i].t[0], state[i].t[1]
		if x.Dtype() == tensor.Float32 {
			o.task = adamTask{x.Float32s(), g.Float32s(), m.Float32s(), v.Float32s(), float32(lrt), float32(c1), float32(c2)}
			o.task.run()
			o.task = adamTask{} // drop the slices
		} else {
			adam(x.Float64s(), g.Float64s(), m.Float64s(), v.Float64s(), lrt, c1, c2)
		}
	}
	return nil
}

// adamTask is adam32 over one parameter, cut into blocks of adamBlock values that run on
// all cores when the parameter is large (SimpleConvNet's 4320 x 100 weight): the update is
// elementwise, so the blocks give the bits one loop gives.
type adamTask struct {
	x, g, m, v  []float32
	lrt, c1, c2 float32
}

const adamBlock = 1 << 13

func (t *adamTask) run() {
	parallel.For((len(t.x)+adamBlock-1)/adamBlock, len(t.x), t)
}

// Run updates blocks [lo, hi).
func (t *adamTask) Run(lo, hi int) {
	a, b := lo*adamBlock, min(hi*adamBlock, len(t.x))
	adam32(t.x[a:b], t.g[a:b], t.m[a:b], t.v[a:b], t.lrt, t.c1, t.c2)
}

// adam32 is adam in float32: eight lanes at a time where the CPU has AVX2 (adam_amd64.s,
// the same operations in the same order, so the same bits), the loop for the rest.
func adam32(x, g, m, v []float32, lrt, c1, c2 float32) {
	g, m, v = g[:len(x)], m[:len(x)], v[:len(x)]
	n := adamVec(x, g, m, v, lrt, c1, c2)
	adam(x[n:], g[n:], m[n:], v[n:], lrt, c1, c2)
}

// adam takes c1 = 1-Beta1 and c2 = 1-Beta2 ready-made.
func adam[T float](x, g, m, v []T, lrt, c1, c2 T) {
	g, m, v = g[:len(x)], m[:len(x)], v[:len(x)]
	for i := range x {
		m[i] += c1 * (g[i] - m[i])
		v[i] += c2 * (g[i]*g[i] - v[i])
		x[i] -= lrt * m[i] / (sqrt(v[i]) + eps)
	}
}

func (o *Adam) check() error {
	if err := checkRate("adam", "LR", o.LR); err != nil {
		return err
	}
	if err := checkUnit("adam", "Beta1", o.Beta1); err != nil {
		return err
	}
	return checkUnit("adam", "Beta2", o.Beta2)
}

func (o *Adam) slots() *store { return o.st.use("adam", kindMV) }

// State returns copies of the moving averages, named "adam/m/<param>" and
// "adam/v/<param>", and the step count as a float64 scalar named "adam/iter".
func (o *Adam) State() []Slot {
	s := o.slots().state()
	if o.iter == 0 && len(s) == 0 {
		return nil
	}
	return append(s, Slot{Name: "adam/iter", Value: graph.ScalarValue(graph.Float64, float64(o.iter))})
}

// SetState restores the moving averages and step count State returned; see Optimizer.
func (o *Adam) SetState(params []*graph.Node, state []Slot) error {
	iter := &scalar{name: "adam/iter"}
	if err := o.slots().setState(params, state, []*scalar{iter}); err != nil {
		return err
	}
	o.iter = int64(iter.v)
	return nil
}
