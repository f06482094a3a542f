package autodiff_test

import (
	"fmt"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// The book's first computational graph (chapter 5): buying 2 apples at 100 yen with 10% tax.
func Example_buyApple() {
	g := graph.New()
	apple := g.Input("apple", graph.Float64)
	count := g.Input("apple_num", graph.Float64)
	tax := g.Input("tax", graph.Float64)

	applePrice := ops.Mul(apple, count)
	price := ops.Mul(applePrice, tax)

	grads := autodiff.Grad(price, apple, count, tax)
	prog := graph.MustCompile(append([]*graph.Node{price}, grads...)...)
	out, err := prog.Run(graph.Feeds{
		apple: graph.ScalarValue(graph.Float64, 100),
		count: graph.ScalarValue(graph.Float64, 2),
		tax:   graph.ScalarValue(graph.Float64, 1.1),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("price %.0f\n", out[0].Float64s()[0])
	fmt.Printf("d price/d apple %.1f, d price/d apple_num %.0f, d price/d tax %.0f\n",
		out[1].Float64s()[0], out[2].Float64s()[0], out[3].Float64s()[0])
	// Output:
	// price 220
	// d price/d apple 2.2, d price/d apple_num 110, d price/d tax 200
}

// Apples and oranges (chapter 5): the add node passes its gradient to both branches.
func Example_buyAppleOrange() {
	g := graph.New()
	apple := g.Input("apple", graph.Float64)
	appleNum := g.Input("apple_num", graph.Float64)
	orange := g.Input("orange", graph.Float64)
	orangeNum := g.Input("orange_num", graph.Float64)
	tax := g.Input("tax", graph.Float64)

	all := ops.Add(ops.Mul(apple, appleNum), ops.Mul(orange, orangeNum))
	price := ops.Mul(all, tax)

	grads := autodiff.Grad(price, apple, appleNum, orange, orangeNum, tax)
	prog := graph.MustCompile(append([]*graph.Node{price}, grads...)...)
	out, err := prog.Run(graph.Feeds{
		apple:     graph.ScalarValue(graph.Float64, 100),
		appleNum:  graph.ScalarValue(graph.Float64, 2),
		orange:    graph.ScalarValue(graph.Float64, 150),
		orangeNum: graph.ScalarValue(graph.Float64, 3),
		tax:       graph.ScalarValue(graph.Float64, 1.1),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("price %.0f\n", out[0].Float64s()[0])
	for _, o := range out[1:] {
		fmt.Printf("%.4g ", o.Float64s()[0])
	}
	fmt.Println()
	// Output:
	// price 715
	// 2.2 110 3.3 165 650
}
