// Command ch04-2-two-layer-net-numerical is the book's ch04/train_neuralnet.py (chapter
// 4.5): the TwoLayerNet (784-50-10, sigmoid, softmax-cross-entropy) trained by SGD with
// gradients from numerical differentiation, (L(W+h) - L(W-h)) / 2h for each of its 39760
// parameters in turn, as the book's numerical_gradient does. The book notes how slow this
// is; here each iteration is timed beside the gradient of the same net and batch from
// backpropagation (optim.NewStep: autodiff.Grad compiled once with the loss), the two
// gradients are compared, and the program prints how many times faster backpropagation is
// (chapter 5's point).
//
//	go run ./examples/ch04-2-two-layer-net-numerical             # 1 iteration: about 30 s on 2 cores
//	go run ./examples/ch04-2-two-layer-net-numerical -iters 3 -hidden 10 -batch 10
//
// Both trainings start from the same weights and see the same batches. Pictures:
// -out/gradients.png plots each backprop gradient element against the numerical one (all
// on the diagonal), and -out/loss.png the two loss curves (identical up to rounding); the
// program prints the path of each.
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

func main() { cli.Main("ch04-2-two-layer-net-numerical", run) }

// numericalGradient is the book's numerical_gradient over every element of every
// parameter: each is moved by +h and -h, the loss run forward both times, and restored.
func numericalGradient(lossProg *graph.Program, feeds graph.Feeds, params []*graph.Node, h float64) ([][]float64, error) {
	loss := func() (float64, error) {
		out, err := lossProg.Run(feeds)
		if err != nil {
			return 0, err
		}
		return graph.Item(out[0]), nil
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

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch04-2-two-layer-net-numerical", "trains the book's TwoLayerNet with numerical gradients, timed against backpropagation (chapter 4.5).", logw)
	iters := fs.Int("iters", 1, "training iterations (the book: 10000, which numerically would take weeks)")
	hidden := fs.Int("hidden", 50, "hidden units")
	batch := fs.Int("batch", 100, "mini-batch size")
	lr := fs.Float64("lr", 0.1, "learning rate")
	h := fs.Float64("h", 1e-4, "step of the central differences (the book's 1e-4)")
	out := fs.String("out", "ch04-2-two-layer-net-numerical", "folder for the loss curves")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	mnist, _, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true})
	if err != nil {
		return err
	}
	if *batch > mnist.N {
		return fmt.Errorf("batch %d is larger than the %d training images", *batch, mnist.N)
	}

	// float64 throughout: differences of losses 2e-4 apart need the precision.
	g := graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{HiddenSize: *hidden,
		Options: book.Options{DType: graph.Float64, Rand: rand.New(rand.NewPCG(*seed, 1))}})
	params := net.Params() // W1 b1 W2 b2
	x := g.Input("x", graph.Float64, *batch, 784)
	t := g.Input("t", graph.Int32, *batch)
	loss := net.Loss(x, t)
	lossProg := graph.MustCompile(loss)
	step := optim.NewStep(loss, optim.NewSGD(*lr), params...)
	nparams := 0
	init := make([]*tensor.Dense, len(params))
	for k, p := range params {
		nparams += p.Shape().Size()
		init[k] = p.Value().Clone().(*tensor.Dense)
	}
	fmt.Fprintf(w, "TwoLayerNet 784-%d-10, %d parameters, batch %d\n", *hidden, nparams, *batch)

	// The batches of each iteration, drawn once so both trainings see the same ones.
	xb, tb := graph.F64(graph.Shape{*batch, 784}), graph.I32(graph.Shape{*batch})
	feeds := graph.Feeds{x: xb, t: tb}
	it := mnist.Batches(*batch, rand.New(rand.NewPCG(*seed, 2)))
	batches := make([][]int, *iters)
	for i := range batches {
		for !it.Next() || len(it.Indices()) < *batch {
		}
		batches[i] = append([]int(nil), it.Indices()...)
	}
	fill := func(idx []int) {
		xv, tv := xb.Float64s(), tb.Int32s()
		for j, i := range idx {
			for k, p := range mnist.Image(i) {
				xv[j*784+k] = float64(p)
			}
			tv[j] = int32(mnist.Labels[i])
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
		numLoss = append(numLoss, graph.Item(l[0]))
		sgd(params, grads, *lr)
	}

	// Backprop training from the same start on the same batches: loss, gradients and the
	// SGD update in one step.
	for k, p := range params {
		copy(p.Value().Float64s(), init[k].Float64s())
	}
	var backLoss []float64
	var firstBack [][]float64
	for i, idx := range batches {
		fill(idx)
		l, err := step.Run(feeds)
		if err != nil {
			return err
		}
		backLoss = append(backLoss, l)
		if i == 0 {
			for _, p := range params {
				firstBack = append(firstBack, append([]float64(nil), step.Grad(p).Float64s()...))
			}
		}
	}

	// Time one backprop gradient (without the update) on the first batch: repeat it for at
	// least 0.2 s.
	fill(batches[0])
	runs, start := 0, time.Now()
	for runs < 5 || time.Since(start) < 200*time.Millisecond {
		if _, err := step.Program().Run(feeds); err != nil {
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
	gradPath, lossPath := filepath.Join(*out, "gradients.png"), filepath.Join(*out, "loss.png")
	if err := (chart.Figure{
		Title: "gradient elements, iteration 1", XLabel: "numerical", YLabel: "backprop", LegendLeft: true,
		Lines: []chart.Line{
			{Name: "elements", X: nx, Y: by, NoLine: true},
			{Name: "y = x", X: []float64{lo, hi}, Y: []float64{lo, hi}, Dashed: true},
		},
	}).Save(gradPath); err != nil {
		return err
	}
	if err := (chart.Figure{
		Title: "TwoLayerNet, numerical and backprop gradients", XLabel: "iteration", YLabel: "loss",
		Lines: []chart.Line{
			{Name: "numerical", X: count(len(numLoss)), Y: numLoss, Points: true},
			{Name: "backprop", X: count(len(backLoss)), Y: backLoss, Dashed: true},
		},
	}).Save(lossPath); err != nil {
		return err
	}
	fmt.Fprintln(w, gradPath)
	fmt.Fprintln(w, lossPath)
	return nil
}

func count(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}
