package ops_test

import (
	"math/rand/v2"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Gradient-check rows for the CNN ops (conv.go, pool.go, im2col.go, norm.go), appended to
// the table of gradcheck_test.go so that its guard sees them. Sizes are small, strides and
// paddings varied (including strides that do not divide evenly); values come from param,
// of random sign and magnitude in [lo, hi], so max-pool windows have no ties.

func init() {
	gradCases = append(gradCases, convGradCases()...)
	gradCases = append(gradCases, poolGradCases()...)
	gradCases = append(gradCases, normGradCases()...)
}

type shapes [][]int

// paramsCase checks f with respect to parameters of the given shapes, first or second order.
func paramsCase(name string, second bool, ss shapes, f func(xs []*graph.Node) *graph.Node) gradCase {
	return gradCase{name: name, second: second, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		xs := make([]*graph.Node, len(ss))
		for i, s := range ss {
			xs[i] = param(g, rng, string(rune('a'+i)), 0.1, 2, s...)
		}
		return f(xs), xs
	}}
}

func convGradCases() []gradCase {
	conv := func(stride, pad int) func(xs []*graph.Node) *graph.Node {
		return func(xs []*graph.Node) *graph.Node { return ops.Conv2D(xs[0], xs[1], stride, pad) }
	}
	convB := func(stride, pad int) func(xs []*graph.Node) *graph.Node {
		return func(xs []*graph.Node) *graph.Node { return ops.Conv2DBias(xs[0], xs[1], xs[2], stride, pad) }
	}
	sq := func(f func([]*graph.Node) *graph.Node) func([]*graph.Node) *graph.Node {
		return func(xs []*graph.Node) *graph.Node { return ops.Square(f(xs)) }
	}
	return []gradCase{
		paramsCase("conv2d stride 1 pad 0", false, shapes{{2, 2, 5, 5}, {3, 2, 3, 3}}, conv(1, 0)),
		paramsCase("conv2d bias stride 2 pad 1", false, shapes{{2, 2, 5, 6}, {3, 2, 3, 2}, {3}}, convB(2, 1)),
		paramsCase("conv2d stride 3 pad 2 uneven", false, shapes{{1, 1, 6, 7}, {2, 1, 2, 3}}, conv(3, 2)),
		paramsCase("conv2d 1x1 filters", false, shapes{{2, 3, 3, 3}, {2, 3, 1, 1}, {2}}, convB(1, 0)),
		paramsCase("conv2d more filters than patch", false, shapes{{3, 1, 5, 5}, {6, 1, 2, 2}, {6}}, convB(1, 1)),
		paramsCase("conv2d_input_grad stride 2 pad 1", false, shapes{{2, 3, 3, 3}, {3, 2, 3, 3}},
			func(xs []*graph.Node) *graph.Node { return ops.Conv2DInputGrad(xs[0], xs[1], []int{2, 2, 6, 5}, 2, 1) }),
		paramsCase("conv2d_filter_grad stride 1 pad 1", false, shapes{{2, 2, 4, 4}, {2, 3, 4, 3}},
			func(xs []*graph.Node) *graph.Node { return ops.Conv2DFilterGrad(xs[0], xs[1], 3, 4, 1, 1) }),
		paramsCase("2nd order conv2d bias stride 1 pad 1", true, shapes{{2, 2, 4, 4}, {2, 2, 3, 3}, {2}}, sq(convB(1, 1))),
		paramsCase("2nd order conv2d stride 2 pad 0", true, shapes{{1, 2, 5, 5}, {2, 2, 2, 3}}, sq(conv(2, 0))),
		paramsCase("2nd order conv2d_input_grad", true, shapes{{2, 3, 3, 3}, {3, 2, 3, 3}},
			sq(func(xs []*graph.Node) *graph.Node { return ops.Conv2DInputGrad(xs[0], xs[1], []int{2, 2, 5, 5}, 2, 1) })),
		paramsCase("2nd order conv2d_filter_grad", true, shapes{{2, 2, 4, 4}, {2, 3, 2, 2}},
			sq(func(xs []*graph.Node) *graph.Node { return ops.Conv2DFilterGrad(xs[0], xs[1], 3, 3, 1, 0) })),
		paramsCase("im2col stride 1 pad 1", false, shapes{{2, 2, 4, 5}},
			func(xs []*graph.Node) *graph.Node { return ops.Im2Col(xs[0], 2, 3, 1, 1) }),
		paramsCase("im2col stride 2 pad 0", false, shapes{{1, 3, 5, 5}},
			func(xs []*graph.Node) *graph.Node { return ops.Im2Col(xs[0], 3, 3, 2, 0) }),
		paramsCase("col2im stride 2 pad 1", false, shapes{{2 * 3 * 2, 2 * 3 * 3}},
			func(xs []*graph.Node) *graph.Node { return ops.Col2Im(xs[0], []int{2, 2, 5, 4}, 3, 3, 2, 1) }),
		paramsCase("2nd order im2col", true, shapes{{1, 2, 4, 4}},
			sq(func(xs []*graph.Node) *graph.Node { return ops.Im2Col(xs[0], 2, 2, 2, 1) })),
		paramsCase("2nd order col2im", true, shapes{{9, 8}},
			sq(func(xs []*graph.Node) *graph.Node { return ops.Col2Im(xs[0], []int{1, 2, 4, 4}, 2, 2, 1, 0) })),
	}
}

func poolGradCases() []gradCase {
	pool := func(f func(*graph.Node, int, int, int, int) *graph.Node, fh, fw, stride, pad int) func([]*graph.Node) *graph.Node {
		return func(xs []*graph.Node) *graph.Node { return f(xs[0], fh, fw, stride, pad) }
	}
	sq := func(f func([]*graph.Node) *graph.Node) func([]*graph.Node) *graph.Node {
		return func(xs []*graph.Node) *graph.Node { return ops.Square(f(xs)) }
	}
	return []gradCase{
		paramsCase("max pool 2x2 stride 2", false, shapes{{2, 2, 4, 4}}, pool(ops.MaxPool2D, 2, 2, 2, 0)),
		paramsCase("max pool 3x3 stride 2 pad 1", false, shapes{{2, 2, 5, 6}}, pool(ops.MaxPool2D, 3, 3, 2, 1)),
		paramsCase("max pool 2x3 stride 1 pad 1 overlapping", false, shapes{{1, 2, 4, 4}}, pool(ops.MaxPool2D, 2, 3, 1, 1)),
		paramsCase("2nd order max pool", true, shapes{{2, 2, 5, 5}}, sq(pool(ops.MaxPool2D, 3, 3, 2, 1))),
		// The max-pool gradient op itself, drawn by Grad: linear in gy, so its second order
		// check differentiates the gather op (and its gradient, the scatter again).
		paramsCase("2nd order max_pool2d_grad", true, shapes{{2, 2, 4, 5}, {2, 2, 3, 3}}, func(xs []*graph.Node) *graph.Node {
			y := ops.MaxPool2D(xs[0], 2, 3, 2, 1)
			gx := autodiff.Grad(ops.Sum(ops.Mul(y, xs[1])), xs[0])[0]
			return ops.Square(gx)
		}),
		paramsCase("avg pool 2x2 stride 2", false, shapes{{2, 2, 4, 5}}, pool(ops.AvgPool2D, 2, 2, 2, 0)),
		paramsCase("avg pool 3x3 stride 1 pad 1", false, shapes{{1, 2, 4, 4}}, pool(ops.AvgPool2D, 3, 3, 1, 1)),
		paramsCase("2nd order avg pool", true, shapes{{2, 1, 5, 5}}, sq(pool(ops.AvgPool2D, 2, 3, 2, 1))),
	}
}

// cycleSource repeats a fixed list of draws: a dropout that draws exactly one value per
// element then draws the same mask on every run, so that numerical gradients make sense.
type cycleSource struct {
	vals []uint64
	i    int
}

func (s *cycleSource) Uint64() uint64 {
	v := s.vals[s.i%len(s.vals)]
	s.i++
	return v
}

func cycleRand(rng *rand.Rand, n int) *rand.Rand {
	s := &cycleSource{vals: make([]uint64, n)}
	for i := range s.vals {
		s.vals[i] = rng.Uint64()
	}
	return rand.New(s)
}

func normGradCases() []gradCase {
	bn := func(train bool, xs ...int) func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		return func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
			x := param(g, rng, "x", 0.1, 2, xs...)
			gamma := param(g, rng, "gamma", 0.5, 2, xs[1])
			beta := param(g, rng, "beta", 0.5, 2, xs[1])
			st := ops.NewBatchNormStats(graph.Float64, xs[1])
			for i := range xs[1] { // running statistics away from the defaults
				st.Mean.Float64s()[i] = rng.NormFloat64()
				st.Var.Float64s()[i] = 0.5 + rng.Float64()
			}
			return ops.BatchNorm(x, gamma, beta, st, ops.NewMode(train)), []*graph.Node{x, gamma, beta}
		}
	}
	squared := func(b func(*graph.Graph, *rand.Rand) (*graph.Node, []*graph.Node)) func(*graph.Graph, *rand.Rand) (*graph.Node, []*graph.Node) {
		return func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
			y, wrt := b(g, rng)
			return ops.Square(y), wrt
		}
	}
	drop := func(f func(*graph.Node, float64, *rand.Rand, *ops.Mode) *graph.Node, train bool) func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		return func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
			x := param(g, rng, "x", 0.1, 2, 4, 5)
			return ops.Square(f(x, 0.4, cycleRand(rng, 20), ops.NewMode(train))), []*graph.Node{x}
		}
	}
	return []gradCase{
		{name: "batch norm train [N D]", build: bn(true, 5, 3)},
		{name: "batch norm train [N C H W]", build: bn(true, 3, 2, 2, 3)},
		{name: "batch norm eval [N C H W]", build: bn(false, 2, 3, 2, 2)},
		{name: "batch norm eval [N D]", build: bn(false, 4, 3)},
		{name: "2nd order batch norm train [N D]", second: true, build: squared(bn(true, 4, 3))},
		{name: "2nd order batch norm train [N C H W]", second: true, build: squared(bn(true, 2, 2, 2, 2))},
		{name: "2nd order batch norm eval", second: true, build: squared(bn(false, 2, 2, 2, 2))},
		{name: "dropout train", build: drop(ops.Dropout, true)},
		{name: "dropout eval", build: drop(ops.Dropout, false)},
		{name: "inverted dropout train", build: drop(ops.InvertedDropout, true)},
		{name: "2nd order inverted dropout train", second: true, build: drop(ops.InvertedDropout, true)},
	}
}
