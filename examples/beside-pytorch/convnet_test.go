package beside_test

import (
	"context"
	"fmt"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// The book's SimpleConvNet trained for one pass over 3000 MNIST images.
func Example_convNet() {
	trainSet, testSet, err := dataset.LoadMNIST(dataset.Options{Normalize: true, NoDownload: true})
	if err != nil {
		panic(err)
	}
	g := graph.New()
	x := g.Input("x", graph.Float32, 100, 1, 28, 28)
	t := g.Input("t", graph.Int32, 100)
	model := nn.Seq(
		nn.NewConv2D(g.In("conv1"), nn.Conv2DOpts{In: 1, Out: 30, Size: 5}), nn.ReLU, nn.MaxPool2D(nn.PoolOpts{Size: 2}),
		nn.NewAffine(g.In("fc1"), nn.AffineOpts{In: 4320, Out: 100}), nn.ReLU,
		nn.NewAffine(g.In("fc2"), nn.AffineOpts{In: 100, Out: 10}),
	)
	scores := model.Forward(x)
	tr := train.Trainer{
		Step:    optim.NewStep(nn.SoftmaxCrossEntropy(scores, t), optim.NewAdam(0.001, 0.9, 0.999)),
		Data:    train.MNIST(trainSet.Slice(0, 3000), x, t),
		Epochs:  1,
		Evals:   []train.Eval{{Name: "test", Data: train.MNIST(testSet, x, t), Limit: 1000}},
		Metrics: []train.Metric{{Name: "acc", Node: ops.Accuracy(scores, t)}},
	}
	h, err := tr.Train(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println("test accuracy > 0.75:", h.Metrics["test acc"][0] > 0.75)
	// Output:
	// test accuracy > 0.75: true
}
