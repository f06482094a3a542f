package ops

import (
	"slices"

	"github.com/zerograd/zerograd/graph"
)

// Spec is what an exporter needs to know about an op besides its inputs: its name and the
// attributes it was built with (package onnx writes ONNX nodes from it). Fields that do not
// apply to an op are zero.
type Spec struct {
	Op string // the op's Name(): "add", "conv2d", "max_pool2d", ...

	Axis   int         // softmax, log_softmax, slice, concat, take, gather, layer_norm
	Axes   []int       // reductions (normalized, sorted); transpose's permutation
	Keep   bool        // reductions: the reduced axes stay with size 1
	Shape  graph.Shape // reshape, broadcast_to, sum_to: the target shape
	Lo, Hi int         // slice: the range [Lo, Hi) of Axis

	TransA, TransB bool // matmul

	KH, KW, Stride, Pad int // conv2d (KH, KW from the filters), pooling windows

	Scalar float64 // leaky_relu's slope, pow's exponent, dropout's ratio, masked_fill's value, causal_softmax's scale
	// Inverted is true for inverted dropout (identity at inference) and for masked_fill
	// writing where the mask is unset.
	Inverted bool
	// Stats are batch_norm's running statistics; Mode is the graph's train switch that
	// batch_norm and dropout read.
	Stats *BatchNormStats
	Mode  *Mode
	// Classes is one_hot's class count (split_heads' and merge_heads' heads); OneHot says
	// softmax_cross_entropy takes one-hot rows.
	Classes int
	OneHot  bool
	// Eps is layer_norm's epsilon; Axis is then the first normalized axis, counted from
	// the end (-1: the last axis alone).
	Eps float64
	// Ignore is cross_entropy's ignored label (nil: every label counts).
	Ignore *int
	// Custom is true for ops made with Elementwise or Elementwise2 (no portable meaning).
	Custom bool
}

// Describe returns the Spec of op. Ops from outside this package give just their name.
func Describe(op graph.Op) Spec {
	s := Spec{Op: op.Name()}
	switch o := op.(type) {
	case leakyReLUOp:
		s.Scalar = o.slope
	case powOp:
		s.Scalar = o.c
	case softmaxOp:
		s.Axis = o.axis
	case causalSoftmaxOp:
		s.Scalar = o.scale
	case headsOp:
		s.Classes = o.heads
	case matMulOp:
		s.TransA, s.TransB = o.transA, o.transB
	case matMulAddOp:
		s.TransA, s.TransB = o.transA, o.transB
	case reshapeOp:
		s.Shape = o.to.Clone()
	case broadcastToOp:
		s.Shape = o.to.Clone()
	case sumToOp:
		s.Shape = o.to.Clone()
	case transposeOp:
		s.Axes = slices.Clone(o.perm)
	case sliceOp:
		s.Axis, s.Lo, s.Hi = o.axis, o.lo, o.hi
	case concatOp:
		s.Axis = o.axis
	case reduceOp:
		s.Axes, s.Keep = slices.Clone(o.axes), o.keep
	case conv2dOp:
		s.Stride, s.Pad = o.stride, o.pad
	case maxPool2DOp:
		s.KH, s.KW, s.Stride, s.Pad = o.fh, o.fw, o.stride, o.pad
	case avgPool2DOp:
		s.KH, s.KW, s.Stride, s.Pad = o.fh, o.fw, o.stride, o.pad
	case batchNormOp:
		s.Stats, s.Mode = o.st, o.mode
	case dropoutMaskOp:
		s.Scalar, s.Inverted, s.Mode = o.ratio, o.inverted, o.mode
	case oneHotOp:
		s.Classes = o.classes
	case sceOp:
		s.OneHot = o.oneHot
	case layerNormOp:
		s.Axis, s.Eps = -o.n, o.eps
	case takeOp:
		s.Axis = o.axis
	case gatherOp:
		s.Axis = o.axis
	case maskedFillOp:
		s.Scalar, s.Inverted = o.value, o.invert
	case crossEntropyOp:
		if o.ignore != nil {
			v := *o.ignore
			s.Ignore = &v
		}
	case *customOp, *custom2Op:
		s.Custom = true
	}
	return s
}
