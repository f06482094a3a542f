package autodiff_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func run1(t *testing.T, feeds graph.Feeds, nodes ...*graph.Node) [][]float64 {
	t.Helper()
	out, err := graph.MustCompile(nodes...).Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	vs := make([][]float64, len(out))
	for i, o := range out {
		vs[i] = graph.Float64s(o)
	}
	return vs
}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*math.Max(1, math.Abs(want[i]))) {
			t.Errorf("%s[%d] = %.15g, want %.15g (diff %.3g)", what, i, got[i], want[i], d)
		}
	}
}

// rosenbrock is (1 - x)^2 + 100 (y - x^2)^2 of p = [x y].
func rosenbrock(p *graph.Node) *graph.Node {
	x, y := ops.Slice(p, 0, 0, 1), ops.Slice(p, 0, 1, 2)
	one := p.Graph().Scalar(1, p.DType())
	return ops.Sum(ops.Add(ops.Square(ops.Sub(one, x)), ops.MulScalar(ops.Square(ops.Sub(y, ops.Square(x))), 100)))
}

// Rosenbrock's Hessian is [[2 - 400 (y - x^2) + 800 x^2, -400 x], [-400 x, 200]].
func TestHessianRosenbrock(t *testing.T) {
	for _, pt := range [][2]float64{{1, 1}, {-1.2, 1}, {0.3, -0.7}} {
		g := graph.New()
		p := g.Param("p", graph.F64(graph.Shape{2}, pt[0], pt[1]))
		f := rosenbrock(p)
		H := autodiff.Hessian(f, p)
		if !H.Shape().Equal(graph.Shape{2, 2}) {
			t.Fatalf("Hessian shape %v, want [2 2]", H.Shape())
		}
		v := g.Const("v", graph.F64(graph.Shape{2}, 0.5, -2))
		Hv := autodiff.HVP(f, []*graph.Node{p}, []*graph.Node{v})[0]
		out := run1(t, nil, H, Hv)
		x, y := pt[0], pt[1]
		want := []float64{2 - 400*(y-x*x) + 800*x*x, -400 * x, -400 * x, 200}
		near(t, fmt.Sprintf("H at %v", pt), out[0], want, 1e-12)
		near(t, fmt.Sprintf("Hv at %v", pt), out[1], []float64{want[0]*0.5 - 2*want[1], want[2]*0.5 - 2*want[3]}, 1e-12)
	}
}

// The Jacobian of softmax is diag(s) - s s^T, in both modes.
func TestJacobianSoftmax(t *testing.T) {
	g := graph.New()
	xv := []float64{0.3, -1.2, 2.0, 0.7, -0.1}
	x := g.Param("x", graph.F64(graph.Shape{5}, xv...))
	s := ops.Softmax(x, 0)
	J := autodiff.Jacobian(s, x)
	// forward mode through a y with more elements than x: Concat(s, s) picks it
	s2 := ops.Concat(0, s, s)
	J2 := autodiff.Jacobian(s2, x)
	out := run1(t, nil, s, J, J2)
	sv := out[0]
	want := make([]float64, 25)
	for i := range 5 {
		for j := range 5 {
			want[i*5+j] = -sv[i] * sv[j]
			if i == j {
				want[i*5+j] += sv[i]
			}
		}
	}
	near(t, "softmax Jacobian", out[1], want, 1e-15)
	near(t, "Jacobian of Concat(s, s) (forward mode)", out[2], append(want, want...), 1e-15)
	if !J2.Shape().Equal(graph.Shape{10, 5}) {
		t.Errorf("Jacobian shape %v, want [10 5]", J2.Shape())
	}
}

// The Hessian of the TwoLayerNet's loss over all its parameters, block by block, against
// central differences of its gradient.
func TestHessianTwoLayerNet(t *testing.T) {
	const n, in, hidden, out = 3, 4, 3, 2
	rng := rand.New(rand.NewPCG(14, 5))
	net := newTwoLayerNet(graph.Float64, n, in, hidden, out, newTwoLayerWeights(rng, in, hidden, out, 0.5))
	feeds := randomBatch(rng, n, in, out).feeds(net)
	ps := net.params()
	grads := autodiff.Grad(net.loss, ps...)
	var blocks []*graph.Node
	for _, gi := range grads {
		for _, pj := range ps {
			blocks = append(blocks, autodiff.Jacobian(gi, pj))
		}
	}
	H := run1(t, feeds, blocks...)
	gradProg := graph.MustCompile(grads...)
	const eps = 1e-5
	for j, pj := range ps {
		x := pj.Value().Float64s()
		for e := range x {
			orig := x[e]
			x[e] = orig + eps
			gp, err := gradProg.RunCopy(feeds)
			if err != nil {
				t.Fatal(err)
			}
			x[e] = orig - eps
			gm, err := gradProg.RunCopy(feeds)
			if err != nil {
				t.Fatal(err)
			}
			x[e] = orig
			for i := range ps {
				a, b := gp[i].Float64s(), gm[i].Float64s()
				blk := H[i*len(ps)+j] // shape pi's shape then pj's shape
				ne := len(x)
				for r := range a {
					num := (a[r] - b[r]) / (2 * eps)
					got := blk[r*ne+e]
					if d := math.Abs(got - num); d > 1e-7*math.Max(1, math.Abs(num)) {
						t.Errorf("d2 loss / d %s[%d] d %s[%d] = %.10g, central differences %.10g", ps[i].Label(), r, pj.Label(), e, got, num)
					}
				}
			}
		}
	}
	// The Hessian is symmetric.
	for i := range ps {
		for j := range ps {
			a, b := H[i*len(ps)+j], H[j*len(ps)+i]
			ni, nj := ps[i].Shape().Size(), ps[j].Shape().Size()
			for r := range ni {
				for c := range nj {
					if d := math.Abs(a[r*nj+c] - b[c*ni+r]); d > 1e-12 {
						t.Fatalf("H[%s][%s] not symmetric at %d,%d: %g vs %g", ps[i].Label(), ps[j].Label(), r, c, a[r*nj+c], b[c*ni+r])
					}
				}
			}
		}
	}
}

// Forward mode on the book's apple graph: the tangent of every node when the apple's price
// moves by 1, recorded by JVP over Between.
func TestJVPAppleTangents(t *testing.T) {
	g := graph.New()
	apple := g.Input("apple", graph.Float64)
	num := g.Input("apple_num", graph.Float64)
	tax := g.Input("tax", graph.Float64)
	applePrice := ops.Mul(apple, num)
	price := ops.Mul(applePrice, tax)
	path := autodiff.Between([]*graph.Node{apple}, []*graph.Node{price})
	if len(path) != 3 || path[0] != apple || path[1] != applePrice || path[2] != price {
		t.Fatalf("Between = %v, want [apple mul mul]", path)
	}
	ts := autodiff.JVP(path, []*graph.Node{apple}, []*graph.Node{g.Scalar(1, graph.Float64)})
	for i, n := range path {
		if autodiff.Tangent(n) != ts[i] {
			t.Errorf("Tangent(%s) is not JVP's node", n.Label())
		}
	}
	if autodiff.Tangent(num) != nil {
		t.Errorf("apple_num got a tangent")
	}
	feeds := graph.Feeds{apple: graph.F64(nil, 100), num: graph.F64(nil, 2), tax: graph.F64(nil, 1.1)}
	out := run1(t, feeds, ts...)
	near(t, "tangents", []float64{out[0][0], out[1][0], out[2][0]}, []float64{1, 2, 2.2}, 1e-15)
}

// Results are graphs: they can be differentiated again, and compile with each other.
func TestDerivativesOfDerivatives(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{3}, 0.5, -1, 2))
	f := ops.Sum(ops.Pow(x, 4))
	one := g.Const("ones", graph.F64(graph.Shape{3}, 1, 1, 1))
	hv := autodiff.HVP(f, []*graph.Node{x}, []*graph.Node{one})[0] // 12 x^2
	d3 := autodiff.Grad(ops.Sum(hv), x)[0]                         // 24 x
	jv := autodiff.JVP([]*graph.Node{hv}, []*graph.Node{x}, []*graph.Node{one})[0]
	y := ops.Tanh(ops.Exp(x))
	ty := autodiff.JVP([]*graph.Node{y}, []*graph.Node{x}, []*graph.Node{one})[0]
	prog := graph.MustCompile(hv, d3, jv, ty)
	out, err := prog.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	xs := []float64{0.5, -1, 2}
	w := make([][]float64, 4)
	for _, v := range xs {
		th := math.Tanh(math.Exp(v))
		w[0] = append(w[0], 12*v*v)
		w[1] = append(w[1], 24*v)
		w[2] = append(w[2], 24*v)
		w[3] = append(w[3], (1-th*th)*math.Exp(v))
	}
	for i, name := range []string{"HVP", "Grad of HVP", "JVP of HVP", "JVP of tanh(exp)"} {
		near(t, name, out[i].Float64s(), w[i], 1e-13)
	}
}

// A JVP of an output the inputs do not reach is zero; VJP with a cotangent equals Grad of
// the weighted sum.
func TestJVPZeroAndVJP(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{2}, 1, 2))
	c := g.Param("c", graph.F64(graph.Shape{2}, 3, 4))
	y := ops.Mul(ops.Exp(c), c)
	tv := autodiff.JVP([]*graph.Node{y}, []*graph.Node{x}, []*graph.Node{g.Const("v", graph.F64(graph.Shape{2}, 1, 1))})[0]
	w := g.Const("w", graph.F64(graph.Shape{2}, 0.5, -1))
	vj := autodiff.VJP([]*graph.Node{y}, []*graph.Node{c}, []*graph.Node{w})[0]
	out := run1(t, nil, tv, vj)
	near(t, "JVP of an unreached output", out[0], []float64{0, 0}, 0)
	want := []float64{0.5 * math.Exp(3) * 4, -math.Exp(4) * 5}
	near(t, "VJP", out[1], want, 1e-14)
}

func TestCurvaturePanics(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{2}, 1, 2))
	y := ops.Exp(x)
	v3 := g.Const("v3", graph.F64(graph.Shape{3}, 1, 2, 3))
	cases := map[string]func(){
		"JVP tangent shape":   func() { autodiff.JVP([]*graph.Node{y}, []*graph.Node{x}, []*graph.Node{v3}) },
		"JVP list lengths":    func() { autodiff.JVP([]*graph.Node{y}, []*graph.Node{x}, nil) },
		"VJP cotangent":       func() { autodiff.VJP([]*graph.Node{y}, []*graph.Node{x}, []*graph.Node{v3}) },
		"HVP of a vector":     func() { autodiff.HVP(y, []*graph.Node{x}, []*graph.Node{x}) },
		"Hessian of a vector": func() { autodiff.Hessian(y, x) },
		"JVP of integers": func() {
			autodiff.JVP([]*graph.Node{g.Input("i", graph.Int32, 2)}, []*graph.Node{x}, []*graph.Node{x})
		},
	}
	for name, f := range cases {
		err := graph.Try(f)
		var se *graph.ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *graph.ShapeError", name, err)
		}
	}
}
