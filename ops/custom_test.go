package ops_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// swish is a custom op as a user writes it: the value once, the derivative with ops.
var swish = ops.Elementwise{
	Name: "swish",
	F:    func(x float64) float64 { return x / (1 + math.Exp(-x)) },
	// d/dx x*sigmoid(x) = y + sigmoid(x)*(1-y)
	Deriv: func(x, y *graph.Node) *graph.Node {
		return ops.Add(y, ops.Mul(ops.Sigmoid(x), ops.AddScalar(ops.Neg(y), 1)))
	},
}

// abb is a*b^2, a custom op of two inputs.
var abb = ops.Elementwise2{
	Name: "abb",
	F:    func(a, b float64) float64 { return a * b * b },
	DA:   func(a, b, y *graph.Node) *graph.Node { return ops.Square(b) },
	DB:   func(a, b, y *graph.Node) *graph.Node { return ops.MulScalar(ops.Mul(a, b), 2) },
}

// The reference for a custom op is the same function built from zerograd's own ops: values
// in both element types, and gradients.
func TestElementwiseMatchesBuiltIn(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		g := graph.New()
		x := g.Param("x", graph.FromFloat64s(dt, []int{2, 3}, []float64{-2, -0.5, 0, 0.3, 1, 4}))
		b := g.Param("b", graph.FromFloat64s(dt, []int{2, 3}, []float64{1, -2, 0.5, 3, -1, 2}))
		mine, ref := swish.Apply(x), ops.Mul(x, ops.Sigmoid(x))
		mine2, ref2 := abb.Apply(x, b), ops.Mul(x, ops.Square(b))
		gm := autodiff.Grad(ops.Sum(ops.Add(mine, mine2)), x, b)
		gr := autodiff.Grad(ops.Sum(ops.Add(ref, ref2)), x, b)
		prog := graph.MustCompile(mine, ref, mine2, ref2, gm[0], gr[0], gm[1], gr[1])
		out, err := prog.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-12
		if dt == graph.Float32 {
			tol = 1e-6
		}
		for k := 0; k < len(out); k += 2 {
			a, r := graph.Float64s(out[k]), graph.Float64s(out[k+1])
			for i := range a {
				if math.Abs(a[i]-r[i]) > tol*math.Max(1, math.Abs(r[i])) {
					t.Fatalf("%s output %d element %d: custom %v, built-in %v", dt, k/2, i, a[i], r[i])
				}
			}
		}
	}
}

func TestElementwiseWithoutDerivHasNoGradient(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{2}, 1, 2))
	round := ops.Elementwise{Name: "round", F: math.Round}
	gx := autodiff.Grad(ops.Sum(round.Apply(x)), x)[0]
	out, err := graph.MustCompile(gx).Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := graph.Float64s(out[0]); v[0] != 0 || v[1] != 0 {
		t.Fatalf("gradient %v, want zeros", v)
	}
	if y := round.Apply(x); !strings.HasPrefix(y.Label(), "round#") {
		t.Fatalf("label %q does not name the op", y.Label())
	}
}

func TestElementwise2ChecksShapes(t *testing.T) {
	g := graph.New()
	a := g.Param("a", graph.F64(graph.Shape{2}))
	b := g.Param("b", graph.F64(graph.Shape{3}))
	err := graph.Try(func() { abb.Apply(a, b) })
	if err == nil || !strings.Contains(err.Error(), "abb(a[2], b[3]): shapes [2] and [3] differ") {
		t.Fatalf("err = %v", err)
	}
}

func TestClamp(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{5}, -3, -1, 0.5, 2, 7))
	y := ops.Clamp(x, -1.5, 2.5)
	up := ops.Clamp(x, math.Inf(-1), 1)
	gx := autodiff.Grad(ops.Sum(y), x)[0]
	out, err := graph.MustCompile(y, up, gx).Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]float64{{-1.5, -1, 0.5, 2, 2.5}, {-3, -1, 0.5, 1, 1}, {0, 1, 1, 1, 0}} {
		if got := graph.Float64s(out[i]); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("output %d: %v, want %v", i, got, want)
		}
	}
}

// The losses and the metric allocate nothing per run, with labels of every element type and
// with one-hot rows.
func TestLossesAllocateNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector: counts mean nothing")
	}
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		g := graph.New()
		x := g.Param("x", graph.FromFloat64s(dt, []int{2, 3}, []float64{1, 2, 3, 3, 1, 2}))
		oneHot := g.Input("onehot", dt, 2, 3)
		labels := g.Input("labels", graph.Int32, 2)
		prog := graph.MustCompile(ops.SoftmaxCrossEntropy(x, oneHot), ops.SoftmaxCrossEntropy(x, labels), ops.Accuracy(x, labels))
		feeds := graph.Feeds{oneHot: graph.FromFloat64s(dt, []int{2, 3}, []float64{0, 0, 1, 1, 0, 0}), labels: graph.I32(graph.Shape{2}, 2, 0)}
		if _, err := prog.Run(feeds); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(10, func() { _, _ = prog.Run(feeds) }); n != 0 {
			t.Errorf("%s: %v allocations per run", dt, n)
		}
	}
}
