package onnx_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/onnx"
)

// TestExportBookNets exports SimpleConvNet and DeepConvNet (freshly initialized: no trained
// weights are committed) and runs them with ONNX Runtime on 200 random images: the scores
// equal zerograd's within 1e-5 and the argmax is the same on every image. The initializers
// keep the book's names.
func TestExportBookNets(t *testing.T) {
	needORT(t)
	const n = 200
	nets := map[string]func(s graph.Scope) *book.Net{
		"SimpleConvNet": func(s graph.Scope) *book.Net { return book.NewSimpleConvNet(s, book.SimpleConvNetConfig{}) },
		"DeepConvNet":   func(s graph.Scope) *book.Net { return book.NewDeepConvNet(s, book.DeepConvNetConfig{}) },
	}
	for name, build := range nets {
		t.Run(name, func(t *testing.T) {
			g := graph.New()
			net := build(g.Root())
			x := g.Input("x", graph.Float32, n, 1, 28, 28)
			y := net.Predict(x)
			rng := rand.New(rand.NewPCG(3, 4))
			img := make([]float32, n*784)
			for i := range img {
				img[i] = rng.Float32()
			}
			xv := graph.F32(graph.Shape{n, 1, 28, 28}, img...)
			want, err := graph.Eval(y, graph.Feeds{x: xv})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), name+".onnx")
			if err := onnx.Save(path, y); err != nil {
				t.Fatal(err)
			}
			checkModel(t, path)
			m, err := onnx.Load(path, onnx.ImportOptions{Batch: 1})
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range net.Params() {
				if m.Params[i].Name() != p.Name() {
					t.Errorf("initializer %d is %s, want the book's %s", i, m.Params[i].Name(), p.Name())
				}
			}
			got := ortRun(t, path, []string{"x"}, []*tensor.Dense{xv})[0]
			e, ok := closeTo(got, want, 1e-5)
			t.Logf("%d images: largest difference from ONNX Runtime %.3g", n, e)
			if !ok {
				t.Errorf("ONNX Runtime differs by %.3g", e)
			}
			a, b := graph.Float64s(got), graph.Float64s(want)
			for i := 0; i < n; i++ {
				if argmax(a[i*10:(i+1)*10]) != argmax(b[i*10:(i+1)*10]) {
					t.Errorf("image %d: ONNX Runtime's class differs", i)
				}
			}
		})
	}
}

func argmax(v []float64) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
