package train_test

import (
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

// After the first, a training step of a small convnet (conv, batch norm, ReLU, pool,
// dropout, affine, Adam) allocates nothing.
func TestStepRunAllocsConvNet(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	g := graph.New()
	s := g.In("cnn")
	net := nn.Seq(
		nn.NewConv2D(s.In("conv1"), nn.Conv2DOpts{In: 1, Out: 4, Size: 3, Pad: 1}),
		nn.NewBatchNorm(s.In("bn1"), nn.BatchNormOpts{C: 4}),
		nn.ReLU,
		nn.MaxPool2D(nn.PoolOpts{Size: 2}),
		nn.NewConv2D(s.In("conv2"), nn.Conv2DOpts{In: 4, Out: 4, Size: 3, Pad: 1}), nn.ReLU,
		nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 4 * 6 * 6, Out: 16}), nn.ReLU,
		nn.NewDropout(g, nn.DropoutOpts{Ratio: 0.3}),
		nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: 16, Out: 3}),
	)
	x := g.Input("x", graph.Float32, 4, 1, 12, 12)
	lbl := g.Input("t", graph.Int32, 4)
	step := optim.NewStep(nn.SoftmaxCrossEntropy(net.Forward(x), lbl), optim.NewAdam(0.01, 0.9, 0.999))
	feeds := graph.Feeds{x: nn.RandomTensor(g.Rand(), graph.Float32, 1, 4, 1, 12, 12), lbl: graph.I32(graph.Shape{4}, 0, 2, 1, 2)}
	first, err := step.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := step.Run(feeds); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("a step allocates %v times", allocs)
	}
	last, _ := step.Run(feeds)
	if last >= first {
		t.Errorf("loss %v -> %v", first, last)
	}
}
