package optim_test

import (
	"math"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// A two-moons-like toy: the class is whether x0*x1 > 0 (XOR of the signs).
func toy(n int) (*graph.Node, *graph.Node, graph.Feeds, *graph.Graph) {
	g := graph.New()
	x := g.Input("x", graph.Float32, n, 2)
	t := g.Input("t", graph.Int32, n)
	xs, ts := make([]float32, 2*n), make([]int32, n)
	r := g.Rand()
	for i := range n {
		a, b := float32(r.NormFloat64()), float32(r.NormFloat64())
		xs[2*i], xs[2*i+1] = a, b
		if a*b > 0 {
			ts[i] = 1
		}
	}
	return x, t, graph.Feeds{x: graph.F32(graph.Shape{n, 2}, xs...), t: graph.I32(graph.Shape{n}, ts...)}, g
}

func TestStepTrainsAnMLP(t *testing.T) {
	x, lbl, feeds, g := toy(64)
	swish := ops.Elementwise{Name: "swish", F: func(v float64) float64 { return v / (1 + math.Exp(-v)) },
		Deriv: func(x, y *graph.Node) *graph.Node {
			return ops.Add(y, ops.Mul(ops.Sigmoid(x), ops.AddScalar(ops.Neg(y), 1)))
		}}
	s := g.In("mlp")
	fc1 := nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 2, Out: 16})
	fc2 := nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: 16, Out: 2})
	scores := fc2.Forward(swish.Apply(fc1.Forward(x)))
	loss := nn.SoftmaxCrossEntropy(scores, lbl)
	step := optim.NewStep(loss, optim.NewAdam(0.05, 0.9, 0.999))
	if len(step.Params) != 4 || step.Params[0].Name() != "mlp.fc1.W" || step.Params[3].Name() != "mlp.fc2.b" {
		t.Fatalf("params %v", step.Params)
	}
	first, err := step.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	var last float64
	for range 300 {
		if last, err = step.Run(feeds); err != nil {
			t.Fatal(err)
		}
	}
	if last > first/4 {
		t.Fatalf("loss %v -> %v: did not learn", first, last)
	}
	acc := graph.MustCompile(ops.Accuracy(scores, lbl))
	out, err := acc.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	if a := graph.Item(out[0]); a < 0.9 {
		t.Fatalf("accuracy %v", a)
	}
	if gw := step.Grad(fc1.W); gw == nil || gw.Shape()[1] != 16 {
		t.Fatalf("Grad(fc1.W) = %v", gw)
	}
	if raceEnabled {
		return // sync.Pool drops items under the race detector: counts mean nothing
	}
	allocs := testing.AllocsPerRun(20, func() { _, _ = step.Run(feeds) })
	if allocs != 0 {
		t.Errorf("a step allocates %v times", allocs)
	}
}

// Keep makes an intermediate value survive the run beside the loss and gradients, and the
// optimizer still sees only the gradients.
func TestStepKeep(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	W := g.Param("W", graph.F64(graph.Shape{3, 2}, 1, 2, 3, 4, 5, 6))
	h := ops.Tanh(ops.MatMul(x, W))
	loss := ops.Sum(ops.Square(ops.Tanh(h)))
	step := optim.NewStep(loss, optim.NewSGD(0)).Keep(h)
	feeds := graph.Feeds{x: graph.F64(graph.Shape{2, 3}, 0.1, 0.2, 0.3, -0.1, 0, 0.4)}
	want := graph.Float64s(graph.MustEval(h, feeds))
	if _, err := step.Run(feeds); err != nil {
		t.Fatal(err)
	}
	got := graph.Float64s(step.Value(h))
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("kept %v, want %v", got, want)
		}
	}
	if step.Value(loss) == nil || step.Grad(W) == nil {
		t.Error("loss or gradient lost")
	}
}
