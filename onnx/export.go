package onnx

import (
	"fmt"
	"io"
	"os"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// Opset is the version of ONNX's default operator set that exported models declare.
// Import reads models declaring opsets MinOpset to Opset.
const (
	Opset    = 17
	MinOpset = 13
)

// irVersion is the ONNX IR version of opset 17 (ONNX 1.12).
const irVersion = 8

// Exporter writes zerograd graphs as ONNX models. The zero value exports with a dynamic
// batch axis named "N".
type Exporter struct {
	// FixedBatch keeps the inputs' first axis at the size the graph was built with instead
	// of making it the symbolic "N".
	FixedBatch bool
	// Name is the ONNX graph's name ("zerograd" when empty).
	Name string
}

// Save writes the model computing outputs to path with the default Exporter.
func Save(path string, outputs ...*graph.Node) error { return Exporter{}.Save(path, outputs...) }

// Write writes the model computing outputs to w with the default Exporter.
func Write(w io.Writer, outputs ...*graph.Node) error { return Exporter{}.Write(w, outputs...) }

// Save writes the model computing outputs to the file path.
func (e Exporter) Save(path string, outputs ...*graph.Node) error {
	b, err := e.Marshal(outputs...)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	return nil
}

// Write writes the model computing outputs to w.
func (e Exporter) Write(w io.Writer, outputs ...*graph.Node) error {
	b, err := e.Marshal(outputs...)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns the ONNX model computing outputs from the graph's inputs: the inputs
// the outputs depend on become the model's inputs (named as in the graph), parameters
// become initializers of the same names, constants become Constant nodes, and each op
// becomes one or a few ONNX nodes. The model computes the graph at inference: batch norm
// uses its running statistics and dropout scales as at inference, whatever the mode.
func (e Exporter) Marshal(outputs ...*graph.Node) ([]byte, error) {
	m, err := e.model(outputs)
	if err != nil {
		return nil, err
	}
	return proto.Marshal(m)
}

type exporter struct {
	g       *pb.GraphProto
	names   map[*graph.Node]string
	batch   int // the dynamic batch size, 0 when fixed
	used    map[string]bool
	readers map[*graph.Node][]*graph.Node
}

func (e Exporter) model(outputs []*graph.Node) (*pb.ModelProto, error) {
	if len(outputs) == 0 {
		return nil, fmt.Errorf("onnx: export: no outputs given")
	}
	name := e.Name
	if name == "" {
		name = "zerograd"
	}
	x := &exporter{g: &pb.GraphProto{Name: &name}, names: map[*graph.Node]string{}, used: map[string]bool{}, readers: map[*graph.Node][]*graph.Node{}}
	nodes := graph.Topo(outputs...)
	for _, n := range nodes {
		for _, in := range n.Inputs() {
			x.readers[in] = append(x.readers[in], n)
		}
	}
	if !e.FixedBatch {
		x.batch = batchSize(nodes)
	}
	need := x.needed(outputs)
	for _, n := range nodes {
		if !need[n] {
			continue
		}
		if err := x.node(n); err != nil {
			return nil, err
		}
	}
	for i, o := range outputs {
		want := o.Name()
		if want == "" || x.used[want] && x.names[o] != want {
			want = fmt.Sprintf("output%d", i)
			if len(outputs) == 1 {
				want = "y"
			}
		}
		src := x.names[o]
		if o.Kind() != graph.KindOp || src != want {
			x.add("Identity", []string{src}, []string{want}, nil)
		}
		x.g.Output = append(x.g.Output, x.valueInfo(want, o))
	}
	return &pb.ModelProto{
		IrVersion:       ptr(int64(irVersion)),
		ProducerName:    ptr("zerograd"),
		ProducerVersion: ptr("0"),
		OpsetImport:     []*pb.OperatorSetIdProto{{Domain: ptr(""), Version: ptr(int64(Opset))}},
		Graph:           x.g,
	}, nil
}

// batchSize is the first axis the graph's inputs share, which becomes the symbolic "N"
// (0 when the inputs disagree or there are none).
func batchSize(nodes []*graph.Node) int {
	b := 0
	for _, n := range nodes {
		if n.Kind() != graph.KindInput {
			continue
		}
		s := n.Shape()
		if len(s) == 0 || b != 0 && s[0] != b {
			return 0
		}
		b = s[0]
	}
	return b
}

// needed marks the nodes the model writes: a broadcast_to read only by binary arithmetic
// (or where) is left out, since ONNX's Add, Sub, Mul, Div and Where broadcast by the same
// rules themselves.
func (x *exporter) needed(outputs []*graph.Node) map[*graph.Node]bool {
	need := map[*graph.Node]bool{}
	var mark func(n *graph.Node)
	mark = func(n *graph.Node) {
		if need[n] {
			return
		}
		need[n] = true
		for _, in := range n.Inputs() {
			if isArith(n) {
				in = skipBroadcast(in)
			}
			mark(in)
		}
	}
	for _, o := range outputs {
		mark(o)
	}
	return need
}

func isArith(n *graph.Node) bool {
	if n.Kind() != graph.KindOp {
		return false
	}
	s := ops.Describe(n.Op())
	if s.Custom {
		return false
	}
	switch s.Op {
	case "add", "sub", "mul", "div", "where":
		return true
	}
	return false
}

func skipBroadcast(n *graph.Node) *graph.Node {
	for n.Kind() == graph.KindOp && !ops.Describe(n.Op()).Custom && n.Op().Name() == "broadcast_to" {
		n = n.Inputs()[0]
	}
	return n
}

// fresh returns an unused value name based on base.
func (x *exporter) fresh(base string) string {
	name := base
	for i := 1; x.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	x.used[name] = true
	return name
}

func (x *exporter) add(op string, in, out []string, attrs []*pb.AttributeProto) {
	x.g.Node = append(x.g.Node, &pb.NodeProto{OpType: &op, Name: ptr(x.fresh(op + "_" + fmt.Sprint(len(x.g.Node)))), Input: in, Output: out, Attribute: attrs})
}

// constant adds a Constant node holding t and returns its output's name.
func (x *exporter) constant(base string, t *pb.TensorProto) string {
	name := x.fresh(base)
	t.Name = nil
	x.add("Constant", nil, []string{name}, []*pb.AttributeProto{{Name: ptr("value"), Type: pb.AttributeProto_TENSOR.Enum(), T: t}})
	return name
}

func (x *exporter) ints(base string, vals ...int) string {
	v := make([]int64, len(vals))
	for i, d := range vals {
		v[i] = int64(d)
	}
	return x.constant(base, int64Tensor("", v...))
}

func (x *exporter) scalar(base string, dt graph.DType, f float64) string {
	return x.constant(base, tensorProto("", graph.FromFloat64s(dt, nil, []float64{f})))
}

func (x *exporter) valueInfo(name string, n *graph.Node) *pb.ValueInfoProto {
	shape := &pb.TensorShapeProto{}
	for i, d := range n.Shape() {
		dim := &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}}
		if i == 0 && x.batch != 0 && d == x.batch {
			dim.Value = &pb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	tt := &pb.TypeProto_Tensor{ElemType: ptr(onnxType(n.DType())), Shape: shape}
	return &pb.ValueInfoProto{Name: &name, Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{TensorType: tt}}}
}

func (x *exporter) node(n *graph.Node) error {
	switch n.Kind() {
	case graph.KindInput:
		name := x.fresh(n.Name())
		x.names[n] = name
		x.g.Input = append(x.g.Input, x.valueInfo(name, n))
		return nil
	case graph.KindParam:
		name := x.fresh(n.Name())
		x.names[n] = name
		x.g.Initializer = append(x.g.Initializer, tensorProto(name, n.Value()))
		return nil
	case graph.KindConst:
		base := n.Name()
		if base == "" {
			base = fmt.Sprintf("const%d", n.ID())
		}
		x.names[n] = x.constant(base, tensorProto("", n.Value()))
		return nil
	}
	in := make([]string, len(n.Inputs()))
	for i, v := range n.Inputs() {
		if isArith(n) {
			v = skipBroadcast(v)
		}
		in[i] = x.names[v]
	}
	base := n.Name()
	if base == "" {
		base = fmt.Sprintf("%s%d", n.Op().Name(), n.ID())
	}
	out := x.fresh(base)
	x.names[n] = out
	if err := x.op(n, ops.Describe(n.Op()), in, out); err != nil {
		return fmt.Errorf("onnx: export: node %s: %w", n.Label(), err)
	}
	return nil
}

func attrInt(name string, v int) *pb.AttributeProto {
	return &pb.AttributeProto{Name: &name, Type: pb.AttributeProto_INT.Enum(), I: ptr(int64(v))}
}

func attrFloat(name string, v float64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: &name, Type: pb.AttributeProto_FLOAT.Enum(), F: ptr(float32(v))}
}

func attrInts(name string, vals ...int) *pb.AttributeProto {
	v := make([]int64, len(vals))
	for i, d := range vals {
		v[i] = int64(d)
	}
	return &pb.AttributeProto{Name: &name, Type: pb.AttributeProto_INTS.Enum(), Ints: v}
}

func attrString(name, v string) *pb.AttributeProto {
	return &pb.AttributeProto{Name: &name, Type: pb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

// unsupported is the error for an op without an ONNX equivalent.
type unsupported struct{ op, why string }

func (u unsupported) Error() string {
	return fmt.Sprintf("op %q has no ONNX equivalent (%s)", u.op, u.why)
}

// dynamicShape writes a target shape, keeping a batch axis symbolic: the first axis is 0
// (ONNX's "copy the input's") where input and target share it.
func (x *exporter) dynamicShape(in, to graph.Shape) []int {
	s := slices.Clone([]int(to))
	if x.batch != 0 && len(s) > 0 && len(in) > 0 && s[0] == x.batch && in[0] == x.batch {
		s[0] = 0
	}
	return s
}
