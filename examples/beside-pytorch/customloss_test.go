package beside_test

import (
	"fmt"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// huber is a custom loss: squared for errors up to delta, linear beyond, so that outliers
// pull less than with the squared error. min(a, delta) is a - relu(a - delta).
func huber(y, t *graph.Node, delta float64) *graph.Node {
	a := ops.Abs(ops.Sub(y, t))
	q := ops.Sub(a, ops.ReLU(ops.AddScalar(a, -delta)))
	return ops.Mean(ops.Add(ops.MulScalar(ops.Square(q), 0.5), ops.MulScalar(ops.Sub(a, q), delta)))
}

// Fit a line to y = 3x + 2 where every tenth point is an outlier 20 too high.
func Example_customLoss() {
	xs, ys := make([]float32, 100), make([]float32, 100)
	for i := range xs {
		xs[i] = -1 + 2*float32(i)/99
		ys[i] = 3*xs[i] + 2
		if i%10 == 0 {
			ys[i] += 20
		}
	}
	g := graph.New()
	x := g.Const("x", graph.F32(graph.Shape{100, 1}, xs...))
	y := g.Const("y", graph.F32(graph.Shape{100, 1}, ys...))
	line := nn.NewAffine(g.In("line"), nn.AffineOpts{In: 1, Out: 1})
	step := optim.NewStep(huber(line.Forward(x), y, 1), optim.NewAdam(0.05, 0.9, 0.999))
	for range 1000 {
		if _, err := step.Run(nil); err != nil {
			panic(err)
		}
	}
	fmt.Printf("w = %.1f, b = %.1f\n", graph.Item(line.W.Value()), graph.Item(line.B.Value()))
	// Output:
	// w = 3.0, b = 2.1
}
