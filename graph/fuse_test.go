package graph_test

import (
	"fmt"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// The Fuser contract, shown on a toy op: scale(k) multiplies by k, and its kernel absorbs
// the scale after it (one pass multiplying by the product). An op author implements Fuser
// the same way; ops/fuse.go is the real one (convolution, ReLU, pooling).

type scaleOp struct{ k float64 }

func (o scaleOp) Name() string                                        { return fmt.Sprintf("scale%g", o.k) }
func (scaleOp) Shape(in ...graph.Type) (graph.Type, error)            { return in[0], nil }
func (scaleOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return nil }
func (o scaleOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	out, x := y.Float64s(), in[0].Float64s()
	for i, v := range x {
		out[i] = o.k * v
	}
	return nil
}

// Fuse takes another scale: the fused kernel is the scale by the product. (Exact here: the
// factors are powers of two.)
func (o scaleOp) Fuse(next graph.Op) (graph.Kernel, bool) {
	n, ok := next.(scaleOp)
	if !ok {
		return nil, false
	}
	return scaleOp{o.k * n.k}, true
}

// pairOp adds two values: a reader with two inputs, which a scale fuses into as an
// InputFuser (below).
type pairOp struct{}

func (pairOp) Name() string                                          { return "pair" }
func (pairOp) Shape(in ...graph.Type) (graph.Type, error)            { return in[0], nil }
func (pairOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return nil }
func (pairOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	out, a, b := y.Float64s(), in[0].Float64s(), in[1].Float64s()
	for i := range out {
		out[i] = a[i] + b[i]
	}
	return nil
}

func TestFuserContract(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 4)
	a := graph.Apply(scaleOp{2}, x)
	b := graph.Apply(scaleOp{4}, a)
	c := graph.Apply(scaleOp{0.5}, b) // a, b, c: one chain
	d := graph.Apply(scaleOp{8}, x)
	e := graph.Apply(scaleOp{2}, d)
	f := graph.Apply(pairOp{}, e, d) // d has two readers: nothing fuses into e; e fuses into f
	feeds := graph.Feeds{x: graph.FromFloat64s(graph.Float64, []int{4}, []float64{1, -2, 3, 0.25})}

	p := graph.MustCompile(c, f)
	chains := p.Fused()
	if len(chains) != 2 || len(chains[0]) != 3 || chains[0][0] != a || chains[0][2] != c ||
		len(chains[1]) != 2 || chains[1][0] != e || chains[1][1] != f {
		t.Fatalf("fused %v, want the chains a b c and e f", chains)
	}
	got, err := p.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	u, err := graph.CompileUnfused(c, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Fused()) != 0 {
		t.Fatalf("CompileUnfused fused %v", u.Fused())
	}
	want, err := u.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if fmt.Sprint(got[i].Float64s()) != fmt.Sprint(want[i].Float64s()) {
			t.Errorf("output %d: fused %v, unfused %v", i, got[i].Float64s(), want[i].Float64s())
		}
	}
	if p.Value(a) != nil || p.Value(b) != nil || p.Value(d) == nil {
		t.Error("Value: want nil for the fused a and b, a value for d")
	}
	// An output is never fused away: with b an output, the chain stops at it.
	p2 := graph.MustCompile(c, b)
	if chains := p2.Fused(); len(chains) != 1 || len(chains[0]) != 2 || chains[0][1] != b {
		t.Errorf("with b an output: fused %v, want a b (and f is no output of p2)", chains)
	}
	// Trace visits every node of the chain with its own value.
	seen := map[*graph.Node][]float64{}
	if _, err := p.Trace(feeds, func(n *graph.Node, v *tensor.Dense) {
		seen[n] = append([]float64(nil), v.Float64s()...)
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen[a]) != "[2 -4 6 0.5]" || fmt.Sprint(seen[b]) != "[8 -16 24 2]" || fmt.Sprint(seen[c]) != "[4 -8 12 1]" {
		t.Errorf("Trace saw a %v, b %v, c %v", seen[a], seen[b], seen[c])
	}
}

// FuseInput takes a pair reading the scale as either input: the fused kernel adds the
// pair's other input to the scaled value in one pass. Its inputs are the pair's other
// input, then the scale's.
func (o scaleOp) FuseInput(next graph.Op, at int) (graph.Kernel, bool) {
	if _, ok := next.(pairOp); !ok {
		return nil, false
	}
	return scaleAddOp{o.k}, true
}

// scaleAddOp is a pair fused with the scale of one of its inputs: in[0] + k*in[1].
type scaleAddOp struct{ k float64 }

func (o scaleAddOp) Name() string { return fmt.Sprintf("scale%g+pair", o.k) }
func (o scaleAddOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	out, a, x := y.Float64s(), in[0].Float64s(), in[1].Float64s()
	for i := range out {
		out[i] = a[i] + o.k*x[i]
	}
	return nil
}

// A reader with several inputs takes its input's op into its kernel through InputFuser;
// the fused step reads the reader's other inputs and the fused node's, which stay alive
// until it runs, and Trace still sees every node.
func TestInputFuserContract(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 4)
	d := graph.Apply(pairOp{}, x, x)  // a pair: no Fuser, so d keeps its step and buffer
	s := graph.Apply(scaleOp{2}, d)   // fuses into f, so d is read only when f runs
	m := graph.Apply(scaleOp{0.5}, x) // made after d, of d's size: must not take d's buffer
	m2 := graph.Apply(pairOp{}, m, m) // m has two readers here: not fused
	f := graph.Apply(pairOp{}, s, m2) // s, f: one step reading m2 and d
	feeds := graph.Feeds{x: graph.FromFloat64s(graph.Float64, []int{4}, []float64{1, -2, 3, 0.25})}

	p := graph.MustCompile(f)
	chains := p.Fused()
	if len(chains) != 1 || len(chains[0]) != 2 || chains[0][0] != s || chains[0][1] != f {
		t.Fatalf("fused %v, want the chain s f only", chains)
	}
	got, err := p.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	u, err := graph.CompileUnfused(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := u.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	// 4x + x: exact in binary for these x.
	if fmt.Sprint(got[0].Float64s()) != fmt.Sprint(want[0].Float64s()) || fmt.Sprint(got[0].Float64s()) != "[5 -10 15 1.25]" {
		t.Errorf("fused %v, unfused %v, want [5 -10 15 1.25]", got[0].Float64s(), want[0].Float64s())
	}
	if p.Value(s) != nil {
		t.Error("Value(s): want nil, s is fused into f")
	}
	seen := map[*graph.Node][]float64{}
	if _, err := p.Trace(feeds, func(n *graph.Node, v *tensor.Dense) {
		seen[n] = append([]float64(nil), v.Float64s()...)
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen[s]) != "[4 -8 12 1]" || fmt.Sprint(seen[f]) != "[5 -10 15 1.25]" || fmt.Sprint(seen[d]) != "[2 -4 6 0.5]" {
		t.Errorf("Trace saw d %v, s %v, f %v", seen[d], seen[s], seen[f])
	}
}
