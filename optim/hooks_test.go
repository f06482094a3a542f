package optim_test

import (
	"math"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// wb returns a weight W = [1 2] and a bias b = [3] with gradients gW and gb.
func wb(dt graph.DType, gW, gb []float64) ([]*graph.Node, []*tensor.Dense) {
	g := graph.New()
	params := []*graph.Node{
		g.Param("W", graph.FromFloat64s(dt, []int{2}, []float64{1, 2})),
		g.Param("b", graph.FromFloat64s(dt, []int{1}, []float64{3})),
	}
	return params, []*tensor.Dense{graph.FromFloat64s(dt, []int{2}, gW), graph.FromFloat64s(dt, []int{1}, gb)}
}

func TestWeightDecay(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		// SGD with LR 1 moves each parameter by minus its gradient: g + 0.1 W for W only.
		params, grads := wb(dt, []float64{0.5, -0.5}, []float64{0.25})
		opt := optim.WithHooks(optim.NewSGD(1), optim.WeightDecay(0.1, optim.NamePrefix("W")))
		if err := opt.Step(params, grads); err != nil {
			t.Fatal(err)
		}
		want := [][]float64{{1 - (0.5 + 0.1*1), 2 - (-0.5 + 0.1*2)}, {3 - 0.25}}
		for i, p := range params {
			for j, v := range graph.Float64s(p.Value()) {
				if !near(v, want[i][j], 1e-6) {
					t.Errorf("%s: %s = %v, want %v", dt, p.Name(), graph.Float64s(p.Value()), want[i])
				}
			}
		}
		if g := graph.Float64s(grads[0]); g[0] != 0.5 || g[1] != -0.5 {
			t.Errorf("%s: the caller's gradient changed to %v", dt, g)
		}
		// A nil selection decays every parameter.
		params, grads = wb(dt, []float64{0, 0}, []float64{0})
		if err := optim.WithHooks(optim.NewSGD(1), optim.WeightDecay(0.5, nil)).Step(params, grads); err != nil {
			t.Fatal(err)
		}
		if w, b := graph.Float64s(params[0].Value()), graph.Float64s(params[1].Value()); !slices.Equal(w, []float64{0.5, 1}) || b[0] != 1.5 {
			t.Errorf("%s: decay of all: W %v b %v", dt, w, b)
		}
	}
}

func TestClipNorm(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		// Gradients (3, 4) and (12): global norm 13.
		for _, maxNorm := range []float64{1, 13, 20} {
			params, grads := wb(dt, []float64{3, 4}, []float64{12})
			opt := optim.WithHooks(optim.NewSGD(1), optim.ClipNorm(maxNorm))
			if err := opt.Step(params, grads); err != nil {
				t.Fatal(err)
			}
			rate := maxNorm / (13 + 1e-6) // the book's clip_grads
			if rate >= 1 {
				rate = 1
			}
			want := [][]float64{{1 - 3*rate, 2 - 4*rate}, {3 - 12*rate}}
			for i, p := range params {
				for j, v := range graph.Float64s(p.Value()) {
					if !near(v, want[i][j], 1e-6) {
						t.Errorf("%s max %g: %s = %v, want %v", dt, maxNorm, p.Name(), graph.Float64s(p.Value()), want[i])
					}
				}
			}
			if g := graph.Float64s(grads[1]); g[0] != 12 {
				t.Errorf("%s: the caller's gradient changed to %v", dt, g)
			}
		}
	}
}

// TestHooksOrder: hooks run in the order given (decay, then clip of the decayed gradient).
func TestHooksOrder(t *testing.T) {
	params, grads := wb(graph.Float64, []float64{0, 0}, []float64{0})
	// Decay by 1 makes the gradients the values (1, 2), (0); clipping to 1 divides by sqrt(5).
	opt := optim.WithHooks(optim.NewSGD(1), optim.WeightDecay(1, optim.NamePrefix("W")), optim.ClipNorm(1))
	if err := opt.Step(params, grads); err != nil {
		t.Fatal(err)
	}
	rate := 1 / (math.Sqrt(5) + 1e-6)
	if w := graph.Float64s(params[0].Value()); !near(w[0], 1-rate, 1e-15) || !near(w[1], 2-2*rate, 1e-15) {
		t.Errorf("W = %v", w)
	}
}

// TestHooksLeaveTheGraphAlone: gradients from a program can be one tensor for two outputs,
// or a constant's value; hooks must not write into them. Here the loss x + y gives x and y
// the same gradient node, and z, unused, a zero constant.
func TestHooksLeaveTheGraphAlone(t *testing.T) {
	g := graph.New()
	x := g.Param("Wx", graph.ScalarValue(graph.Float64, 1))
	y := g.Param("Wy", graph.ScalarValue(graph.Float64, 2))
	z := g.Param("Wz", graph.ScalarValue(graph.Float64, 3))
	loss := ops.Add(x, y)
	params := []*graph.Node{x, y, z}
	prog := graph.MustCompile(append([]*graph.Node{loss}, autodiff.Grad(loss, params...)...)...)
	opt := optim.WithHooks(optim.NewSGD(0.5), optim.WeightDecay(1, nil))
	for range 3 {
		outs, err := prog.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		if gx, gy, gz := outs[1].Float64s()[0], outs[2].Float64s()[0], outs[3].Float64s()[0]; gx != 1 || gy != 1 || gz != 0 {
			t.Fatalf("program's gradients (%v, %v, %v), want (1, 1, 0)", gx, gy, gz)
		}
		if err := opt.Step(params, outs[1:]); err != nil {
			t.Fatal(err)
		}
	}
	// Each step: v -= 0.5 (g + v), so v = v/2 - g/2.
	wx, wy, wz := 1.0, 2.0, 3.0
	for range 3 {
		wx, wy, wz = wx/2-0.5, wy/2-0.5, wz/2
	}
	if got := []float64{at(x), at(y), at(z)}; !slices.Equal(got, []float64{wx, wy, wz}) {
		t.Errorf("parameters %v, want %v", got, []float64{wx, wy, wz})
	}
}
