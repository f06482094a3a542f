package onnx_test

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

func smallModel(t testing.TB) []byte {
	g := graph.New()
	x := g.Input("x", graph.Float32, 2, 1, 6, 6)
	h := nn.NewConv2D(g.In("conv"), nn.Conv2DOpts{In: 1, Out: 2, Size: 3, Pad: 1}).Forward(x)
	h = ops.Flatten(ops.MaxPool2D(ops.ReLU(h), 2, 2, 2, 0))
	y := ops.Softmax(nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 18, Out: 3}).Forward(h), 1)
	var buf bytes.Buffer
	if err := onnx.Write(&buf, y); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lossModel is a training graph's loss: labels cast to integers, OneHot, Equal (in max's
// gradient) and SoftmaxCrossEntropyLoss.
func lossModel(t testing.TB) []byte {
	g := graph.New()
	x := g.Input("x", graph.Float32, 2, 3)
	labels := g.Input("t", graph.Float32, 2)
	h := ops.Mul(x, ops.OneHot(labels, 3))
	h = ops.Add(h, autodiff.Grad(ops.Sum(ops.Max(x, 1)), x)[0])
	var buf bytes.Buffer
	if err := onnx.Write(&buf, ops.SoftmaxCrossEntropy(h, labels)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzImport: any bytes give a model or an error, never a panic, and never an allocation
// beyond what the file holds.
func FuzzImport(f *testing.F) {
	f.Add(smallModel(f))
	f.Add(lossModel(f))
	f.Add([]byte{})
	f.Add([]byte("not an onnx file"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := onnx.Import(data, onnx.ImportOptions{Batch: 2})
		if err != nil {
			return
		}
		for _, o := range m.Outputs {
			if o.Shape().Size() > 1<<28 {
				t.Fatalf("output %v too large", o.Shape())
			}
		}
	})
}

// TestImportHostileSizes: declared sizes the data does not hold are refused before any
// allocation of that size.
func TestImportHostileSizes(t *testing.T) {
	var m pb.ModelProto
	if err := proto.Unmarshal(smallModel(t), &m); err != nil {
		t.Fatal(err)
	}
	edit := func(change func(*pb.ModelProto)) []byte {
		c := proto.Clone(&m).(*pb.ModelProto)
		change(c)
		b, _ := proto.Marshal(c)
		return b
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"huge dims, little data": {edit(func(c *pb.ModelProto) { c.Graph.Initializer[0].Dims = []int64{1 << 40, 1 << 40} }), "dimension"},
		"dims beyond the data":   {edit(func(c *pb.ModelProto) { c.Graph.Initializer[0].Dims = []int64{1000, 1000} }), "bytes of data"},
		"negative dim":           {edit(func(c *pb.ModelProto) { c.Graph.Initializer[0].Dims = []int64{-1} }), "dimension"},
		"huge input": {edit(func(c *pb.ModelProto) {
			c.Graph.Input[0].Type.GetTensorType().Shape.Dim[2].Value = &pb.TensorShapeProto_Dimension_DimValue{DimValue: 1 << 50}
		}), "input"},
		"unknown op": {edit(func(c *pb.ModelProto) { c.Graph.Node[len(c.Graph.Node)-1].OpType = proto.String("Hardmax") }), "op type Hardmax is not supported"},
		"unknown attribute": {edit(func(c *pb.ModelProto) {
			for _, n := range c.Graph.Node {
				if n.GetOpType() == "Conv" {
					n.Attribute = append(n.Attribute, &pb.AttributeProto{Name: proto.String("group"), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(2)})
				}
			}
		}), `Conv node "`},
		"old opset":             {edit(func(c *pb.ModelProto) { c.OpsetImport[0].Version = proto.Int64(9) }), "opset 9"},
		"no graph":              {edit(func(c *pb.ModelProto) { c.Graph = nil }), "no graph"},
		"truncated":             {smallModel(t)[:100], ""},
		"dangling":              {edit(func(c *pb.ModelProto) { c.Graph.Node[len(c.Graph.Node)-1].Input[0] = "nowhere" }), `"nowhere"`},
		"duplicate initializer": {edit(func(c *pb.ModelProto) { c.Graph.Initializer[1].Name = c.Graph.Initializer[0].Name }), "twice"},
	}
	for name, c := range cases {
		_, err := onnx.Import(c.data, onnx.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}
