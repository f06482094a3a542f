package beside_test

import (
	"fmt"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// A model with two inputs: each has its own branch, and a head reads both. It learns
// the product of the sums of the two inputs' features.
func Example_twoInputs() {
	g := graph.New()
	a := g.Input("a", graph.Float32, 256, 3)
	b := g.Input("b", graph.Float32, 256, 4)
	target := ops.Mul(ops.SumKeep(a, 1), ops.SumKeep(b, 1))
	branchA := nn.Seq(nn.NewAffine(g.In("a"), nn.AffineOpts{In: 3, Out: 32}), nn.ReLU)
	branchB := nn.Seq(nn.NewAffine(g.In("b"), nn.AffineOpts{In: 4, Out: 32}), nn.ReLU)
	head := nn.Seq(nn.NewAffine(g.In("head1"), nn.AffineOpts{In: 64, Out: 64}), nn.ReLU,
		nn.NewAffine(g.In("head2"), nn.AffineOpts{In: 64, Out: 1}))
	y := head.Forward(ops.Concat(1, branchA.Forward(a), branchB.Forward(b)))
	step := optim.NewStep(nn.MeanSquaredError(y, target), optim.NewAdam(0.01, 0.9, 0.999))
	feeds := graph.Feeds{a: nn.RandomTensor(g.Rand(), graph.Float32, 1, 256, 3), b: nn.RandomTensor(g.Rand(), graph.Float32, 1, 256, 4)}
	first, last := step.MustRun(feeds), 0.0
	for range 500 {
		last = step.MustRun(feeds)
	}
	fmt.Println("loss fell tenfold:", last < first/10)
	// Output:
	// loss fell tenfold: true
}
