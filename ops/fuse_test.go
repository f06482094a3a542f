package ops_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Tests of the fused convolution kernels (fuse.go): a compiled forward pass whose
// convolution runs the activation and the max pooling after it must give what the ops give
// one by one, bit for bit; fusion happens only where the values in between have no other
// reader; Trace and the NaN check still see every node.

// fusedCase is a convolution, an optional activation, and an optional max pooling.
type fusedCase struct {
	n, c, h, w          int
	fn, f, stride, pad  int
	bias                bool
	act                 string // "", "relu", "leaky", "negleaky"
	pool, pstride, ppad int    // pool window (0: none)
	flatten             bool
}

func (c fusedCase) String() string {
	return fmt.Sprintf("x[%d %d %d %d] conv %dx%dx%d s%d p%d bias=%v %s pool %d s%d p%d flatten=%v",
		c.n, c.c, c.h, c.w, c.fn, c.f, c.f, c.stride, c.pad, c.bias, c.act, c.pool, c.pstride, c.ppad, c.flatten)
}

// build makes the chain on a new graph with random values, NaNs among them when nan is set.
func (c fusedCase) build(dt graph.DType, nan bool, seed uint64) (out *graph.Node, conv *graph.Node, feeds graph.Feeds) {
	rng := rand.New(rand.NewPCG(seed, 1))
	vals := func(n int) []float64 {
		v := randVals(rng, n)
		if nan {
			for range 1 + n/50 {
				v[rng.IntN(n)] = math.NaN()
			}
		}
		return v
	}
	g := graph.New()
	x := g.Input("x", dt, c.n, c.c, c.h, c.w)
	W := g.Param("W", graph.FromFloat64s(dt, []int{c.fn, c.c, c.f, c.f}, vals(c.fn*c.c*c.f*c.f)))
	if c.bias {
		b := g.Param("b", graph.FromFloat64s(dt, []int{c.fn}, randVals(rng, c.fn)))
		conv = ops.Conv2DBias(x, W, b, c.stride, c.pad)
	} else {
		conv = ops.Conv2D(x, W, c.stride, c.pad)
	}
	out = conv
	switch c.act {
	case "relu":
		out = ops.ReLU(out)
	case "leaky":
		out = ops.LeakyReLU(out, 0.1)
	case "negleaky":
		out = ops.LeakyReLU(out, -0.5)
	}
	if c.pool > 0 {
		out = ops.MaxPool2D(out, c.pool, c.pool, c.pstride, c.ppad)
	}
	if c.flatten {
		out = ops.Flatten(out)
	}
	feeds = graph.Feeds{x: graph.FromFloat64s(dt, []int{c.n, c.c, c.h, c.w}, vals(c.n*c.c*c.h*c.w))}
	return out, conv, feeds
}

var fusedCases = []fusedCase{
	{n: 100, c: 1, h: 28, w: 28, fn: 30, f: 5, stride: 1, bias: true, act: "relu", pool: 2, pstride: 2, flatten: true}, // SimpleConvNet
	{n: 3, c: 16, h: 14, w: 14, fn: 32, f: 3, stride: 1, pad: 1, bias: true, act: "relu", pool: 2, pstride: 2},
	{n: 7, c: 3, h: 9, w: 11, fn: 5, f: 3, stride: 2, pad: 1, act: "relu", pool: 2, pstride: 2}, // odd plane heights
	{n: 5, c: 2, h: 12, w: 12, fn: 4, f: 3, stride: 1, pad: 0, bias: true, act: "leaky", pool: 3, pstride: 2, ppad: 1},
	{n: 4, c: 2, h: 10, w: 10, fn: 6, f: 3, stride: 1, pad: 2, bias: true, act: "negleaky", pool: 2, pstride: 2},
	{n: 6, c: 1, h: 20, w: 20, fn: 8, f: 5, stride: 1, bias: true, act: "relu", flatten: true}, // no pooling
	{n: 6, c: 2, h: 13, w: 13, fn: 3, f: 2, stride: 1, bias: true, pool: 2, pstride: 2},        // no activation
	{n: 1, c: 1, h: 5, w: 5, fn: 1, f: 1, stride: 1, act: "relu", pool: 2, pstride: 1},
	{n: 64, c: 1, h: 8, w: 8, fn: 4, f: 3, stride: 1, pad: 1, bias: true, act: "relu", pool: 2, pstride: 2}, // many images per group
}

// sameBits says whether a and b are equal bit for bit, any NaN equal to any NaN.
func sameBits(a, b []float64) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

func TestFusedConvMatchesUnfused(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		for i, c := range fusedCases {
			for _, nan := range []bool{false, true} {
				out, conv, feeds := c.build(dt, nan, uint64(i))
				fused, unfused := graph.MustCompile(out), must(graph.CompileUnfused(out))
				if len(fused.Fused()) != 1 || len(unfused.Fused()) != 0 {
					t.Fatalf("%v: fused chains %d and %d, want 1 and 0", c, len(fused.Fused()), len(unfused.Fused()))
				}
				if chain := fused.Fused()[0]; chain[0] != conv || chain[len(chain)-1] != out {
					t.Fatalf("%v: fused chain %v, want it from %v to %v", c, chain, conv, out)
				}
				for run := range 2 { // the second run reuses the scratch
					got, err := fused.Run(feeds)
					if err != nil {
						t.Fatal(err)
					}
					want, err := unfused.Run(feeds)
					if err != nil {
						t.Fatal(err)
					}
					if at, ok := sameBits(graph.Float64s(got[0]), graph.Float64s(want[0])); !ok {
						t.Fatalf("%s %v nan=%v run %d: fused differs at %d: %v, unfused %v", dt, c, nan, run, at,
							graph.Float64s(got[0])[max(at, 0)], graph.Float64s(want[0])[max(at, 0)])
					}
				}
				if fused.Value(conv) != nil {
					t.Errorf("%v: the fused program keeps a value for the convolution", c)
				}
			}
		}
	}
}

// runUnfused runs outs once, unfused, and returns float64 copies.
func runUnfused(t *testing.T, feeds graph.Feeds, outs ...*graph.Node) [][]float64 {
	t.Helper()
	return runProgram(t, must(graph.CompileUnfused(outs...)), feeds)
}

func must(p *graph.Program, err error) *graph.Program {
	if err != nil {
		panic(err)
	}
	return p
}

// TestFusionNeedsASoleReader: in a training step the convolution fuses its ReLU, whose
// gradient reads the ReLU's output, but not the pooling (the gradients read the ReLU's
// output too), and a leaky ReLU of negative slope, whose gradient reads its input, not at
// all; the pooling's gradient fuses the ReLU's gradient (which reads it and the mask);
// nothing fuses when a value in between is an output.
func TestFusionNeedsASoleReader(t *testing.T) {
	c := fusedCases[1]
	out, conv, feeds := c.build(graph.Float64, false, 3)
	loss := ops.Sum(out)
	W := conv.Inputs()[1]
	grads := autodiff.Grad(loss, W)
	train := graph.MustCompile(loss, grads[0])
	if got := chainNames(train); got != "conv2d relu | max_pool2d_grad relu_grad" {
		t.Errorf("training step: fused %s, want conv+relu and max_pool2d_grad+relu_grad", got)
	}
	matchesUnfused(t, train, feeds, loss, grads[0])
	neg := fusedCases[4]
	nout, nconv, _ := neg.build(graph.Float64, false, 3)
	nloss := ops.Sum(nout)
	if got := chainNames(graph.MustCompile(nloss, autodiff.Grad(nloss, nconv.Inputs()[1])[0])); got != "max_pool2d_grad relu_grad" {
		t.Errorf("training step with a negative slope: fused %s, want max_pool2d_grad+relu_grad only", got)
	}
	relu := out.Inputs()[0]
	p := graph.MustCompile(out, relu)
	if chains := p.Fused(); len(chains) != 1 || len(chains[0]) != 2 || chains[0][1] != relu {
		t.Errorf("relu as an output: fused %v, want conv+relu only", chains)
	}
	matchesUnfused(t, p, feeds, out, relu)
}

// chainNames lists the ops of p's fused chains: "conv2d relu | max_pool2d_grad relu_grad".
func chainNames(p *graph.Program) string {
	var chains []string
	for _, ch := range p.Fused() {
		var names []string
		for _, n := range ch {
			names = append(names, n.Op().Name())
		}
		chains = append(chains, strings.Join(names, " "))
	}
	return strings.Join(chains, " | ")
}

// TestFusedTrainingMatchesUnfused: a training step's fused kernels (the convolution with
// its activation, the pooling's gradient with the activation's) give the gradients the ops
// give one by one, bit for bit, NaN where they give NaN, in float32 and float64; Trace
// visits every node of the fused program with the unfused program's values.
func TestFusedTrainingMatchesUnfused(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		for i, c := range fusedCases {
			if c.act == "" || c.pool == 0 {
				continue
			}
			for _, nan := range []bool{false, true} {
				out, conv, feeds := c.build(dt, nan, uint64(i))
				rng := rand.New(rand.NewPCG(uint64(i), 2))
				R := out.Graph().Const("R", graph.FromFloat64s(dt, out.Shape(), randVals(rng, out.Shape().Size())))
				loss := ops.Sum(ops.Mul(out, R))
				params := conv.Inputs()[1:]
				outs := append([]*graph.Node{loss}, autodiff.Grad(loss, params...)...)
				fused := graph.MustCompile(outs...)
				if !strings.Contains(chainNames(fused), "max_pool2d_grad relu_grad") {
					t.Fatalf("%v: fused %s, want max_pool2d_grad+relu_grad among them", c, chainNames(fused))
				}
				want := runUnfused(t, feeds, outs...)
				for run := range 2 {
					got := runProgram(t, fused, feeds)
					for k := range got {
						if at, ok := sameBits(got[k], want[k]); !ok {
							t.Fatalf("%s %v nan=%v run %d: output %d differs at %d: %v, unfused %v",
								dt, c, nan, run, k, at, got[k][max(at, 0)], want[k][max(at, 0)])
						}
					}
				}
				if nan {
					continue
				}
				seen := func(p *graph.Program) map[*graph.Node][]float64 {
					m := map[*graph.Node][]float64{}
					if _, err := p.Trace(feeds, func(n *graph.Node, v *tensor.Dense) { m[n] = graph.Float64s(v) }); err != nil {
						t.Fatal(err)
					}
					return m
				}
				tg, tw := seen(fused), seen(must(graph.CompileUnfused(outs...)))
				if len(tg) != len(tw) {
					t.Fatalf("%v: Trace visited %d nodes fused, %d unfused", c, len(tg), len(tw))
				}
				for n, v := range tw {
					if at, ok := sameBits(tg[n], v); !ok {
						t.Errorf("%v: Trace of %v differs at %d", c, n, at)
					}
				}
			}
		}
	}
}

// matchesUnfused runs p and checks each of its outputs outs against the unfused program's,
// bit for bit.
func matchesUnfused(t *testing.T, p *graph.Program, feeds graph.Feeds, outs ...*graph.Node) {
	t.Helper()
	got := runProgram(t, p, feeds)
	want := runUnfused(t, feeds, outs...)
	for i := range got {
		if at, ok := sameBits(got[i], want[i]); !ok {
			t.Errorf("output %d differs at %d", i, at)
		}
	}
}

// TestFusedTraceVisitsEveryNode: Trace runs a fused chain's ops one by one, so the
// step-through page still shows the convolution and the ReLU, with the values an unfused
// program computes.
func TestFusedTraceVisitsEveryNode(t *testing.T) {
	c := fusedCases[2]
	out, _, feeds := c.build(graph.Float32, false, 4)
	seen := func(p *graph.Program) map[*graph.Node][]float64 {
		m := map[*graph.Node][]float64{}
		if _, err := p.Trace(feeds, func(n *graph.Node, v *tensor.Dense) { m[n] = graph.Float64s(v) }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	fused := graph.MustCompile(out)
	if len(fused.Fused()) != 1 {
		t.Fatal("nothing fused")
	}
	got, want := seen(fused), seen(must(graph.CompileUnfused(out)))
	if len(got) != len(want) {
		t.Fatalf("Trace visited %d nodes fused, %d unfused", len(got), len(want))
	}
	for n, v := range want {
		if at, ok := sameBits(got[n], v); !ok {
			t.Errorf("node %v differs at %d", n, at)
		}
	}
	// Run after Trace still runs the fused kernel and gives the same output.
	outs, err := fused.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sameBits(graph.Float64s(outs[0]), want[out]); !ok {
		t.Error("Run after Trace differs")
	}
}

// TestFusedDebugNamesTheChain: the NaN check of a fused step names the last node, the
// fused kernel and the inputs it read.
func TestFusedDebugNamesTheChain(t *testing.T) {
	c := fusedCases[2]
	out, _, feeds := c.build(graph.Float64, true, 5)
	p := graph.MustCompile(out)
	p.SetDebug(true)
	_, err := p.Run(feeds)
	if err == nil {
		t.Fatal("no error for NaN inputs")
	}
	for _, want := range []string{"max_pool2d", "fused: conv2d+relu+max_pool2d", "input 0 x"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestFusedKeepsInputsAlive builds a graph whose node ids put another node between the
// convolution and its ReLU, of the size of the convolution's input: the planner must not
// hand it the input's buffer, which the fused step reads later.
func TestFusedKeepsInputsAlive(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	g := graph.New()
	in := g.Input("in", graph.Float64, 2, 1, 8, 8)
	x := ops.Neg(in) // an op: its buffer is planned
	W := g.Param("W", graph.FromFloat64s(graph.Float64, []int{3, 1, 3, 3}, randVals(rng, 3*9)))
	conv := ops.Conv2D(x, W, 1, 1)
	other := ops.Exp(in) // same size as x; its id is between conv's and relu's
	out := ops.MaxPool2D(ops.ReLU(conv), 2, 2, 2, 0)
	feeds := graph.Feeds{in: graph.FromFloat64s(graph.Float64, []int{2, 1, 8, 8}, randVals(rng, 128))}
	p := graph.MustCompile(out, other)
	if len(p.Fused()) != 1 {
		t.Fatalf("fused %v", p.Fused())
	}
	matchesUnfused(t, p, feeds, out, other)
}

// TestFusedConcurrentPrograms runs two fused programs of one graph from several goroutines
// at once: they share the convolution node's scratch (its lock takes turns), and every run
// gives the unfused result.
func TestFusedConcurrentPrograms(t *testing.T) {
	c := fusedCases[1]
	out, _, feeds := c.build(graph.Float32, false, 7)
	want := runUnfused(t, feeds, out)[0]
	progs := []*graph.Program{graph.MustCompile(out), graph.MustCompile(out)}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func(p *graph.Program) {
			defer wg.Done()
			for range 3 {
				got, err := p.RunCopy(feeds)
				if err != nil {
					errs <- err
					return
				}
				if at, ok := sameBits(graph.Float64s(got[0]), want); !ok {
					errs <- fmt.Errorf("a concurrent run differs at %d", at)
					return
				}
			}
		}(progs[i%2])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestFusedRunsAllocateNothing: after its first run, a fused program (the SimpleConvNet
// case, pooled and flattened) allocates nothing, on all cores.
func TestFusedRunsAllocateNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own; the plain test run checks this")
	}
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		out, _, feeds := fusedCases[0].build(dt, false, 8)
		p := graph.MustCompile(out)
		if _, err := p.Run(feeds); err != nil {
			t.Fatal(err)
		}
		n := ops.WarmAllocs(20, 0.5, func() {
			if _, err := p.Run(feeds); err != nil {
				t.Fatal(err)
			}
		})
		if n >= 0.5 {
			t.Errorf("%s: %.1f allocations per fused run", dt, n)
		}
	}
}

// backCase is two convolutions with a ReLU (and optionally a max pooling) between them, as
// DeepConvNet stacks them: the second's input gradient fuses the pooling's gradient and
// the ReLU's.
type backCase struct {
	n, c, h, w  int
	fn1, fn2, f int
	stride, pad int    // of the second convolution
	act         string // "relu", "leaky", "negleaky"
	pool        int    // 2 or 3 (stride 2, pad pool/3), 0: none
}

func (c backCase) build(dt graph.DType, nan bool, seed uint64) (outs []*graph.Node, feeds graph.Feeds) {
	rng := rand.New(rand.NewPCG(seed, 3))
	vals := func(n int) []float64 {
		v := randVals(rng, n)
		if nan {
			for range 1 + n/200 {
				v[rng.IntN(n)] = math.NaN()
			}
		}
		return v
	}
	g := graph.New()
	x := g.Input("x", dt, c.n, c.c, c.h, c.w)
	W1 := g.Param("W1", graph.FromFloat64s(dt, []int{c.fn1, c.c, 3, 3}, randVals(rng, c.fn1*c.c*9)))
	b1 := g.Param("b1", graph.FromFloat64s(dt, []int{c.fn1}, randVals(rng, c.fn1)))
	W2 := g.Param("W2", graph.FromFloat64s(dt, []int{c.fn2, c.fn1, c.f, c.f}, randVals(rng, c.fn2*c.fn1*c.f*c.f)))
	h := ops.Conv2DBias(x, W1, b1, 1, 1)
	switch c.act {
	case "relu":
		h = ops.ReLU(h)
	case "leaky":
		h = ops.LeakyReLU(h, 0.1)
	case "negleaky":
		h = ops.LeakyReLU(h, -0.5)
	}
	if c.pool > 0 {
		h = ops.MaxPool2D(h, c.pool, c.pool, 2, c.pool/3)
	}
	out := ops.ReLU(ops.Conv2D(h, W2, c.stride, c.pad))
	R := g.Const("R", graph.FromFloat64s(dt, out.Shape(), randVals(rng, out.Shape().Size())))
	loss := ops.Sum(ops.Mul(out, R))
	outs = append([]*graph.Node{loss}, autodiff.Grad(loss, W1, b1, W2)...)
	feeds = graph.Feeds{x: graph.FromFloat64s(dt, []int{c.n, c.c, c.h, c.w}, vals(c.n*c.c*c.h*c.w))}
	return outs, feeds
}

var backCases = []backCase{
	{n: 4, c: 3, h: 12, w: 12, fn1: 16, fn2: 16, f: 3, stride: 1, pad: 1, act: "relu", pool: 2},   // Winograd in float32
	{n: 5, c: 2, h: 9, w: 9, fn1: 16, fn2: 24, f: 3, stride: 1, pad: 2, act: "relu"},              // no pooling
	{n: 6, c: 2, h: 11, w: 10, fn1: 5, fn2: 6, f: 5, stride: 1, pad: 2, act: "leaky", pool: 3},    // im2col, overlapping windows
	{n: 3, c: 1, h: 10, w: 10, fn1: 4, fn2: 3, f: 3, stride: 2, pad: 1, act: "negleaky", pool: 2}, // mask from the input
	{n: 64, c: 1, h: 8, w: 8, fn1: 8, fn2: 8, f: 3, stride: 1, pad: 1, act: "relu", pool: 2},      // many groups
}

// TestFusedInputGradMatchesUnfused: the fused input gradients (with the pooling's and the
// ReLU's gradients) give what the ops give one by one, bit for bit, NaN where they give NaN,
// in float32 and float64, by im2col and by Winograd; Trace sees every node's unfused value.
func TestFusedInputGradMatchesUnfused(t *testing.T) {
	for _, wino := range []int{0, 1, -1} {
		restore := ops.ForceWinograd(wino)
		for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
			for i, c := range backCases {
				for _, nan := range []bool{false, true} {
					outs, feeds := c.build(dt, nan, uint64(i))
					fused := graph.MustCompile(outs...)
					want := "conv2d_input_grad relu_grad"
					if c.pool > 0 {
						want = "conv2d_input_grad max_pool2d_grad relu_grad"
					}
					if !strings.Contains(chainNames(fused), want) {
						t.Fatalf("%+v: fused %s, want %s among them", c, chainNames(fused), want)
					}
					ref := runUnfused(t, feeds, outs...)
					for run := range 2 {
						got := runProgram(t, fused, feeds)
						for k := range got {
							if at, ok := sameBits(got[k], ref[k]); !ok {
								t.Fatalf("wino %d %s %+v nan=%v run %d: output %d differs at %d: %v, unfused %v",
									wino, dt, c, nan, run, k, at, got[k][max(at, 0)], ref[k][max(at, 0)])
							}
						}
					}
					if nan || wino != 0 {
						continue
					}
					seen := func(p *graph.Program) map[*graph.Node][]float64 {
						m := map[*graph.Node][]float64{}
						if _, err := p.Trace(feeds, func(n *graph.Node, v *tensor.Dense) { m[n] = graph.Float64s(v) }); err != nil {
							t.Fatal(err)
						}
						return m
					}
					tg, tw := seen(fused), seen(must(graph.CompileUnfused(outs...)))
					if len(tg) != len(tw) {
						t.Fatalf("%+v: Trace visited %d nodes fused, %d unfused", c, len(tg), len(tw))
					}
					for n, v := range tw {
						if at, ok := sameBits(tg[n], v); !ok {
							t.Errorf("%+v: Trace of %v differs at %d", c, n, at)
						}
					}
				}
			}
		}
		restore()
	}
}
