// Command ch05-2-buy-apple-orange is the book's second graph (chapter 5): 2 apples at 100
// yen and 3 oranges at 150 yen, with 10% consumption tax. The add node passes its gradient
// to both branches unchanged. It runs the graph forward and backward and prints the book's
// numbers:
//
//	price: 715
//	dApple: 2.2
//	dApple_num: 110
//	dOrange: 3.3
//	dOrange_num: 165
//	dTax: 650
//
// Into the folder given by -out (default ./ch05-2-buy-apple-orange) it writes the pictures:
// buy-apple-orange-forward, buy-apple-orange-backward (the book's figure 5-17) and
// buy-apple-orange-full, each as .dot and .svg, and buy-apple-orange.html, a page that plays
// the run step by step.
//
//	go run ./examples/ch05-2-buy-apple-orange -out /tmp/apple-orange
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/viz"
)

func main() { cli.Main("ch05-2-buy-apple-orange", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch05-2-buy-apple-orange", "draws the book's graph of buying apples and oranges, forward and backward.", logw)
	out := fs.String("out", "ch05-2-buy-apple-orange", "folder to write the pictures into")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	g := graph.New()
	apple := g.Input("apple", graph.Float64)
	appleNum := g.Input("apple_num", graph.Float64)
	orange := g.Input("orange", graph.Float64)
	orangeNum := g.Input("orange_num", graph.Float64)
	tax := g.Input("tax", graph.Float64)

	// forward
	applePrice := ops.Mul(apple, appleNum).SetName("apple_price")
	orangePrice := ops.Mul(orange, orangeNum).SetName("orange_price")
	allPrice := ops.Add(applePrice, orangePrice).SetName("all_price")
	price := ops.Mul(allPrice, tax).SetName("price")

	// backward
	grads := autodiff.Grad(price, apple, appleNum, orange, orangeNum, tax)

	prog, err := graph.Compile(append([]*graph.Node{price}, grads...)...)
	if err != nil {
		return err
	}
	rec, err := viz.Record(prog, graph.Feeds{
		apple:     graph.F64(nil, 100),
		appleNum:  graph.F64(nil, 2),
		orange:    graph.F64(nil, 150),
		orangeNum: graph.F64(nil, 3),
		tax:       graph.F64(nil, 1.1),
	})
	if err != nil {
		return err
	}
	scalar := func(n *graph.Node) float64 { return graph.Item(rec.Value(n)) }
	fmt.Fprintf(w, "price: %.4g\n", scalar(price))
	for i, name := range []string{"dApple", "dApple_num", "dOrange", "dOrange_num", "dTax"} {
		fmt.Fprintf(w, "%s: %.4g\n", name, scalar(grads[i]))
	}

	paths, err := viz.WriteFiles(*out, "buy-apple-orange", viz.Options{Values: rec, Title: "Buying apples and oranges (chapter 5)"}, price)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(w, "wrote", p)
	}
	return nil
}
