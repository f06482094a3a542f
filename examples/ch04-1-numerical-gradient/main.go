// Command ch04-1-numerical-gradient is chapter 4.4's gradient descent on
// f(x0, x1) = x0^2 + x1^2 from (-3, 4) with learning rate 0.1 for 100 steps, the gradient
// taken numerically (central differences, as the book's numerical_gradient) and, beside
// it, by backpropagation. Both end at (0, 0).
//
//	go run ./examples/ch04-1-numerical-gradient
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func main() { cli.Main("ch04-1-numerical-gradient", run) }

// numericalGradient is the book's numerical_gradient: (f(x+h) - f(x-h)) / 2h per element.
func numericalGradient(f func([]float64) float64, x []float64) []float64 {
	const h = 1e-4
	grad := make([]float64, len(x))
	for i := range x {
		tmp := x[i]
		x[i] = tmp + h
		fxh1 := f(x)
		x[i] = tmp - h
		fxh2 := f(x)
		grad[i] = (fxh1 - fxh2) / (2 * h)
		x[i] = tmp
	}
	return grad
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch04-1-numerical-gradient", "gradient descent on x0^2 + x1^2 with numerical and backpropagated gradients (chapter 4.4).", logw)
	lr := fs.Float64("lr", 0.1, "learning rate")
	steps := fs.Int("steps", 100, "gradient descent steps")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	// The function as a graph: f = x0^2 + x1^2 = sum(x^2).
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{2}, -3, 4))
	f := ops.Sum(ops.Square(x))
	gx := autodiff.Grad(f, x)[0]
	fprog := graph.MustCompile(f)
	prog := graph.MustCompile(gx)
	eval := func(v []float64) float64 {
		copy(x.Value().Float64s(), v)
		out, err := fprog.Run(nil)
		if err != nil {
			panic(err) // cannot happen: the program has no feeds
		}
		return graph.Item(out[0])
	}

	num := []float64{-3, 4}
	for i := 0; i < *steps; i++ {
		grad := numericalGradient(eval, num)
		for j := range num {
			num[j] -= *lr * grad[j]
		}
	}
	copy(x.Value().Float64s(), []float64{-3, 4})
	for i := 0; i < *steps; i++ {
		out, err := prog.Run(nil)
		if err != nil {
			return err
		}
		xv, gv := x.Value().Float64s(), out[0].Float64s()
		for j := range xv {
			xv[j] -= *lr * gv[j]
		}
	}
	back := x.Value().Float64s()
	fmt.Fprintf(w, "numerical gradient descent: x = (%.3g, %.3g)\n", num[0], num[1])
	fmt.Fprintf(w, "backprop gradient descent:  x = (%.3g, %.3g)\n", back[0], back[1])
	return nil
}
