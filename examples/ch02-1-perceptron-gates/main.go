// Command ch02-1-perceptron-gates is the book's chapter 2: the AND, NAND and OR gates as
// perceptrons with the book's weights and biases (2.3.3), each a zerograd graph
// y = step(x·w + b), and XOR as a two-layer perceptron (2.5.2): NAND and OR feed AND.
// It prints the truth table of each gate.
//
//	go run ./examples/ch02-1-perceptron-gates
//
// The graph takes all four inputs (0,0), (1,0), (0,1), (1,1) at once as the rows of x.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func main() { cli.Main("ch02-1-perceptron-gates", run) }

// A gate is a perceptron's weights and bias.
type gate struct {
	name   string
	w1, w2 float64
	b      float64
}

// The book's parameters: AND w = (0.5, 0.5), b = -0.7; NAND the negatives; OR b = -0.2.
var (
	and  = gate{"AND", 0.5, 0.5, -0.7}
	nand = gate{"NAND", -0.5, -0.5, 0.7}
	or   = gate{"OR", 0.5, 0.5, -0.2}
)

// apply builds step(x·w + b) for x of shape [N 2]: one output per row, shape [N 1].
func (p gate) apply(x *graph.Node) *graph.Node {
	g := x.Graph()
	w := g.Const("w_"+p.name, graph.F64(graph.Shape{2, 1}, p.w1, p.w2))
	b := g.Const("b_"+p.name, graph.F64(nil, p.b))
	return ops.Step(ops.Add(ops.MatMul(x, w), b))
}

// xor is the two-layer perceptron: s1 = NAND(x), s2 = OR(x), y = AND(s1, s2).
func xor(x *graph.Node) *graph.Node {
	s := ops.Concat(1, nand.apply(x), or.apply(x)) // [N 2]: the columns s1, s2
	return and.apply(s)
}

// inputs are the rows of the book's truth tables.
var inputs = []float64{0, 0, 1, 0, 0, 1, 1, 1}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch02-1-perceptron-gates", "prints the truth tables of the book's AND, NAND, OR and XOR perceptrons.", logw)
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	g := graph.New()
	x := g.Input("x", graph.Float64, 4, 2)
	names := []string{"AND", "NAND", "OR", "XOR"}
	outs := []*graph.Node{and.apply(x), nand.apply(x), or.apply(x), xor(x)}
	prog, err := graph.Compile(outs...)
	if err != nil {
		return err
	}
	res, err := prog.Run(graph.Feeds{x: graph.F64(graph.Shape{4, 2}, inputs...)})
	if err != nil {
		return err
	}
	for i, name := range names {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\nx1 x2 | y\n", name)
		y := res[i].Float64s()
		for r := range 4 {
			fmt.Fprintf(w, " %g  %g | %g\n", inputs[2*r], inputs[2*r+1], y[r])
		}
	}
	return nil
}
