package autodiff_test

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func eval(t *testing.T, feeds graph.Feeds, nodes ...*graph.Node) []float64 {
	t.Helper()
	out, err := graph.MustCompile(nodes...).Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float64, len(out))
	for i, o := range out {
		vals[i] = graph.Float64s(o)[0]
	}
	return vals
}

// DeZero's step 33: y = x^4 at x = 2: y' = 4x^3 = 32, y” = 12x^2 = 48, y”' = 24x = 48.
func TestHigherOrderPolynomial(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64)
	y := ops.Pow(x, 4)
	d1 := autodiff.Grad(y, x)[0]
	d2 := autodiff.Grad(d1, x)[0]
	d3 := autodiff.Grad(d2, x)[0]
	if gs := autodiff.Gradients(x); len(gs) != 3 || gs[0] != d1 || gs[2] != d3 || autodiff.Gradient(x) != d3 {
		t.Fatalf("recorded gradients of x: %v", gs)
	}
	got := eval(t, graph.Feeds{x: graph.ScalarValue(graph.Float64, 2)}, y, d1, d2, d3)
	want := []float64{16, 32, 48, 48}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("derivative %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// tanh” = -2 tanh (1 - tanh^2), tanh”' = -2 (1 - tanh^2)(1 - 3 tanh^2).
func TestHigherOrderTanh(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64)
	y := ops.Tanh(x)
	d1 := autodiff.Grad(y, x)[0]
	d2 := autodiff.Grad(d1, x)[0]
	d3 := autodiff.Grad(d2, x)[0]
	for _, v := range []float64{-1.3, 0.2, 0.7} {
		got := eval(t, graph.Feeds{x: graph.ScalarValue(graph.Float64, v)}, d1, d2, d3)
		th := math.Tanh(v)
		want := []float64{1 - th*th, -2 * th * (1 - th*th), -2 * (1 - th*th) * (1 - 3*th*th)}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("x=%v order %d: got %v, want %v", v, i+1, got[i], want[i])
			}
		}
	}
}

// Newton's method on f(x) = x^4 - 2x^2 (DeZero step 29/33) from x = 2 converges to 1,
// with f' and f” both from Grad and one compiled program reused each iteration.
func TestNewtonMethod(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.ScalarValue(graph.Float64, 2))
	y := ops.Sub(ops.Pow(x, 4), ops.MulScalar(ops.Square(x), 2))
	gx := autodiff.Grad(y, x)[0]
	gx2 := autodiff.Grad(gx, x)[0]
	p := graph.MustCompile(gx, gx2)
	for i := 0; i < 10; i++ {
		out, err := p.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		x.Value().Float64s()[0] -= out[0].Float64s()[0] / out[1].Float64s()[0]
	}
	if v := x.Value().Float64s()[0]; math.Abs(v-1) > 1e-12 {
		t.Fatalf("Newton's method ended at %v, want 1", v)
	}
}

func TestGradNeedsScalar(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 3)
	err := graph.Try(func() { autodiff.Grad(ops.Exp(x), x) })
	if err == nil || !strings.Contains(err.Error(), "grad(exp#1[3]): can only differentiate a scalar") {
		t.Fatalf("got %v", err)
	}
}

// The branch rule: x used twice gets the sum of both gradients.
func TestBranchesAreSummed(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64)
	y := ops.Add(ops.Mul(x, x), ops.Exp(x)) // dy/dx = 2x + e^x
	gx := autodiff.Grad(y, x)[0]
	got := eval(t, graph.Feeds{x: graph.ScalarValue(graph.Float64, 0.5)}, gx)[0]
	if want := 1 + math.Exp(0.5); math.Abs(got-want) > 1e-15 {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// Nodes that lead to y only through inputs we don't ask about get no gradient nodes.
func TestUnneededNodesGetNoGradient(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2)
	c := g.Input("c", graph.Float64, 2)
	side := ops.Exp(c) // depends only on c
	y := ops.Sum(ops.Mul(ops.Tanh(x), side))
	before := len(g.Nodes())
	gx := autodiff.Grad(y, x)[0]
	if autodiff.Gradient(side) != nil || autodiff.Gradient(c) != nil || len(autodiff.Gradients(c)) != 0 {
		t.Fatal("a node not on a path from x got a gradient")
	}
	if autodiff.Gradient(x) != gx {
		t.Fatal("the forward -> gradient map does not hold x's gradient")
	}
	if autodiff.Primal(gx) != x {
		t.Fatalf("gradient node %s is not marked as the gradient of x", gx)
	}
	if autodiff.Primal(x) != nil || autodiff.Primal(y) != nil {
		t.Fatal("a forward node is marked as a gradient")
	}
	// sum, mul, tanh: each adds its rule's nodes, but exp(c) adds nothing.
	for _, n := range g.Nodes()[before:] {
		for _, in := range n.Inputs() {
			if in == c {
				t.Fatalf("gradient node %s reads c directly", n)
			}
		}
	}
	// A wrt that y does not depend on gets zeros.
	z := g.Input("z", graph.Float64, 2)
	gz := autodiff.Grad(y, z)[0]
	if v := eval(t, nil, gz)[0]; v != 0 {
		t.Fatalf("gradient of an unrelated input is %v", v)
	}
}

// Integers get no gradient: asking for one is a build error.
func TestGradOfIntegerRefused(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2)
	labels := g.Input("labels", graph.Int32, 2)
	y := ops.Sum(ops.Exp(x))
	err := graph.Try(func() { autodiff.Grad(y, x, labels) })
	if err == nil || !strings.Contains(err.Error(), "labels is int32: no gradient flows into integers") {
		t.Fatalf("got %v", err)
	}
}

func TestCheckGradReportsWrongGradient(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.FromFloat64s(graph.Float64, []int{3}, []float64{0.5, -1, 2}))
	y := ops.Sum(ops.Square(x))
	checks, err := autodiff.CheckGrad(y, []*graph.Node{x}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !checks[0].OK(1e-7) || checks[0].MaxAbs > 1e-7 {
		t.Fatalf("a correct gradient failed: %s", checks[0])
	}
	// float32 is refused: central differences need float64.
	g32 := graph.New()
	x32 := g32.Param("x", graph.NewTensor(graph.Float32, 2))
	if _, err := autodiff.CheckGrad(ops.Sum(x32), []*graph.Node{x32}, nil, 0); err == nil || !strings.Contains(err.Error(), "need float64") {
		t.Fatalf("float32 check: %v", err)
	}
}

// badSquare is a user-defined op whose gradient rule forgets the factor 2.
type badSquare struct{}

func (badSquare) Name() string                               { return "bad_square" }
func (badSquare) Shape(in ...graph.Type) (graph.Type, error) { return in[0], nil }
func (badSquare) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	for i, v := range in[0].Float64s() {
		y.Float64s()[i] = v * v
	}
	return nil
}
func (badSquare) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{ops.Mul(gy, x[0])}
}

func TestCheckGradCatchesWrongRule(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.FromFloat64s(graph.Float64, []int{3}, []float64{0.5, -1, 2}))
	y := ops.Sum(graph.Apply(badSquare{}, x))
	checks, err := autodiff.CheckGrad(y, []*graph.Node{x}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := checks[0]
	if c.OK(1e-3) {
		t.Fatalf("a wrong gradient passed: %s", c)
	}
	if math.Abs(c.Numeric-2*c.Analytic) > 1e-6 || c.MaxAbs < 1.99 || c.MaxRel < 0.49 {
		t.Fatalf("worst element reported wrong: %s", c)
	}
}
