package nn

import (
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Embedding is PyTorch's nn.Embedding (the book's Embedding layer): a table weight
// [Num Dim] whose row id is the vector of word id. It is ops.Embedding over the table: a
// row copy per id, whose gradient adds each id's gradient row back into the table (the
// book's scatter-add, summing the rows of repeated ids).
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

// Forward looks up ids of any shape (int32 or int64: [M], [N T], ...) and returns their
// rows, [ids... Dim]; ids [N T] give [N T Dim], the input of a recurrent layer. An id
// outside [0, Num) is a run-time error.
func (l *Embedding) Forward(ids *graph.Node) *graph.Node { return ops.Embedding(l.Weight, ids) }
