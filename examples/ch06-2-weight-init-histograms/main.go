// Command ch06-2-weight-init-histograms is the book's weight_init_activation_histogram.py
// (chapter 6.2.2): 1000 random inputs of 100 values go through 5 layers of 100 units
// (x·W, then the activation; no bias), and the activations of each layer are drawn as
// histograms over [0, 1] in 30 bins, for the book's weight scales: with the sigmoid, a
// standard deviation of 1 (figure 6-10: the activations pile up at 0 and 1, where the
// gradient vanishes), 0.01 (figure 6-11: all near 0.5, every unit alike) and Xavier's
// sqrt(1/n) (figure 6-13: spread out); with ReLU, 0.01, Xavier and He's sqrt(2/n)
// (figure 6-14: only He keeps the spread layer after layer).
//
//	go run ./examples/ch06-2-weight-init-histograms             # pictures into ch06-2-weight-init-histograms/
//	go run ./examples/ch06-2-weight-init-histograms -out DIR
//
// The layers are a zerograd graph; one run gives every layer's activations. The program
// prints the standard deviation of the activations of each layer, for every setting, then
// the paths of the pictures.
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
)

func main() { cli.Main("ch06-2-weight-init-histograms", run) }

// setting is one of the book's experiments: an activation and a weight scale.
type setting struct {
	act, init string // "sigmoid" or "relu"; "1", "0.01", "xavier" or "he"
	file      string
}

var settings = []setting{
	{"sigmoid", "1", "sigmoid_std1.png"},
	{"sigmoid", "0.01", "sigmoid_std0.01.png"},
	{"sigmoid", "xavier", "sigmoid_xavier.png"},
	{"relu", "0.01", "relu_std0.01.png"},
	{"relu", "xavier", "relu_xavier.png"},
	{"relu", "he", "relu_he.png"},
}

func initOf(name string) nn.Init {
	switch name {
	case "xavier":
		return nn.Xavier()
	case "he":
		return nn.He()
	case "0.01":
		return nn.Normal(0.01)
	}
	return nn.Normal(1)
}

// activations builds the 5 layers on input as a graph, with weights from init drawn by rng,
// runs it once and returns every layer's activations (the book's activations dict).
func activations(input []float64, rows, nodes, layers int, act string, init nn.Init, rng *rand.Rand) ([][]float64, error) {
	g := graph.New()
	in := g.Input("x", graph.Float64, rows, nodes)
	x := in
	var outs []*graph.Node
	for i := range layers {
		// w = np.random.randn(node_num, node_num) * scale; a = np.dot(x, w); z = f(a)
		w := g.Const(fmt.Sprintf("W%d", i+1), nn.RandomTensor(rng, graph.Float64, init(nodes), nodes, nodes))
		a := ops.MatMul(x, w)
		if act == "relu" {
			x = ops.ReLU(a)
		} else {
			x = ops.Sigmoid(a)
		}
		outs = append(outs, x)
	}
	prog, err := graph.Compile(outs...)
	if err != nil {
		return nil, err
	}
	res, err := prog.RunCopy(graph.Feeds{in: graph.F64(graph.Shape{rows, nodes}, input...)})
	if err != nil {
		return nil, err
	}
	zs := make([][]float64, layers)
	for i, r := range res {
		zs[i] = r.Float64s()
	}
	return zs, nil
}

func std(v []float64) float64 {
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / float64(len(v)))
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch06-2-weight-init-histograms", "draws histograms of 5 layers' activations for the book's weight scales (chapter 6.2.2, figures 6-10 to 6-14).", logw)
	rows := fs.Int("n", 1000, "random inputs")
	nodes := fs.Int("nodes", 100, "units per layer (and inputs)")
	layers := fs.Int("layers", 5, "hidden layers")
	out := fs.String("out", "ch06-2-weight-init-histograms", "folder for the pictures")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(*seed, 1))
	input := make([]float64, *rows**nodes) // input_data = np.random.randn(1000, 100)
	for i := range input {
		input[i] = rng.NormFloat64()
	}
	fmt.Fprintln(w, "standard deviation of the activations, layers 1 to", *layers)
	var paths []string
	for _, s := range settings {
		zs, err := activations(input, *rows, *nodes, *layers, s.act, initOf(s.init), rng)
		if err != nil {
			return err
		}
		label := s.init
		if label == "1" || label == "0.01" {
			label = "std " + label
		}
		fmt.Fprintf(w, "%-7s %-10s", s.act, label)
		var figs []chart.Figure
		for i, z := range zs {
			fmt.Fprintf(w, " %.3f", std(z))
			fig := chart.Figure{Title: fmt.Sprintf("%d-layer", i+1), NoGrid: true,
				Hists: []chart.Hist{{Values: z, Bins: 30, Range: [2]float64{0, 1}}}}
			if s.act == "relu" {
				// The book's figure 6-14 cuts the tall bar of zeros at 7000 (of 100000 values).
				fig.YRange = [2]float64{0, 7000 * float64(len(z)) / 100000}
			}
			figs = append(figs, fig)
		}
		fmt.Fprintln(w)
		path := filepath.Join(*out, s.file)
		if err := chart.Tiles(path, len(figs), 2, 3, figs...); err != nil {
			return err
		}
		paths = append(paths, path)
	}
	for _, p := range paths {
		fmt.Fprintln(w, p)
	}
	return nil
}
