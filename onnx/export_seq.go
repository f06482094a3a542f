package onnx

import (
	"math"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// seqOp writes the ops of sequence models and transformers (export_ops.go's table lists
// how each maps).
func (x *exporter) seqOp(n *graph.Node, s ops.Spec, in []string, out string) error {
	one := []string{out}
	dt := n.DType()
	// tmp adds op and returns its output's name.
	tmp := func(suffix, op string, in []string, attrs ...*pb.AttributeProto) string {
		name := x.fresh(out + "_" + suffix)
		x.add(op, in, []string{name}, attrs)
		return name
	}
	scalar := func(suffix string, f float64) string { return x.scalar(out+"_"+suffix, dt, f) }
	switch s.Op {
	case "layer_norm":
		xs := n.Inputs()[0].Shape()
		args := []string{in[0]}
		if len(in) > 1 {
			args = append(args, in[1:]...)
		} else { // Normalize: ONNX's Scale is required
			norm := graph.Shape(xs[len(xs)+s.Axis:]).Clone()
			ones := make([]float64, norm.Size())
			for i := range ones {
				ones[i] = 1
			}
			args = append(args, x.constant(out+"_scale", tensorProto("", graph.FromFloat64s(dt, norm, ones))))
		}
		x.add("LayerNormalization", args, one, []*pb.AttributeProto{attrInt("axis", s.Axis), attrFloat("epsilon", s.Eps)})
	case "take":
		x.add("Gather", in, one, []*pb.AttributeProto{attrInt("axis", s.Axis)})
	case "gather":
		x.add("GatherElements", in, one, []*pb.AttributeProto{attrInt("axis", s.Axis)})
	case "where":
		cond := tmp("mask", "Cast", in[:1], attrInt("to", int(pb.TensorProto_BOOL)))
		x.add("Where", []string{cond, in[1], in[2]}, one, nil)
	case "masked_fill":
		cond := tmp("mask", "Cast", in[1:2], attrInt("to", int(pb.TensorProto_BOOL)))
		a, b := scalar("value", s.Scalar), in[0]
		if s.Inverted {
			a, b = b, a
		}
		x.add("Where", []string{cond, a, b}, one, nil)
	case "gelu": // x Φ(x) = x (1 + erf(x/√2)) / 2
		e := tmp("erf", "Erf", []string{tmp("scaled", "Div", []string{in[0], scalar("sqrt2", math.Sqrt2)})})
		xe := tmp("xcdf", "Mul", []string{in[0], tmp("cdf", "Add", []string{e, scalar("one", 1)})})
		x.add("Mul", []string{xe, scalar("half", 0.5)}, one, nil)
	case "gelu_tanh": // x (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2
		cube := tmp("cube", "Pow", []string{in[0], scalar("three", 3)})
		u := tmp("inner", "Add", []string{in[0], tmp("cubic", "Mul", []string{cube, scalar("a", 0.044715)})})
		t := tmp("tanh", "Tanh", []string{tmp("u", "Mul", []string{u, scalar("k", math.Sqrt(2/math.Pi))})})
		xt := tmp("xt", "Mul", []string{in[0], tmp("onept", "Add", []string{t, scalar("one", 1)})})
		x.add("Mul", []string{xt, scalar("half", 0.5)}, one, nil)
	case "causal_softmax": // Softmax(x scale + mask), the mask -1e9 above the diagonal
		xs := n.Inputs()[0].Shape()
		q, k := xs[len(xs)-2], xs[len(xs)-1]
		m := make([]float64, q*k)
		for i := range q {
			for j := i + k - q + 1; j < k; j++ {
				m[i*k+j] = -1e9
			}
		}
		mask := x.constant(out+"_mask", tensorProto("", graph.FromFloat64s(dt, []int{q, k}, m)))
		scores := tmp("masked", "Add", []string{tmp("scaled", "Mul", []string{in[0], scalar("scale", s.Scalar)}), mask})
		x.add("Softmax", []string{scores}, one, []*pb.AttributeProto{attrInt("axis", -1)})
	case "split_heads", "merge_heads": // Reshape, Transpose (0 2 1 3), Reshape; -1 for batch axes
		xs, h := n.Inputs()[0].Shape(), s.Classes
		four := x.ints(out+"_heads", -1, xs[1], h, xs[2]/h) // [N T H Dh]
		flat := x.ints(out+"_split", -1, xs[1], xs[2]/h)    // [N*H T Dh]
		if s.Op == "merge_heads" {
			four = x.ints(out+"_heads", -1, h, xs[1], xs[2]) // [N H T Dh]
			flat = x.ints(out+"_merged", -1, xs[1], xs[2]*h) // [N T H*Dh]
		}
		t := tmp("transposed", "Transpose", []string{tmp("four", "Reshape", []string{in[0], four})}, attrInts("perm", 0, 2, 1, 3))
		x.add("Reshape", []string{t, flat}, one, nil)
	case "silu":
		x.add("Mul", []string{in[0], tmp("sigmoid", "Sigmoid", in)}, one, nil)
	case "softplus":
		x.add("Softplus", in, one, nil)
	case "cross_entropy":
		// ONNX wants the classes on axis 1: [N C d...] and labels [N d...].
		xs := n.Inputs()[0].Shape()
		scores := in[0]
		labels := tmp("labels", "Cast", in[1:2], attrInt("to", int(onnxInt64)))
		switch r := len(xs); {
		case r == 1:
			scores = tmp("row", "Reshape", []string{scores, x.ints(out+"_rowshape", 1, xs[0])})
			labels = tmp("label", "Reshape", []string{labels, x.ints(out+"_labelshape", 1)})
		case r > 2:
			perm := []int{0, r - 1}
			for i := 1; i < r-1; i++ {
				perm = append(perm, i)
			}
			scores = tmp("classes", "Transpose", []string{scores}, attrInts("perm", perm...))
		}
		attrs := []*pb.AttributeProto{attrString("reduction", "mean")}
		if s.Ignore != nil {
			attrs = append(attrs, attrInt("ignore_index", *s.Ignore))
		}
		x.add("SoftmaxCrossEntropyLoss", []string{scores, labels}, one, attrs)
	}
	return nil
}

// swapLast is the permutation of rank r that swaps the last two axes.
func swapLast(r int) []int {
	p := make([]int, r)
	for i := range p {
		p[i] = i
	}
	p[r-1], p[r-2] = r-2, r-1
	return p
}
