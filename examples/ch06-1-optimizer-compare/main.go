// Command ch06-1-optimizer-compare is the book's two optimizer comparisons of chapter 6.1:
//
//   - optimizer_compare_naive.py (figure 6-8): SGD (lr 0.95), Momentum (lr 0.1), AdaGrad
//     (lr 1.5) and Adam (lr 0.3) take 30 steps on f(x, y) = x^2/20 + y^2 from (-7, 2),
//     with gradients from autodiff; the paths are drawn over f's contour lines and the
//     final positions printed.
//
//   - optimizer_compare_mnist.py (figure 6-9): four MultiLayerNets 784-100-100-100-100-10
//     (ReLU, He initialization), one per optimizer with the book's default settings (SGD
//     lr 0.01, Momentum lr 0.01, AdaGrad lr 0.01, Adam lr 0.001), trained on the same
//     mini-batches of 128 MNIST images for 2000 iterations; the smoothed loss curves are
//     drawn and the final losses printed (the mean of the last 100 iterations). In the
//     book SGD learns slowest and the other three end close together.
//
//     go run ./examples/ch06-1-optimizer-compare                    # both, as the book
//     go run ./examples/ch06-1-optimizer-compare -mnist-iters 0     # only the paths on f
//
// Pictures: -out/naive.png and -out/mnist_loss.png; their paths are printed.
package main

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

func main() { cli.Main("ch06-1-optimizer-compare", run) }

// names lists the optimizers in the book's order.
var names = []string{"SGD", "Momentum", "AdaGrad", "Adam"}

// naiveOptimizers are optimizer_compare_naive.py's.
func naiveOptimizers() map[string]optim.Optimizer {
	return map[string]optim.Optimizer{
		"SGD":      optim.NewSGD(0.95),
		"Momentum": optim.NewMomentum(0.1, 0.9),
		"AdaGrad":  optim.NewAdaGrad(1.5),
		"Adam":     optim.NewAdam(0.3, 0.9, 0.999),
	}
}

// mnistOptimizers are optimizer_compare_mnist.py's: the book's defaults.
func mnistOptimizers() map[string]optim.Optimizer {
	return map[string]optim.Optimizer{
		"SGD":      optim.DefaultSGD(),
		"Momentum": optim.DefaultMomentum(),
		"AdaGrad":  optim.DefaultAdaGrad(),
		"Adam":     optim.DefaultAdam(),
	}
}

var (
	red  = color.RGBA{R: 220, G: 30, B: 30, A: 255}
	blue = color.RGBA{R: 30, G: 90, B: 200, A: 255}
)

func f(x, y float64) float64 { return x*x/20 + y*y }

// path runs opt for steps steps on f from (x0, y0) and returns the positions before each
// step (the book's x_history, y_history) and the final position.
func path(opt optim.Optimizer, x0, y0 float64, steps int) (xs, ys []float64, final [2]float64, err error) {
	g := graph.New()
	x := g.Param("x", graph.F64(nil, x0))
	y := g.Param("y", graph.F64(nil, y0))
	fn := ops.Add(ops.Div(ops.Square(x), g.Scalar(20, graph.Float64)), ops.Square(y))
	step := optim.NewStep(fn, opt, x, y)
	for range steps {
		xs = append(xs, graph.Item(x.Value()))
		ys = append(ys, graph.Item(y.Value()))
		if _, err := step.Run(nil); err != nil {
			return nil, nil, final, err
		}
	}
	return xs, ys, [2]float64{graph.Item(x.Value()), graph.Item(y.Value())}, nil
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch06-1-optimizer-compare", "compares SGD, Momentum, AdaGrad and Adam on x^2/20 + y^2 and on MNIST (chapter 6.1, figures 6-8 and 6-9).", logw)
	steps := fs.Int("steps", 30, "steps on f(x, y) = x^2/20 + y^2")
	iters := fs.Int("mnist-iters", 2000, "training iterations on MNIST (0: skip the MNIST comparison)")
	batch := fs.Int("batch", 128, "mini-batch size on MNIST")
	hidden := fs.Int("hidden", 100, "units in each of the 4 hidden layers")
	trainN := fs.Int("train", 0, "train on the first N training images (0: all 60000)")
	out := fs.String("out", "ch06-1-optimizer-compare", "folder for the pictures")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}

	// (a) The paths on f.
	opts := naiveOptimizers()
	var figs []chart.Figure
	for _, name := range names {
		xs, ys, final, err := path(opts[name], -7, 2, *steps)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s after %d steps: (x, y) = (%.6f, %.6f), f = %.3g\n", name, *steps, final[0], final[1], f(final[0], final[1]))
		figs = append(figs, chart.Figure{
			Title: name, XLabel: "x", YLabel: "y", XRange: [2]float64{-10, 10}, YRange: [2]float64{-10, 10}, NoGrid: true,
			Contour: &chart.Contour{F: f, X: [2]float64{-10, 10}, Y: [2]float64{-5, 5}, N: 200, Clip: 7,
				Levels: []float64{0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5}},
			Lines: []chart.Line{
				{X: xs, Y: ys, Points: true, Color: red},
				{X: []float64{-0.3, 0.3}, Y: []float64{0, 0}, Color: blue}, // the book's '+' at the minimum
				{X: []float64{0, 0}, Y: []float64{-0.3, 0.3}, Color: blue},
			},
		})
	}
	naive := filepath.Join(*out, "naive.png")
	if err := chart.Tiles(naive, 2, 4, 4, figs...); err != nil {
		return err
	}
	fmt.Fprintln(w, naive)
	if *iters == 0 {
		return nil
	}

	// (b) MNIST.
	mnist, _, err := mnistrun.Load(*data, true, *trainN, 0)
	if err != nil {
		return err
	}
	losses, err := compareMNIST(mnist, *hidden, *batch, *iters, *seed)
	if err != nil {
		return err
	}
	var series []chart.Line
	for _, name := range names {
		l := losses[name]
		last := l[max(0, len(l)-100):]
		mean := 0.0
		for _, v := range last {
			mean += v
		}
		fmt.Fprintf(w, "%-8s final loss %.4f (mean of the last %d iterations)\n", name, mean/float64(len(last)), len(last))
		sm := smoothCurve(l)
		series = append(series, chart.Line{Name: name, X: count(len(sm)), Y: sm})
	}
	curves := filepath.Join(*out, "mnist_loss.png")
	if err := (chart.Figure{Title: "optimizers on MNIST", XLabel: "iterations", YLabel: "loss",
		YRange: [2]float64{0, 1}, Lines: series}).Save(curves); err != nil {
		return err
	}
	fmt.Fprintln(w, curves)
	return nil
}

// compareMNIST trains one network per optimizer on the same batches and returns each loss
// history.
func compareMNIST(mnist *dataset.Set, hidden, batch, iters int, seed uint64) (map[string][]float64, error) {
	// One network per optimizer, each in its own graph, all fed the same batch tensors.
	xb, tb := graph.F32(graph.Shape{batch, 784}), graph.I32(graph.Shape{batch})
	type trained struct {
		step  *optim.Step
		feeds graph.Feeds
	}
	opts := mnistOptimizers()
	nets := map[string]trained{}
	for i, name := range names {
		g := graph.New()
		net, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 784,
			HiddenSizes: []int{hidden, hidden, hidden, hidden}, OutputSize: 10,
			Options: book.Options{Rand: rand.New(rand.NewPCG(seed, uint64(i)))}})
		if err != nil {
			return nil, err
		}
		x, t := g.Input("x", graph.Float32, batch, 784), g.Input("t", graph.Int32, batch)
		nets[name] = trained{optim.NewStep(net.Loss(x, t), opts[name]), graph.Feeds{x: xb, t: tb}}
	}
	rng := rand.New(rand.NewPCG(seed, 100))
	idx := make([]int, batch)
	losses := map[string][]float64{}
	for range iters {
		mnistrun.RandomBatch(rng, mnist, idx, xb.Float32s(), tb.Int32s())
		for _, name := range names {
			n := nets[name]
			// The book records the loss after the update; the loss before it is the same
			// curve shifted by one step, and costs no second forward pass.
			loss, err := n.step.Run(n.feeds)
			if err != nil {
				return nil, err
			}
			losses[name] = append(losses[name], loss)
		}
	}
	return losses, nil
}

// smoothCurve is the book's common/util.py smooth_curve: a Kaiser window of 11 (beta 2)
// over the curve, its ends mirrored.
func smoothCurve(x []float64) []float64 {
	const n = 11
	if len(x) < n {
		return append([]float64(nil), x...)
	}
	s := make([]float64, 0, len(x)+2*(n-1))
	for i := n - 1; i > 0; i-- {
		s = append(s, x[i])
	}
	s = append(s, x...)
	for i := len(x) - 1; i > len(x)-n; i-- {
		s = append(s, x[i])
	}
	wts := make([]float64, n)
	sum := 0.0
	for i := range wts {
		r := 2*float64(i)/(n-1) - 1
		wts[i] = besselI0(2*math.Sqrt(1-r*r)) / besselI0(2)
		sum += wts[i]
	}
	valid := make([]float64, len(s)-n+1)
	for i := range valid {
		for j, wt := range wts {
			valid[i] += wt / sum * s[i+j]
		}
	}
	return valid[5 : len(valid)-5]
}

// besselI0 is the modified Bessel function of order 0 (its series), for the Kaiser window.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / 2) * (x / 2) / float64(k*k)
		sum += term
	}
	return sum
}

func count(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	return x
}
