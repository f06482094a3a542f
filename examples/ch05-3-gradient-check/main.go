// Command ch05-3-gradient-check is the book's gradient_check.py (chapter 5.7.3): the
// gradients of TwoLayerNet from backpropagation are compared with numerical gradients on
// three MNIST images, printing the mean absolute difference per parameter.
//
//	go run ./examples/ch05-3-gradient-check
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
)

func main() { cli.Main("ch05-3-gradient-check", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch05-3-gradient-check", "compares the TwoLayerNet's backpropagated gradients with numerical ones (chapter 5.7.3).", logw)
	n := fs.Int("n", 3, "images in the batch")
	hidden := fs.Int("hidden", 50, "hidden units")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	mnist, _, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true})
	if err != nil {
		return err
	}
	// x_batch = x_train[:3], t_batch = t_train[:3]
	xv, tv := graph.F64(graph.Shape{*n, 784}), graph.I32(graph.Shape{*n})
	for i, p := range mnist.Images[:*n*784] {
		xv.Float64s()[i] = float64(p)
	}
	for i, l := range mnist.Labels[:*n] {
		tv.Int32s()[i] = int32(l)
	}

	g := graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{HiddenSize: *hidden,
		Options: book.Options{DType: graph.Float64, Rand: rand.New(rand.NewPCG(1, 2))}})
	x := g.Input("x", graph.Float64, *n, 784)
	t := g.Input("t", graph.Int32, *n)
	loss := net.Loss(x, t)
	checks, err := autodiff.CheckGrad(loss, net.Params(), graph.Feeds{x: xv, t: tv}, 1e-4) // the book's h
	if err != nil {
		return err
	}
	for _, c := range checks {
		fmt.Fprintf(w, "%s:%.3g\n", c.Node.Name(), c.MeanAbs)
	}
	return nil
}
