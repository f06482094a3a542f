package onnx_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/ops"
)

// TestImportPyTorch imports the models torch.onnx.export made (testdata/torch/gen.py):
// outputs equal PyTorch's within 1e-5 and the gradients of sum(y * R) with respect to
// every parameter equal torch.autograd's within 1e-6 (float64 fixtures).
func TestImportPyTorch(t *testing.T) {
	for _, name := range []string{"mlp", "cnn", "lstm"} {
		t.Run(name, func(t *testing.T) {
			var ref struct {
				X      []float64 `json:"x"`
				XShape []int     `json:"x_shape"`
				Y, R   []float64
				Grads  map[string][]float64
			}
			b, err := os.ReadFile("testdata/torch/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			m, err := onnx.Load("testdata/torch/"+name+".onnx", onnx.ImportOptions{Batch: ref.XShape[0]})
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Params) != len(ref.Grads) {
				t.Errorf("%d parameters imported, PyTorch has %d", len(m.Params), len(ref.Grads))
			}
			y := m.Outputs[0]
			r := m.Graph.Const("R", graph.FromFloat64s(graph.Float64, y.Shape(), ref.R))
			gs := autodiff.Grad(ops.Sum(ops.Mul(y, r)), m.Params...)
			prog := graph.MustCompile(append([]*graph.Node{y}, gs...)...)
			out, err := prog.Run(graph.Feeds{m.Inputs[0]: graph.FromFloat64s(graph.Float64, ref.XShape, ref.X)})
			if err != nil {
				t.Fatal(err)
			}
			e, ok := closeTo(out[0], graph.FromFloat64s(graph.Float64, y.Shape(), ref.Y), 1e-5)
			t.Logf("outputs: largest difference from PyTorch %.3g", e)
			if !ok {
				t.Errorf("outputs differ from PyTorch by %.3g", e)
			}
			worst := 0.0
			for i, p := range m.Params {
				want := ref.Grads[p.Name()]
				e, ok := closeTo(out[1+i], graph.FromFloat64s(graph.Float64, p.Shape(), want), 1e-6)
				worst = max(worst, e)
				if !ok {
					t.Errorf("gradient of %s differs from torch.autograd's by %.3g", p.Name(), e)
				}
			}
			t.Logf("gradients of %d parameters: largest difference from torch.autograd %.3g", len(m.Params), worst)
		})
	}
}
