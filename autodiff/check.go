package autodiff

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Check compares, for one input, the gradient Grad builds with a numerical gradient from
// central differences.
type Check struct {
	Node     *graph.Node
	MaxAbs   float64 // largest |analytic - numeric| over the elements
	MaxRel   float64 // largest |analytic - numeric| / max(|analytic|, |numeric|) (0 where both are 0)
	MeanAbs  float64 // mean of |analytic - numeric| (what the book's gradient check prints)
	Worst    int     // flat index of the element with the largest error relative to max(1, |a|, |n|)
	Analytic float64 // the analytic gradient at Worst
	Numeric  float64 // the numerical gradient at Worst
	worst    float64
}

// OK reports whether every element agrees within tol relative to max(1, |analytic|, |numeric|).
func (c Check) OK(tol float64) bool { return c.worst <= tol }

func (c Check) String() string {
	return fmt.Sprintf("%s%v: mean abs err %.3g, max abs err %.3g, max rel err %.3g, worst at %d: analytic %.10g numeric %.10g",
		c.Node.Label(), c.Node.Shape(), c.MeanAbs, c.MaxAbs, c.MaxRel, c.Worst, c.Analytic, c.Numeric)
}

// CheckGrad computes the gradient of the scalar y with respect to each of wrt twice: with
// Grad (backpropagation) and by central differences (f(x+eps) - f(x-eps)) / 2eps, element by
// element, as the book's gradient check does. Each wrt must be a float64 parameter or an
// input fed in feeds; its value is perturbed in place and restored. eps <= 0 means 1e-6.
func CheckGrad(y *graph.Node, wrt []*graph.Node, feeds graph.Feeds, eps float64) ([]Check, error) {
	if eps <= 0 {
		eps = 1e-6
	}
	if y.DType() != graph.Float64 {
		return nil, fmt.Errorf("autodiff: CheckGrad: %s is %s; numerical gradients need float64", y.Label(), y.DType())
	}
	vals := make([]*tensor.Dense, len(wrt))
	for i, w := range wrt {
		switch w.Kind() {
		case graph.KindParam:
			vals[i] = w.Value()
		case graph.KindInput:
			vals[i] = feeds[w]
		}
		if vals[i] == nil {
			return nil, fmt.Errorf("autodiff: CheckGrad: %s is a %s; want a parameter or a fed input", w.Label(), w.Kind())
		}
		if w.DType() != graph.Float64 {
			return nil, fmt.Errorf("autodiff: CheckGrad: %s is %s; numerical gradients need float64", w.Label(), w.DType())
		}
	}
	gs := Grad(y, wrt...)
	prog, err := graph.Compile(append([]*graph.Node{y}, gs...)...)
	if err != nil {
		return nil, fmt.Errorf("autodiff: CheckGrad: %w", err)
	}
	outs, err := prog.RunCopy(feeds)
	if err != nil {
		return nil, fmt.Errorf("autodiff: CheckGrad: %w", err)
	}
	fwd, err := graph.Compile(y)
	if err != nil {
		return nil, fmt.Errorf("autodiff: CheckGrad: %w", err)
	}
	f := func() (float64, error) {
		out, err := fwd.Run(feeds)
		if err != nil {
			return 0, err
		}
		return graph.Item(out[0]), nil
	}
	checks := make([]Check, len(wrt))
	for i, w := range wrt {
		analytic := outs[i+1].Float64s()
		x := vals[i].Float64s()
		c := Check{Node: w}
		for j := range x {
			orig := x[j]
			x[j] = orig + eps
			fp, err := f()
			if err == nil {
				x[j] = orig - eps
				var fm float64
				fm, err = f()
				fp = (fp - fm) / (2 * eps)
			}
			x[j] = orig
			if err != nil {
				return nil, fmt.Errorf("autodiff: CheckGrad: %w", err)
			}
			a, n := analytic[j], fp
			d := math.Abs(a - n)
			scale := math.Max(math.Abs(a), math.Abs(n))
			c.MaxAbs = math.Max(c.MaxAbs, d)
			c.MeanAbs += d / float64(len(x))
			if scale > 0 {
				c.MaxRel = math.Max(c.MaxRel, d/scale)
			}
			e := d / math.Max(1, scale)
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			if j == 0 || e > c.worst {
				c.worst, c.Worst, c.Analytic, c.Numeric = e, j, a, n
			}
		}
		checks[i] = c
	}
	return checks, nil
}
