package optim_test

import (
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/optim"
)

// A small "network" for the state tests: a weight W[2 3] and a bias b[3], with the
// gradient of sum((W - 1)^2)/2 + sum(b^2) written by hand: W - 1 and 2b.

func netParams(dt graph.DType) []*graph.Node {
	g := graph.New()
	W := g.Param("W", graph.FromFloat64s(dt, []int{2, 3}, []float64{-3, -1, 0.5, 2, 4, -0.25}))
	b := g.Param("b", graph.FromFloat64s(dt, []int{3}, []float64{0.3, -0.7, 1.1}))
	return []*graph.Node{W, b}
}

// netGrads returns the gradients at the parameters' values.
func netGrads(params []*graph.Node) []*tensor.Dense {
	W, b := graph.Float64s(params[0].Value()), graph.Float64s(params[1].Value())
	for i := range W {
		W[i]--
	}
	for i := range b {
		b[i] *= 2
	}
	dt := params[0].DType()
	return []*tensor.Dense{graph.FromFloat64s(dt, []int{2, 3}, W), graph.FromFloat64s(dt, []int{3}, b)}
}

// rules makes each optimizer with hyperparameters away from the defaults.
var rules = []struct {
	name string
	make func() optim.Optimizer
}{
	{"SGD", func() optim.Optimizer { return optim.NewSGD(0.1) }},
	{"Momentum", func() optim.Optimizer { return optim.NewMomentum(0.1, 0.8) }},
	{"Nesterov", func() optim.Optimizer { return optim.NewNesterov(0.1, 0.8) }},
	{"AdaGrad", func() optim.Optimizer { return optim.NewAdaGrad(0.5) }},
	{"RMSprop", func() optim.Optimizer { return optim.NewRMSprop(0.05, 0.9) }},
	{"Adam", func() optim.Optimizer { return optim.NewAdam(0.1, 0.8, 0.99) }},
}

func steps(t *testing.T, opt optim.Optimizer, params []*graph.Node, n int) {
	t.Helper()
	for range n {
		if err := opt.Step(params, netGrads(params)); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot copies the parameters' values as float64s.
func snapshot(params []*graph.Node) [][]float64 {
	var out [][]float64
	for _, p := range params {
		out = append(out, graph.Float64s(p.Value()))
	}
	return out
}

// TestResume saves the state mid-run, restores it into a fresh optimizer over a fresh copy
// of the parameters (as after loading both from files) and checks that the run continues
// bit for bit as if it had not stopped.
func TestResume(t *testing.T) {
	hooks := func(o optim.Optimizer) optim.Optimizer {
		return optim.WithHooks(o, optim.WeightDecay(0.05, optim.NamePrefix("W")), optim.ClipNorm(2))
	}
	for _, r := range rules {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			for _, wrap := range []bool{false, true} {
				mk := r.make
				if wrap {
					mk = func() optim.Optimizer { return hooks(r.make()) }
				}
				name := r.name + "/" + dt.String()
				if wrap {
					name += "/hooks"
				}
				t.Run(name, func(t *testing.T) {
					whole := netParams(dt)
					steps(t, mk(), whole, 10)

					first := netParams(dt)
					before := mk()
					steps(t, before, first, 4)
					saved := before.State()
					steps(t, before, first, 1) // the saved copies must not move

					// A fresh graph, loaded with the values of the first run after 4 steps.
					resumed := netParams(dt)
					again := netParams(dt)
					steps(t, mk(), again, 4)
					for i, p := range resumed {
						if err := p.SetValue(again[i].Value().Clone().(*tensor.Dense)); err != nil {
							t.Fatal(err)
						}
					}
					after := mk()
					if err := after.SetState(resumed, saved); err != nil {
						t.Fatal(err)
					}
					steps(t, after, resumed, 6)

					got, want := snapshot(resumed), snapshot(whole)
					for i := range want {
						if !slices.Equal(got[i], want[i]) {
							t.Errorf("%s after resuming: %v, uninterrupted: %v", resumed[i].Name(), got[i], want[i])
						}
					}
				})
			}
		}
	}
}

func slotNames(s []optim.Slot) []string {
	var names []string
	for _, sl := range s {
		names = append(names, sl.Name)
	}
	return names
}

func TestStateNames(t *testing.T) {
	want := map[string][]string{
		"SGD":      nil,
		"Momentum": {"momentum/v/W", "momentum/v/b"},
		"Nesterov": {"nesterov/v/W", "nesterov/v/b"},
		"AdaGrad":  {"adagrad/h/W", "adagrad/h/b"},
		"RMSprop":  {"rmsprop/h/W", "rmsprop/h/b"},
		"Adam":     {"adam/m/W", "adam/m/b", "adam/v/W", "adam/v/b", "adam/iter"},
	}
	for _, r := range rules {
		opt := r.make()
		if s := opt.State(); len(s) != 0 {
			t.Errorf("%s: State before the first step: %v", r.name, slotNames(s))
		}
		params := netParams(graph.Float32)
		steps(t, opt, params, 3)
		s := opt.State()
		if got := slotNames(s); !slices.Equal(got, want[r.name]) {
			t.Errorf("%s: State names %q, want %q", r.name, got, want[r.name])
		}
		for _, sl := range s {
			wantType := params[0].Type()
			if strings.HasSuffix(sl.Name, "/b") {
				wantType = params[1].Type()
			}
			if sl.Name == "adam/iter" {
				wantType = graph.Type{DType: graph.Float64}
				if v := graph.Float64s(sl.Value); v[0] != 3 {
					t.Errorf("adam/iter = %v, want 3", v)
				}
			}
			dt, _ := graph.DTypeOf(sl.Value)
			if got := (graph.Type{DType: dt, Shape: graph.Shape(sl.Value.Shape())}); got.String() != wantType.String() {
				t.Errorf("%s: %s is %s, want %s", r.name, sl.Name, got, wantType)
			}
		}
	}
}

// TestSetStateReportsEveryMismatch breaks a saved Adam state in many ways at once and
// checks that one error names every problem and that the optimizer did not change.
func TestSetStateReportsEveryMismatch(t *testing.T) {
	params := netParams(graph.Float64)
	opt := optim.NewAdam(0.1, 0.9, 0.999)
	steps(t, opt, params, 2)
	good := opt.State()

	var broken []optim.Slot
	for _, sl := range good {
		switch sl.Name {
		case "adam/m/W": // wrong element type
			broken = append(broken, optim.Slot{Name: sl.Name, Value: graph.NewTensor(graph.Float32, 2, 3)})
		case "adam/v/W": // wrong shape
			broken = append(broken, optim.Slot{Name: sl.Name, Value: graph.NewTensor(graph.Float64, 3, 2)})
		case "adam/v/b": // missing
		case "adam/iter": // not a whole number
			broken = append(broken, optim.Slot{Name: sl.Name, Value: graph.ScalarValue(graph.Float64, 2.5)})
		default:
			broken = append(broken, sl)
		}
	}
	broken = append(broken,
		optim.Slot{Name: "adam/m/b", Value: good[1].Value},                            // given twice
		optim.Slot{Name: "adam/m/W9", Value: graph.NewTensor(graph.Float64, 2, 3)},    // no such parameter
		optim.Slot{Name: "adam/h/W", Value: graph.NewTensor(graph.Float64, 2, 3)},     // no such kind
		optim.Slot{Name: "momentum/v/W", Value: graph.NewTensor(graph.Float64, 2, 3)}, // another rule
		optim.Slot{Name: "adam/m/nil is nil", Value: nil},                             // no value
	)
	err := opt.SetState(params, broken)
	if err == nil {
		t.Fatal("SetState accepted a broken state")
	}
	for _, want := range []string{
		"adam/m/W is float32[2 3], want float64[2 3]",
		"adam/v/W is float64[3 2], want float64[2 3]",
		"adam/v/b: missing",
		"adam/iter = 2.5",
		"adam/m/b: given twice",
		"adam/m/W9: no parameter named W9",
		`adam/h/W: adam keeps no "h"`,
		"momentum/v/W: not a state of adam",
		"adam/m/nil is nil",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	after := opt.State()
	for i := range good {
		if good[i].Name != after[i].Name || !slices.Equal(graph.Float64s(good[i].Value), graph.Float64s(after[i].Value)) {
			t.Errorf("a failed SetState changed %s", good[i].Name)
		}
	}

	// Another rule's state is refused slot by slot.
	err = optim.NewMomentum(0.1, 0.9).SetState(params, good)
	if err == nil || !strings.Contains(err.Error(), "adam/m/W: not a state of momentum") || !strings.Contains(err.Error(), "momentum/v/b: missing") {
		t.Errorf("Momentum.SetState(Adam's state) = %v", err)
	}
	if err := optim.NewSGD(0.1).SetState(params, good[:1]); err == nil || !strings.Contains(err.Error(), "not a state of sgd") {
		t.Errorf("SGD.SetState(a slot) = %v", err)
	}
	if err := optim.NewSGD(0.1).SetState(params, nil); err != nil {
		t.Errorf("SGD.SetState(nil) = %v", err)
	}
	// SetState copies: changing the slots afterwards changes nothing.
	fresh := optim.NewAdam(0.1, 0.9, 0.999)
	if err := fresh.SetState(params, good); err != nil {
		t.Fatal(err)
	}
	good[0].Value.Float64s()[0] = 12345
	if fresh.State()[0].Value.Float64s()[0] == 12345 {
		t.Error("SetState kept the caller's tensor")
	}
}

// TestSetStateEmptyResets checks that SetState with no slots starts the rule afresh.
func TestSetStateEmptyResets(t *testing.T) {
	for _, r := range rules {
		used, fresh := r.make(), r.make()
		steps(t, used, netParams(graph.Float64), 3)
		if err := used.SetState(netParams(graph.Float64), nil); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if s := used.State(); len(s) != 0 {
			t.Errorf("%s: State after a reset: %v", r.name, slotNames(s))
		}
		a, b := netParams(graph.Float64), netParams(graph.Float64)
		steps(t, used, a, 3)
		steps(t, fresh, b, 3)
		if got, want := snapshot(a), snapshot(b); !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
			t.Errorf("%s: after a reset %v, fresh %v", r.name, got, want)
		}
	}
}
