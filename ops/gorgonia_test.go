package ops_test

// Cross-checks against gorgonia (gorgonia.org/gorgonia v0.9.18) as an independent oracle.
//
// Each row builds the same function in zerograd and in gorgonia on the same random inputs,
// reduces it to a scalar the same way, Sum(y * R) with a fixed random R of y's shape (so a
// transposed or permuted gradient cannot pass), and runs forward and backward in both:
// zerograd with autodiff.Grad and one compiled Program, gorgonia with G.Grad and a
// TapeMachine. The forward value y and the gradient of every input must agree within 1e-9
// relative to max(1, |a|, |b|) in float64, and within 1e-4 in float32 (every row runs in
// both element types: zerograd kernels are generic, gorgonia's are generated per type).
//
// Ops with a gorgonia twin (adaptations noted at each row):
//
//	add sub mul div (Add, Sub, HadamardProd, HadamardDiv; broadcasting rows use
//	BroadcastAdd/BroadcastSub/BroadcastHadamardDiv), neg exp log sqrt square abs tanh
//	sigmoid relu (Rectify) leaky relu (LeakyRelu), pow with a constant exponent (Pow with a
//	constant node), matmul 2-D (Mul) and batched 3-D (BatchedMatMul), MatMulT (Mul of
//	Transpose, BatchedMatMul's trans flags), transpose with a permutation, reshape, flatten,
//	broadcast-to (G.Broadcast), sum-to (Sum then Reshape), sum / mean / max over axes
//	(keep variants via Reshape), softmax and log-softmax on an axis (SoftMax, LogSoftMax),
//	slice (Slice with G.S), concat, AddScalar and MulScalar (Add/HadamardProd with a
//	constant), Sign (forward only, as x * sign(x)).
//
// Composite twins (gorgonia has no single op; the row builds the textbook formula):
//
//	SoftmaxCrossEntropy: -Sum(t * LogSoftMax(x)) / N, with one-hot or probability rows t
//	(labels are turned into a one-hot constant on the gorgonia side);
//	MeanSquaredError: Mean(Square(a - b)).
//
// No gorgonia twin: Step (gorgonia has no Heaviside op; its comparison ops are not
// differentiable either), OneHot (no graph op in gorgonia), and the internal gradient-only
// ops (tanh_grad, sigmoid_grad, relu_grad, equal, embed). Those are covered by the
// numerical gradient checks in gradcheck_test.go and, through their parent ops, here.
// The CNN ops (convolution and its gradients, pooling) are cross-checked against G.Conv2d
// and G.MaxPool2D in cnn_gorgonia_test.go.
//
// gorgonia quirks met on the way (zerograd agrees with central differences in each case):
//
//   - gorgonia.org/tensor v0.9.24's Dense.Sum along axis 2 of a 4-D tensor is wrong: on a
//     [2 3 5 4] tensor holding i%7 at flat index i it returns [12 17 15 13 17 15 ...] where
//     the sums are [12 17 15 13 14 12 ...] (the 2-D and 3-D sums of the rows below are
//     right). gorgonia's Sum, and the gradient of its repeat (broadcast) op, use it, so the
//     broadcast rows here stay at 3-D.
//   - Slice with G.S(i, i+1) drops the axis, like an index; the row reshapes it back.
//   - Reshape(Mean(x, axes)): the value of the mean read after a TapeMachine run is divided
//     by the count a second time (the loss and gradients are right), and for a mean over
//     all axes the run fails ("Type Mismatch: Tensor-0 float64 != float64"); the mean-keep
//     rows reshape the sum and divide last.
//   - Two input nodes of the same type and shape with no names are one node (hash-consing):
//     every node built here is named.
//   - gorgonia is no oracle for second derivatives: differentiating Sum(dL/dx * R2) again,
//     with L = Sum(exp(x) * R), its TapeMachine returns exp(x) * R, ignoring R2, and G.Grad
//     of a gradient fails ("Non Differentiable WRTs") through Sum, Mean, Transpose, Concat
//     and broadcasts. Second order stays with the numerical checks of gradcheck_test.go.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// gValues draws the inputs of a row.
func gValues(rng *rand.Rand, ins []gInput) [][]float64 {
	vals := make([][]float64, len(ins))
	for i, s := range ins {
		v := make([]float64, graph.Shape(s.shape).Size())
		for j := range v {
			v[j] = s.lo + (s.hi-s.lo)*rng.Float64()
			if !s.pos && rng.IntN(2) == 0 {
				v[j] = -v[j]
			}
		}
		if s.rows {
			c := s.shape[len(s.shape)-1]
			for r := 0; r < len(v); r += c {
				var sum float64
				for _, x := range v[r : r+c] {
					sum += x
				}
				for j := r; j < r+c; j++ {
					v[j] /= sum
				}
			}
		}
		vals[i] = v
	}
	return vals
}

// crossResult is what one framework computed for one row: y, then the gradient of each input.
type crossResult struct {
	shape []int
	loss  float64 // Sum(y * R)
	vals  [][]float64
}

// runZerograd builds and runs a row in zerograd: its inputs are parameters, or the nodes xs
// makes when it is not nil (fed from the feeds it returns for them); the gradients are those
// of every parameter.
func runZerograd(c gorgoniaCase, dt graph.DType, inputs [][]float64, r []float64, xs func(g *graph.Graph) ([]*graph.Node, graph.Feeds)) (crossResult, error) {
	g := graph.New()
	var nodes []*graph.Node
	var feeds graph.Feeds
	if xs != nil {
		nodes, feeds = xs(g)
	} else {
		for i, s := range c.inputs {
			nodes = append(nodes, g.Param(fmt.Sprintf("x%d", i), graph.FromFloat64s(dt, s.shape, inputs[i])))
		}
	}
	y := c.zg(nodes)
	rn := g.Const("R", graph.FromFloat64s(dt, y.Shape(), r[:y.Shape().Size()]))
	loss := ops.Sum(ops.Mul(y, rn))
	var wrt []*graph.Node
	for _, n := range nodes {
		if n.Kind() == graph.KindParam {
			wrt = append(wrt, n)
		}
	}
	grads := autodiff.Grad(loss, wrt...)
	prog, err := graph.Compile(append([]*graph.Node{loss, y}, grads...)...)
	if err != nil {
		return crossResult{}, err
	}
	outs, err := prog.Run(feeds)
	if err != nil {
		return crossResult{}, err
	}
	res := crossResult{shape: y.Shape(), loss: graph.Float64s(outs[0])[0]}
	for _, o := range outs[1:] {
		res.vals = append(res.vals, graph.Float64s(o))
	}
	return res, nil
}

// runGorgonia builds and runs a row in gorgonia. Inputs whose index is in consts get no gradient.
func runGorgonia(c gorgoniaCase, dt graph.DType, inputs [][]float64, r []float64, consts map[int]bool) (res crossResult, err error) {
	g := G.NewGraph()
	var xs, wrt G.Nodes
	for i, s := range c.inputs {
		v := graph.FromFloat64s(dt, s.shape, inputs[i])
		var n *G.Node
		if len(s.shape) == 0 {
			n = G.NewScalar(g, dt.Tensor(), G.WithName(fmt.Sprintf("x%d", i)), G.WithValue(v.Data()))
		} else {
			n = G.NewTensor(g, dt.Tensor(), len(s.shape), G.WithShape(s.shape...), G.WithName(fmt.Sprintf("x%d", i)), G.WithValue(v))
		}
		xs = append(xs, n)
		if !consts[i] {
			wrt = append(wrt, n)
		}
	}
	y, err := c.gg(xs)
	if err != nil {
		return res, fmt.Errorf("gorgonia build: %w", err)
	}
	ys := []int(y.Shape())
	if y.IsScalar() {
		ys = nil
	}
	size := graph.Shape(ys).Size()
	var rn *G.Node
	if len(ys) == 0 {
		rv := graph.FromFloat64s(dt, nil, r[:1])
		rn = G.NewScalar(g, dt.Tensor(), G.WithName("R"), G.WithValue(rv.Data()))
	} else {
		rn = G.NewTensor(g, dt.Tensor(), len(ys), G.WithShape(ys...), G.WithName("R"), G.WithValue(graph.FromFloat64s(dt, ys, r[:size])))
	}
	loss, err := then(G.HadamardProd(y, rn)).and(func(p *G.Node) (*G.Node, error) { return G.Sum(p) })
	if err != nil {
		return res, fmt.Errorf("gorgonia loss: %w", err)
	}
	grads, err := G.Grad(loss, wrt...)
	if err != nil {
		return res, fmt.Errorf("gorgonia grad: %w", err)
	}
	var yv, lv G.Value
	G.Read(y, &yv)
	G.Read(loss, &lv)
	gvs := make([]G.Value, len(grads))
	for i, gn := range grads {
		G.Read(gn, &gvs[i])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return res, fmt.Errorf("gorgonia run: %w", err)
	}
	res.shape = ys
	res.loss = gValueFloats(lv)[0]
	for _, v := range append([]G.Value{yv}, gvs...) {
		res.vals = append(res.vals, gValueFloats(v))
	}
	return res, nil
}

// gValueFloats reads a gorgonia value (a tensor or a scalar) as float64s.
func gValueFloats(v G.Value) []float64 {
	switch d := v.Data().(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	panic(fmt.Sprintf("gorgonia value of type %T", v.Data()))
}

// closeTo reports the worst error relative to max(1, |a|, |b|) and where it is.
func closeTo(a, b []float64) (worst float64, at int) {
	for i := range a {
		e := math.Abs(a[i]-b[i]) / math.Max(1, math.Max(math.Abs(a[i]), math.Abs(b[i])))
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if e > worst {
			worst, at = e, i
		}
	}
	return worst, at
}

func compareCross(t *testing.T, z, g crossResult, tol float64, names []string) {
	t.Helper()
	if !graph.Shape(z.shape).Equal(g.shape) {
		t.Fatalf("output shape: zerograd %v, gorgonia %v", graph.Shape(z.shape), graph.Shape(g.shape))
	}
	if w, _ := closeTo([]float64{z.loss}, []float64{g.loss}); w > tol {
		t.Errorf("Sum(y*R): zerograd %.17g, gorgonia %.17g", z.loss, g.loss)
	}
	if len(z.vals) != len(g.vals) {
		t.Fatalf("zerograd gave %d outputs, gorgonia %d", len(z.vals), len(g.vals))
	}
	for i := range z.vals {
		what := "y"
		if i > 0 {
			what = "d/d" + names[i-1]
		}
		if len(z.vals[i]) != len(g.vals[i]) {
			t.Errorf("%s: zerograd has %d values, gorgonia %d", what, len(z.vals[i]), len(g.vals[i]))
			continue
		}
		if w, at := closeTo(z.vals[i], g.vals[i]); w > tol {
			t.Errorf("%s: worst relative error %.3g at %d: zerograd %.17g, gorgonia %.17g", what, w, at, z.vals[i][at], g.vals[i][at])
		}
	}
}

// TestGorgoniaCrossCheck builds every row in both frameworks, in float64 and float32, and
// compares the forward values and the gradient of every input.
func TestGorgoniaCrossCheck(t *testing.T) {
	for i, c := range gorgoniaCases() {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			tol := 1e-9
			if dt == graph.Float32 {
				tol = 1e-4
			}
			t.Run(fmt.Sprintf("%s/%s", c.name, dt), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(i), 11))
				inputs := gValues(rng, c.inputs)
				r := make([]float64, 1024)
				for j := range r {
					r[j] = rng.NormFloat64()
				}
				zr, err := runZerograd(c, dt, inputs, r, nil)
				if err != nil {
					t.Fatal(err)
				}
				gr, err := runGorgonia(c, dt, inputs, r, nil)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for j := range c.inputs {
					names = append(names, fmt.Sprintf("x%d", j))
				}
				compareCross(t, zr, gr, tol, names)
			})
		}
	}
}

// TestGorgoniaCrossEntropyLabels checks SoftmaxCrossEntropy with class labels against
// gorgonia's cross entropy with the same labels as a one-hot constant.
func TestGorgoniaCrossEntropyLabels(t *testing.T) {
	labels := []float64{2, 0, 3, 3, 1}
	rng := rand.New(rand.NewPCG(99, 11))
	xin := gIn(0.1, 3, 5, 4)
	inputs := gValues(rng, []gInput{xin})
	oneHot := make([]float64, 5*4)
	for i, l := range labels {
		oneHot[i*4+int(l)] = 1
	}
	inputs = append(inputs, oneHot)
	r := []float64{rng.NormFloat64()}
	c := gorgoniaCase{
		name:   "softmax cross entropy labels",
		inputs: []gInput{xin, {shape: []int{5, 4}}},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.SoftmaxCrossEntropy(xs[0], xs[1]) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return gCrossEntropy(xs[0], xs[1]) },
	}
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		tol := 1e-9
		if dt == graph.Float32 {
			tol = 1e-5
		}
		zr, err := runZerograd(c, dt, inputs, r, func(g *graph.Graph) ([]*graph.Node, graph.Feeds) {
			x0 := g.Param("x0", graph.FromFloat64s(dt, []int{5, 4}, inputs[0]))
			lbl := g.Input("t", dt, 5)
			return []*graph.Node{x0, lbl}, graph.Feeds{lbl: graph.FromFloat64s(dt, []int{5}, labels)}
		})
		if err != nil {
			t.Fatal(err)
		}
		gr, err := runGorgonia(c, dt, inputs, r, map[int]bool{1: true})
		if err != nil {
			t.Fatal(err)
		}
		compareCross(t, zr, gr, tol, []string{"x0"})
	}
}
