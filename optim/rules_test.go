package optim_test

import (
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/optim"
)

// The book's chapter 6 function f(x, y) = x^2/20 + y^2, with its gradient (x/10, 2y)
// written by hand: these tests check the update rules alone, without autodiff.

// xyParams returns the scalar parameters x and y of one graph, at (x0, y0).
func xyParams(dt graph.DType, x0, y0 float64) []*graph.Node {
	g := graph.New()
	return []*graph.Node{g.Param("x", graph.ScalarValue(dt, x0)), g.Param("y", graph.ScalarValue(dt, y0))}
}

// xyGrads returns the gradient of f at the parameters' values.
func xyGrads(params []*graph.Node) []*tensor.Dense {
	x, y := at(params[0]), at(params[1])
	dt := params[0].DType()
	return []*tensor.Dense{graph.ScalarValue(dt, x/10), graph.ScalarValue(dt, 2*y)}
}

func at(p *graph.Node) float64 { return graph.Float64s(p.Value())[0] }

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestRulesByHand steps each rule twice from (-7, 2), where the gradient is (-0.7, 4).
// The expected positions were worked out by hand from the book's formulas: decimals where
// they are short, the formula's arithmetic where a square root enters.
func TestRulesByHand(t *testing.T) {
	const e = 1e-7 // the book's epsilon
	// Adam, LR 0.3, Beta1 0.9, Beta2 0.999, step 1: m = 0.1 g, v = 0.001 g^2.
	adam1 := func(x, g float64) float64 {
		lrt := 0.3 * math.Sqrt(1-0.999) / (1 - 0.9)
		return x - lrt*(0.1*g)/(math.Sqrt(0.001*g*g)+e)
	}
	// Adam step 2 from x1 with gradient g1, after g0 at step 1.
	adam2 := func(x1, g0, g1 float64) float64 {
		m := 0.1*g0 + 0.1*(g1-0.1*g0)
		v := 0.001*g0*g0 + 0.001*(g1*g1-0.001*g0*g0)
		lrt := 0.3 * math.Sqrt(1-0.999*0.999) / (1 - 0.9*0.9)
		return x1 - lrt*m/(math.Sqrt(v)+e)
	}
	// AdaGrad, LR 1.5: h1 = g0^2, h2 = g0^2 + g1^2.
	ada1 := func(x, g float64) float64 { return x - 1.5*g/(math.Abs(g)+e) }
	ada2 := func(x1, g0, g1 float64) float64 { return x1 - 1.5*g1/(math.Sqrt(g0*g0+g1*g1)+e) }
	// RMSprop, LR 0.1, DecayRate 0.99: h1 = 0.01 g0^2, h2 = 0.99 h1 + 0.01 g1^2.
	rms1 := func(x, g float64) float64 { return x - 0.1*g/(0.1*math.Abs(g)+e) }
	rms2 := func(x1, g0, g1 float64) float64 {
		return x1 - 0.1*g1/(math.Sqrt(0.99*0.01*g0*g0+0.01*g1*g1)+e)
	}
	twoSteps := func(one func(x, g float64) float64, two func(x1, g0, g1 float64) float64) [2][2]float64 {
		x1, y1 := one(-7, -0.7), one(2, 4)
		return [2][2]float64{{x1, y1}, {two(x1, -0.7, x1/10), two(y1, 4, 2*y1)}}
	}

	tests := []struct {
		name string
		opt  func() optim.Optimizer
		want [2][2]float64 // (x, y) after step 1 and step 2
	}{
		// x -= 0.1 g: (-7 + 0.07, 2 - 0.4), then g = (-0.693, 3.2).
		{"SGD", func() optim.Optimizer { return optim.NewSGD(0.1) }, [2][2]float64{{-6.93, 1.6}, {-6.8607, 1.28}}},
		// v = (0.07, -0.4); then v = 0.9 v - 0.1 (-0.693, 3.2) = (0.1323, -0.68).
		{"Momentum", func() optim.Optimizer { return optim.NewMomentum(0.1, 0.9) }, [2][2]float64{{-6.93, 1.6}, {-6.7977, 0.92}}},
		// v = (0.07, -0.4); x += 0.81 v - 0.19 g = (-6.8103, 0.916);
		// then g = (-0.68103, 1.832), v = (0.131103, -0.5432), x += 0.81 v - 0.19 g.
		{"Nesterov", func() optim.Optimizer { return optim.NewNesterov(0.1, 0.9) }, [2][2]float64{{-6.8103, 0.916}, {-6.57471087, 0.127928}}},
		{"AdaGrad", func() optim.Optimizer { return optim.NewAdaGrad(1.5) }, twoSteps(ada1, ada2)},
		{"RMSprop", func() optim.Optimizer { return optim.NewRMSprop(0.1, 0.99) }, twoSteps(rms1, rms2)},
		{"Adam", func() optim.Optimizer { return optim.NewAdam(0.3, 0.9, 0.999) }, twoSteps(adam1, adam2)},
	}
	for _, tt := range tests {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			tol := 1e-13
			if dt == graph.Float32 {
				tol = 1e-6
			}
			params := xyParams(dt, -7, 2)
			opt := tt.opt()
			for step, want := range tt.want {
				if err := opt.Step(params, xyGrads(params)); err != nil {
					t.Fatalf("%s %s: %v", tt.name, dt, err)
				}
				if x, y := at(params[0]), at(params[1]); !near(x, want[0], tol) || !near(y, want[1], tol) {
					t.Errorf("%s %s step %d: (x, y) = (%.17g, %.17g), want (%.17g, %.17g)", tt.name, dt, step+1, x, y, want[0], want[1])
				}
			}
		}
	}
}

// TestDefaults checks the book's default hyperparameters.
func TestDefaults(t *testing.T) {
	if o := optim.DefaultSGD(); o.LR != 0.01 {
		t.Errorf("DefaultSGD: %+v", o)
	}
	if o := optim.DefaultMomentum(); o.LR != 0.01 || o.Momentum != 0.9 {
		t.Errorf("DefaultMomentum: %+v", o)
	}
	if o := optim.DefaultNesterov(); o.LR != 0.01 || o.Momentum != 0.9 {
		t.Errorf("DefaultNesterov: %+v", o)
	}
	if o := optim.DefaultAdaGrad(); o.LR != 0.01 {
		t.Errorf("DefaultAdaGrad: %+v", o)
	}
	if o := optim.DefaultRMSprop(); o.LR != 0.01 || o.DecayRate != 0.99 {
		t.Errorf("DefaultRMSprop: %+v", o)
	}
	if o := optim.DefaultAdam(); o.LR != 0.001 || o.Beta1 != 0.9 || o.Beta2 != 0.999 {
		t.Errorf("DefaultAdam: %+v", o)
	}
}

// TestLiteral checks that a struct literal works like its constructor.
func TestLiteral(t *testing.T) {
	a, b := xyParams(graph.Float64, -7, 2), xyParams(graph.Float64, -7, 2)
	lit, ctor := &optim.Adam{LR: 0.3, Beta1: 0.9, Beta2: 0.999}, optim.NewAdam(0.3, 0.9, 0.999)
	for range 5 {
		if err := lit.Step(a, xyGrads(a)); err != nil {
			t.Fatal(err)
		}
		if err := ctor.Step(b, xyGrads(b)); err != nil {
			t.Fatal(err)
		}
	}
	if at(a[0]) != at(b[0]) || at(a[1]) != at(b[1]) {
		t.Errorf("literal (%v, %v), constructor (%v, %v)", at(a[0]), at(a[1]), at(b[0]), at(b[1]))
	}
}
