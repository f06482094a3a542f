// Command readme is the program README.md shows (a test keeps the two equal): XOR learnt by a
// small MLP with the model-building API.
package main

import (
	"fmt"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

func main() {
	g := graph.New()
	x := g.Input("x", graph.Float32, 4, 2)
	t := g.Input("t", graph.Int32, 4) // class labels
	fc1 := nn.NewAffine(g.In("fc1"), nn.AffineOpts{In: 2, Out: 8})
	fc2 := nn.NewAffine(g.In("fc2"), nn.AffineOpts{In: 8, Out: 2})
	scores := fc2.Forward(ops.Tanh(fc1.Forward(x)))
	step := optim.NewStep(nn.SoftmaxCrossEntropy(scores, t), optim.NewAdam(0.05, 0.9, 0.999))
	feeds := graph.Feeds{
		x: graph.F32(graph.Shape{4, 2}, 0, 0, 0, 1, 1, 0, 1, 1),
		t: graph.I32(graph.Shape{4}, 0, 1, 1, 0), // XOR
	}
	for i := range 301 {
		loss, err := step.Run(feeds)
		if err != nil {
			panic(err)
		}
		if i%100 == 0 {
			fmt.Printf("step %d: loss %.3f\n", i, loss)
		}
	}
}
