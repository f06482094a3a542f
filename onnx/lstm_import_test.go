package onnx_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// lstmModel is a float32 model (ONNX Runtime's LSTM has no double kernel) of one ONNX LSTM node with random W, R, B and initial
// states as initializers, outputs Y, Y_h and Y_c; attrs are added to hidden_size.
func lstmModel(layout, n, T, in, h int, attrs ...*pb.AttributeProto) []byte {
	rng := rand.New(rand.NewPCG(9, 9))
	init := func(name string, dims ...int64) *pb.TensorProto {
		size := int64(1)
		for _, d := range dims {
			size *= d
		}
		v := make([]float32, size)
		for i := range v {
			v[i] = rng.Float32() - 0.5
		}
		return &pb.TensorProto{Name: proto.String(name), Dims: dims, DataType: proto.Int32(int32(pb.TensorProto_FLOAT)), FloatData: v}
	}
	vi := func(name string, dims ...int64) *pb.ValueInfoProto {
		s := &pb.TensorShapeProto{}
		for _, d := range dims {
			s.Dim = append(s.Dim, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: d}})
		}
		tt := &pb.TypeProto_Tensor{ElemType: proto.Int32(int32(pb.TensorProto_FLOAT)), Shape: s}
		return &pb.ValueInfoProto{Name: proto.String(name), Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{TensorType: tt}}}
	}
	N, TT, In, H := int64(n), int64(T), int64(in), int64(h)
	x, y := vi("x", TT, N, In), vi("Y", TT, 1, N, H)
	if layout == 1 {
		x, y = vi("x", N, TT, In), vi("Y", N, TT, 1, H)
	}
	state := []int64{1, N, H}
	if layout == 1 {
		state = []int64{N, 1, H}
	}
	attrs = append(attrs, &pb.AttributeProto{Name: proto.String("hidden_size"), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(H)},
		&pb.AttributeProto{Name: proto.String("layout"), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(int64(layout))})
	g := &pb.GraphProto{
		Name:        proto.String("lstm"),
		Input:       []*pb.ValueInfoProto{x},
		Output:      []*pb.ValueInfoProto{y, vi("Y_h", state...), vi("Y_c", state...)},
		Initializer: []*pb.TensorProto{init("W", 1, 4*H, In), init("R", 1, 4*H, H), init("B", 1, 8*H), init("h0", state...), init("c0", state...)},
		Node: []*pb.NodeProto{{OpType: proto.String("LSTM"), Name: proto.String("lstm"), Input: []string{"x", "W", "R", "B", "", "h0", "c0"},
			Output: []string{"Y", "Y_h", "Y_c"}, Attribute: attrs}},
	}
	b, err := proto.Marshal(&pb.ModelProto{IrVersion: proto.Int64(8), OpsetImport: []*pb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(17)}}, Graph: g})
	if err != nil {
		panic(err)
	}
	return b
}

// swap01 swaps the first two axes of a float32 tensor.
func swap01(v *tensor.Dense) *tensor.Dense {
	s := v.Shape()
	a, b, inner := s[0], s[1], 1
	for _, d := range s[2:] {
		inner *= d
	}
	src, dst := v.Float32s(), make([]float32, len(v.Float32s()))
	for i := range a {
		for j := range b {
			copy(dst[(j*a+i)*inner:(j*a+i+1)*inner], src[(i*b+j)*inner:(i*b+j+1)*inner])
		}
	}
	return graph.F32(append(graph.Shape{b, a}, s[2:]...), dst...)
}

// TestImportLSTMLayouts imports ONNX's LSTM op with batch on axis 1 (layout 0) and batch
// first (layout 1), given initial states: Y, Y_h and Y_c equal ONNX Runtime's within 1e-5
// (float32). ONNX Runtime refuses layout 1, so the batch-first model, with the same
// weights, is compared with its layout-0 outputs, axes swapped.
func TestImportLSTMLayouts(t *testing.T) {
	needORT(t)
	const n, T, in, h = 3, 5, 4, 6
	b := lstmModel(0, n, T, in, h)
	path := filepath.Join(t.TempDir(), "lstm.onnx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	xv := randomTensor(rand.New(rand.NewPCG(1, 1)), graph.Float32, []int{T, n, in})
	ort := ortRun(t, path, []string{"x"}, []*tensor.Dense{xv})
	for _, layout := range []int{0, 1} {
		m, err := onnx.Import(lstmModel(layout, n, T, in, h), onnx.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		x, want := xv, ort
		if layout == 1 {
			// Y [T 1 N H] to [N T 1 H]: its axis 1 has size 1.
			y := swap01(graph.F32(graph.Shape{T, n, h}, ort[0].Float32s()...))
			x, want = swap01(xv), []*tensor.Dense{graph.F32(graph.Shape{n, T, 1, h}, y.Float32s()...), swap01(ort[1]), swap01(ort[2])}
		}
		got, err := graph.MustCompile(m.Outputs...).RunCopy(graph.Feeds{m.Inputs[0]: x})
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{"Y", "Y_h", "Y_c"} {
			if !got[i].Shape().Eq(want[i].Shape()) {
				t.Fatalf("layout %d: %s is %v, want %v", layout, name, got[i].Shape(), want[i].Shape())
			}
			e, ok := closeTo(got[i], want[i], 1e-5)
			t.Logf("layout %d: %s within %.3g of ONNX Runtime's", layout, name, e)
			if !ok {
				t.Errorf("layout %d: %s differs from ONNX Runtime's by %.3g", layout, name, e)
			}
		}
	}
}

// TestImportLSTMRefuses: what the unrolling does not cover gives an error naming it and
// the node.
func TestImportLSTMRefuses(t *testing.T) {
	str := func(name, v string) *pb.AttributeProto {
		return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_STRING.Enum(), S: []byte(v)}
	}
	for _, c := range []struct {
		attr *pb.AttributeProto
		want string
	}{
		{str("direction", "bidirectional"), `direction "bidirectional" is not supported`},
		{&pb.AttributeProto{Name: proto.String("activations"), Type: pb.AttributeProto_STRINGS.Enum(), Strings: [][]byte{[]byte("Relu"), []byte("Tanh"), []byte("Tanh")}}, "activations [Relu Tanh Tanh] are not supported"},
		{&pb.AttributeProto{Name: proto.String("clip"), Type: pb.AttributeProto_FLOAT.Enum(), F: proto.Float32(3)}, `"clip" is not supported`},
		{&pb.AttributeProto{Name: proto.String("input_forget"), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(1)}, "input_forget 1"},
	} {
		_, err := onnx.Import(lstmModel(0, 2, 3, 4, 5, c.attr), onnx.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `LSTM node "lstm"`) {
			t.Errorf("error %v, want one naming the LSTM node and saying %s", err, c.want)
		}
	}
}

// TestImportedLSTMTrains: PyTorch's LSTM classifier, imported, learns: 30 steps of Adam
// on a fixed batch lower its cross entropy by half.
func TestImportedLSTMTrains(t *testing.T) {
	m, err := onnx.Load("testdata/torch/lstm.onnx", onnx.ImportOptions{Batch: 8})
	if err != nil {
		t.Fatal(err)
	}
	if m.Ops["LSTM"] != 1 {
		t.Fatalf("ops %v, want one LSTM node", m.Ops)
	}
	g := m.Graph
	labels := g.Input("t", graph.Int32, 8)
	step := optim.NewStep(ops.SoftmaxCrossEntropy(m.Outputs[0], labels), optim.NewAdam(0.05, 0.9, 0.999))
	feeds := graph.Feeds{m.Inputs[0]: randomTensor(rand.New(rand.NewPCG(2, 2)), graph.Float64, m.Inputs[0].Shape()),
		labels: graph.I32(graph.Shape{8}, 0, 1, 2, 0, 1, 2, 0, 1)}
	var first, last float64
	for i := range 30 {
		loss, err := step.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = loss
		}
		last = loss
	}
	t.Logf("cross entropy %.4f -> %.4f", first, last)
	if last > first/2 {
		t.Errorf("cross entropy %.4f -> %.4f after 30 steps, want it halved", first, last)
	}
}
