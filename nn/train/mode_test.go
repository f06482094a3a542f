package train_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// Step.Run trains dropout (each run draws a new mask, so the loss differs at the same
// parameters) and leaves the graph in inference mode, where a plain compiled forward
// program of the same layers is deterministic and scaled.
func TestStepRunTrainsDropoutForwardInfers(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 8, 6)
	lbl := g.Input("t", graph.Int32, 8)
	fc := nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 6, Out: 20})
	drop := nn.NewDropout(g, nn.DropoutOpts{Ratio: 0.5})
	out := nn.NewAffine(g.In("out"), nn.AffineOpts{In: 20, Out: 3})
	hidden := drop.Forward(nn.ReLU.Forward(fc.Forward(x)))
	step := optim.NewStep(nn.SoftmaxCrossEntropy(out.Forward(hidden), lbl), optim.NewSGD(0)) // LR 0: the parameters stay
	forward := graph.MustCompile(hidden)
	feeds := graph.Feeds{x: nn.RandomTensor(rand.New(rand.NewPCG(1, 1)), graph.Float32, 1, 8, 6), lbl: graph.I32(graph.Shape{8}, 0, 1, 2, 0, 1, 2, 0, 1)}

	var losses []float64
	for range 4 {
		l, err := step.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, l)
		if ops.ModeOf(g).Train() {
			t.Fatal("Step.Run left the graph training")
		}
	}
	if losses[0] == losses[1] && losses[1] == losses[2] && losses[2] == losses[3] {
		t.Fatalf("four training runs gave the same loss %v: dropout did not train", losses[0])
	}

	run := func() []float32 {
		o, err := forward.Run(graph.Feeds{x: feeds[x]})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(o[0].Float32s())
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatal("the forward program is not deterministic: it trains")
	}
	// Inference is the book's scaling: ReLU(x W + b) * (1 - ratio), no unit zeroed by a mask.
	relu, err := graph.MustCompile(nn.ReLU.Forward(fc.Forward(x))).Run(graph.Feeds{x: feeds[x]})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range relu[0].Float32s() {
		if a[i] != v*0.5 {
			t.Fatalf("forward[%d] = %v, want %v * 0.5", i, a[i], v)
		}
	}
	// A program run while the mode is set to training draws masks.
	ops.ModeOf(g).SetTrain(true)
	c := run()
	ops.ModeOf(g).SetTrain(false)
	if slices.Equal(a, c) {
		t.Fatal("the forward program ignored training mode")
	}
	// Step.Run restores training mode when it was set.
	ops.ModeOf(g).SetTrain(true)
	if _, err := step.Run(feeds); err != nil || !ops.ModeOf(g).Train() {
		t.Fatalf("after a run in training mode: %v, training %v", err, ops.ModeOf(g).Train())
	}
}

// NewStep with no params trains every parameter the loss depends on, in creation order;
// a node that is not a parameter is refused.
func TestNewStepParams(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 2, 3)
	unused := nn.NewAffine(g.In("unused"), nn.AffineOpts{In: 3, Out: 3})
	fc := nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 3, Out: 2})
	loss := ops.Sum(fc.Forward(x))
	if s := optim.NewStep(loss, nil); len(s.Params) != 2 || s.Params[0] != fc.W || s.Params[1] != fc.B {
		t.Fatalf("params %v", s.Params)
	}
	if s := optim.NewStep(loss, nil, fc.B); len(s.Params) != 1 || s.Grad(fc.W) != nil {
		t.Fatalf("params %v", s.Params)
	}
	err := graph.Try(func() { optim.NewStep(loss, nil, x) })
	if err == nil || !strings.Contains(err.Error(), "not a parameter") {
		t.Fatalf("got %v", err)
	}
	_ = unused
}
