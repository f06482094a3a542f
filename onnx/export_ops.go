package onnx

import (
	"strings"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// The mapping from zerograd's ops to ONNX's, one case per op. Ops that exist only in
// backward graphs (the *_grad ops, im2col, col2im, embed) and custom elementwise ops have
// none: Marshal returns an error naming the op and the node.
//
// zerograd op           ONNX (opset 17)
// add sub mul div       Add Sub Mul Div (BroadcastTo nodes before them are left out)
// neg exp log sqrt abs  Neg Exp Log Sqrt Abs
// sign tanh sigmoid     Sign Tanh Sigmoid
// relu leaky_relu       Relu LeakyRelu(alpha)
// square, pow           Mul(x, x), Pow(x, c)
// step                  Cast(Greater(x, 0))
// softmax log_softmax   Softmax LogSoftmax (axis)
// causal_softmax        Softmax(Add(Mul(x, scale), a Constant mask of -1e9 above the diagonal))
// matmul                Gemm (2-D, transA/transB), MatMul (3-D, Transpose where transposed)
// linear                Gemm(x, w, b, transB) for 2-D x, else Add(MatMul(x, Transpose(w)), b)
// matmul_add            Gemm with C (2-D only: ops.AddMatMul)
// reshape transpose     Reshape (first axis 0 when it is the batch) Transpose
// split_heads merge_heads Reshape, Transpose (0 2 1 3), Reshape (batch axes -1)
// broadcast_to sum_to   Expand; ReduceSum (+ Reshape)
// slice concat          Slice Concat
// sum mean max          ReduceSum ReduceMean ReduceMax (keepdims)
// conv2d                Conv (bias, strides, pads)
// max_pool2d avg_pool2d MaxPool AveragePool (count_include_pad=1, as zerograd counts pads)
// batch_norm            BatchNormalization at inference (running statistics as initializers)
// dropout_mask          a Constant: 1-ratio (1 for inverted dropout), the mask at inference
// equal                 Cast(Equal(a, b))
// softmax_cross_entropy SoftmaxCrossEntropyLoss (labels) or -mean(sum(t*LogSoftmax(x)))
// one_hot               OneHot
// layer_norm            LayerNormalization (axis, epsilon; a Constant scale of ones for Normalize)
// take gather           Gather GatherElements (axis)
// where masked_fill     Where(Cast(mask, bool), a, b); masked_fill's value is a Constant
// gelu                  Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5) (Gelu is opset 20)
// gelu_tanh             0.5 x (1 + Tanh(√(2/π) (x + 0.044715 Pow(x, 3))))
// silu softplus         Mul(x, Sigmoid(x)); Softplus
// cross_entropy         SoftmaxCrossEntropyLoss (mean, ignore_index; scores [N d... C] to [N C d...]);
//
// When every label of cross_entropy is ignored, ONNX gives NaN where zerograd gives 0.
// split and stack are slices, reshapes and a concat in zerograd's graph and export as
// those. The backward-only ops of these (layer_norm_grad, layer_norm_gamma_grad,
// causal_softmax_grad, matmul_rows_tn, index_add, scatter_add, cross_entropy_grad, the
// *_grad of the smooth activations) have no mapping.
func (x *exporter) op(n *graph.Node, s ops.Spec, in []string, out string) error {
	if s.Custom {
		return unsupported{s.Op, "a custom elementwise op is Go code"}
	}
	one := []string{out}
	dt := n.DType()
	op := s.Op
	if strings.HasPrefix(op, "matmul") { // matmul, matmul_nt, matmul_tn, matmul_tt
		op = "matmul"
	}
	switch op {
	case "add", "sub", "mul", "div":
		x.add(map[string]string{"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div"}[s.Op], in, one, nil)
	case "neg", "exp", "log", "sqrt", "abs", "sign", "tanh", "sigmoid", "relu":
		names := map[string]string{"neg": "Neg", "exp": "Exp", "log": "Log", "sqrt": "Sqrt", "abs": "Abs", "sign": "Sign", "tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu"}
		x.add(names[s.Op], in, one, nil)
	case "leaky_relu":
		x.add("LeakyRelu", in, one, []*pb.AttributeProto{attrFloat("alpha", s.Scalar)})
	case "square":
		x.add("Mul", []string{in[0], in[0]}, one, nil)
	case "pow":
		x.add("Pow", []string{in[0], x.scalar(out+"_exponent", dt, s.Scalar)}, one, nil)
	case "step":
		gt := x.fresh(out + "_positive")
		x.add("Greater", []string{in[0], x.scalar(out+"_zero", dt, 0)}, []string{gt}, nil)
		x.add("Cast", []string{gt}, one, []*pb.AttributeProto{attrInt("to", int(onnxType(dt)))})
	case "equal":
		eq := x.fresh(out + "_equal")
		x.add("Equal", in, []string{eq}, nil)
		x.add("Cast", []string{eq}, one, []*pb.AttributeProto{attrInt("to", int(onnxType(dt)))})
	case "softmax":
		x.add("Softmax", in, one, []*pb.AttributeProto{attrInt("axis", s.Axis)})
	case "log_softmax":
		x.add("LogSoftmax", in, one, []*pb.AttributeProto{attrInt("axis", s.Axis)})
	case "matmul":
		as, bs := n.Inputs()[0].Shape(), n.Inputs()[1].Shape()
		if len(as) == 2 && len(bs) == 2 {
			var attrs []*pb.AttributeProto
			if s.TransA {
				attrs = append(attrs, attrInt("transA", 1))
			}
			if s.TransB {
				attrs = append(attrs, attrInt("transB", 1))
			}
			x.add("Gemm", in, one, attrs)
			break
		}
		// Batched: ONNX's MatMul broadcasts the leading axes as zerograd's does.
		a, b := in[0], in[1]
		if s.TransA {
			a = x.fresh(out + "_a")
			x.add("Transpose", []string{in[0]}, []string{a}, []*pb.AttributeProto{attrInts("perm", swapLast(len(as))...)})
		}
		if s.TransB {
			b = x.fresh(out + "_b")
			x.add("Transpose", []string{in[1]}, []string{b}, []*pb.AttributeProto{attrInts("perm", swapLast(len(bs))...)})
		}
		x.add("MatMul", []string{a, b}, one, nil)
	case "linear":
		if len(n.Inputs()[0].Shape()) == 2 {
			x.add("Gemm", in, one, []*pb.AttributeProto{attrInt("transB", 1)})
			break
		}
		wt, prod := x.fresh(out+"_wt"), x.fresh(out+"_xw")
		x.add("Transpose", in[1:2], []string{wt}, []*pb.AttributeProto{attrInts("perm", 1, 0)})
		x.add("MatMul", []string{in[0], wt}, []string{prod}, nil)
		x.add("Add", []string{prod, in[2]}, one, nil)
	case "reshape":
		x.add("Reshape", []string{in[0], x.ints(out+"_shape", x.dynamicShape(n.Inputs()[0].Shape(), s.Shape)...)}, one, nil)
	case "transpose":
		x.add("Transpose", in, one, []*pb.AttributeProto{attrInts("perm", s.Axes...)})
	case "broadcast_to":
		// Axes the input already has stay 1 in the shape, so a batch axis stays dynamic.
		xs := n.Inputs()[0].Shape()
		shape := append([]int(nil), s.Shape...)
		off := len(shape) - len(xs)
		for i := range xs {
			if xs[i] == shape[off+i] {
				shape[off+i] = 1
			}
		}
		x.add("Expand", []string{in[0], x.ints(out+"_shape", shape...)}, one, nil)
	case "sum_to":
		xs := n.Inputs()[0].Shape()
		off := len(xs) - len(s.Shape)
		var axes []int
		for i := range xs {
			if i < off || s.Shape[i-off] == 1 && xs[i] != 1 {
				axes = append(axes, i)
			}
		}
		if off == 0 {
			x.add("ReduceSum", []string{in[0], x.ints(out+"_axes", axes...)}, one, []*pb.AttributeProto{attrInt("keepdims", 1)})
			break
		}
		kept := x.fresh(out + "_kept")
		x.add("ReduceSum", []string{in[0], x.ints(out+"_axes", axes...)}, []string{kept}, []*pb.AttributeProto{attrInt("keepdims", 1)})
		x.add("Reshape", []string{kept, x.ints(out+"_shape", s.Shape...)}, one, nil)
	case "slice":
		x.add("Slice", []string{in[0], x.ints(out+"_starts", s.Lo), x.ints(out+"_ends", s.Hi), x.ints(out+"_axes", s.Axis)}, one, nil)
	case "concat":
		x.add("Concat", in, one, []*pb.AttributeProto{attrInt("axis", s.Axis)})
	case "sum", "mean", "max":
		keep := 0
		if s.Keep {
			keep = 1
		}
		attrs := []*pb.AttributeProto{attrInt("keepdims", keep)}
		if s.Op == "sum" { // opset 13: axes is an input
			x.add("ReduceSum", []string{in[0], x.ints(out+"_axes", s.Axes...)}, one, attrs)
			break
		}
		attrs = append(attrs, attrInts("axes", s.Axes...))
		x.add(map[string]string{"mean": "ReduceMean", "max": "ReduceMax"}[s.Op], in, one, attrs)
	case "conv2d":
		ws := n.Inputs()[1].Shape()
		x.add("Conv", in, one, []*pb.AttributeProto{attrInts("kernel_shape", ws[2], ws[3]),
			attrInts("strides", s.Stride, s.Stride), attrInts("pads", s.Pad, s.Pad, s.Pad, s.Pad)})
	case "max_pool2d", "avg_pool2d":
		attrs := []*pb.AttributeProto{attrInts("kernel_shape", s.KH, s.KW), attrInts("strides", s.Stride, s.Stride), attrInts("pads", s.Pad, s.Pad, s.Pad, s.Pad)}
		if s.Op == "max_pool2d" {
			x.add("MaxPool", in, one, attrs)
			break
		}
		x.add("AveragePool", in, one, append(attrs, attrInt("count_include_pad", 1)))
	case "batch_norm":
		c := n.Shape()[1]
		ones := make([]float64, c)
		for i := range ones {
			ones[i] = 1
		}
		scale := x.constant(out+"_scale", tensorProto("", graph.FromFloat64s(dt, []int{c}, ones)))
		bias := x.constant(out+"_bias", tensorProto("", graph.NewTensor(dt, c)))
		mean, vr := x.fresh(out+".running_mean"), x.fresh(out+".running_var")
		x.g.Initializer = append(x.g.Initializer, tensorProto(mean, s.Stats.Mean), tensorProto(vr, s.Stats.Var))
		x.add("BatchNormalization", []string{in[0], scale, bias, mean, vr}, one,
			[]*pb.AttributeProto{attrFloat("epsilon", s.Stats.Eps), attrFloat("momentum", s.Stats.Momentum)})
	case "dropout_mask":
		keep := 1 - s.Scalar
		if s.Inverted {
			keep = 1
		}
		x.add("Identity", []string{x.scalar(out+"_keep", dt, keep)}, one, nil)
	case "one_hot":
		labels := x.fresh(out + "_labels")
		x.add("Cast", in, []string{labels}, []*pb.AttributeProto{attrInt("to", int(onnxInt64))})
		x.add("OneHot", []string{labels, x.ints(out+"_depth", s.Classes), x.constant(out+"_values", tensorProto("", graph.FromFloat64s(dt, []int{2}, []float64{0, 1})))}, one, []*pb.AttributeProto{attrInt("axis", -1)})
	case "softmax_cross_entropy":
		if !s.OneHot && len(n.Inputs()[1].Shape()) == 1 {
			labels := x.fresh(out + "_labels")
			x.add("Cast", []string{in[1]}, []string{labels}, []*pb.AttributeProto{attrInt("to", int(onnxInt64))})
			x.add("SoftmaxCrossEntropyLoss", []string{in[0], labels}, one, []*pb.AttributeProto{attrString("reduction", "mean")})
			break
		}
		ls, prod, rows := x.fresh(out+"_logp"), x.fresh(out+"_tlogp"), x.fresh(out+"_rows")
		x.add("LogSoftmax", []string{in[0]}, []string{ls}, []*pb.AttributeProto{attrInt("axis", 1)})
		x.add("Mul", []string{in[1], ls}, []string{prod}, nil)
		x.add("ReduceSum", []string{prod, x.ints(out+"_axes", 1)}, []string{rows}, []*pb.AttributeProto{attrInt("keepdims", 0)})
		m := x.fresh(out + "_mean")
		x.add("ReduceMean", []string{rows}, []string{m}, []*pb.AttributeProto{attrInt("keepdims", 0)})
		x.add("Neg", []string{m}, one, nil)
	case "layer_norm", "take", "gather", "where", "masked_fill", "gelu", "gelu_tanh", "silu", "softplus", "cross_entropy", "causal_softmax", "split_heads", "merge_heads":
		return x.seqOp(n, s, in, out)
	default:
		return unsupported{s.Op, "it has no ONNX mapping; ops that appear only in backward graphs are not exported"}
	}
	return nil
}
