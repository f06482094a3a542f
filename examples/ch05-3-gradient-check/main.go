// Command ch05-3-gradient-check is the book's gradient_check.py (chapter 5.7.3): the
// gradients of TwoLayerNet from backpropagation are compared with numerical gradients on
// three MNIST images, printing the mean absolute difference per parameter.
//
//	go run ./examples/ch05-3-gradient-check
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch05-3-gradient-check:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch05-3-gradient-check", flag.ContinueOnError)
	n := fs.Int("n", 3, "images in the batch")
	hidden := fs.Int("hidden", 50, "hidden units")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, _, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true, OneHot: true})
	if err != nil {
		return err
	}
	x := make([]float64, *n*784)
	for i := range x {
		x[i] = float64(train.Images[i])
	}
	t := make([]float64, *n*10)
	for i := range t {
		t[i] = float64(train.OneHot[i])
	}

	g := graph.New()
	net := nn.NewTwoLayerNet(g, 784, *hidden, 10, 0.01, graph.Float64, rand.New(rand.NewPCG(1, 2)))
	xb := g.Input("x", graph.Float64, *n, 784)
	tb := g.Input("t", graph.Float64, *n, 10)
	loss := net.Loss(xb, tb)
	checks, err := autodiff.CheckGrad(loss, net.Params(), graph.Feeds{
		"x": graph.FromFloat64s(graph.Float64, []int{*n, 784}, x),
		"t": graph.FromFloat64s(graph.Float64, []int{*n, 10}, t),
	}, 1e-4) // the book's h
	if err != nil {
		return err
	}
	for _, c := range checks {
		fmt.Fprintf(w, "%s:%.3g\n", c.Node.Name(), c.MeanAbs)
	}
	return nil
}
