package ops_test

import (
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// BenchmarkSeqOps runs each sequence op forward and backward at a small transformer's
// sizes (batch 16, 64 tokens, width 128), in float32: one run of a compiled program.
func BenchmarkSeqOps(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	randF32 := func(g *graph.Graph, name string, shape ...int) *graph.Node {
		v := make([]float64, graph.Shape(shape).Size())
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return g.Param(name, graph.FromFloat64s(graph.Float32, shape, v))
	}
	ids := func(g *graph.Graph, n int, shape ...int) *graph.Node {
		v := make([]int32, graph.Shape(shape).Size())
		for i := range v {
			v[i] = int32(rng.IntN(n))
		}
		return g.Const("ids", graph.I32(shape, v...))
	}
	for _, c := range []struct {
		name  string
		build func(g *graph.Graph) (loss *graph.Node, wrt []*graph.Node)
	}{
		{"matmul [16 64 128] x [128 128]", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			x, w := randF32(g, "x", 16, 64, 128), randF32(g, "W", 128, 128)
			return ops.Sum(ops.MatMul(x, w)), []*graph.Node{x, w}
		}},
		{"attention scores [16 4 64 32] x [16 4 64 32]^T", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			q, k := randF32(g, "q", 16, 4, 64, 32), randF32(g, "k", 16, 4, 64, 32)
			return ops.Sum(ops.MatMulT(q, k, false, true)), []*graph.Node{q, k}
		}},
		{"layer norm [16 64 128]", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			x, gm, bt := randF32(g, "x", 16, 64, 128), randF32(g, "gamma", 128), randF32(g, "beta", 128)
			return ops.Sum(ops.Mul(ops.LayerNorm(x, gm, bt, 1e-5), x)), []*graph.Node{x, gm, bt}
		}},
		{"embedding [16 64] of [1000 128]", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			w := randF32(g, "W", 1000, 128)
			return ops.Sum(ops.Square(ops.Embedding(w, ids(g, 1000, 16, 64)))), []*graph.Node{w}
		}},
		{"gelu [16 64 512]", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			x := randF32(g, "x", 16, 64, 512)
			return ops.Sum(ops.GELU(x)), []*graph.Node{x}
		}},
		{"masked softmax [16 4 64 64]", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			x := randF32(g, "x", 16, 4, 64, 64)
			m := make([]int32, 64*64)
			for i := range 64 {
				for j := i + 1; j < 64; j++ {
					m[i*64+j] = 1
				}
			}
			s := ops.MaskedFill(x, g.Const("causal", graph.I32(graph.Shape{64, 64}, m...)), -1e9)
			return ops.Sum(ops.Mul(ops.Softmax(s, -1), x)), []*graph.Node{x}
		}},
		{"cross entropy [16 64 1000]", func(g *graph.Graph) (*graph.Node, []*graph.Node) {
			x := randF32(g, "x", 16, 64, 1000)
			return ops.CrossEntropyIgnore(x, ids(g, 1000, 16, 64), 0), []*graph.Node{x}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			g := graph.New()
			loss, wrt := c.build(g)
			prog := graph.MustCompile(append([]*graph.Node{loss}, autodiff.Grad(loss, wrt...)...)...)
			if _, err := prog.Run(nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := prog.Run(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
