package train_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/train"
)

func mnistSlice(t *testing.T) (*dataset.Set, *dataset.Set) {
	t.Helper()
	tr, test, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true, NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Slice(0, 1000), test.Slice(0, 300)
}

// Check names the input and what does not fit.
func TestTensorsCheck(t *testing.T) {
	g := graph.New()
	x := g.Input("images", graph.Float32, 4, 2, 3)
	l := g.Input("labels", graph.Int32, 4)
	good := train.Tensors{x: graph.NewTensor(graph.Float32, 10, 2, 3), l: graph.NewTensor(graph.Int32, 10)}
	if err := good.Check(); err != nil || good.Len() != 10 {
		t.Fatalf("good data: %v, %d samples", err, good.Len())
	}
	if in := good.Inputs(); len(in) != 2 || in[0] != x || in[1] != l {
		t.Fatalf("inputs %v, want images then labels", in)
	}
	for _, c := range []struct {
		name string
		d    train.Tensors
		want []string
	}{
		{"dtype", train.Tensors{x: good[x], l: graph.NewTensor(graph.Float32, 10)}, []string{"labels", "float32", "int32"}},
		{"float64", train.Tensors{x: graph.NewTensor(graph.Float64, 10, 2, 3), l: good[l]}, []string{"images", "float64", "float32"}},
		{"sample shape", train.Tensors{x: graph.NewTensor(graph.Float32, 10, 3, 2), l: good[l]}, []string{"images", "[10 3 2]", "[N 2 3]"}},
		{"rank", train.Tensors{x: graph.NewTensor(graph.Float32, 10, 6), l: good[l]}, []string{"images", "[10 6]", "[N 2 3]"}},
		{"labels shape", train.Tensors{x: good[x], l: graph.NewTensor(graph.Int32, 10, 1)}, []string{"labels", "[10 1]", "[N]"}},
		{"count", train.Tensors{x: good[x], l: graph.NewTensor(graph.Int32, 9)}, []string{"labels", "9 samples", "10"}},
		{"nil", train.Tensors{x: good[x], l: nil}, []string{"labels", "nil"}},
	} {
		err := c.d.Check()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", c.name, err, w)
			}
		}
	}
	// A trainer reports the same before anything runs.
	tr := &train.Trainer{Data: train.Tensors{x: good[x], l: graph.NewTensor(graph.Int32, 9)}}
	if _, _, err := tr.Evaluate(); err == nil {
		t.Error("a trainer without a step evaluated")
	}
}

// Batch copies the chosen rows of every input, whatever its element type.
func TestTensorsBatch(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 2)
	l := g.Input("l", graph.Int64, 2)
	d := train.Tensors{x: graph.F64(graph.Shape{3, 2}, 0, 1, 10, 11, 20, 21), l: graph.I64(graph.Shape{3}, 5, 6, 7)}
	feeds := graph.Feeds{x: graph.NewTensor(graph.Float64, 2, 2), l: graph.NewTensor(graph.Int64, 2)}
	d.Batch([]int{2, 0}, feeds)
	if got := feeds[x].Float64s(); got[0] != 20 || got[1] != 21 || got[2] != 0 || got[3] != 1 {
		t.Errorf("x batch %v", got)
	}
	if got := feeds[l].Int64s(); got[0] != 7 || got[1] != 5 {
		t.Errorf("l batch %v", got)
	}
}

// MNIST wraps a dataset.Set: images shared, labels in the label input's type.
func TestMNISTInt32Labels(t *testing.T) {
	trainSet, _ := mnistSlice(t)
	set := trainSet.Slice(0, 100)
	g := graph.New()
	x := g.Input("x", graph.Float32, 10, 784)
	l := g.Input("t", graph.Int32, 10)
	d := train.MNIST(set, x, l)
	if d.Len() != 100 || !graph.Shape(d[x].Shape()).Equal(graph.Shape{100, 784}) {
		t.Fatalf("%d samples of %v", d.Len(), d[x].Shape())
	}
	if &d[x].Float32s()[0] != &set.Images[0] {
		t.Error("the images were copied")
	}
	for i, v := range d[l].Int32s() {
		if int(v) != set.Labels[i] {
			t.Fatalf("label %d: %d, want %d", i, v, set.Labels[i])
		}
	}
	// The images as [N 1 28 28], labels as int64 or float32, fit too.
	x4 := g.Input("x4", graph.Float32, 10, 1, 28, 28)
	for _, dt := range []graph.DType{graph.Int64, graph.Float32} {
		lt := g.Input("t_"+dt.String(), dt, 10)
		d := train.MNIST(set, x4, lt)
		if got := graph.Float64s(d[lt]); int(got[7]) != set.Labels[7] {
			t.Errorf("%s label %v, want %d", dt, got[7], set.Labels[7])
		}
	}
	xs := g.Input("small", graph.Float32, 10, 100)
	if err := train.MNIST(set, xs, l).Check(); err == nil || !strings.Contains(err.Error(), "small") {
		t.Errorf("got %v", err)
	}
	x64 := g.Input("x64", graph.Float64, 10, 784)
	if err := train.MNIST(set, x64, l).Check(); err == nil || !strings.Contains(err.Error(), "x64") {
		t.Errorf("got %v", err)
	}
}

// Batches yields every full batch once, shuffled by the rng or in order without one.
func TestBatches(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 4, 2)
	l := g.Input("t", graph.Int32, 4)
	xs, ls := make([]float32, 2*10), make([]int32, 10)
	for i := range ls {
		xs[2*i], xs[2*i+1], ls[i] = float32(i), float32(-i), int32(i)
	}
	d := train.Tensors{x: graph.F32(graph.Shape{10, 2}, xs...), l: graph.I32(graph.Shape{10}, ls...)}
	for _, rng := range []*rand.Rand{nil, rand.New(rand.NewPCG(1, 2))} {
		var seen []int
		for feeds := range train.Batches(d, rng) {
			for j, v := range feeds[l].Int32s() {
				if feeds[x].Float32s()[2*j] != float32(v) || feeds[x].Float32s()[2*j+1] != -float32(v) {
					t.Fatalf("row %d of the batch mixes samples: %v and %v", j, feeds[x].Float32s(), v)
				}
				seen = append(seen, int(v))
			}
		}
		if len(seen) != 8 {
			t.Fatalf("%d samples in full batches of 4 out of 10, want 8", len(seen))
		}
		sorted := slices.Clone(seen)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != 8 {
			t.Fatalf("a sample came twice: %v", seen)
		}
		if inOrder := slices.IsSorted(seen); inOrder != (rng == nil) {
			t.Errorf("rng %v: order %v", rng != nil, seen)
		}
	}
}
