package ops_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
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

// A batch big enough to be summed on all cores gives the direct sum's loss, for labels and
// for target rows, and a label out of range in its last row is still an error naming it.
func TestSoftmaxCrossEntropyLargeBatch(t *testing.T) {
	const n, c = 301, 40
	rng := rand.New(rand.NewPCG(4, 5))
	xv, tv, lv := make([]float64, n*c), make([]float64, n*c), make([]int32, n)
	want := 0.0
	for i := range n {
		row := xv[i*c : (i+1)*c]
		var s float64
		for j := range row {
			row[j] = 3 * rng.NormFloat64()
			s += math.Exp(row[j])
		}
		lv[i] = int32(rng.IntN(c))
		tv[i*c+int(lv[i])] = 1
		want += math.Log(s) - row[lv[i]]
	}
	want /= n
	g := graph.New()
	x := g.Const("x", graph.FromFloat64s(graph.Float64, []int{n, c}, xv))
	labels := g.Input("t", graph.Int32, n)
	rows := g.Const("rows", graph.FromFloat64s(graph.Float64, []int{n, c}, tv))
	p := graph.MustCompile(ops.SoftmaxCrossEntropy(x, labels), ops.SoftmaxCrossEntropy(x, rows))
	got := runProgram(t, p, graph.Feeds{labels: graph.I32(graph.Shape{n}, lv...)})
	for k, v := range got {
		if math.Abs(v[0]-want) > 1e-12*want {
			t.Errorf("loss %d is %v, want %v", k, v[0], want)
		}
	}
	lv[n-1] = c
	if _, err := p.Run(graph.Feeds{labels: graph.I32(graph.Shape{n}, lv...)}); err == nil || !strings.Contains(err.Error(), "row 300") {
		t.Errorf("a label of %d in row %d gave %v, want an error naming the row", c, n-1, err)
	}
}
