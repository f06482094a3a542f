package nn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// SetRandomState brings back the masks drawn after RandomState, in every graph built from
// the layer (each Forward has its own stream), and refuses a state that does not fit.
func TestDropoutRandomStateReplaysMasks(t *testing.T) {
	g := graph.New()
	l := NewDropout(g, DropoutOpts{Rand: rand.New(rand.NewPCG(1, 2))})
	ops.ModeOf(g).SetTrain(true)
	var progs []*graph.Program
	var ins []*graph.Node
	for _, name := range []string{"a", "b"} {
		x := g.Input(name, graph.Float64, 64)
		prog, err := graph.Compile(l.Forward(x))
		if err != nil {
			t.Fatal(err)
		}
		progs, ins = append(progs, prog), append(ins, x)
	}
	if rl := RandomLayers(g); len(rl) != 1 || rl[0] != Random(l) {
		t.Fatalf("RandomLayers %v", rl)
	}
	ones := graph.F64(graph.Shape{64}, slices.Repeat([]float64{1}, 64)...)
	masks := func() [][]float64 {
		var out [][]float64
		for i, p := range progs {
			y, err := p.Run(graph.Feeds{ins[i]: ones})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, slices.Clone(y[0].Float64s()))
		}
		return out
	}
	masks()
	state, err := l.RandomState()
	if err != nil {
		t.Fatal(err)
	}
	if len(state) != 2*pcgStateSize {
		t.Fatalf("state of %d bytes", len(state))
	}
	first := masks()
	if slices.Equal(first[0], first[1]) {
		t.Fatal("two graphs drew the same mask")
	}
	if err := l.SetRandomState(state); err != nil {
		t.Fatal(err)
	}
	again := masks()
	for i := range first {
		if !slices.Equal(first[i], again[i]) {
			t.Fatalf("graph %d: masks %v, then %v", i, first[i], again[i])
		}
	}
	// Bad states change nothing.
	now, _ := l.RandomState()
	bad := slices.Clone(state)
	bad[pcgStateSize] = 'x' // the second stream's "pcg:" prefix
	for _, s := range [][]byte{state[:pcgStateSize], state[:30], bad} {
		if err := l.SetRandomState(s); err == nil {
			t.Fatalf("state of %d bytes taken", len(s))
		}
		if after, _ := l.RandomState(); !slices.Equal(after, now) {
			t.Fatal("a refused state changed the layer")
		}
	}
}
