// Command ch05-1-buy-apple is the book's first computational graph (chapter 5, "buying
// apples"): 2 apples at 100 yen each, with 10% consumption tax. It runs the graph forward
// and backward, prints the book's numbers and draws the graph the way the book does:
//
//	price: 220
//	dApple: 2.2
//	dApple_num: 110
//	dTax: 200
//
// Into the folder given by -out (default ./ch05-1-buy-apple) it writes the pictures:
// buy-apple-forward, buy-apple-backward (the book's figure 5-16, values above the edges and
// gradients below in red) and buy-apple-full (the backward graph autodiff built), each as
// .dot and .svg, and buy-apple.html, a page that plays the run step by step.
//
// It also runs the graph in forward mode (autodiff.JVP): the tangent of every node when
// the apple's price moves by 1 flows forward beside the values, 1 -> 2 -> 2.2, the same 2.2
// as the gradient. buy-apple-tangents.dot and .svg draw it like the book's figure, with the
// tangents below the values in blue, and buy-apple-forward-mode.html plays it step by step.
//
//	go run ./examples/ch05-1-buy-apple -out /tmp/apple
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/viz"
)

func main() { cli.Main("ch05-1-buy-apple", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch05-1-buy-apple", "draws the book's first computational graph, buying apples, forward and backward.", logw)
	out := fs.String("out", "ch05-1-buy-apple", "folder to write the pictures into")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	g := graph.New()
	apple := g.Input("apple", graph.Float64)
	appleNum := g.Input("apple_num", graph.Float64)
	tax := g.Input("tax", graph.Float64)

	// forward
	applePrice := ops.Mul(apple, appleNum).SetName("apple_price")
	price := ops.Mul(applePrice, tax).SetName("price")

	// backward: the gradient nodes join the same graph
	grads := autodiff.Grad(price, apple, appleNum, tax)

	// forward mode: the tangent of every node when apple moves by 1 (dapple = 1)
	nodes := graph.Topo(price)
	tangents := autodiff.JVP(nodes, []*graph.Node{apple}, []*graph.Node{g.Scalar(1, graph.Float64)})

	outputs := append(append([]*graph.Node{price}, grads...), tangents...)
	prog, err := graph.Compile(outputs...)
	if err != nil {
		return err
	}
	rec, err := viz.Record(prog, graph.Feeds{ // runs the program, keeping every value
		apple:    graph.F64(nil, 100),
		appleNum: graph.F64(nil, 2),
		tax:      graph.F64(nil, 1.1),
	})
	if err != nil {
		return err
	}
	scalar := func(n *graph.Node) float64 { return graph.Item(rec.Value(n)) }
	fmt.Fprintf(w, "price: %.4g\n", scalar(price))
	fmt.Fprintf(w, "dApple: %.4g\n", scalar(grads[0]))
	fmt.Fprintf(w, "dApple_num: %.4g\n", scalar(grads[1]))
	fmt.Fprintf(w, "dTax: %.4g\n", scalar(grads[2]))
	fmt.Fprintf(w, "forward mode, apple +1: apple_price %+.4g, price %+.4g\n",
		scalar(autodiff.Tangent(applePrice)), scalar(autodiff.Tangent(price)))

	paths, err := viz.WriteFiles(*out, "buy-apple", viz.Options{Values: rec, Title: "Buying apples (chapter 5)"}, price)
	if err != nil {
		return err
	}
	fm := viz.Options{View: viz.Tangents, Values: rec, Title: "Buying apples, forward mode: tangents along apple"}
	dot, err := viz.Dot(fm, price)
	if err != nil {
		return err
	}
	svg, err := viz.Render(dot, viz.SVGFormat)
	if err != nil {
		return err
	}
	page, err := viz.HTML(fm, price)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"buy-apple-tangents.dot", dot}, {"buy-apple-tangents.svg", svg}, {"buy-apple-forward-mode.html", page}} {
		p := filepath.Join(*out, f.name)
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return err
		}
		paths = append(paths, p)
	}
	for _, p := range paths {
		fmt.Fprintln(w, "wrote", p)
	}
	return nil
}
