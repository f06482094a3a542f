package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Block is a pre-norm transformer block (GPT-2's):
//
//	x = x + attn(ln1(x))
//	x = x + fc2(gelu(fc1(ln2(x))))
//
// Its parameters, under the block's scope: ln1.weight, ln1.bias, attn.in_proj_weight,
// attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias, ln2.weight, ln2.bias,
// mlp.fc1.weight, mlp.fc1.bias, mlp.fc2.weight, mlp.fc2.bias: a PyTorch module with
// LayerNorm ln1, ln2, MultiheadAttention attn and Linear mlp.fc1, mlp.fc2 (fc1 inside a
// module named mlp) has the same state dict.
type Block struct {
	LN1, LN2 *LayerNorm
	Attn     *MultiHeadAttention
	FC1, FC2 *Linear
}

// BlockOpts configures a Block; zero fields take the defaults.
type BlockOpts struct {
	Dim, Heads int         // model width and heads (required)
	Hidden     int         // the MLP's hidden width; default 4*Dim
	Causal     bool        // causal self-attention (a decoder-only language model)
	Eps        float64     // layer norms' epsilon; default 1e-5
	DType      graph.DType // default Float32
	Rand       *rand.Rand  // default the graph's
}

// NewBlock adds a transformer block's parameters in s.
//
//	blk := nn.NewBlock(g.In("h0"), nn.BlockOpts{Dim: 64, Heads: 4, Causal: true})
func NewBlock(s graph.Scope, o BlockOpts) *Block {
	if o.Hidden == 0 {
		o.Hidden = 4 * o.Dim
	}
	ln := LayerNormOpts{Dim: o.Dim, Eps: o.Eps, DType: o.DType}
	mlp := s.In("mlp")
	return &Block{
		LN1:  NewLayerNorm(s.In("ln1"), ln),
		Attn: NewMultiHeadAttention(s.In("attn"), AttentionOpts{Dim: o.Dim, Heads: o.Heads, Causal: o.Causal, DType: o.DType, Rand: o.Rand}),
		LN2:  NewLayerNorm(s.In("ln2"), ln),
		FC1:  NewLinear(mlp.In("fc1"), LinearOpts{In: o.Dim, Out: o.Hidden, DType: o.DType, Rand: o.Rand}),
		FC2:  NewLinear(mlp.In("fc2"), LinearOpts{In: o.Hidden, Out: o.Dim, DType: o.DType, Rand: o.Rand}),
	}
}

// Forward runs the block over x [N T Dim] (self-attention, no padding).
func (b *Block) Forward(x *graph.Node) *graph.Node { return b.Run(x, nil) }

// Run runs the block over x [N T Dim]; keyPadding is nil or [N T] with 1 at padding.
func (b *Block) Run(x, keyPadding *graph.Node) *graph.Node {
	h := b.LN1.Forward(x)
	a, _ := b.Attn.Attend(h, h, h, keyPadding)
	x = ops.Add(x, a)
	return ops.Add(x, b.FC2.Forward(GELU(b.FC1.Forward(b.LN2.Forward(x)))))
}

// GELU is the tanh approximation of the Gaussian error linear unit (PyTorch's
// gelu(x, approximate="tanh"), GPT-2's):
//
//	0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
//
// one elementwise op (ops.GELUTanh).
func GELU(x *graph.Node) *graph.Node { return ops.GELUTanh(x) }

// PositionEmbedding is a learned position embedding: a table weight [Max Dim] (named
// "weight", drawn N(0, Std^2)) whose row t is added to step t of a sequence.
type PositionEmbedding struct {
	Weight   *graph.Node
	Max, Dim int
}

// PositionOpts configures a PositionEmbedding; zero fields take the defaults.
type PositionOpts struct {
	Max, Dim int         // longest sequence and vector size (required)
	Std      float64     // default 0.02 (GPT-2's)
	DType    graph.DType // default Float32
	Rand     *rand.Rand  // default the graph's
}

// NewPositionEmbedding adds a learned position table in s.
func NewPositionEmbedding(s graph.Scope, o PositionOpts) *PositionEmbedding {
	if o.Max <= 0 || o.Dim <= 0 {
		panic(&graph.ShapeError{Op: "position_embedding", Inputs: []string{s.Path()}, Reason: "PositionOpts needs Max and Dim > 0"})
	}
	if o.Std == 0 {
		o.Std = 0.02
	}
	dt, rng, _ := defaults(s, o.DType, o.Rand, nil)
	return &PositionEmbedding{Weight: s.Param("weight", RandomTensor(rng, dt, o.Std, o.Max, o.Dim)), Max: o.Max, Dim: o.Dim}
}

// Forward adds the first T rows of the table to x [N T Dim].
func (p *PositionEmbedding) Forward(x *graph.Node) *graph.Node {
	t := checkSeq("position_embedding", x, p.Dim, p.Max)
	return ops.Add(x, ops.Slice(p.Weight, 0, 0, t))
}

// Sinusoidal is the fixed position encoding of "Attention Is All You Need" as a constant
// [T Dim]: PE[t, 2i] = sin(t / 10000^(2i/Dim)), PE[t, 2i+1] = cos(t / 10000^(2i/Dim)).
func Sinusoidal(g *graph.Graph, dt graph.DType, t, dim int) *graph.Node {
	v := make([]float64, t*dim)
	for pos := range t {
		for i := 0; i < dim; i += 2 {
			a := float64(pos) / math.Pow(10000, float64(i)/float64(dim))
			v[pos*dim+i] = math.Sin(a)
			if i+1 < dim {
				v[pos*dim+i+1] = math.Cos(a)
			}
		}
	}
	return g.Const(fmt.Sprintf("sinusoidal_%dx%d", t, dim), graph.FromFloat64s(dt, []int{t, dim}, v))
}

// AddSinusoidal adds the sinusoidal encoding to x [N T Dim].
func AddSinusoidal(x *graph.Node) *graph.Node {
	s := x.Shape()
	dim := 0
	if len(s) == 3 {
		dim = s[2]
	}
	t := checkSeq("sinusoidal", x, dim, math.MaxInt)
	return ops.Add(x, Sinusoidal(x.Graph(), x.DType(), t, dim))
}

// checkSeq checks that x is [N T dim] with T <= max and returns T.
func checkSeq(op string, x *graph.Node, dim, max int) int {
	s := x.Shape()
	if len(s) != 3 || s[2] != dim || s[1] > max {
		panic(&graph.ShapeError{Op: op, Inputs: []string{x.Label()}, Shapes: []graph.Shape{s},
			Reason: fmt.Sprintf("want [N T %d] with T <= %d", dim, max)})
	}
	return s[1]
}
