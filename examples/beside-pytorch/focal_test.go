package beside_test

import (
	"fmt"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// focal is a custom loss: cross entropy scaled by (1 - p)^gamma, p the probability of the
// right class, so that the examples the model already gets right count less.
func focal(scores, t *graph.Node, gamma float64) *graph.Node {
	logp := ops.Sum(ops.Mul(ops.LogSoftmax(scores, 1), ops.OneHot(t, 10)), 1)
	return ops.Neg(ops.Mean(ops.Mul(ops.Pow(ops.AddScalar(ops.Neg(ops.Exp(logp)), 1), gamma), logp)))
}

// An MLP trained with it for one pass over 6000 MNIST images.
func Example_focalLoss() {
	trainSet, testSet, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true, NoDownload: true})
	if err != nil {
		panic(err)
	}
	g := graph.New()
	x := g.Input("x", graph.Float32, 100, 784)
	t := g.Input("t", graph.Int32, 100)
	scores := nn.Seq(nn.NewAffine(g.In("fc1"), nn.AffineOpts{In: 784, Out: 100}), nn.ReLU,
		nn.NewAffine(g.In("fc2"), nn.AffineOpts{In: 100, Out: 10})).Forward(x)
	step := optim.NewStep(focal(scores, t, 2), optim.NewAdam(0.001, 0.9, 0.999))
	for feeds := range train.Batches(train.MNIST(trainSet.Slice(0, 6000), x, t), g.Rand()) {
		step.MustRun(feeds)
	}
	acc := 0.0
	for feeds := range train.Batches(train.MNIST(testSet.Slice(0, 1000), x, t), nil) {
		acc += graph.Item(graph.MustEval(ops.Accuracy(scores, t), feeds)) / 10
	}
	fmt.Println("test accuracy > 0.8:", acc > 0.8)
	// Output:
	// test accuracy > 0.8: true
}
