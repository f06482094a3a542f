package nn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// The trainer finds the book's dropout layers through ConvNet's Sequential.
func TestRandomLayersOfBookNets(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	deep := NewDeepConvNet(graph.New(), DeepConvNetConfig{}, graph.Float32, rng)
	ext, err := NewMultiLayerNetExtend(graph.New(), ExtendConfig{MultiLayerConfig: MultiLayerConfig{
		InputSize: 4, HiddenSizes: []int{3, 3}, OutputSize: 2}, BatchNorm: true, Dropout: true}, rng)
	if err != nil {
		t.Fatal(err)
	}
	simple := NewSimpleConvNet(graph.New(), SimpleConvNetConfig{InputDim: [3]int{1, 8, 8}}, graph.Float32, rng)
	for _, c := range []struct {
		name  string
		model any
		want  []string
	}{
		{"DeepConvNet", deep, []string{"17", "19"}},
		{"MultiLayerNetExtend", ext, []string{"3", "7"}},
		{"SimpleConvNet", simple, nil},
	} {
		var paths []string
		for _, l := range randomLayers(c.model) {
			paths = append(paths, l.path)
		}
		if !slices.Equal(paths, c.want) {
			t.Errorf("%s: random layers at %q, want %q", c.name, paths, c.want)
		}
	}
}

// SetRandomState brings back the masks drawn after RandomState, in every graph built from
// the layer.
func TestDropoutRandomStateReplaysMasks(t *testing.T) {
	mode := ops.NewMode(true)
	l := NewDropout(0.5, false, rand.New(rand.NewPCG(1, 2)), mode)
	g := graph.New()
	var progs []*graph.Program
	for _, name := range []string{"a", "b"} {
		prog, err := graph.Compile(l.Forward(g.Input(name, graph.Float64, 64)))
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, prog)
	}
	ones := graph.FromFloat64s(graph.Float64, []int{64}, slices.Repeat([]float64{1}, 64))
	masks := func() [][]float64 {
		var out [][]float64
		for i, p := range progs {
			y, err := p.Run(graph.Feeds{[]string{"a", "b"}[i]: ones})
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
	if err := l.SetRandomState(state[:pcgStateSize]); err == nil {
		t.Fatal("a state of one stream was taken by a layer of two")
	}
}
