package onnx_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// lossGrads evaluates y, and the gradients of sum(y * R) (R fixed and random, so that no
// transpose hides) with respect to wrt.
func lossGrads(t *testing.T, y *graph.Node, wrt []*graph.Node, feeds graph.Feeds) (*tensor.Dense, []*tensor.Dense) {
	t.Helper()
	g := y.Graph()
	r := g.Const("R", randomTensor(rand.New(rand.NewPCG(7, 7)), y.DType(), y.Shape()))
	loss := ops.Sum(ops.Mul(y, r))
	gs := autodiff.Grad(loss, wrt...)
	prog, err := graph.Compile(append([]*graph.Node{y}, gs...)...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := prog.RunCopy(feeds)
	if err != nil {
		t.Fatal(err)
	}
	return out[0], out[1:]
}

// importsOp names the ONNX op a case's round trip must import, where the case is there for
// that op.
var importsOp = map[string]string{
	"softmax_cross_entropy labels":       "SoftmaxCrossEntropyLoss",
	"softmax_cross_entropy float labels": "SoftmaxCrossEntropyLoss",
	"one_hot":                            "OneHot",
	"equal (max's gradient)":             "Equal",
	"layer_norm":                         "LayerNormalization",
	"normalize":                          "LayerNormalization",
	"take":                               "Gather",
	"embedding":                          "Gather",
	"gather":                             "GatherElements",
	"where":                              "Where",
	"masked_fill int mask":               "Where",
	"gelu":                               "Erf",
	"softplus":                           "Softplus",
	"cross_entropy [N T C]":              "SoftmaxCrossEntropyLoss",
	"cross_entropy ignore":               "SoftmaxCrossEntropyLoss",
	"matmul 4-D broadcast":               "MatMul",
	"causal_softmax":                     "Softmax",
	"linear 2-D":                         "Gemm",
	"split and merge heads":              "Transpose",
}

// TestRoundTrip exports each op case and imports it back: the same outputs and the same
// gradients with respect to every input and parameter.
func TestRoundTrip(t *testing.T) {
	for _, c := range opCases {
		t.Run(c.name, func(t *testing.T) {
			dt := graph.Float64
			g := graph.New()
			rng := rand.New(rand.NewPCG(1, 2))
			x := g.Input("x", dt, c.shape...)
			feeds := graph.Feeds{x: randomTensor(rng, dt, c.shape)}
			y, yv := c.second(g, rng, dt)
			if y != nil {
				feeds[y] = yv
			}
			out := c.build(x, y)
			var buf bytes.Buffer
			if err := onnx.Write(&buf, out); err != nil {
				t.Fatal(err)
			}
			m, err := onnx.Import(buf.Bytes(), onnx.ImportOptions{Batch: c.shape[0]})
			if err != nil {
				t.Fatal(err)
			}
			if op, ok := importsOp[c.name]; ok && m.Ops[op] == 0 {
				t.Errorf("the model has no %s node to import (ops %v)", op, m.Ops)
			}
			wrt := []*graph.Node{x}
			for _, p := range g.Params() {
				if graph.Topo(out)[0] != nil {
					wrt = append(wrt, p)
				}
			}
			var wrt2 []*graph.Node
			feeds2 := graph.Feeds{}
			for _, in := range m.Inputs {
				feeds2[in] = feeds[g.InputNode(in.Name())]
			}
			wrt2 = append(wrt2, m.Graph.InputNode("x"))
			for _, p := range wrt[1:] {
				q := m.Graph.ParamNode(p.Name())
				if q == nil {
					t.Fatalf("parameter %s not imported (have %v)", p.Name(), m.Params)
				}
				wrt2 = append(wrt2, q)
			}
			if c.name == "step" || c.name == "sign" || c.name == "dropout" || c.name == "inverted dropout" {
				wrt, wrt2 = nil, nil // no gradient flows through step and sign; dropout is checked at inference only
			}
			y1, g1 := lossGrads(t, out, wrt, feeds)
			y2, g2 := lossGrads(t, m.Outputs[0], wrt2, feeds2)
			if e, ok := closeTo(y2, y1, 1e-12); !ok {
				t.Errorf("outputs differ by %.3g", e)
			}
			for i := range g1 {
				if e, ok := closeTo(g2[i], g1[i], 1e-12); !ok {
					t.Errorf("gradients of %s differ by %.3g", wrt[i].Label(), e)
				}
			}
		})
	}
}

// TestImportFloatLabels: a Cast of floats to integers imports only as the labels of the
// loss ops; feeding another op it is an error naming the value.
func TestImportFloatLabels(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 4, 5)
	labels := g.Input("t", graph.Float32, 4)
	var buf bytes.Buffer
	if err := onnx.Write(&buf, ops.SoftmaxCrossEntropy(x, labels)); err != nil {
		t.Fatal(err)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, n := range m.Graph.Node {
		if n.GetOpType() == "SoftmaxCrossEntropyLoss" {
			n.OpType, n.Attribute = proto.String("Add"), nil
		}
	}
	b, _ := proto.Marshal(&m)
	_, err := onnx.Import(b, onnx.ImportOptions{Batch: 4})
	if err == nil || !strings.Contains(err.Error(), "only for the labels") {
		t.Fatalf("error %v, want one saying float labels feed only the loss ops", err)
	}
}
