package train_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
)

// The predictor's batches of 3, the last padded, classify 7 samples as one run of all 7
// does; the padding does not count in the accuracy.
func TestPredictorMatchesOneBigBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	g := graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{InputSize: 4, HiddenSize: 8, OutputSize: 3, InitStd: 1, Options: book.Options{Rand: rng}})
	const n = 7
	images := make([]float32, n*4)
	for i := range images {
		images[i] = float32(rng.NormFloat64())
	}
	// The reference: all 7 samples in one run.
	x := g.Input("x", graph.Float32, n, 4)
	out, err := graph.MustCompile(net.Predict(x)).Run(graph.Feeds{x: graph.F32(graph.Shape{n, 4}, images...)})
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
	if want[0] == want[1] && want[1] == want[2] && want[2] == want[6] {
		t.Fatalf("classes %v: too uniform to tell", want)
	}
	p, err := train.NewPredictor(g, net.Predict, 3, graph.Float32, 4) // 3 + 3 + a padded 1
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
	wrong[6] = (wrong[6] + 1) % 3 // the sample in the padded batch
	if acc, _ := p.Accuracy(images, wrong); acc != 6.0/7 {
		t.Fatalf("accuracy %v, want 6/7", acc)
	}
	if _, err := p.Classes(images[:5]); err == nil || !strings.Contains(err.Error(), "not a whole number of 4-value samples") {
		t.Fatalf("got %v", err)
	}
	if _, err := p.Accuracy(images, want[:6]); err == nil || !strings.Contains(err.Error(), "7 samples but 6 labels") {
		t.Fatalf("got %v", err)
	}
	// A float64 predictor of the same parameters' shapes reads float32 images.
	g64 := graph.New()
	net64 := book.NewTwoLayerNet(g64.Root(), book.TwoLayerConfig{InputSize: 4, HiddenSize: 8, OutputSize: 3, Options: book.Options{DType: graph.Float64}})
	for i, p := range net.Params() {
		dst := net64.Params()[i].Value().Float64s()
		for j, v := range p.Value().Float32s() {
			dst[j] = float64(v)
		}
	}
	p64, err := train.NewPredictor(g64, net64.Predict, 4, graph.Float64, 4)
	if err != nil {
		t.Fatal(err)
	}
	if acc, err := p64.Accuracy(images, want); err != nil || acc != 1 {
		t.Fatalf("float64 predictor: accuracy %v %v", acc, err)
	}
	// A model whose output is not [batch classes] is refused.
	if _, err := train.NewPredictor(g, func(x *graph.Node) *graph.Node { return x }, 2, graph.Float32, 2, 2); err == nil {
		t.Fatal("a [2 2 2] output was taken")
	}
}
