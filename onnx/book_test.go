package onnx_test

import (
	"path/filepath"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/optim"
)

// TestExportBookNets trains SimpleConvNet (200 steps of Adam) and DeepConvNet (50 steps)
// briefly on MNIST, so that their weights are trained ones (the book pickles in
// nn/paramfile/testdata hold patterns, not trained values), exports them and runs them
// with ONNX Runtime on the 10,000 test images in batches of 1,000 through one session: the
// scores equal zerograd's within 1e-5 relative (to max(|score|, 1)) and the class is the
// same on every image. The initializers keep the book's names. -short uses 1,000 images.
func TestExportBookNets(t *testing.T) {
	needORT(t)
	trainSet, testSet, err := dataset.LoadMNIST(dataset.Options{Normalize: true})
	if err != nil {
		t.Skipf("MNIST: %v", err)
	}
	if testing.Short() {
		testSet = testSet.Slice(0, 1000)
	}
	const batch, evalBatch = 100, 1000
	nets := []struct {
		name   string
		build  func(s graph.Scope) *book.Net
		steps  int
		minAcc float64 // the accuracy the short training reaches at least: the weights are trained
	}{
		{"SimpleConvNet", func(s graph.Scope) *book.Net { return book.NewSimpleConvNet(s, book.SimpleConvNetConfig{}) }, 200, 0.9},
		{"DeepConvNet", func(s graph.Scope) *book.Net { return book.NewDeepConvNet(s, book.DeepConvNetConfig{}) }, 50, 0.5},
	}
	for _, c := range nets {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			g := graph.New()
			net := c.build(g.Root())
			x := g.Input("x", graph.Float32, batch, 1, 28, 28)
			labels := g.Input("t", graph.Int32, batch)
			step := optim.NewStep(net.Loss(x, labels), optim.NewAdam(0.001, 0.9, 0.999))
			steps := 0
			for feeds := range train.Batches(train.MNIST(trainSet, x, labels), g.Rand()) {
				if _, err := step.Run(feeds); err != nil {
					t.Fatal(err)
				}
				if steps++; steps == c.steps {
					break
				}
			}
			trained := time.Since(start)

			// zerograd's scores, 1,000 images at a time.
			image := g.Input("image", graph.Float32, evalBatch, 1, 28, 28)
			y := net.Predict(image)
			prog := graph.MustCompile(y)
			n := testSet.N / evalBatch * evalBatch
			want := make([]float64, 0, n*10)
			for lo := 0; lo < n; lo += evalBatch {
				out, err := prog.Run(graph.Feeds{image: graph.F32(image.Shape(), testSet.Images[lo*784:(lo+evalBatch)*784]...)})
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, graph.Float64s(out[0])...)
			}
			path := filepath.Join(t.TempDir(), c.name+".onnx")
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
			ours := time.Since(start)
			xv := graph.F32(graph.Shape{n, 1, 28, 28}, testSet.Images[:n*784]...)
			got := ortRunBatches(t, path, evalBatch, []string{"image"}, []*tensor.Dense{xv})[0]
			e, ok := closeTo(got, graph.FromFloat64s(graph.Float64, []int{n, 10}, want), 1e-5)
			a := graph.Float64s(got)
			same, right := 0, 0
			for i := 0; i < n; i++ {
				k := argmax(want[i*10 : (i+1)*10])
				if argmax(a[i*10:(i+1)*10]) == k {
					same++
				} else {
					t.Errorf("image %d: ONNX Runtime's class differs", i)
				}
				if k == testSet.Labels[i] {
					right++
				}
			}
			acc := float64(right) / float64(n)
			t.Logf("%d training steps: test accuracy %.4f; %d images: largest difference from ONNX Runtime %.3g relative, the same class on %d/%d (train %v, zerograd's scores and export %v, ONNX Runtime %v)",
				c.steps, acc, n, e, same, n, trained.Round(time.Millisecond), (ours - trained).Round(time.Millisecond), (time.Since(start) - ours).Round(time.Millisecond))
			if !ok {
				t.Errorf("ONNX Runtime differs by %.3g", e)
			}
			if acc < c.minAcc {
				t.Errorf("test accuracy %.4f after %d steps, want at least %.2f: the weights did not train", acc, c.steps, c.minAcc)
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
