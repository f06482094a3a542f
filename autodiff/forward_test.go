package autodiff

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// The fixtures come from torch.autograd.functional in float64: testdata/make_fixtures.py.
type fixtures struct {
	Labels []int32   `json:"labels"`
	BNEps  float64   `json:"bn_eps"`
	Ops    []string  `json:"ops"`
	Cases  []fixCase `json:"cases"`
}

type fixCase struct {
	Ops   []string `json:"ops"`
	Steps []struct {
		Op   string `json:"op"`
		Args []int  `json:"args"`
	} `json:"steps"`
	X        [][]float64   `json:"x"`
	Y        []float64     `json:"y"`
	R        []float64     `json:"R"`
	V        [][]float64   `json:"v"`
	W        []float64     `json:"w"`
	JVP      []float64     `json:"jvp"`
	VJP      [][]float64   `json:"vjp"`
	Jacobian [][]float64   `json:"jacobian"`
	Hessian  [][][]float64 `json:"hessian"`
	HVP      [][]float64   `json:"hvp"`
}

// fixtureOps builds each step of make_fixtures.py's OPS with zerograd's ops, on [4 4] values.
func fixtureOps(g *graph.Graph, fx *fixtures) map[string]func(a ...*graph.Node) *graph.Node {
	labels := g.Const("labels", graph.I32(graph.Shape{4}, fx.Labels...))
	mode := ops.NewMode(true)
	un := func(f func(*graph.Node) *graph.Node) func(a ...*graph.Node) *graph.Node {
		return func(a ...*graph.Node) *graph.Node { return f(a[0]) }
	}
	bin := func(f func(a, b *graph.Node) *graph.Node) func(a ...*graph.Node) *graph.Node {
		return func(a ...*graph.Node) *graph.Node { return f(a[0], a[1]) }
	}
	img := func(a *graph.Node) *graph.Node { return ops.Reshape(a, 1, 1, 4, 4) }
	return map[string]func(a ...*graph.Node) *graph.Node{
		"add":         bin(ops.Add),
		"sub":         bin(ops.Sub),
		"mul":         bin(ops.Mul),
		"div":         bin(ops.Div),
		"neg":         un(ops.Neg),
		"exp":         un(ops.Exp),
		"log":         un(ops.Log),
		"sqrt":        un(ops.Sqrt),
		"square":      un(ops.Square),
		"abs":         un(ops.Abs),
		"pow3":        un(func(a *graph.Node) *graph.Node { return ops.Pow(a, 3) }),
		"pow-1.5":     un(func(a *graph.Node) *graph.Node { return ops.Pow(a, -1.5) }),
		"tanh":        un(ops.Tanh),
		"sigmoid":     un(ops.Sigmoid),
		"relu":        un(ops.ReLU),
		"leaky_relu":  un(func(a *graph.Node) *graph.Node { return ops.LeakyReLU(a, 0.1) }),
		"step":        bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(a, ops.Step(b)) }),
		"sign":        bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(a, ops.Sign(b)) }),
		"softmax0":    un(func(a *graph.Node) *graph.Node { return ops.Softmax(a, 0) }),
		"softmax1":    un(func(a *graph.Node) *graph.Node { return ops.Softmax(a, 1) }),
		"log_softmax": un(func(a *graph.Node) *graph.Node { return ops.LogSoftmax(a, 1) }),
		"transpose":   un(func(a *graph.Node) *graph.Node { return ops.Transpose(a) }),
		"reshape": un(func(a *graph.Node) *graph.Node {
			return ops.Reshape(ops.Transpose(ops.Reshape(a, 2, 8)), 4, 4)
		}),
		"permute3": un(func(a *graph.Node) *graph.Node {
			return ops.Reshape(ops.Transpose(ops.Reshape(a, 2, 2, 4), 2, 0, 1), 4, 4)
		}),
		"sum0":       bin(func(a, b *graph.Node) *graph.Node { return ops.Add(b, ops.Sum(a, 0)) }),
		"sum_keep1":  bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(b, ops.SumKeep(a, 1)) }),
		"sum_all":    bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(b, ops.Sum(a)) }),
		"mean_keep1": bin(func(a, b *graph.Node) *graph.Node { return ops.Sub(b, ops.MeanKeep(a, 1)) }),
		"mean3": bin(func(a, b *graph.Node) *graph.Node {
			m := ops.Mean(ops.Reshape(a, 2, 2, 4), 0, 2)
			return ops.Add(b, ops.Reshape(ops.Concat(0, m, m), 4, 1))
		}),
		"max0":      bin(func(a, b *graph.Node) *graph.Node { return ops.Add(b, ops.Max(a, 0)) }),
		"max_keep1": bin(func(a, b *graph.Node) *graph.Node { return ops.Add(b, ops.MaxKeep(a, 1)) }),
		"max_all":   bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(b, ops.Max(a)) }),
		"broadcast_to": bin(func(a, b *graph.Node) *graph.Node {
			return ops.Mul(b, ops.BroadcastTo(ops.SliceRows(a, 1, 2), 4, 4))
		}),
		"sum_to": bin(func(a, b *graph.Node) *graph.Node { return ops.Add(b, ops.SumTo(a, 1, 4)) }),
		"slice":  bin(func(a, b *graph.Node) *graph.Node { return ops.Add(b, ops.Slice(a, 1, 1, 2)) }),
		"concat0": bin(func(a, b *graph.Node) *graph.Node {
			return ops.Concat(0, ops.SliceRows(a, 0, 2), ops.SliceRows(b, 2, 4))
		}),
		"concat1":   bin(func(a, b *graph.Node) *graph.Node { return ops.Concat(1, ops.Slice(a, 1, 0, 1), ops.Slice(b, 1, 1, 4)) }),
		"matmul":    bin(ops.MatMul),
		"matmul_tn": bin(func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, false) }),
		"matmul_nt": bin(func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, false, true) }),
		"matmul_tt": bin(func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, true) }),
		"matmul_batched": bin(func(a, b *graph.Node) *graph.Node {
			return ops.Reshape(ops.MatMul(ops.Reshape(a, 4, 2, 2), ops.Reshape(b, 4, 2, 2)), 4, 4)
		}),
		"mse":        bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(a, ops.MeanSquaredError(a, b)) }),
		"sce":        bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(a, ops.SoftmaxCrossEntropy(a, ops.Softmax(b, 1))) }),
		"sce_labels": bin(func(a, b *graph.Node) *graph.Node { return ops.Mul(a, ops.SoftmaxCrossEntropy(b, labels)) }),
		"conv": bin(func(a, b *graph.Node) *graph.Node {
			return ops.Reshape(ops.Conv2D(img(a), ops.Reshape(b, 4, 1, 2, 2), 2, 0), 4, 4)
		}),
		"conv_pad": bin(func(a, b *graph.Node) *graph.Node {
			w := ops.Reshape(ops.Slice(ops.Reshape(b, 16), 0, 0, 9), 1, 1, 3, 3)
			return ops.Reshape(ops.Conv2D(img(a), w, 1, 1), 4, 4)
		}),
		"max_pool": bin(func(a, b *graph.Node) *graph.Node {
			return ops.Add(b, ops.Reshape(ops.MaxPool2D(img(a), 2, 2, 2, 0), 1, 4))
		}),
		"max_pool_pad": un(func(a *graph.Node) *graph.Node { return ops.Reshape(ops.MaxPool2D(img(a), 3, 3, 1, 1), 4, 4) }),
		"avg_pool": bin(func(a, b *graph.Node) *graph.Node {
			return ops.Mul(b, ops.Reshape(ops.AvgPool2D(img(a), 2, 2, 2, 0), 1, 4))
		}),
		"batch_norm": bin(func(a, b *graph.Node) *graph.Node {
			st := ops.NewBatchNormStats(graph.Float64, 4)
			st.Eps = fx.BNEps
			return ops.BatchNorm(a, ops.Reshape(ops.SliceRows(b, 0, 1), 4), ops.Reshape(ops.SliceRows(b, 1, 2), 4), st, mode)
		}),
	}
}

func loadFixtures(t *testing.T) *fixtures {
	t.Helper()
	b, err := os.ReadFile("testdata/forward_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx fixtures
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	return &fx
}

// fixtureGraph builds case c: inputs x0, x1 as float64 parameters and its chain of steps.
func fixtureGraph(t *testing.T, fx *fixtures, c fixCase) (g *graph.Graph, xs []*graph.Node, y *graph.Node) {
	g = graph.New()
	table := fixtureOps(g, fx)
	for i, x := range c.X {
		xs = append(xs, g.Param(fmt.Sprintf("x%d", i), graph.F64(graph.Shape{4, 4}, x...)))
	}
	vals := slices.Clone(xs)
	for _, s := range c.Steps {
		f := table[s.Op]
		if f == nil {
			t.Fatalf("no zerograd op for fixture step %q", s.Op)
		}
		args := make([]*graph.Node, len(s.Args))
		for i, a := range s.Args {
			args[i] = vals[a]
		}
		vals = append(vals, f(args...))
	}
	return g, xs, vals[len(vals)-1]
}

// closeTo reports the worst element of got against want: |got - want| over
// max(|want|, 1e-3 max|want|). Elements a thousand times smaller than the tensor's largest
// are held to 1e-12 of that largest: they are sums of larger terms that cancel (often exact
// zeros), where roundoff, not the derivative, decides the digits.
func closeTo(got, want []float64) (worst float64, at int) {
	scale := 0.0
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	if len(got) != len(want) {
		return math.Inf(1), -1
	}
	for i := range want {
		d := math.Abs(got[i]-want[i]) / math.Max(math.Max(math.Abs(want[i]), 1e-3*scale), 1e-300)
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		if d > worst {
			worst, at = d, i
		}
	}
	return worst, at
}

const fixtureTol = 1e-9

// TestAgainstPyTorch builds every fixture case and compares JVP, VJP, Jacobian (both modes),
// Hessian (every block) and HVP with torch.autograd.functional in float64.
func TestAgainstPyTorch(t *testing.T) {
	fx := loadFixtures(t)
	for ci, c := range fx.Cases {
		t.Run(fmt.Sprintf("%d_%v", ci, c.Ops), func(t *testing.T) {
			g, xs, y := fixtureGraph(t, fx, c)
			f64 := func(name string, v []float64) *graph.Node { return g.Const(name, graph.F64(graph.Shape{4, 4}, v...)) }
			vs := []*graph.Node{f64("v0", c.V[0]), f64("v1", c.V[1])}
			s := ops.Sum(ops.Mul(y, f64("R", c.R)))

			type check struct {
				name string
				node *graph.Node
				want []float64
			}
			checks := []check{{"y", y, c.Y}, {"jvp", JVP([]*graph.Node{y}, xs, vs)[0], c.JVP}}
			vjp := VJP([]*graph.Node{y}, xs, []*graph.Node{f64("w", c.W)})
			hvp := HVP(s, xs, vs)
			for k := range xs {
				checks = append(checks,
					check{fmt.Sprintf("vjp x%d", k), vjp[k], c.VJP[k]},
					check{fmt.Sprintf("hvp x%d", k), hvp[k], c.HVP[k]},
					check{fmt.Sprintf("jacobian x%d", k), Jacobian(y, xs[k]), c.Jacobian[k]},
					check{fmt.Sprintf("jacobian x%d forward", k), jacobian(y, xs[k], true), c.Jacobian[k]},
					check{fmt.Sprintf("hessian x%d", k), Hessian(s, xs[k]), c.Hessian[k][k]})
				gk := Grad(s, xs[k])[0]
				for j := range xs {
					if j != k {
						checks = append(checks, check{fmt.Sprintf("hessian x%d x%d", k, j), Jacobian(gk, xs[j]), c.Hessian[k][j]})
					}
				}
			}
			nodes := make([]*graph.Node, len(checks))
			for i, ch := range checks {
				nodes[i] = ch.node
			}
			out, err := graph.MustCompile(nodes...).Run(nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, ch := range checks {
				if worst, at := closeTo(out[i].Float64s(), ch.want); !(worst <= fixtureTol) {
					t.Errorf("%s: relative error %.3g at %d: got %.15g, want %.15g", ch.name, worst, at, out[i].Float64s()[max(at, 0)], ch.want[max(at, 0)])
				}
			}
		})
	}
}

// TestFixturesCoverEveryOp holds the generator and this file's table to the same ops, and
// each op to at least one case.
func TestFixturesCoverEveryOp(t *testing.T) {
	fx := loadFixtures(t)
	table := fixtureOps(graph.New(), fx)
	used := map[string]bool{}
	for _, c := range fx.Cases {
		for _, s := range c.Steps {
			used[s.Op] = true
		}
	}
	for _, name := range fx.Ops {
		if table[name] == nil {
			t.Errorf("fixture op %q has no zerograd builder", name)
		}
		if !used[name] {
			t.Errorf("fixture op %q appears in no case", name)
		}
	}
	if len(table) != len(fx.Ops) {
		t.Errorf("%d builders for %d fixture ops", len(table), len(fx.Ops))
	}
}
