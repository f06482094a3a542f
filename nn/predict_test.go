package nn_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

func TestPredictorMatchesOneBigBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	g := graph.New()
	net := nn.NewTwoLayerNet(g, 4, 8, 3, 1, graph.Float32, rng)
	const n = 7
	images := make([]float32, n*4)
	for i := range images {
		images[i] = float32(rng.NormFloat64())
	}
	// The reference: all 7 samples in one run.
	x := g.Input("x", graph.Float32, n, 4)
	out, err := graph.MustCompile(net.Predict(x)).Run(graph.Feeds{"x": graph.FromFloat64s(graph.Float32, []int{n, 4}, toF64(images))})
	if err != nil {
		t.Fatal(err)
	}
	scores := graph.Float64s(out[0])
	want := make([]int, n)
	for i := range want {
		for c := 1; c < 3; c++ {
			if scores[i*3+c] > scores[i*3+want[i]] {
				want[i] = c
			}
		}
	}
	p, err := nn.NewPredictor(g, net, 3, graph.Float32, 4) // 3 + 3 + a padded 1
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Classes(images)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("classes %v, want %v", got, want)
		}
	}
	acc, err := p.Accuracy(images, want)
	if err != nil || acc != 1 {
		t.Fatalf("accuracy %v %v", acc, err)
	}
	wrong := append([]int(nil), want...)
	wrong[0] = (wrong[0] + 1) % 3
	if acc, _ := p.Accuracy(images, wrong); acc != 6.0/7 {
		t.Fatalf("accuracy %v, want 6/7", acc)
	}
	if _, err := p.Classes(images[:5]); err == nil || !strings.Contains(err.Error(), "not a whole number of 4-value samples") {
		t.Fatalf("got %v", err)
	}
}

func toF64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
