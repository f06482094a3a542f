package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Splitting and merging attention heads: [N T H*Dh] <-> [N*H T Dh], the heads moved into
// the batch axis for batched matmuls. Each is one copy pass; as Reshape, Transpose and
// Reshape it would be three, for Reshape copies too. Each is the other's gradient.

// headsOp splits (merge false) or merges (merge true) heads.
type headsOp struct {
	heads int
	merge bool
}

var _ graph.Op = headsOp{}

func (o headsOp) Name() string {
	if o.merge {
		return "merge_heads"
	}
	return "split_heads"
}
func (o headsOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	s, h := in[0].Shape, o.heads
	if len(s) != 3 || h <= 0 {
		return graph.Type{}, graph.Errorf("want [N T D] and heads > 0, got %v and %d heads", s, h)
	}
	if o.merge {
		if s[0]%h != 0 {
			return graph.Type{}, graph.Errorf("the batch axis %d of %v is not a multiple of %d heads", s[0], s, h)
		}
		return graph.Type{Shape: graph.Shape{s[0] / h, s[1], s[2] * h}, DType: in[0].DType}, nil
	}
	if s[2]%h != 0 {
		return graph.Type{}, graph.Errorf("the last axis %d of %v is not a multiple of %d heads", s[2], s, h)
	}
	return graph.Type{Shape: graph.Shape{s[0] * h, s[1], s[2] / h}, DType: in[0].DType}, nil
}
func (o headsOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	s := shapeOf(y) // the split shape [N*H T Dh] is the output's, or the input's when merging
	if o.merge {
		s = shapeOf(in[0])
	}
	unary(y, in[0], func(y, x []float32) { headsK(y, x, s, o.heads, o.merge) }, func(y, x []float64) { headsK(y, x, s, o.heads, o.merge) })
	return nil
}

// headsK copies between merged [N T H*Dh] and split [N*H T Dh] (split of shape s), one
// row of Dh at a time: from merged to split, or back when merge.
func headsK[T float](y, x []T, s graph.Shape, heads int, merge bool) {
	nh, t, dh := s[0], s[1], s[2]
	for b := range nh {
		n, h := b/heads, b%heads
		for i := range t {
			sp := (b*t + i) * dh          // split [b i :]
			mg := (n*t+i)*heads*dh + h*dh // merged [n i h*dh:]
			if merge {
				copy(y[mg:mg+dh], x[sp:sp+dh])
			} else {
				copy(y[sp:sp+dh], x[mg:mg+dh])
			}
		}
	}
}

func (o headsOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(headsOp{heads: o.heads, merge: !o.merge}, gy)}
}

// SplitHeads turns x [N T H*Dh] into [N*H T Dh], head h of sample n at batch index n*H+h:
// Reshape(Transpose(Reshape(x, N, T, H, Dh), 0, 2, 1, 3), N*H, T, Dh) in one pass.
func SplitHeads(x *graph.Node, heads int) *graph.Node {
	return graph.Apply(headsOp{heads: heads}, x)
}

// MergeHeads is SplitHeads' inverse: x [N*H T Dh] to [N T H*Dh].
func MergeHeads(x *graph.Node, heads int) *graph.Node {
	return graph.Apply(headsOp{heads: heads, merge: true}, x)
}
