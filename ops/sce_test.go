package ops_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// sceFixture is testdata/sce.json, written by testdata/make_sce.py with PyTorch: the softmax
// cross entropy of scores x against target rows t (probabilities, one-hot, rows that do not
// sum to 1), its gradients, and the second derivative applied to a direction (vx, vt).
type sceFixture struct {
	Cases []struct {
		Name           string
		Shape          []int
		X, T, Vx, Vt   []float64
		Loss           float64
		Gx, Gt, Hx, Ht []float64
	}
}

func TestSoftmaxCrossEntropyTargetRowsMatchPyTorch(t *testing.T) {
	data, err := os.ReadFile("testdata/sce.json")
	if err != nil {
		t.Fatal(err)
	}
	var f sceFixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range f.Cases {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			g := graph.New()
			x := g.Param("x", graph.FromFloat64s(dt, c.Shape, c.X))
			tn := g.Param("t", graph.FromFloat64s(dt, c.Shape, c.T))
			loss := ops.SoftmaxCrossEntropy(x, tn)
			gs := autodiff.Grad(loss, x, tn)
			dir := ops.Add(ops.Sum(ops.Mul(gs[0], g.Const("vx", graph.FromFloat64s(dt, c.Shape, c.Vx)))),
				ops.Sum(ops.Mul(gs[1], g.Const("vt", graph.FromFloat64s(dt, c.Shape, c.Vt)))))
			hs := autodiff.Grad(dir, x, tn)
			got := runOut(t, loss, gs[0], gs[1], hs[0], hs[1])
			tol := tolerance(dt)
			for i, want := range [][]float64{{c.Loss}, c.Gx, c.Gt, c.Hx, c.Ht} {
				if d := maxDiff(got[i], want); d > tol {
					t.Errorf("%s %s: %s differs from PyTorch's by %.3g:\n got %v\nwant %v", c.Name, dt,
						[]string{"loss", "gx", "gt", "hx", "ht"}[i], d, got[i], want)
				}
			}
		}
	}
}
