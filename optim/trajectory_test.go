package optim_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// trajectories is testdata/trajectories.json, written by testdata/make_trajectories.py
// with the book's optimizer classes in NumPy.
type trajectories struct {
	Start      [2]float64
	Steps      int
	Optimizers []struct {
		Name  string
		Hyper map[string]float64
		X, Y  []float64 // the position before each step, as the book records it
		Final [2]float64
	}
}

// bookOptimizer makes the optimizer the fixture names, with the fixture's hyperparameters.
func bookOptimizer(name string, h map[string]float64) (optim.Optimizer, error) {
	switch name {
	case "SGD":
		return optim.NewSGD(h["lr"]), nil
	case "Momentum":
		return optim.NewMomentum(h["lr"], h["momentum"]), nil
	case "Nesterov":
		return optim.NewNesterov(h["lr"], h["momentum"]), nil
	case "AdaGrad":
		return optim.NewAdaGrad(h["lr"]), nil
	case "RMSprop":
		return optim.NewRMSprop(h["lr"], h["decay_rate"]), nil
	case "Adam":
		return optim.NewAdam(h["lr"], h["beta1"], h["beta2"]), nil
	}
	return nil, fmt.Errorf("unknown optimizer %q", name)
}

// bookFunction builds f(x, y) = x^2/20 + y^2 and compiles it with its gradients.
func bookFunction(dt graph.DType, x0, y0 float64) ([]*graph.Node, *graph.Program) {
	g := graph.New()
	x := g.Param("x", graph.ScalarValue(dt, x0))
	y := g.Param("y", graph.ScalarValue(dt, y0))
	f := ops.Add(ops.Div(ops.Square(x), g.Scalar(20, dt)), ops.Square(y))
	params := []*graph.Node{x, y}
	return params, graph.MustCompile(append([]*graph.Node{f}, autodiff.Grad(f, params...)...)...)
}

// TestBookComparison replays the book's ch06/optimizer_compare_naive.py (plus Nesterov and
// RMSprop) with gradients from autodiff and compares every point with NumPy's.
func TestBookComparison(t *testing.T) {
	data, err := os.ReadFile("testdata/trajectories.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr trajectories
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Optimizers) != 6 || tr.Steps != 30 {
		t.Fatalf("fixture has %d optimizers and %d steps, want 6 and 30", len(tr.Optimizers), tr.Steps)
	}
	for _, want := range tr.Optimizers {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			// float64 follows NumPy to the last bits or nearly; float32 drifts by its rounding.
			tol := 1e-12
			if dt == graph.Float32 {
				tol = 1e-5
			}
			t.Run(want.Name+"/"+dt.String(), func(t *testing.T) {
				opt, err := bookOptimizer(want.Name, want.Hyper)
				if err != nil {
					t.Fatal(err)
				}
				params, prog := bookFunction(dt, tr.Start[0], tr.Start[1])
				if len(want.X) != tr.Steps || len(want.Y) != tr.Steps {
					t.Fatalf("fixture has %d and %d points", len(want.X), len(want.Y))
				}
				check := func(what string, wx, wy float64) {
					x, y := at(params[0]), at(params[1])
					if math.Abs(x-wx) > tol || math.Abs(y-wy) > tol {
						t.Errorf("%s: (x, y) = (%.17g, %.17g), NumPy (%.17g, %.17g)", what, x, y, wx, wy)
					}
				}
				for i := range tr.Steps {
					check(fmt.Sprintf("before step %d", i+1), want.X[i], want.Y[i])
					outs, err := prog.Run(nil)
					if err != nil {
						t.Fatal(err)
					}
					if err := opt.Step(params, outs[1:]); err != nil {
						t.Fatal(err)
					}
				}
				check("after the last step", want.Final[0], want.Final[1])
			})
		}
	}
}
