package nn

import (
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Embedding is PyTorch's nn.Embedding (the book's Embedding layer): a table weight
// [Num Dim] whose row id is the vector of word id.
//
// Integer ids gather rows (ops.Embedding; the gradient of W scatter-adds, the book's
// backward); float ids, for a float64 table, go through OneHot(ids) W.
type Embedding struct {
	Weight   *graph.Node // [Num Dim], named s.Name("weight") as PyTorch does
	Num, Dim int
}

// EmbeddingOpts configures an Embedding; zero fields take the defaults.
type EmbeddingOpts struct {
	Num, Dim int         // vocabulary size and vector size (required)
	DType    graph.DType // default Float32
	Rand     *rand.Rand  // draws weight ~ N(0, 1) as PyTorch does; default the graph's
}

// NewEmbedding adds an embedding table in s.
//
//	emb := nn.NewEmbedding(g.In("embed"), nn.EmbeddingOpts{Num: 10000, Dim: 100}) // embed.weight
func NewEmbedding(s graph.Scope, o EmbeddingOpts) *Embedding {
	if o.Num <= 0 || o.Dim <= 0 {
		panic(&graph.ShapeError{Op: "embedding", Inputs: []string{s.Path()}, Reason: "EmbeddingOpts needs Num and Dim > 0"})
	}
	dt, rng, _ := defaults(s, o.DType, o.Rand, nil)
	return &Embedding{Weight: s.Param("weight", RandomTensor(rng, dt, 1, o.Num, o.Dim)), Num: o.Num, Dim: o.Dim}
}

// Forward looks up ids [M] and returns their rows [M Dim]. Ids are Int32 or Int64 for a
// float32 table; a float64 table takes its ids as float64 values (OneHot makes rows of
// the ids' element type). For ids [N T], feed them flattened row-major and reshape the
// result: ops.Reshape(emb.Forward(ids), N, T, Dim).
func (l *Embedding) Forward(ids *graph.Node) *graph.Node {
	if ids.DType().IsInt() && l.Weight.DType() != graph.Float32 {
		panic(&graph.ShapeError{Op: "embedding", Inputs: []string{ids.Label(), l.Weight.Label()},
			Shapes: []graph.Shape{ids.Shape(), l.Weight.Shape()},
			Reason: "integer ids make float32 one-hot rows; a " + l.Weight.DType().String() + " table takes its ids as " + l.Weight.DType().String() + " values"})
	}
	if ids.DType().IsInt() {
		return ops.Embedding(l.Weight, ids) // a row copy; the gradient scatter-adds
	}
	return ops.MatMul(ops.OneHot(ids, l.Num), l.Weight)
}
