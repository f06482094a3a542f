package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Attention over the sequence ops: ops.LayerNorm (one fused pass per row), batched MatMul
// with the heads folded into the batch axis ([N*Heads T HeadDim], so no loop over heads),
// and masks added to the scores before ops.Softmax. The masks stay additive (PyTorch's
// float attn_mask): a causal and a padding mask combine by adding, and a row whose keys
// are all masked stays finite. A causal attention without padding takes ops.CausalSoftmax
// instead, which gives the same weights in one pass over the visible scores.

// MaskValue is what a masked attention score becomes before the softmax: large and
// negative, so its weight is exp(-1e9) = 0, but finite, so that a row whose keys are all
// masked gives uniform weights rather than PyTorch's NaN (ops.MaskedFill with -Inf, the
// other way to mask, gives NaN there as PyTorch does).
const MaskValue = -1e9

// Linear is PyTorch's nn.Linear: y = x weight^T + bias with weight [Out In] and PyTorch's
// names ("weight", "bias") and initialization (both uniform in ±1/sqrt(In)), so a
// PyTorch state dict loads into it as it is. (nn.Affine is the book's layer: W [In Out].)
type Linear struct {
	Weight, Bias *graph.Node // Bias is nil with NoBias
	In, Out      int
}

// LinearOpts configures a Linear layer; zero fields take the defaults.
type LinearOpts struct {
	In, Out int         // input and output features (required)
	NoBias  bool        // leave out bias
	DType   graph.DType // default Float32
	Rand    *rand.Rand  // default the graph's
}

// NewLinear adds a PyTorch-style linear layer in s: s.Name("weight"), s.Name("bias").
func NewLinear(s graph.Scope, o LinearOpts) *Linear {
	if o.In <= 0 || o.Out <= 0 {
		panic(&graph.ShapeError{Op: "linear", Inputs: []string{s.Path()}, Reason: "LinearOpts needs In and Out > 0"})
	}
	dt, rng, _ := defaults(s, o.DType, o.Rand, nil)
	k := 1 / math.Sqrt(float64(o.In))
	l := &Linear{Weight: s.Param("weight", uniform(rng, dt, k, o.Out, o.In)), In: o.In, Out: o.Out}
	if !o.NoBias {
		l.Bias = s.Param("bias", uniform(rng, dt, k, o.Out))
	}
	return l
}

// Forward maps x [... In] to [... Out] (leading axes are kept).
func (l *Linear) Forward(x *graph.Node) *graph.Node { return linear(x, l.Weight, l.Bias) }

// linear is x w^T + b over the last axis of x, for w [Out In] and b [Out] (nil: none).
func linear(x, w, b *graph.Node) *graph.Node {
	s := x.Shape()
	in, out := w.Shape()[1], w.Shape()[0]
	if len(s) == 0 || s[len(s)-1] != in {
		panic(&graph.ShapeError{Op: "linear", Inputs: []string{x.Label(), w.Label()}, Shapes: []graph.Shape{s, w.Shape()},
			Reason: fmt.Sprintf("the last axis of the input must be %d", in)})
	}
	// A batch [... In] times one matrix is one GEMM over the stacked rows (ops.MatMul,
	// ops.Linear with the bias inside it), so x needs no reshape (a copy) on the way in,
	// nor the product on the way out; a single vector is a one-row matrix.
	xm := x
	if len(s) == 1 {
		xm = ops.Reshape(x, 1, in)
	}
	var y *graph.Node
	if b != nil {
		y = ops.Linear(xm, w, b)
	} else {
		y = ops.MatMulT(xm, w, false, true)
	}
	if len(s) == 1 {
		y = ops.Reshape(y, out)
	}
	return y
}

// LayerNorm is PyTorch's nn.LayerNorm over the last axis: (x - mean) / sqrt(var + Eps)
// * weight + bias, with weight ones and bias zeros named "weight" and "bias".
type LayerNorm struct {
	Weight, Bias *graph.Node
	Dim          int
	Eps          float64
}

// LayerNormOpts configures a LayerNorm; zero fields take PyTorch's defaults.
type LayerNormOpts struct {
	Dim   int         // features of the last axis (required)
	Eps   float64     // default 1e-5
	DType graph.DType // default Float32
}

// NewLayerNorm adds a layer normalization's weight and bias in s.
//
//	ln := nn.NewLayerNorm(g.In("ln1"), nn.LayerNormOpts{Dim: 64}) // ln1.weight, ln1.bias
func NewLayerNorm(s graph.Scope, o LayerNormOpts) *LayerNorm {
	if o.Dim <= 0 {
		panic(&graph.ShapeError{Op: "layer_norm", Inputs: []string{s.Path()}, Reason: "LayerNormOpts needs Dim > 0"})
	}
	if o.Eps == 0 {
		o.Eps = 1e-5
	}
	dt, _, _ := defaults(s, o.DType, nil, nil)
	ones := make([]float64, o.Dim)
	for i := range ones {
		ones[i] = 1
	}
	return &LayerNorm{
		Weight: s.Param("weight", graph.FromFloat64s(dt, []int{o.Dim}, ones)),
		Bias:   s.Param("bias", graph.NewTensor(dt, o.Dim)),
		Dim:    o.Dim, Eps: o.Eps,
	}
}

// Forward normalizes x [... Dim] over its last axis.
func (l *LayerNorm) Forward(x *graph.Node) *graph.Node {
	if s := x.Shape(); len(s) == 0 || s[len(s)-1] != l.Dim {
		panic(&graph.ShapeError{Op: "layer_norm", Inputs: []string{x.Label()}, Shapes: []graph.Shape{s},
			Reason: fmt.Sprintf("the last axis must be %d", l.Dim)})
	}
	return ops.LayerNorm(x, l.Weight, l.Bias, l.Eps)
}

// DotProductAttention is softmax(q k^T * scale + mask) v for q [B T D], k [B S D] and
// v [B S Dv]; mask is nil or an additive mask that broadcasts to [B T S] (0 to keep,
// MaskValue to drop; see CausalMask and PaddingMask). It returns the output [B T Dv] and
// the weights [B T S]. The book's attention (vol. 2, chapter 8) is scale 1.
func DotProductAttention(q, k, v, mask *graph.Node, scale float64) (out, weights *graph.Node) {
	scores := ops.MatMulT(q, k, false, true) // batched [B T S]
	if scale != 1 {
		scores = ops.MulScalar(scores, scale)
	}
	weights = maskedSoftmax(scores, mask)
	return ops.MatMul(weights, v), weights
}

// maskedSoftmax is Softmax(scores + mask) over the last axis (mask nil: none).
func maskedSoftmax(scores, mask *graph.Node) *graph.Node {
	if mask != nil {
		scores = ops.Add(scores, mask)
	}
	return ops.Softmax(scores, -1)
}

// CausalMask is the constant [T S] additive mask that lets query t see keys 0 ... t+S-T
// (S = T: itself and the past): 0 there, MaskValue above.
func CausalMask(g *graph.Graph, dt graph.DType, t, s int) *graph.Node {
	m := make([]float64, t*s)
	for i := range t {
		for j := i + s - t + 1; j < s; j++ {
			m[i*s+j] = MaskValue
		}
	}
	return g.Const(fmt.Sprintf("causal_mask_%dx%d", t, s), graph.FromFloat64s(dt, []int{t, s}, m))
}

// PaddingMask turns a key padding mask pad [N S] (1 where the key is padding, 0 where it
// is real: PyTorch's key_padding_mask as numbers) into the additive mask [N 1 S] that
// broadcasts over queries: pad * MaskValue.
func PaddingMask(pad *graph.Node) *graph.Node {
	s := pad.Shape()
	if len(s) != 2 {
		panic(&graph.ShapeError{Op: "padding_mask", Inputs: []string{pad.Label()}, Shapes: []graph.Shape{s}, Reason: "want [N S]"})
	}
	return ops.Reshape(ops.MulScalar(pad, MaskValue), s[0], 1, s[1])
}

// MultiHeadAttention is PyTorch's nn.MultiheadAttention (batch_first=True, no dropout)
// with its parameter names: in_proj_weight [3*Dim Dim] (the q, k, v projections stacked),
// in_proj_bias [3*Dim], out_proj.weight [Dim Dim], out_proj.bias [Dim]. A PyTorch
// state dict loads into its scope as it is.
type MultiHeadAttention struct {
	InProjWeight, InProjBias *graph.Node
	OutProj                  *Linear
	Dim, Heads               int
	Causal                   bool
	Scope                    graph.Scope
}

// AttentionOpts configures a MultiHeadAttention; zero fields take the defaults.
type AttentionOpts struct {
	Dim, Heads int         // model width and heads (required; Heads divides Dim)
	Causal     bool        // each query sees only its own and earlier positions
	DType      graph.DType // default Float32
	Rand       *rand.Rand  // default the graph's
}

// NewMultiHeadAttention adds the attention's projections in s, initialized as PyTorch
// does (in_proj_weight Xavier uniform, biases zero).
//
//	attn := nn.NewMultiHeadAttention(g.In("attn"), nn.AttentionOpts{Dim: 64, Heads: 4, Causal: true})
func NewMultiHeadAttention(s graph.Scope, o AttentionOpts) *MultiHeadAttention {
	if o.Dim <= 0 || o.Heads <= 0 || o.Dim%o.Heads != 0 {
		panic(&graph.ShapeError{Op: "attention", Inputs: []string{s.Path()},
			Reason: fmt.Sprintf("AttentionOpts needs Dim > 0 divisible by Heads > 0, got %d and %d", o.Dim, o.Heads)})
	}
	dt, rng, _ := defaults(s, o.DType, o.Rand, nil)
	m := &MultiHeadAttention{Dim: o.Dim, Heads: o.Heads, Causal: o.Causal, Scope: s}
	m.InProjWeight = s.Param("in_proj_weight", uniform(rng, dt, math.Sqrt(6/float64(4*o.Dim)), 3*o.Dim, o.Dim))
	m.InProjBias = s.Param("in_proj_bias", graph.NewTensor(dt, 3*o.Dim))
	m.OutProj = NewLinear(s.In("out_proj"), LinearOpts{In: o.Dim, Out: o.Dim, DType: dt, Rand: rng})
	_ = m.OutProj.Bias.SetValue(graph.NewTensor(dt, o.Dim))
	return m
}

// Forward is self-attention: Attend(x, x, x, nil).
func (m *MultiHeadAttention) Forward(x *graph.Node) *graph.Node {
	y, _ := m.Attend(x, x, x, nil)
	return y
}

// Attend attends from queries q [N T Dim] to keys k and values v [N S Dim]. keyPadding
// is nil or [N S] with 1 where a key is padding (PyTorch's key_padding_mask). It returns
// the output [N T Dim] and the weights of every head [N Heads T S].
func (m *MultiHeadAttention) Attend(q, k, v, keyPadding *graph.Node) (out, weights *graph.Node) {
	qs, ks := q.Shape(), k.Shape()
	if len(qs) != 3 || qs[2] != m.Dim || !ks.Equal(v.Shape()) || len(ks) != 3 || ks[0] != qs[0] || ks[2] != m.Dim {
		panic(&graph.ShapeError{Op: "attention", Inputs: []string{q.Label(), k.Label(), v.Label()},
			Shapes: []graph.Shape{qs, ks, v.Shape()}, Reason: fmt.Sprintf("%s wants q [N T %d], k and v [N S %d]", m.Scope.Path(), m.Dim, m.Dim)})
	}
	n, t, s, d := qs[0], qs[1], ks[1], m.Dim
	proj := func(x *graph.Node, i int) *graph.Node {
		w := ops.Slice(m.InProjWeight, 0, i*d, (i+1)*d)
		b := ops.Slice(m.InProjBias, 0, i*d, (i+1)*d)
		return m.splitHeads(linear(x, w, b))
	}
	scale := 1 / math.Sqrt(float64(d/m.Heads))
	if m.Causal && keyPadding == nil && s >= t {
		// The causal mask alone: ops.CausalSoftmax scales, masks and normalizes in one
		// pass over the visible half of the scores.
		w := ops.CausalSoftmax(ops.MatMulT(proj(q, 0), proj(k, 1), false, true), scale)
		o := ops.MatMul(w, proj(v, 2))
		return m.OutProj.Forward(m.mergeHeads(o)), ops.Reshape(w, n, m.Heads, t, s)
	}
	var mask *graph.Node
	if m.Causal {
		mask = CausalMask(q.Graph(), q.DType(), t, s)
	}
	if keyPadding != nil {
		pad := ops.Reshape(PaddingMask(keyPadding), n, 1, 1, s)
		pad = ops.Reshape(ops.BroadcastTo(pad, n, m.Heads, 1, s), n*m.Heads, 1, s)
		if mask == nil {
			mask = pad
		} else {
			mask = ops.Add(mask, pad)
		}
	}
	o, w := DotProductAttention(proj(q, 0), proj(k, 1), proj(v, 2), mask, scale)
	return m.OutProj.Forward(m.mergeHeads(o)), ops.Reshape(w, n, m.Heads, t, s)
}

// splitHeads is [N T Dim] -> [N*Heads T Dim/Heads].
func (m *MultiHeadAttention) splitHeads(x *graph.Node) *graph.Node { return ops.SplitHeads(x, m.Heads) }

// mergeHeads is [N*Heads T Dim/Heads] -> [N T Dim].
func (m *MultiHeadAttention) mergeHeads(x *graph.Node) *graph.Node { return ops.MergeHeads(x, m.Heads) }
