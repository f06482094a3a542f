// Command ch04-2-two-layer-net-numerical is the book's ch04/train_neuralnet.py (chapter
// 4.5): the TwoLayerNet (784-50-10, sigmoid, softmax-cross-entropy) trained by SGD with
// gradients from numerical differentiation, (L(W+h) - L(W-h)) / 2h for each of its 39760
// parameters in turn, as the book's numerical_gradient does. The book notes how slow this
// is; here each iteration is timed beside the gradient of the same net and batch from
// backpropagation (autodiff.Grad, compiled once), the two gradients are compared, and the
// program prints how many times faster backpropagation is (chapter 5's point).
//
//	go run ./examples/ch04-2-two-layer-net-numerical             # 1 iteration: about 30 s on 2 cores
//	go run ./examples/ch04-2-two-layer-net-numerical -iters 3 -hidden 10 -batch 10
//
// Both trainings start from the same weights and see the same batches. Pictures:
// -out/gradients.png plots each backprop gradient element against the numerical one (all
// on the diagonal), and -out/loss.png the two loss curves (identical up to rounding).
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

func main() {
	if err := run(os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch04-2-two-layer-net-numerical:", err)
		os.Exit(1)
	}
}

// numericalGradient is the book's numerical_gradient over every element of every
// parameter: each is moved by +h and -h, the loss run forward both times, and restored.
func numericalGradient(lossProg *graph.Program, feeds graph.Feeds, params []*graph.Node, h float64) ([][]float64, error) {
	loss := func() (float64, error) {
		out, err := lossProg.Run(feeds)
		if err != nil {
			return 0, err
		}
		return out[0].Float64s()[0], nil
	}
	grads := make([][]float64, len(params))
	for k, p := range params {
		v := p.Value().Float64s()
		grads[k] = make([]float64, len(v))
		for i := range v {
			tmp := v[i]
			v[i] = tmp + h
			fxh1, err := loss()
			if err != nil {
				return nil, err
			}
			v[i] = tmp - h
			fxh2, err := loss()
			if err != nil {
				return nil, err
			}
			v[i] = tmp
			grads[k][i] = (fxh1 - fxh2) / (2 * h)
		}
	}
	return grads, nil
}

// sgd is the book's update: params[key] -= learning_rate * grad[key].
func sgd(params []*graph.Node, grads [][]float64, lr float64) {
	for k, p := range params {
		v := p.Value().Float64s()
		for i := range v {
			v[i] -= lr * grads[k][i]
		}
	}
}

func run(w, logw io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch04-2-two-layer-net-numerical", flag.ContinueOnError)
	iters := fs.Int("iters", 1, "training iterations (the book: 10000, which numerically would take weeks)")
	hidden := fs.Int("hidden", 50, "hidden units")
	batch := fs.Int("batch", 100, "mini-batch size")
	lr := fs.Float64("lr", 0.1, "learning rate")
	h := fs.Float64("h", 1e-4, "step of the central differences (the book's 1e-4)")
	out := fs.String("out", "ch04-2-two-layer-net-numerical", "folder for the loss curves")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, _, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true})
	if err != nil {
		return err
	}
	if *batch > train.N {
		return fmt.Errorf("batch %d is larger than the %d training images", *batch, train.N)
	}

	// float64 throughout: differences of losses 2e-4 apart need the precision.
	g := graph.New()
	net := nn.NewTwoLayerNet(g, 784, *hidden, 10, 0.01, graph.Float64, rand.New(rand.NewPCG(*seed, 1)))
	params := net.Params()
	x := g.Input("x", graph.Float64, *batch, 784)
	t := g.Input("t", graph.Float64, *batch)
	loss := net.Loss(x, t)
	lossProg := graph.MustCompile(loss)
	backProg := graph.MustCompile(append([]*graph.Node{loss}, autodiff.Grad(loss, params...)...)...)
	nparams := 0
	init := make([]*tensor.Dense, len(params))
	for k, p := range params {
		nparams += p.Shape().Size()
		init[k] = p.Value().Clone().(*tensor.Dense)
	}
	fmt.Fprintf(w, "TwoLayerNet 784-%d-10, %d parameters, batch %d\n", *hidden, nparams, *batch)

	// The batches of each iteration, drawn once so both trainings see the same ones.
	xb, tb := graph.NewTensor(graph.Float64, *batch, 784), graph.NewTensor(graph.Float64, *batch)
	feeds := graph.Feeds{"x": xb, "t": tb}
	it := train.Batches(*batch, rand.New(rand.NewPCG(*seed, 2)))
	batches := make([][]int, *iters)
	for i := range batches {
		for !it.Next() || len(it.Indices()) < *batch {
		}
		batches[i] = append([]int(nil), it.Indices()...)
	}
	fill := func(idx []int) {
		xv, tv := xb.Float64s(), tb.Float64s()
		for j, i := range idx {
			for k, p := range train.Image(i) {
				xv[j*784+k] = float64(p)
			}
			tv[j] = float64(train.Labels[i])
		}
	}

	// Numerical training, timing each gradient.
	var numLoss []float64
	var numTime time.Duration
	var firstNum [][]float64
	for i, idx := range batches {
		fill(idx)
		fmt.Fprintf(logw, "iteration %d: numerical gradient of %d parameters (%d forward passes)...\n", i+1, nparams, 2*nparams)
		start := time.Now()
		grads, err := numericalGradient(lossProg, feeds, params, *h)
		if err != nil {
			return err
		}
		numTime += time.Since(start)
		if i == 0 {
			firstNum = grads
		}
		l, err := lossProg.Run(feeds)
		if err != nil {
			return err
		}
		numLoss = append(numLoss, l[0].Float64s()[0])
		sgd(params, grads, *lr)
	}

	// Backprop training from the same start on the same batches.
	for k, p := range params {
		copy(p.Value().Float64s(), init[k].Float64s())
	}
	var backLoss []float64
	var firstBack [][]float64
	for i, idx := range batches {
		fill(idx)
		res, err := backProg.Run(feeds)
		if err != nil {
			return err
		}
		backLoss = append(backLoss, res[0].Float64s()[0])
		grads := make([][]float64, len(params))
		for k := range params {
			grads[k] = append([]float64(nil), res[k+1].Float64s()...)
		}
		if i == 0 {
			firstBack = grads
		}
		sgd(params, grads, *lr)
	}

	// Time one backprop gradient on the first batch: repeat it for at least 0.2 s.
	fill(batches[0])
	runs, start := 0, time.Now()
	for runs < 5 || time.Since(start) < 200*time.Millisecond {
		if _, err := backProg.Run(feeds); err != nil {
			return err
		}
		runs++
	}
	backTime := time.Since(start) / time.Duration(runs)
	numPer := numTime / time.Duration(*iters)

	fmt.Fprintf(w, "numerical gradient: %v per iteration (%d forward passes)\n", numPer.Round(time.Millisecond), 2*nparams)
	fmt.Fprintf(w, "backprop gradient:  %v per iteration (one forward and backward pass)\n", backTime.Round(time.Microsecond))
	for k, p := range params {
		maxAbs := 0.0
		for i, a := range firstBack[k] {
			maxAbs = max(maxAbs, math.Abs(a-firstNum[k][i]))
		}
		fmt.Fprintf(w, "%s: max |numerical - backprop| = %.2g\n", p.Name(), maxAbs)
	}
	for i := range numLoss {
		fmt.Fprintf(w, "iteration %d: loss %.6f (numerical), %.6f (backprop)\n", i+1, numLoss[i], backLoss[i])
	}
	fmt.Fprintf(w, "backprop is %.0f times faster\n", float64(numPer)/float64(backTime))

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	// At most about 3000 of the elements, evenly spread over the parameters.
	var allNum, allBack, nx, by []float64
	for k := range firstNum {
		allNum, allBack = append(allNum, firstNum[k]...), append(allBack, firstBack[k]...)
	}
	for i := 0; i < len(allNum); i += max(1, len(allNum)/3000) {
		nx, by = append(nx, allNum[i]), append(by, allBack[i])
	}
	lo, hi := slices.Min(nx), slices.Max(nx)
	if err := (chart.Figure{
		Title: "gradient elements, iteration 1", XLabel: "numerical", YLabel: "backprop", LegendLeft: true,
		Lines: []chart.Line{
			{Name: "elements", X: nx, Y: by, NoLine: true},
			{Name: "y = x", X: []float64{lo, hi}, Y: []float64{lo, hi}, Dashed: true},
		},
	}).Save(filepath.Join(*out, "gradients.png")); err != nil {
		return err
	}
	return chart.Figure{
		Title: "TwoLayerNet, numerical and backprop gradients", XLabel: "iteration", YLabel: "loss",
		Lines: []chart.Line{
			{Name: "numerical", X: count(len(numLoss)), Y: numLoss, Points: true},
			{Name: "backprop", X: count(len(backLoss)), Y: backLoss, Dashed: true},
		},
	}.Save(filepath.Join(*out, "loss.png"))
}

func count(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}
