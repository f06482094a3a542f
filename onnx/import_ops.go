package onnx

import (
	"math"
	"slices"
	"strconv"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// attrs reads a node's attributes, remembering which were read so that an attribute
// zerograd does not know is an error rather than silently ignored.
type attrs struct {
	im   *importer
	by   map[string]*pb.AttributeProto
	read map[string]bool
}

func (im *importer) attrs(n *pb.NodeProto) (*attrs, error) {
	a := &attrs{im: im, by: map[string]*pb.AttributeProto{}, read: map[string]bool{}}
	for _, at := range n.Attribute {
		if at.GetRefAttrName() != "" {
			return nil, im.errorf("attribute %q refers to a function's attribute (functions are not supported)", at.GetName())
		}
		a.by[at.GetName()] = at
	}
	return a, nil
}

func (a *attrs) int(name string, def int) int {
	a.read[name] = true
	if at, ok := a.by[name]; ok {
		return int(at.GetI())
	}
	return def
}

func (a *attrs) float(name string, def float64) float64 {
	a.read[name] = true
	if at, ok := a.by[name]; ok {
		// The shortest decimal of the float32 attribute, as float64: 0.1 stays 0.1.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(at.GetF()), 'g', -1, 32), 64)
		return f
	}
	return def
}

func (a *attrs) str(name, def string) string {
	a.read[name] = true
	if at, ok := a.by[name]; ok {
		return string(at.GetS())
	}
	return def
}

func (a *attrs) strs(name string) ([]string, bool) {
	a.read[name] = true
	at, ok := a.by[name]
	if !ok {
		return nil, false
	}
	out := make([]string, len(at.Strings))
	for i, s := range at.Strings {
		out[i] = string(s)
	}
	return out, true
}

func (a *attrs) ints(name string) ([]int, bool) {
	a.read[name] = true
	at, ok := a.by[name]
	if !ok {
		return nil, false
	}
	out := make([]int, len(at.Ints))
	for i, v := range at.Ints {
		if v > math.MaxInt32 || v < math.MinInt32 {
			return nil, false
		}
		out[i] = int(v)
	}
	return out, true
}

// unknown is the error for an attribute that was set and never read.
func (a *attrs) unknown() error {
	for name := range a.by {
		if !a.read[name] {
			return a.im.errorf("attribute %q is not supported", name)
		}
	}
	return nil
}

// window reads Conv's and the poolings' attributes into zerograd's square stride and
// symmetric padding.
func (a *attrs) window(k []int) (kh, kw, stride, pad int, err error) {
	im := a.im
	if ks, ok := a.ints("kernel_shape"); ok {
		k = ks
	}
	if len(k) != 2 {
		return 0, 0, 0, 0, im.errorf("kernel_shape %v: only 2-D windows are supported", k)
	}
	stride, pad = 1, 0
	if s, ok := a.ints("strides"); ok {
		if len(s) != 2 || s[0] != s[1] {
			return 0, 0, 0, 0, im.errorf("strides %v: only equal strides on both axes are supported", s)
		}
		stride = s[0]
	}
	if p, ok := a.ints("pads"); ok {
		if len(p) != 4 || p[0] != p[1] || p[0] != p[2] || p[0] != p[3] {
			return 0, 0, 0, 0, im.errorf("pads %v: only the same padding on every side is supported", p)
		}
		pad = p[0]
	}
	if d, ok := a.ints("dilations"); ok && slices.ContainsFunc(d, func(v int) bool { return v != 1 }) {
		return 0, 0, 0, 0, im.errorf("dilations %v: only 1 is supported", d)
	}
	if ap := a.str("auto_pad", "NOTSET"); ap != "NOTSET" && ap != "VALID" {
		return 0, 0, 0, 0, im.errorf("auto_pad %s is not supported (only explicit pads)", ap)
	}
	if a.int("ceil_mode", 0) != 0 {
		return 0, 0, 0, 0, im.errorf("ceil_mode 1 is not supported")
	}
	return k[0], k[1], stride, pad, nil
}

func (im *importer) op(n *pb.NodeProto) ([]*graph.Node, error) {
	a, err := im.attrs(n)
	if err != nil {
		return nil, err
	}
	g := im.m.Graph
	typ := n.GetOpType()
	// Constant makes no node yet: its value may be a shape that must stay known.
	if typ == "Constant" {
		at, ok := a.by["value"]
		if !ok || len(a.by) != 1 || at.T == nil {
			return nil, im.errorf("only the tensor attribute \"value\" is supported")
		}
		v, err := readTensor(at.T)
		if err != nil {
			return nil, im.errorf("%v", err)
		}
		if len(n.Output) != 1 {
			return nil, im.errorf("want one output")
		}
		im.consts[n.Output[0]] = v
		return nil, nil
	}
	if typ != "OneHot" && typ != "SoftmaxCrossEntropyLoss" {
		for _, name := range n.Input {
			if im.floatLabels[name] {
				return nil, im.errorf("input %q: casting floats to integers is supported only for the labels of OneHot and SoftmaxCrossEntropyLoss", name)
			}
		}
	}
	for i, name := range n.Input {
		if im.masks[name] && (typ != "Where" || i != 0) {
			return nil, im.errorf("input %q: casting to bool is supported only for the condition of Where", name)
		}
	}
	if ok, err := im.fold(n, a); ok || err != nil {
		return nil, err
	}
	if outs, ok, err := im.seqOp(n, a); ok {
		return outs, err
	}
	// in returns input i, or nil where it is absent (optional inputs).
	in := func(i int) (*graph.Node, error) {
		if i >= len(n.Input) || n.Input[i] == "" {
			return nil, nil
		}
		return im.value(n.Input[i])
	}
	need := func(count int) ([]*graph.Node, error) {
		if len(n.Input) < count {
			return nil, im.errorf("want %d inputs, got %d", count, len(n.Input))
		}
		xs := make([]*graph.Node, count)
		for i := range xs {
			v, err := in(i)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, im.errorf("input %d is missing", i)
			}
			xs[i] = v
		}
		return xs, nil
	}
	var y *graph.Node
	switch typ {
	case "Add", "Sub", "Mul", "Div":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		f := map[string]func(a, b *graph.Node) *graph.Node{"Add": ops.Add, "Sub": ops.Sub, "Mul": ops.Mul, "Div": ops.Div}[typ]
		y = f(xs[0], im.sameType(xs[1], xs[0]))
	case "Neg", "Exp", "Log", "Sqrt", "Abs", "Sign", "Tanh", "Sigmoid", "Relu", "Identity", "Dropout":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		switch typ {
		case "Identity":
			y = xs[0]
		case "Dropout":
			ratio := 0.5
			if len(n.Input) > 1 && n.Input[1] != "" {
				r, err := im.constant(n.Input[1])
				if err != nil {
					return nil, err
				}
				ratio = graph.Float64s(r)[0]
			}
			if len(n.Output) > 1 && n.Output[1] != "" {
				return nil, im.errorf("the mask output is not supported")
			}
			a.int("seed", 0)
			y = ops.InvertedDropout(xs[0], ratio, g.Rand(), ops.ModeOf(g))
		default:
			f := map[string]func(*graph.Node) *graph.Node{"Neg": ops.Neg, "Exp": ops.Exp, "Log": ops.Log, "Sqrt": ops.Sqrt, "Abs": ops.Abs,
				"Sign": ops.Sign, "Tanh": ops.Tanh, "Sigmoid": ops.Sigmoid, "Relu": ops.ReLU}[typ]
			y = f(xs[0])
		}
	case "Greater":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		y = ops.Step(ops.Sub(xs[0], im.sameType(xs[1], xs[0]))) // 1 where a > b, as a float
	case "Cast":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		code := int32(a.int("to", 0))
		to, ok := dtypeOf(code)
		from := xs[0].DType()
		switch {
		case ok && to == from: // after Greater and Equal, whose booleans are floats here
		case ok && to.IsInt() && from.IsInt(): // labels: the ops that read them take either width
		case code == int32(pb.TensorProto_BOOL) && len(n.Output) == 1:
			im.masks[n.Output[0]] = true // Where's condition: set where not zero
		case ok && to.IsInt() && len(n.Output) == 1:
			im.floatLabels[n.Output[0]] = true // labels held as whole-number floats
		default:
			return nil, im.errorf("casting %s to %v is not supported (only to the same type, after Greater and Equal, of labels to integers and of masks to bool)", from, pb.TensorProto_DataType(code))
		}
		y = xs[0]
	case "Equal":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		b := im.sameType(xs[1], xs[0])
		s, ok := broadcastShape(xs[0].Shape(), b.Shape())
		if !ok {
			return nil, im.errorf("shapes %v and %v do not broadcast", xs[0].Shape(), b.Shape())
		}
		// ONNX's booleans are zerograd's 0 and 1 of the inputs' type (the Cast after
		// Equal keeps them).
		y = ops.Equal(broadcastTo(xs[0], s), broadcastTo(b, s))
	case "OneHot":
		y, err = im.oneHot(n, a)
		if err != nil {
			return nil, err
		}
	case "SoftmaxCrossEntropyLoss":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		if len(n.Input) > 2 && n.Input[2] != "" {
			return nil, im.errorf("class weights are not supported")
		}
		if r := a.str("reduction", "mean"); r != "mean" {
			return nil, im.errorf("reduction %q is not supported (only mean)", r)
		}
		xsh, tsh := xs[0].Shape(), xs[1].Shape()
		if len(xsh) < 2 || len(tsh) != len(xsh)-1 || tsh[0] != xsh[0] || !tsh[1:].Equal(xsh[2:]) {
			return nil, im.errorf("want scores [N C d...] and labels [N d...], got %v and %v", xsh, tsh)
		}
		_, ignore := a.by["ignore_index"]
		switch {
		case len(xsh) == 2 && !ignore:
			y = ops.SoftmaxCrossEntropy(xs[0], xs[1])
		default: // zerograd's cross entropy takes the classes last
			perm := []int{0}
			for i := 2; i < len(xsh); i++ {
				perm = append(perm, i)
			}
			scores := xs[0]
			if len(xsh) > 2 {
				scores = ops.Transpose(scores, append(perm, 1)...)
			}
			if ignore {
				y = ops.CrossEntropyIgnore(scores, xs[1], a.int("ignore_index", 0))
			} else {
				y = ops.CrossEntropy(scores, xs[1])
			}
		}
		if len(n.Output) > 1 && n.Output[1] != "" {
			if err := a.unknown(); err != nil {
				return nil, err
			}
			return []*graph.Node{y, ops.LogSoftmax(xs[0], 1)}, nil
		}
	case "LeakyRelu":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		y = ops.LeakyReLU(xs[0], a.float("alpha", 0.01))
	case "Pow":
		xs, err := need(1)
		if err != nil || len(n.Input) < 2 {
			return nil, im.errorf("want 2 inputs")
		}
		c, err := im.constant(n.Input[1])
		if err != nil || c.Shape().TotalSize() != 1 {
			return nil, im.errorf("only a constant scalar exponent is supported")
		}
		y = ops.Pow(xs[0], graph.Float64s(c)[0])
	case "Softmax", "LogSoftmax":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		axis := a.int("axis", -1)
		if typ == "Softmax" {
			y = ops.Softmax(xs[0], axis)
		} else {
			y = ops.LogSoftmax(xs[0], axis)
		}
	case "Gemm":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		if len(xs[0].Shape()) != 2 || len(xs[1].Shape()) != 2 {
			return nil, im.errorf("A and B must be matrices, got %v and %v", xs[0].Shape(), xs[1].Shape())
		}
		y = ops.MatMulT(xs[0], xs[1], a.int("transA", 0) != 0, a.int("transB", 0) != 0)
		if alpha := a.float("alpha", 1); alpha != 1 {
			y = ops.MulScalar(y, alpha)
		}
		c, err := in(2)
		if err != nil {
			return nil, err
		}
		if c != nil {
			if beta := a.float("beta", 1); beta != 1 {
				c = ops.MulScalar(c, beta)
			}
			y = ops.Add(y, c)
		}
	case "MatMul":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		y, err = im.matmul(xs[0], xs[1])
		if err != nil {
			return nil, err
		}
	case "Reshape":
		xs, err := need(1)
		if err != nil || len(n.Input) < 2 {
			return nil, im.errorf("want 2 inputs")
		}
		shape, err := im.ints(n.Input[1])
		if err != nil {
			return nil, err
		}
		if a.int("allowzero", 0) != 0 {
			return nil, im.errorf("allowzero 1 is not supported")
		}
		shape = slices.Clone(shape)
		for i, d := range shape {
			if d == 0 && i < len(xs[0].Shape()) {
				shape[i] = xs[0].Shape()[i]
			}
		}
		y = ops.Reshape(xs[0], shape...)
	case "Expand":
		xs, err := need(1)
		if err != nil || len(n.Input) < 2 {
			return nil, im.errorf("want 2 inputs")
		}
		shape, err := im.ints(n.Input[1])
		if err != nil {
			return nil, err
		}
		to, ok := broadcastShape(xs[0].Shape(), shape)
		if !ok {
			return nil, im.errorf("cannot expand %v to %v", xs[0].Shape(), shape)
		}
		y = ops.BroadcastTo(xs[0], to...)
	case "Flatten":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		s := xs[0].Shape()
		axis := a.int("axis", 1)
		if axis < 0 {
			axis += len(s)
		}
		if axis < 0 || axis > len(s) {
			return nil, im.errorf("axis %d out of range for rank %d", axis, len(s))
		}
		y = ops.Reshape(xs[0], graph.Shape(s[:axis]).Size(), graph.Shape(s[axis:]).Size())
	case "Transpose":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		perm, _ := a.ints("perm")
		y = ops.Transpose(xs[0], perm...)
	case "Concat":
		xs, err := need(len(n.Input))
		if err != nil || len(xs) == 0 {
			return nil, im.errorf("want inputs")
		}
		y = ops.Concat(a.int("axis", 0), xs...)
	case "Slice":
		y, err = im.slice(n)
		if err != nil {
			return nil, err
		}
	case "ReduceSum", "ReduceMean", "ReduceMax":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		axes, ok := a.ints("axes")
		if typ == "ReduceSum" && len(n.Input) > 1 && n.Input[1] != "" {
			axes, err = im.ints(n.Input[1])
			if err != nil {
				return nil, err
			}
			ok = true
		}
		if !ok && a.int("noop_with_empty_axes", 0) != 0 {
			y = xs[0]
			break
		}
		keep := a.int("keepdims", 1) != 0
		f := map[string][2]func(*graph.Node, ...int) *graph.Node{"ReduceSum": {ops.Sum, ops.SumKeep}, "ReduceMean": {ops.Mean, ops.MeanKeep}, "ReduceMax": {ops.Max, ops.MaxKeep}}[typ]
		if keep {
			y = f[1](xs[0], axes...)
		} else {
			y = f[0](xs[0], axes...)
		}
	case "Conv":
		xs, err := need(2)
		if err != nil {
			return nil, err
		}
		if a.int("group", 1) != 1 {
			return nil, im.errorf("group %d is not supported (only 1)", a.int("group", 1))
		}
		ws := xs[1].Shape()
		if len(ws) != 4 {
			return nil, im.errorf("only 2-D convolutions are supported, filters are %v", ws)
		}
		kh, kw, stride, pad, err := a.window(ws[2:])
		if err != nil {
			return nil, err
		}
		if kh != ws[2] || kw != ws[3] {
			return nil, im.errorf("kernel_shape %dx%d differs from the filters' %v", kh, kw, ws)
		}
		b, err := in(2)
		if err != nil {
			return nil, err
		}
		if b != nil {
			y = ops.Conv2DBias(xs[0], xs[1], b, stride, pad)
		} else {
			y = ops.Conv2D(xs[0], xs[1], stride, pad)
		}
	case "MaxPool", "AveragePool":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		if len(n.Output) > 1 && n.Output[1] != "" {
			return nil, im.errorf("the Indices output is not supported")
		}
		kh, kw, stride, pad, err := a.window(nil)
		if err != nil {
			return nil, err
		}
		if _, ok := a.by["strides"]; !ok {
			stride = 1
		}
		if typ == "MaxPool" {
			if a.int("storage_order", 0) != 0 {
				return nil, im.errorf("storage_order 1 is not supported")
			}
			y = ops.MaxPool2D(xs[0], kh, kw, stride, pad)
		} else {
			if a.int("count_include_pad", 0) == 0 && pad > 0 {
				return nil, im.errorf("count_include_pad 0 with padding is not supported (zerograd counts pads as zeros)")
			}
			y = ops.AvgPool2D(xs[0], kh, kw, stride, pad)
		}
	case "GlobalAveragePool", "GlobalMaxPool":
		xs, err := need(1)
		if err != nil {
			return nil, err
		}
		if len(xs[0].Shape()) != 4 {
			return nil, im.errorf("only [N C H W] inputs are supported, got %v", xs[0].Shape())
		}
		if typ == "GlobalAveragePool" {
			y = ops.MeanKeep(xs[0], 2, 3)
		} else {
			y = ops.MaxKeep(xs[0], 2, 3)
		}
	case "BatchNormalization":
		y, err = im.batchNorm(n, a)
		if err != nil {
			return nil, err
		}
	default:
		return nil, im.errorf("op type %s is not supported", typ)
	}
	if err := a.unknown(); err != nil {
		return nil, err
	}
	return []*graph.Node{y}, nil
}

// sameType converts a constant b to a's element type (PyTorch writes scalars as float
// constants next to double tensors rarely, but integer ones often).
func (im *importer) sameType(b, a *graph.Node) *graph.Node {
	if b.DType() == a.DType() || b.Kind() != graph.KindConst {
		return b
	}
	return im.m.Graph.Const("", graph.FromFloat64s(a.DType(), b.Shape(), graph.Float64s(b.Value())))
}

// matmul multiplies like NumPy: matrices or batches of them whose leading axes broadcast
// (zerograd's MatMul), a vector operand taking a size-1 axis that the result drops.
func (im *importer) matmul(x, w *graph.Node) (*graph.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) == 0 || len(ws) == 0 {
		return nil, im.errorf("operand shapes %v and %v are not supported", xs, ws)
	}
	if len(xs) == 1 {
		x = ops.Reshape(x, 1, xs[0])
	}
	if len(ws) == 1 {
		w = ops.Reshape(w, ws[0], 1)
	}
	y := ops.MatMul(x, w)
	if len(xs) > 1 && len(ws) > 1 {
		return y, nil
	}
	s := slices.Clone(y.Shape())
	if len(ws) == 1 {
		s = s[:len(s)-1]
	}
	if len(xs) == 1 { // x's axis m: last once w's n is gone, else next to last
		i := len(s) - 2
		if len(ws) == 1 {
			i = len(s) - 1
		}
		s = slices.Delete(s, i, i+1)
	}
	return ops.Reshape(y, s...), nil
}

func (im *importer) slice(n *pb.NodeProto) (*graph.Node, error) {
	if len(n.Input) < 3 {
		return nil, im.errorf("want at least 3 inputs")
	}
	x, err := im.value(n.Input[0])
	if err != nil {
		return nil, err
	}
	starts, err := im.ints(n.Input[1])
	if err != nil {
		return nil, err
	}
	ends, err := im.ints(n.Input[2])
	if err != nil {
		return nil, err
	}
	if len(starts) != len(ends) {
		return nil, im.errorf("%d starts and %d ends", len(starts), len(ends))
	}
	axes := make([]int, len(starts))
	for i := range axes {
		axes[i] = i
	}
	if len(n.Input) > 3 && n.Input[3] != "" {
		if axes, err = im.ints(n.Input[3]); err != nil {
			return nil, err
		}
	}
	if len(n.Input) > 4 && n.Input[4] != "" {
		steps, err := im.ints(n.Input[4])
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(steps, func(s int) bool { return s != 1 }) {
			return nil, im.errorf("steps %v: only 1 is supported", steps)
		}
	}
	if len(axes) != len(starts) {
		return nil, im.errorf("%d axes for %d starts", len(axes), len(starts))
	}
	for i, ax := range axes {
		r := len(x.Shape())
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax >= r {
			return nil, im.errorf("axis %d out of range for rank %d", axes[i], r)
		}
		d := x.Shape()[ax]
		lo, hi := clampIndex(starts[i], d), clampIndex(ends[i], d)
		if lo == 0 && hi == d {
			continue
		}
		x = ops.Slice(x, ax, lo, hi)
	}
	return x, nil
}

func clampIndex(i, d int) int {
	if i < 0 {
		i += d
	}
	return max(0, min(i, d))
}

// batchNorm imports BatchNormalization at inference: the running mean and variance
// become zerograd's running statistics, scale and bias parameters.
func (im *importer) batchNorm(n *pb.NodeProto, a *attrs) (*graph.Node, error) {
	if len(n.Input) != 5 {
		return nil, im.errorf("want 5 inputs, got %d", len(n.Input))
	}
	if len(n.Output) > 1 {
		return nil, im.errorf("training outputs (running mean and variance) are not supported")
	}
	if a.int("training_mode", 0) != 0 {
		return nil, im.errorf("training_mode 1 is not supported")
	}
	x, err := im.value(n.Input[0])
	if err != nil {
		return nil, err
	}
	gamma, err := im.value(n.Input[1])
	if err != nil {
		return nil, err
	}
	beta, err := im.value(n.Input[2])
	if err != nil {
		return nil, err
	}
	mean, err := im.constant(n.Input[3])
	if err != nil {
		return nil, err
	}
	vr, err := im.constant(n.Input[4])
	if err != nil {
		return nil, err
	}
	if len(x.Shape()) < 2 {
		return nil, im.errorf("input %v has no channel axis", x.Shape())
	}
	c := x.Shape()[1]
	if mean.Shape().TotalSize() != c || vr.Shape().TotalSize() != c || mean.Dtype() != x.DType().Tensor() || vr.Dtype() != x.DType().Tensor() {
		return nil, im.errorf("running statistics must be %d values of %s", c, x.DType())
	}
	st := &ops.BatchNormStats{Mean: mean.Clone().(*tensor.Dense), Var: vr.Clone().(*tensor.Dense), Momentum: a.float("momentum", 0.9), Eps: a.float("epsilon", 1e-5)}
	return ops.BatchNorm(x, gamma, beta, st, ops.ModeOf(im.m.Graph)), nil
}

// broadcastTo broadcasts x to shape s, leaving it alone when it has that shape.
func broadcastTo(x *graph.Node, s []int) *graph.Node {
	if x.Shape().Equal(s) {
		return x
	}
	return ops.BroadcastTo(x, s...)
}

// oneHot imports OneHot for labels [N] on the last axis: zerograd's OneHot, scaled and
// shifted when the values are not [0 1]. The labels may be integers or whole-number floats
// cast to integers; negative labels (ONNX counts them from the end) are a run-time error.
func (im *importer) oneHot(n *pb.NodeProto, a *attrs) (*graph.Node, error) {
	if len(n.Input) != 3 {
		return nil, im.errorf("want 3 inputs, got %d", len(n.Input))
	}
	t, err := im.value(n.Input[0])
	if err != nil {
		return nil, err
	}
	if len(t.Shape()) != 1 {
		return nil, im.errorf("only labels [N] are supported, got %v", t.Shape())
	}
	if axis := a.int("axis", -1); axis != -1 && axis != 1 {
		return nil, im.errorf("axis %d is not supported (only the last)", axis)
	}
	depth, err := im.constant(n.Input[1])
	if err != nil {
		return nil, err
	}
	d := graph.Float64s(depth)
	if len(d) != 1 || d[0] < 1 || d[0] > maxElements || d[0] != math.Trunc(d[0]) {
		return nil, im.errorf("depth must be one positive whole number, got %v", d)
	}
	values, err := im.constant(n.Input[2])
	if err != nil {
		return nil, err
	}
	v := graph.Float64s(values)
	vt, _ := graph.DTypeOf(values)
	if len(v) != 2 {
		return nil, im.errorf("values must be [off on], got %d values", len(v))
	}
	y := ops.OneHot(t, int(d[0]))
	if y.DType() != vt {
		return nil, im.errorf("values of %s for labels of %s are not supported (%s only)", vt, t.DType(), y.DType())
	}
	if v[0] != 0 || v[1] != 1 {
		y = ops.AddScalar(ops.MulScalar(y, v[1]-v[0]), v[0])
	}
	return y, nil
}

// broadcastShape is NumPy's broadcast of two shapes.
func broadcastShape(a, b []int) ([]int, bool) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := range out {
		da, db := 1, 1
		if j := i - (r - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
		if out[i] < 0 || out[i] > maxElements {
			return nil, false
		}
	}
	return out, true
}
