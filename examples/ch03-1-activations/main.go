// Command ch03-1-activations draws the activation functions of the book's chapter 3.2:
// the step function (figure 3-6), the sigmoid (figure 3-7), both together (figure 3-8) and
// ReLU (figure 3-9), each computed by a zerograd graph (ops.Step, ops.Sigmoid, ops.ReLU) over
// x = np.arange(-5.0, 5.0, 0.1). It prints the book's worked values, e.g. sigmoid of
// [-1, 1, 2] = [0.26894142 0.73105858 0.88079708], then the paths of the pictures.
//
//	go run ./examples/ch03-1-activations             # pictures into ch03-1-activations/
//	go run ./examples/ch03-1-activations -out DIR
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func main() { cli.Main("ch03-1-activations", run) }

// activations runs step, sigmoid and ReLU of x through one compiled graph.
func activations(x []float64) (step, sigmoid, relu []float64, err error) {
	g := graph.New()
	in := g.Input("x", graph.Float64, len(x))
	prog, err := graph.Compile(ops.Step(in), ops.Sigmoid(in), ops.ReLU(in))
	if err != nil {
		return nil, nil, nil, err
	}
	out, err := prog.RunCopy(graph.Feeds{in: graph.F64(graph.Shape{len(x)}, x...)})
	if err != nil {
		return nil, nil, nil, err
	}
	return out[0].Float64s(), out[1].Float64s(), out[2].Float64s(), nil
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch03-1-activations", "draws the step, sigmoid and ReLU functions of the book's figures 3-6 to 3-9.", logw)
	out := fs.String("out", "ch03-1-activations", "folder for the pictures")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	// The book's worked example: x = np.array([-1.0, 1.0, 2.0]).
	s, sg, r, err := activations([]float64{-1, 1, 2})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "x = [-1 1 2]\nstep    %v\nsigmoid %.8f\nrelu    %v\n", s, sg, r)

	var x []float64
	for i := range 100 { // np.arange(-5.0, 5.0, 0.1)
		x = append(x, -5+float64(i)*0.1)
	}
	step, sigmoid, relu, err := activations(x)
	if err != nil {
		return err
	}
	unit := [2]float64{-0.1, 1.1} // the book's plt.ylim(-0.1, 1.1)
	figs := map[string]chart.Figure{
		"step.png": {Title: "step function", XLabel: "x", YLabel: "y", YRange: unit,
			Lines: []chart.Line{{X: x, Y: step}}},
		"sigmoid.png": {Title: "sigmoid", XLabel: "x", YLabel: "y", YRange: unit,
			Lines: []chart.Line{{X: x, Y: sigmoid}}},
		"step_sigmoid.png": {Title: "sigmoid and step", XLabel: "x", YLabel: "y", YRange: unit, LegendBottom: true,
			Lines: []chart.Line{{Name: "sigmoid", X: x, Y: sigmoid}, {Name: "step", X: x, Y: step, Dashed: true}}},
		"relu.png": {Title: "ReLU", XLabel: "x", YLabel: "y", YRange: [2]float64{-1, 5.5},
			Lines: []chart.Line{{X: x, Y: relu}}},
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"step.png", "sigmoid.png", "step_sigmoid.png", "relu.png"} {
		path := filepath.Join(*out, name)
		if err := figs[name].Save(path); err != nil {
			return err
		}
		fmt.Fprintln(w, path)
	}
	return nil
}
