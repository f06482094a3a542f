package optim_test

import (
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/optim"
)

// TestStepAllocatesNothing: after the first step, a step allocates nothing, for every rule,
// both element types, and with hooks.
func TestStepAllocatesNothing(t *testing.T) {
	for _, r := range rules {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			for _, hooked := range []bool{false, true} {
				opt := r.make()
				if hooked {
					opt = optim.WithHooks(opt, optim.WeightDecay(1e-4, optim.NamePrefix("W")), optim.ClipNorm(1))
				}
				params := netParams(dt)
				grads := netGrads(params)
				if err := opt.Step(params, grads); err != nil {
					t.Fatal(err)
				}
				allocs := testing.AllocsPerRun(50, func() {
					if err := opt.Step(params, grads); err != nil {
						t.Fatal(err)
					}
				})
				if allocs != 0 {
					t.Errorf("%s %s hooks=%v: %v allocations per step", r.name, dt, hooked, allocs)
				}
			}
		}
	}
}

// BenchmarkAdam steps Adam over the book's two-layer net (784x50, 50, 50x10, 10), float32.
func BenchmarkAdam(b *testing.B) {
	g := graph.New()
	shapes := [][]int{{784, 50}, {50}, {50, 10}, {10}}
	var params []*graph.Node
	var grads []*tensor.Dense
	n := 0
	for i, s := range shapes {
		params = append(params, g.Param([]string{"W1", "b1", "W2", "b2"}[i], graph.NewTensor(graph.Float32, s...)))
		gr := graph.NewTensor(graph.Float32, s...)
		for j := range gr.Float32s() {
			gr.Float32s()[j] = float32(j%7) - 3
		}
		grads = append(grads, gr)
		n += graph.Shape(s).Size()
	}
	opt := optim.DefaultAdam()
	b.ReportAllocs()
	for b.Loop() {
		if err := opt.Step(params, grads); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mparams/s")
}
