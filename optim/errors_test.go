package optim_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// TestStepErrors checks that each rule refuses bad arguments with an error naming the
// parameter, and changes neither parameters nor state.
func TestStepErrors(t *testing.T) {
	type args struct {
		params []*graph.Node
		grads  []*tensor.Dense
	}
	cases := []struct {
		name string
		make func() args // from a graph with W float64[2 3] and b float64[3]
		want string
	}{
		{"counts", func() args {
			p := netParams(graph.Float64)
			return args{p, netGrads(p)[:1]}
		}, "2 parameters but 1 gradients"},
		{"input", func() args {
			p := netParams(graph.Float64)
			x := p[0].Graph().Input("x", graph.Float64, 3)
			return args{[]*graph.Node{p[0], x}, netGrads(p)}
		}, "x is an input, not a parameter"},
		{"op", func() args {
			p := netParams(graph.Float64)
			return args{[]*graph.Node{p[0], ops.Neg(p[1])}, netGrads(p)}
		}, "neg#2 is an op, not a parameter"},
		{"nil parameter", func() args {
			p := netParams(graph.Float64)
			return args{[]*graph.Node{p[0], nil}, netGrads(p)}
		}, "parameter 1 is nil"},
		{"nil gradient", func() args {
			p := netParams(graph.Float64)
			return args{p, []*tensor.Dense{netGrads(p)[0], nil}}
		}, "gradient of b is nil"},
		{"shape", func() args {
			p := netParams(graph.Float64)
			return args{p, []*tensor.Dense{graph.NewTensor(graph.Float64, 3, 2), netGrads(p)[1]}}
		}, "gradient of W is float64[3 2], want float64[2 3]"},
		{"dtype", func() args {
			p := netParams(graph.Float64)
			return args{p, []*tensor.Dense{netGrads(p)[0], graph.NewTensor(graph.Float32, 3)}}
		}, "gradient of b is float32[3], want float64[3]"},
		{"int gradient", func() args {
			p := netParams(graph.Float64)
			return args{p, []*tensor.Dense{netGrads(p)[0], tensor.New(tensor.WithShape(3), tensor.WithBacking([]int{1, 2, 3}))}}
		}, "gradient of b has an unsupported element type int"},
		{"view", func() args {
			p := netParams(graph.Float64)
			big := graph.NewTensor(graph.Float64, 2, 3)
			v, err := big.Slice(tensor.S(1))
			if err != nil {
				panic(err)
			}
			return args{p, []*tensor.Dense{netGrads(p)[0], v.(*tensor.Dense)}}
		}, "gradient of b is a view"},
		{"same name", func() args {
			p := netParams(graph.Float64)
			// Names are unique in a graph, not across graphs: a W of another graph.
			W2 := graph.New().Param("W", graph.NewTensor(graph.Float64, 2, 3))
			return args{[]*graph.Node{p[0], p[1], W2}, append(netGrads(p), graph.NewTensor(graph.Float64, 2, 3))}
		}, "two parameters are named W"},
	}
	for _, r := range rules {
		for _, c := range cases {
			if r.name == "SGD" && c.name == "same name" {
				continue // SGD keeps no state, so names do not matter to it
			}
			opt := r.make()
			a := c.make()
			// Some state to keep unchanged: one step of W alone.
			gW := graph.FromFloat64s(graph.Float64, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
			if err := opt.Step(a.params[:1], []*tensor.Dense{gW}); err != nil {
				t.Fatal(err)
			}
			before, state := valuesOf(a.params), opt.State()
			err := opt.Step(a.params, a.grads)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "optim: ") {
				t.Errorf("%s, %s: error %v, want one saying %q", r.name, c.name, err, c.want)
			}
			if !slices.EqualFunc(before, valuesOf(a.params), slices.Equal) {
				t.Errorf("%s, %s: a failed Step changed the parameters", r.name, c.name)
			}
			if !sameState(state, opt.State()) {
				t.Errorf("%s, %s: a failed Step changed the state", r.name, c.name)
			}
		}
	}
}

// TestStateFollowsName: a parameter of another shape under a stepped name is an error.
func TestStateFollowsName(t *testing.T) {
	opt := optim.NewMomentum(0.1, 0.9)
	steps(t, opt, netParams(graph.Float64), 1)
	g := graph.New()
	W := g.Param("W", graph.NewTensor(graph.Float64, 3))
	err := opt.Step([]*graph.Node{W}, []*tensor.Dense{graph.NewTensor(graph.Float64, 3)})
	if err == nil || !strings.Contains(err.Error(), "parameter W is float64[3] but its state momentum/v/W is float64[2 3]") {
		t.Errorf("error %v", err)
	}
}

func TestHyperparameterErrors(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		opt  optim.Optimizer
		want string
	}{
		{optim.NewSGD(-0.1), "sgd: LR = -0.1, want a finite value >= 0"},
		{optim.NewSGD(math.Inf(1)), "sgd: LR = +Inf"},
		{optim.NewMomentum(0.1, 1), "momentum: Momentum = 1, want 0 <= Momentum < 1"},
		{optim.NewNesterov(nan, 0.9), "nesterov: LR = NaN"},
		{optim.NewNesterov(0.1, -0.5), "nesterov: Momentum = -0.5"},
		{optim.NewAdaGrad(-1), "adagrad: LR = -1"},
		{optim.NewRMSprop(0.1, 1.5), "rmsprop: DecayRate = 1.5"},
		{optim.NewAdam(0.1, nan, 0.999), "adam: Beta1 = NaN"},
		{optim.NewAdam(0.1, 0.9, 1), "adam: Beta2 = 1"},
		{&optim.Adam{}, ""}, // zero rates are allowed: nothing moves
		{optim.WithHooks(optim.NewSGD(0.1), optim.WeightDecay(-1, nil)), "WeightDecay: lambda = -1"},
		{optim.WithHooks(optim.NewSGD(0.1), optim.ClipNorm(0)), "ClipNorm: maxNorm = 0"},
	}
	for _, c := range cases {
		p := netParams(graph.Float64)
		before := valuesOf(p)
		err := c.opt.Step(p, netGrads(p))
		if c.want == "" {
			if err != nil || !slices.EqualFunc(before, valuesOf(p), slices.Equal) {
				t.Errorf("%T: %v", c.opt, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: error %v, want one saying %q", c.opt, err, c.want)
		}
		if !slices.EqualFunc(before, valuesOf(p), slices.Equal) {
			t.Errorf("%T: a failed Step changed the parameters", c.opt)
		}
	}
}

// TestScopedParamNames: parameters of one name in two scopes ("fc1.W", "fc2.W") are kept
// apart, under their full names.
func TestScopedParamNames(t *testing.T) {
	g := graph.New()
	p := []*graph.Node{g.In("fc1").Param("W", graph.ScalarValue(graph.Float64, 1)), g.In("fc2").Param("W", graph.ScalarValue(graph.Float64, 2))}
	opt := optim.NewMomentum(0.1, 0.9)
	for range 2 {
		if err := opt.Step(p, []*tensor.Dense{graph.ScalarValue(graph.Float64, 1), graph.ScalarValue(graph.Float64, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := slotNames(opt.State()); !slices.Equal(got, []string{"momentum/v/fc1.W", "momentum/v/fc2.W"}) {
		t.Errorf("State names %q", got)
	}
}

func valuesOf(params []*graph.Node) [][]float64 {
	var out [][]float64
	for _, p := range params {
		if p == nil || p.Value() == nil {
			out = append(out, nil)
			continue
		}
		out = append(out, graph.Float64s(p.Value()))
	}
	return out
}

func sameState(a, b []optim.Slot) bool {
	return slices.EqualFunc(a, b, func(x, y optim.Slot) bool {
		return x.Name == y.Name && slices.Equal(graph.Float64s(x.Value), graph.Float64s(y.Value))
	})
}

// TestSameNameFirstStep: two parameters of one name (made in two graphs, as one graph's
// names are unique) are refused on the first step too.
func TestSameNameFirstStep(t *testing.T) {
	p := []*graph.Node{graph.New().Param("W", graph.NewTensor(graph.Float32, 2)), graph.New().Param("W", graph.NewTensor(graph.Float32, 2))}
	opt := optim.DefaultAdam()
	err := opt.Step(p, []*tensor.Dense{graph.NewTensor(graph.Float32, 2), graph.NewTensor(graph.Float32, 2)})
	if err == nil || !strings.Contains(err.Error(), "adam: two parameters are named W") {
		t.Errorf("error %v", err)
	}
	if s := opt.State(); len(s) != 0 {
		t.Errorf("a failed first Step left state %v", slotNames(s))
	}
}
