package onnx

import (
	"fmt"
	"io"
	"os"

	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
)

// Model is an imported ONNX model: zerograd nodes in a graph of their own. It runs,
// differentiates, draws and trains like any other graph.
type Model struct {
	Graph   *graph.Graph
	Inputs  []*graph.Node // the model's inputs, in the file's order
	Outputs []*graph.Node // its outputs, in the file's order, named as in the file
	Params  []*graph.Node // its float initializers, as trainable parameters
	// Ops counts the ONNX nodes by op type; Opset is the default domain's version.
	Ops      map[string]int
	Opset    int64
	Producer string
}

// ImportOptions say how to fix what an ONNX file leaves open.
type ImportOptions struct {
	// Batch is the size given to symbolic input axes ("N", "batch_size"): zerograd's
	// shapes are static. 1 when zero.
	Batch int
}

// Load imports the ONNX model in the file path.
func Load(path string, o ImportOptions) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	m, err := Import(b, o)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, nil
}

// Read imports the ONNX model read from r.
func Read(r io.Reader, o ImportOptions) (*Model, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	return Import(b, o)
}

// Import builds zerograd nodes from the ONNX model in data: inputs become graph inputs,
// float initializers become parameters (those that are batch norm statistics or shapes
// become running statistics and constants), and each node becomes one or a few ops.
// Unsupported op types or attributes give an error naming the op type, the node and
// what is missing; malformed files give an error, and no tensor is allocated beyond what
// the file holds.
func Import(data []byte, o ImportOptions) (m *Model, err error) {
	var mp pb.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		return nil, fmt.Errorf("onnx: not an ONNX model: %w", err)
	}
	if o.Batch <= 0 {
		o.Batch = 1
	}
	im := &importer{o: o, vals: map[string]*graph.Node{}, consts: map[string]*tensor.Dense{}, inits: map[string]*pb.TensorProto{}, floatLabels: map[string]bool{}, masks: map[string]bool{},
		m: &Model{Graph: graph.New(), Ops: map[string]int{}, Producer: mp.GetProducerName()}}
	for _, op := range mp.OpsetImport {
		switch op.GetDomain() {
		case "", "ai.onnx":
			im.m.Opset = op.GetVersion()
		default:
			return nil, fmt.Errorf("onnx: operator set %q is not supported (only ONNX's default set)", op.GetDomain())
		}
	}
	if im.m.Opset < MinOpset || im.m.Opset > Opset {
		return nil, fmt.Errorf("onnx: opset %d is not supported (want %d to %d)", im.m.Opset, MinOpset, Opset)
	}
	g := mp.Graph
	if g == nil {
		return nil, fmt.Errorf("onnx: the model has no graph")
	}
	var berr error
	err = graph.Try(func() { berr = im.build(g) })
	if err == nil {
		err = berr
	}
	if err != nil {
		return nil, fmt.Errorf("onnx: import: %w", err)
	}
	return im.m, nil
}

type importer struct {
	o      ImportOptions
	m      *Model
	vals   map[string]*graph.Node     // ONNX value name -> node
	consts map[string]*tensor.Dense   // values known while importing: Constant outputs, initializers
	inits  map[string]*pb.TensorProto // initializers not yet turned into nodes
	node   *pb.NodeProto              // the node being imported, for errors
	// floatLabels are the outputs of Casts of floats to integers: they keep their float
	// values, which only the labels of OneHot and SoftmaxCrossEntropyLoss may read.
	floatLabels map[string]bool
	// masks are the outputs of Casts to bool: zerograd's masks are set where not zero, so
	// they keep their values, which only Where's condition may read.
	masks map[string]bool
}

func (im *importer) build(g *pb.GraphProto) error {
	for _, t := range g.Initializer {
		if _, dup := im.inits[t.GetName()]; dup || t.GetName() == "" {
			return fmt.Errorf("initializer %q is unnamed or given twice", t.GetName())
		}
		im.inits[t.GetName()] = t
	}
	for _, in := range g.Input {
		if _, ok := im.inits[in.GetName()]; ok {
			continue // IR < 4 lists initializers as inputs too
		}
		n, err := im.input(in)
		if err != nil {
			return err
		}
		im.vals[in.GetName()] = n
		im.m.Inputs = append(im.m.Inputs, n)
	}
	for _, n := range g.Node {
		im.node = n
		im.m.Ops[n.GetOpType()]++
		if n.GetDomain() != "" && n.GetDomain() != "ai.onnx" {
			return im.errorf("domain %q is not supported", n.GetDomain())
		}
		outs, err := im.op(n)
		if err != nil {
			return err
		}
		for i, o := range outs {
			if i < len(n.Output) && n.Output[i] != "" {
				if o.Shape().Size() > maxElements {
					return im.errorf("output %v has more than %d elements", o.Shape(), maxElements)
				}
				im.vals[n.Output[i]] = o
			}
		}
	}
	im.node = nil
	for _, o := range g.Output {
		if im.masks[o.GetName()] {
			return fmt.Errorf("output %q: casting to bool is supported only for the condition of Where", o.GetName())
		}
		if im.floatLabels[o.GetName()] {
			return fmt.Errorf("output %q: casting floats to integers is supported only for the labels of OneHot and SoftmaxCrossEntropyLoss", o.GetName())
		}
		n, err := im.value(o.GetName())
		if err != nil {
			return err
		}
		if n.Name() == "" && im.m.Graph.InputNode(o.GetName()) == nil {
			n.SetName(o.GetName())
		}
		im.m.Outputs = append(im.m.Outputs, n)
	}
	if len(im.m.Outputs) == 0 {
		return fmt.Errorf("the graph has no outputs")
	}
	return nil
}

func (im *importer) errorf(format string, args ...any) error {
	if im.node == nil {
		return fmt.Errorf(format, args...)
	}
	return fmt.Errorf("%s node %q: %s", im.node.GetOpType(), im.node.GetName(), fmt.Sprintf(format, args...))
}

func (im *importer) input(v *pb.ValueInfoProto) (*graph.Node, error) {
	tt := v.GetType().GetTensorType()
	if tt == nil {
		return nil, fmt.Errorf("input %q is not a tensor", v.GetName())
	}
	dt, ok := dtypeOf(tt.GetElemType())
	if !ok {
		return nil, fmt.Errorf("input %q: element type %v is not supported", v.GetName(), pb.TensorProto_DataType(tt.GetElemType()))
	}
	if tt.Shape == nil {
		return nil, fmt.Errorf("input %q has no shape", v.GetName())
	}
	dims := make([]int64, len(tt.Shape.Dim))
	for i, d := range tt.Shape.Dim {
		if _, ok := d.Value.(*pb.TensorShapeProto_Dimension_DimValue); ok {
			dims[i] = d.GetDimValue()
		} else {
			dims[i] = int64(im.o.Batch) // a symbolic axis
		}
	}
	shape, err := checkDims(dims)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", v.GetName(), err)
	}
	return im.m.Graph.Input(v.GetName(), dt, shape...), nil
}

// value returns the node of an ONNX value, making parameters of float initializers and
// constants of integer ones on first use.
func (im *importer) value(name string) (*graph.Node, error) {
	if n, ok := im.vals[name]; ok {
		return n, nil
	}
	if t, ok := im.inits[name]; ok {
		v, err := readTensor(t)
		if err != nil {
			return nil, err
		}
		var n *graph.Node
		if dt, _ := graph.DTypeOf(v); dt.IsFloat() {
			n = im.m.Graph.Param(name, v)
			im.m.Params = append(im.m.Params, n)
		} else {
			n = im.m.Graph.Const(name, v)
		}
		im.vals[name] = n
		return n, nil
	}
	if v, ok := im.consts[name]; ok {
		n := im.m.Graph.Const("", v)
		im.vals[name] = n
		return n, nil
	}
	return nil, im.errorf("value %q is used before it is made", name)
}

// constant returns the value of an ONNX value known while importing (an initializer or
// a Constant node's output) without making a node of it.
func (im *importer) constant(name string) (*tensor.Dense, error) {
	if v, ok := im.consts[name]; ok {
		return v, nil
	}
	if t, ok := im.inits[name]; ok {
		v, err := readTensor(t)
		if err != nil {
			return nil, err
		}
		im.consts[name] = v
		return v, nil
	}
	return nil, im.errorf("input %q must be a constant or an initializer (zerograd's shapes are static)", name)
}

func (im *importer) ints(name string) ([]int, error) {
	v, err := im.constant(name)
	if err != nil {
		return nil, err
	}
	dt, _ := graph.DTypeOf(v)
	if !dt.IsInt() {
		return nil, im.errorf("input %q must hold integers", name)
	}
	f := graph.Float64s(v)
	out := make([]int, len(f))
	for i, x := range f {
		out[i] = int(x)
	}
	return out, nil
}
