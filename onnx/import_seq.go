package onnx

import (
	"math"
	"slices"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// The import of sequence models and transformers: layer norm, gathers, split, where, the
// parts of GELU (Erf), squeeze and unsqueeze, LSTM (unrolled into zerograd's ops), and the
// shape arithmetic PyTorch writes around them (Shape, ConstantOfShape and the Gather,
// Unsqueeze, Squeeze, Concat and Cast of constants), which is computed while importing:
// zerograd's shapes are static.

// erf is ONNX's Erf as a custom elementwise op: d/dx erf(x) = 2/√π e^(-x²).
var erf = ops.Elementwise{Name: "erf", F: math.Erf, Deriv: func(x, _ *graph.Node) *graph.Node {
	return ops.MulScalar(ops.Exp(ops.Neg(ops.Square(x))), 2/math.Sqrt(math.Pi))
}}

// isConst reports whether an ONNX value is known while importing: a Constant's output,
// a folded value, or an integer initializer (float initializers are parameters).
func (im *importer) isConst(name string) bool {
	if _, ok := im.consts[name]; ok {
		return true
	}
	if t, ok := im.inits[name]; ok {
		_, isFloat := map[int32]bool{onnxFloat: true, onnxDouble: true}[t.GetDataType()]
		return !isFloat
	}
	return false
}

// fold computes the shape arithmetic of node n while importing, when its inputs are
// known; it reports whether it did.
func (im *importer) fold(n *pb.NodeProto, a *attrs) (bool, error) {
	typ := n.GetOpType()
	switch typ {
	case "Shape", "ConstantOfShape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast":
	default:
		return false, nil
	}
	if len(n.Output) != 1 || len(n.Input) == 0 {
		return false, nil
	}
	if typ == "Shape" {
		x, err := im.value(n.Input[0])
		if err != nil {
			return false, err
		}
		s := x.Shape()
		lo, hi := clampIndex(a.int("start", 0), len(s)), len(s)
		if _, ok := a.by["end"]; ok {
			hi = clampIndex(a.int("end", 0), len(s))
		}
		v := make([]int64, 0, len(s))
		for _, d := range s[lo:max(lo, hi)] {
			v = append(v, int64(d))
		}
		im.consts[n.Output[0]] = tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(v))
		return true, a.unknown()
	}
	for _, in := range n.Input {
		if in != "" && !im.isConst(in) {
			return false, nil
		}
	}
	x, err := im.constant(n.Input[0])
	if err != nil {
		return false, err
	}
	var y *tensor.Dense
	switch typ {
	case "ConstantOfShape":
		shape, err := im.ints(n.Input[0])
		if err != nil {
			return false, err
		}
		s, err := checkDims(toInt64s(shape))
		if err != nil {
			return false, im.errorf("%v", err)
		}
		val := graph.F32(nil, 0)
		if at, ok := a.by["value"]; ok {
			a.read["value"] = true
			if at.T == nil {
				return false, im.errorf("value must be a tensor")
			}
			if val, err = readTensor(at.T); err != nil {
				return false, im.errorf("%v", err)
			}
		}
		dt, _ := graph.DTypeOf(val)
		vals := make([]float64, graph.Shape(s).Size())
		for i := range vals {
			vals[i] = graph.Float64s(val)[0]
		}
		y = graph.FromFloat64s(dt, s, vals)
	case "Gather":
		if dt, _ := graph.DTypeOf(x); !dt.IsInt() || len(x.Shape()) > 1 {
			return false, nil // a float or matrix constant: the op
		}
		idx, err := im.ints(n.Input[1])
		if err != nil {
			return false, err
		}
		if a.int("axis", 0) != 0 {
			return false, im.errorf("axis must be 0 for a vector")
		}
		xs := graph.Float64s(x)
		out := make([]float64, len(idx))
		for i, j := range idx {
			if j < 0 {
				j += len(xs)
			}
			if j < 0 || j >= len(xs) {
				return false, im.errorf("index %d out of range for %d values", idx[i], len(xs))
			}
			out[i] = xs[j]
		}
		dt, _ := graph.DTypeOf(x)
		iv, _ := im.constant(n.Input[1])
		y = graph.FromFloat64s(dt, iv.Shape(), out)
	case "Unsqueeze", "Squeeze":
		s, err := im.squeezed(typ, n, x.Shape())
		if err != nil {
			return false, err
		}
		dt, _ := graph.DTypeOf(x)
		y = graph.FromFloat64s(dt, s, graph.Float64s(x))
	case "Concat":
		var vals []float64
		dt, _ := graph.DTypeOf(x)
		for _, in := range n.Input {
			v, err := im.constant(in)
			if err != nil {
				return false, err
			}
			if len(v.Shape()) != 1 {
				return false, nil
			}
			vals = append(vals, graph.Float64s(v)...)
		}
		a.int("axis", 0)
		y = graph.FromFloat64s(dt, []int{len(vals)}, vals)
	case "Cast":
		dt, ok := dtypeOf(int32(a.int("to", 0)))
		from, _ := graph.DTypeOf(x)
		if !ok || !dt.IsInt() || !from.IsInt() {
			return false, nil
		}
		y = graph.FromFloat64s(dt, x.Shape(), graph.Float64s(x))
	}
	if err := a.unknown(); err != nil {
		return false, err
	}
	im.consts[n.Output[0]] = y
	return true, nil
}

func toInt64s(v []int) []int64 {
	out := make([]int64, len(v))
	for i, d := range v {
		out[i] = int64(d)
	}
	return out
}

// squeezed is the shape s after Squeeze or Unsqueeze with node n's axes (an input since
// opset 13).
func (im *importer) squeezed(typ string, n *pb.NodeProto, s []int) ([]int, error) {
	var axes []int
	if len(n.Input) > 1 && n.Input[1] != "" {
		var err error
		if axes, err = im.ints(n.Input[1]); err != nil {
			return nil, err
		}
	}
	if typ == "Unsqueeze" {
		r := len(s) + len(axes)
		out := make([]int, r)
		set := make([]bool, r)
		for _, ax := range axes {
			if ax < 0 {
				ax += r
			}
			if ax < 0 || ax >= r || set[ax] {
				return nil, im.errorf("axes %v are not valid for rank %d", axes, r)
			}
			set[ax], out[ax] = true, 1
		}
		j := 0
		for i := range out {
			if !set[i] {
				out[i] = s[j]
				j++
			}
		}
		return out, nil
	}
	drop := make([]bool, len(s))
	for _, ax := range axes {
		if ax < 0 {
			ax += len(s)
		}
		if ax < 0 || ax >= len(s) || s[ax] != 1 {
			return nil, im.errorf("cannot squeeze axis %d of %v", ax, s)
		}
		drop[ax] = true
	}
	out := []int{}
	for i, d := range s {
		if !drop[i] && (len(axes) > 0 || d != 1) {
			out = append(out, d)
		}
	}
	return out, nil
}

// seqOp imports the ops of this file; ok is false for other op types.
func (im *importer) seqOp(n *pb.NodeProto, a *attrs) (outs []*graph.Node, ok bool, err error) {
	typ := n.GetOpType()
	switch typ {
	case "LayerNormalization", "Gather", "GatherElements", "Split", "Where", "Erf", "Softplus", "Squeeze", "Unsqueeze", "LSTM":
	default:
		return nil, false, nil
	}
	if len(n.Input) == 0 || n.Input[0] == "" {
		return nil, true, im.errorf("want inputs")
	}
	x, err := im.value(n.Input[0])
	if err != nil {
		return nil, true, err
	}
	input := func(i int) (*graph.Node, error) {
		if i >= len(n.Input) || n.Input[i] == "" {
			return nil, im.errorf("input %d is missing", i)
		}
		return im.value(n.Input[i])
	}
	var y *graph.Node
	switch typ {
	case "LayerNormalization":
		if len(n.Output) > 1 && slices.ContainsFunc(n.Output[1:], func(s string) bool { return s != "" }) {
			return nil, true, im.errorf("the Mean and InvStdDev outputs are not supported")
		}
		axis := a.int("axis", -1)
		r := len(x.Shape())
		if axis < 0 {
			axis += r
		}
		if axis < 0 || axis >= r {
			return nil, true, im.errorf("axis %d out of range for rank %d", a.int("axis", -1), r)
		}
		if st := a.int("stash_type", 1); st != 1 {
			return nil, true, im.errorf("stash_type %d is not supported (only 1)", st)
		}
		scale, err := input(1)
		if err != nil {
			return nil, true, err
		}
		var bias *graph.Node
		if len(n.Input) > 2 && n.Input[2] != "" {
			if bias, err = im.value(n.Input[2]); err != nil {
				return nil, true, err
			}
		}
		norm := x.Shape()[axis:]
		for _, p := range []*graph.Node{scale, bias} {
			if p != nil && !p.Shape().Equal(norm) {
				return nil, true, im.errorf("scale and bias must be %v (the normalized axes), got %v", norm, p.Shape())
			}
		}
		y = ops.LayerNorm(x, scale, bias, a.float("epsilon", 1e-5))
	case "Gather":
		idx, err := im.indices(n.Input[1], x.Shape(), a.int("axis", 0))
		if err != nil {
			return nil, true, err
		}
		y = ops.Take(x, a.int("axis", 0), idx)
	case "GatherElements":
		idx, err := im.indices(n.Input[1], x.Shape(), a.int("axis", 0))
		if err != nil {
			return nil, true, err
		}
		y = ops.Gather(x, a.int("axis", 0), idx)
	case "Split":
		axis := a.int("axis", 0)
		r := len(x.Shape())
		if axis < -r || axis >= r {
			return nil, true, im.errorf("axis %d out of range for rank %d", axis, r)
		}
		if axis < 0 {
			axis += r
		}
		var sizes []int
		if len(n.Input) > 1 && n.Input[1] != "" {
			if sizes, err = im.ints(n.Input[1]); err != nil {
				return nil, true, err
			}
		} else {
			k, d := len(n.Output), x.Shape()[axis]
			if k == 0 || d%k != 0 {
				return nil, true, im.errorf("%d outputs do not split axis %d of size %d equally", k, axis, d)
			}
			for range k {
				sizes = append(sizes, d/k)
			}
		}
		if len(sizes) != len(n.Output) {
			return nil, true, im.errorf("%d sizes for %d outputs", len(sizes), len(n.Output))
		}
		return ops.Split(x, axis, sizes...), true, a.unknown()
	case "Where":
		b, err := input(1)
		if err != nil {
			return nil, true, err
		}
		c, err := input(2)
		if err != nil {
			return nil, true, err
		}
		y = ops.Where(x, b, im.sameType(c, b))
	case "Erf":
		y = erf.Apply(x)
	case "Softplus":
		y = ops.Softplus(x)
	case "Squeeze", "Unsqueeze":
		s, err := im.squeezed(typ, n, x.Shape())
		if err != nil {
			return nil, true, err
		}
		y = ops.Reshape(x, s...)
	case "LSTM":
		outs, err := im.lstm(n, a, x)
		if err != nil {
			return nil, true, err
		}
		return outs, true, a.unknown()
	}
	return []*graph.Node{y}, true, a.unknown()
}

// indices returns the index input of Gather and GatherElements; constant indices that
// count from the end (ONNX's negative indices) are made positive.
func (im *importer) indices(name string, xs []int, axis int) (*graph.Node, error) {
	if axis < 0 {
		axis += len(xs)
	}
	if axis < 0 || axis >= len(xs) {
		return nil, im.errorf("axis %d out of range for %v", axis, xs)
	}
	if !im.isConst(name) {
		return im.value(name)
	}
	v, err := im.constant(name)
	if err != nil {
		return nil, err
	}
	dt, _ := graph.DTypeOf(v)
	if !dt.IsInt() {
		return nil, im.errorf("indices %q must be integers", name)
	}
	f := graph.Float64s(v)
	if !slices.ContainsFunc(f, func(i float64) bool { return i < 0 }) {
		return im.value(name)
	}
	for i := range f {
		if f[i] < 0 {
			f[i] += float64(xs[axis])
		}
	}
	return im.m.Graph.Const("", graph.FromFloat64s(dt, v.Shape(), f)), nil
}
