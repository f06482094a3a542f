// Command ch06-7-newton puts Newton's method beside the book's optimizers of chapter 6.1
// (figure 6-8) on the same f(x, y) = x^2/20 + y^2 from the same start (-7, 2).
//
// SGD, Momentum, AdaGrad and Adam follow the gradient; Newton's method also reads the
// curvature: it steps by -H^-1 grad f, where the Hessian H comes from autodiff.Hessian as a
// graph in the same program as f and its gradient. On a quadratic such as f the second-order
// model is exact, so Newton lands on the minimum (0, 0) in one step, where the book's
// optimizers need 57 (AdaGrad) to 126 (Momentum) steps to bring f under 1e-6. It prints
// each one's count and f after 30 steps:
//
//	Newton   after 1 step: (x, y) = (0.000000, 0.000000), f = 0
//	SGD      f < 1e-06 after 77 steps; f after 30 steps = 0.0133
//	Momentum f < 1e-06 after 126 steps; f after 30 steps = 0.0479
//	AdaGrad  f < 1e-06 after 57 steps; f after 30 steps = 0.000722
//	Adam     f < 1e-06 after 121 steps; f after 30 steps = 0.102
//
// Into -out (default ./ch06-7-newton) it writes newton.png (Newton's path over f's contour
// lines, SGD's in grey, as in figure 6-8) and newton-hessian.dot and .svg, the graph of the
// program Newton runs, with the values of its first run: f, its gradient and its Hessian.
//
//	go run ./examples/ch06-7-newton -out docs/images/ch06-7-newton
package main

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
	"github.com/zerograd/zerograd/viz"
)

func main() { cli.Main("ch06-7-newton", run) }

// The book's optimizers of optimizer_compare_naive.py, in its order, with its settings.
var names = []string{"SGD", "Momentum", "AdaGrad", "Adam"}

func bookOptimizers() map[string]optim.Optimizer {
	return map[string]optim.Optimizer{
		"SGD":      optim.NewSGD(0.95),
		"Momentum": optim.NewMomentum(0.1, 0.9),
		"AdaGrad":  optim.NewAdaGrad(1.5),
		"Adam":     optim.NewAdam(0.3, 0.9, 0.999),
	}
}

// problem is f(p) = p0^2/20 + p1^2 for p = (x, y), with its gradient and Hessian as nodes.
type problem struct {
	p, f, grad, hess *graph.Node
	prog             *graph.Program
}

func newProblem(x0, y0 float64) (*problem, error) {
	g := graph.New()
	p := g.Param("p", graph.F64(graph.Shape{2}, x0, y0))
	c := g.Const("c", graph.F64(graph.Shape{2}, 1.0/20, 1))
	f := ops.Sum(ops.Mul(c, ops.Square(p))).SetName("f")
	grad := autodiff.Grad(f, p)[0]
	hess := autodiff.Hessian(f, p).SetName("H")
	prog, err := graph.Compile(f, grad, hess)
	if err != nil {
		return nil, err
	}
	return &problem{p: p, f: f, grad: grad, hess: hess, prog: prog}, nil
}

// newtonStep moves p by -H^-1 grad f and returns f, grad and H before the step.
func (pr *problem) newtonStep() (f float64, grad, hess []float64, err error) {
	out, err := pr.prog.Run(nil)
	if err != nil {
		return 0, nil, nil, err
	}
	f, grad, hess = graph.Item(out[0]), out[1].Float64s(), out[2].Float64s()
	det := hess[0]*hess[3] - hess[1]*hess[2]
	if det == 0 {
		return 0, nil, nil, fmt.Errorf("the Hessian %v is singular", hess)
	}
	// H^-1 g for a 2x2 H = [a b; c d]: [d -b; -c a] g / det
	dx := (hess[3]*grad[0] - hess[1]*grad[1]) / det
	dy := (-hess[2]*grad[0] + hess[0]*grad[1]) / det
	p := pr.p.Value().Float64s()
	p[0] -= dx
	p[1] -= dy
	return f, grad, hess, nil
}

func fxy(x, y float64) float64 { return x*x/20 + y*y }

// descend runs a book optimizer from (x0, y0) for up to maxSteps steps and returns its path
// (positions before each step and the last), the steps it took to bring f under tol (-1
// when it did not) and f after `report` steps.
func descend(opt optim.Optimizer, x0, y0 float64, maxSteps, report int, tol float64) (xs, ys []float64, reached int, fAt float64, err error) {
	pr, err := newProblem(x0, y0)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	gradProg, err := graph.Compile(pr.grad)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	reached = -1
	for i := 0; i <= maxSteps; i++ {
		p := pr.p.Value().Float64s()
		xs, ys = append(xs, p[0]), append(ys, p[1])
		fv := fxy(p[0], p[1])
		if i == report {
			fAt = fv
		}
		if fv < tol && reached < 0 {
			reached = i
		}
		if reached >= 0 && i >= report || i == maxSteps {
			break
		}
		gs, err := gradProg.Run(nil)
		if err != nil {
			return nil, nil, 0, 0, err
		}
		if err := opt.Step([]*graph.Node{pr.p}, gs); err != nil {
			return nil, nil, 0, 0, err
		}
	}
	return xs, ys, reached, fAt, nil
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch06-7-newton", "Newton's method beside the book's optimizers on f(x, y) = x^2/20 + y^2.", logw)
	out := fs.String("out", "ch06-7-newton", "folder for the pictures")
	maxSteps := fs.Int("max-steps", 1000, "most steps a book optimizer gets to bring f under 1e-6")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	const x0, y0, tol, report = -7.0, 2.0, 1e-6, 30

	// Newton: one step from (-7, 2).
	pr, err := newProblem(x0, y0)
	if err != nil {
		return err
	}
	f0, grad, hess, err := pr.newtonStep()
	if err != nil {
		return err
	}
	p := pr.p.Value().Float64s()
	nx, ny := []float64{x0, p[0]}, []float64{y0, p[1]}
	fmt.Fprintf(w, "f(-7, 2) = %.4g, grad f = (%.4g, %.4g), H = [[%.4g %.4g] [%.4g %.4g]]\n",
		f0, grad[0], grad[1], hess[0], hess[1], hess[2], hess[3])
	fmt.Fprintf(w, "%-8s after 1 step: (x, y) = (%.6f, %.6f), f = %.3g\n", "Newton", p[0], p[1], fxy(p[0], p[1]))

	var sgdX, sgdY []float64
	opts := bookOptimizers()
	for _, name := range names {
		xs, ys, reached, fAt, err := descend(opts[name], x0, y0, *maxSteps, report, tol)
		if err != nil {
			return err
		}
		steps := fmt.Sprintf("%d steps", reached)
		if reached < 0 {
			steps = fmt.Sprintf("more than %d steps", *maxSteps)
		}
		fmt.Fprintf(w, "%-8s f < %g after %s; f after %d steps = %.3g\n", name, tol, steps, report, fAt)
		if name == "SGD" {
			sgdX, sgdY = xs[:min(len(xs), report+1)], ys[:min(len(ys), report+1)]
		}
	}

	grey := color.RGBA{R: 150, G: 150, B: 150, A: 255}
	red := color.RGBA{R: 220, G: 30, B: 30, A: 255}
	blue := color.RGBA{R: 30, G: 90, B: 200, A: 255}
	fig := chart.Figure{
		Title: "Newton (red, 1 step) and SGD (grey, 30 steps)", XLabel: "x", YLabel: "y",
		XRange: [2]float64{-10, 10}, YRange: [2]float64{-10, 10}, NoGrid: true,
		Contour: &chart.Contour{F: fxy, X: [2]float64{-10, 10}, Y: [2]float64{-5, 5}, N: 200, Clip: 7,
			Levels: []float64{0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5}},
		Lines: []chart.Line{
			{X: sgdX, Y: sgdY, Points: true, Color: grey},
			{X: nx, Y: ny, Points: true, Color: red},
			{X: []float64{-0.3, 0.3}, Y: []float64{0, 0}, Color: blue}, // the book's '+' at the minimum
			{X: []float64{0, 0}, Y: []float64{-0.3, 0.3}, Color: blue},
		},
	}
	paths := []string{filepath.Join(*out, "newton.png")}
	if err := fig.Save(paths[0]); err != nil {
		return err
	}

	// The graph of the Hessian at (-7, 2), with its values.
	pr, err = newProblem(x0, y0)
	if err != nil {
		return err
	}
	rec, err := viz.Record(pr.prog, nil)
	if err != nil {
		return err
	}
	opt := viz.Options{View: viz.Forward, Values: rec, Title: "The Hessian of f(x, y) = x²/20 + y² as a graph"}
	dot, err := viz.Dot(opt, pr.f, pr.grad, pr.hess)
	if err != nil {
		return err
	}
	svg, err := viz.Render(dot, viz.SVGFormat)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"newton-hessian.dot", dot}, {"newton-hessian.svg", svg}} {
		path := filepath.Join(*out, f.name)
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return err
		}
		paths = append(paths, path)
	}
	for _, path := range paths {
		fmt.Fprintln(w, "wrote", path)
	}
	if math.Abs(p[0])+math.Abs(p[1]) > 1e-12 {
		return fmt.Errorf("Newton's step ended at (%g, %g), not at the minimum", p[0], p[1])
	}
	return nil
}
