package ops

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Batch normalization and dropout (the book's chapter 6 layers, used by chapter 8's deep
// nets) behave differently while training and at inference. The switch is a *Mode shared by
// the ops and read by their kernels at every run: flip it between runs of the same
// compiled program, no rebuilding.
//
//	mode := ops.NewMode(true)           // training
//	h := ops.BatchNorm(x, gamma, beta, stats, mode)
//	h = ops.Dropout(ops.ReLU(h), 0.5, rng, mode)
//	...
//	mode.SetTrain(false)                // evaluate with the same program
//
// # Concurrency
//
// Both ops are safe to run from several programs at once: batch norm's running statistics
// and dropout's random source are guarded by locks. But runs then interleave their updates
// and draws, so results are only reproducible when one program runs at a time.

// Mode says whether ops that differ between training and inference (BatchNorm, Dropout)
// train. The zero value means inference. It is safe for concurrent use.
type Mode struct{ train atomic.Bool }

// NewMode returns a mode set to train or not.
func NewMode(train bool) *Mode {
	m := new(Mode)
	m.train.Store(train)
	return m
}

// SetTrain switches the ops reading m to training (true) or inference (false) from their next run.
func (m *Mode) SetTrain(train bool) { m.train.Store(train) }

// Train reports whether m is set to training.
func (m *Mode) Train() bool { return m.train.Load() }

type modeKey struct{}

// ModeOf is the graph's own Mode, made at inference the first time it is asked for: the
// switch that the dropout and batch norm layers built in g read (package nn), that a
// training step (optim.Step) sets to training for its runs, and that evaluation sets back.
func ModeOf(g *graph.Graph) *Mode {
	return g.Attached(modeKey{}, func() any { return NewMode(false) }).(*Mode)
}

// ---- batch normalization ----

// BatchNormStats holds the running statistics of one batch normalization layer: the
// running mean and variance (biased, as the book computes it) of each feature or channel,
// updated by each training run as running = Momentum*running + (1-Momentum)*batch and used
// instead of the batch's statistics at inference. The nn layers save Mean and Var with the
// parameters.
type BatchNormStats struct {
	Mean, Var *tensor.Dense // [C] or [D], of the normalized input's element type
	Momentum  float64       // weight of the past in the running averages (the book's 0.9)
	Eps       float64       // added to the variance before the square root (the book's 1e-6)

	mu sync.Mutex
}

// NewBatchNormStats returns running statistics for c features or channels: mean 0 and
// variance 1 (the book starts the variance at 0, which makes an untrained network's
// inference divide by sqrt(Eps)), Momentum 0.9 and Eps 1e-6 as in the book.
func NewBatchNormStats(dt graph.DType, c int) *BatchNormStats {
	v := make([]float64, c)
	for i := range v {
		v[i] = 1
	}
	return &BatchNormStats{Mean: graph.NewTensor(dt, c), Var: graph.FromFloat64s(dt, []int{c}, v), Momentum: 0.9, Eps: 1e-6}
}

// batchNormOp normalizes x [N D] per column, or x [N C H W] per channel over N, H and W:
// with the batch's mean and variance while training (updating the running statistics as a
// side effect), with the running ones at inference.
type batchNormOp struct {
	st   *BatchNormStats
	mode *Mode
}

var _ graph.Op = batchNormOp{}

func (batchNormOp) Name() string { return "batch_norm" }
func (o batchNormOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	return in[0], o.st.check(in[0])
}

// check says whether the statistics fit x.
func (st *BatchNormStats) check(x graph.Type) error {
	if len(x.Shape) != 2 && len(x.Shape) != 4 {
		return graph.Errorf("input must be [N D] or [N C H W], got %v", x.Shape)
	}
	c := x.Shape[1]
	for _, t := range []*tensor.Dense{st.Mean, st.Var} {
		if t == nil {
			return graph.Errorf("running statistics are nil")
		}
		dt, err := graph.DTypeOf(t)
		if err != nil || dt != x.DType || t.Shape().TotalSize() != c || len(t.Shape()) != 1 {
			return graph.Errorf("running statistics must be %s[%d], got %v%v", x.DType, c, t.Dtype(), t.Shape())
		}
	}
	return nil
}

// dims views x as [n c s]: s is H*W for images, 1 for rows.
func normDims(xs []int) (n, c, s int) {
	n, c, s = xs[0], xs[1], 1
	if len(xs) == 4 {
		s = xs[2] * xs[3]
	}
	return n, c, s
}

func (o batchNormOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	n, c, s := normDims(in[0].Shape())
	train := o.mode.Train()
	o.st.mu.Lock()
	defer o.st.mu.Unlock()
	if is32(y) {
		batchNormK(y.Float32s(), in[0].Float32s(), o.st.Mean.Float32s(), o.st.Var.Float32s(), n, c, s, train, o.st.Momentum, o.st.Eps)
	} else {
		batchNormK(y.Float64s(), in[0].Float64s(), o.st.Mean.Float64s(), o.st.Var.Float64s(), n, c, s, train, o.st.Momentum, o.st.Eps)
	}
	return nil
}

// batchNormK writes xhat = (x - mean) / sqrt(var + eps) per channel, accumulating in float64.
func batchNormK[T float](y, x, rm, rv []T, n, c, s int, train bool, momentum, eps float64) {
	for ch := 0; ch < c; ch++ {
		mean, v := float64(rm[ch]), float64(rv[ch])
		if train {
			mean, v = channelStats(x, n, c, s, ch)
			rm[ch] = T(momentum*float64(rm[ch]) + (1-momentum)*mean)
			rv[ch] = T(momentum*float64(rv[ch]) + (1-momentum)*v)
		}
		inv := 1 / math.Sqrt(v+eps)
		for i := 0; i < n; i++ {
			o := (i*c + ch) * s
			for j, xv := range x[o : o+s] {
				y[o+j] = T((float64(xv) - mean) * inv)
			}
		}
	}
}

// channelStats returns the mean and biased variance of channel ch of x viewed as [n c s].
func channelStats[T float](x []T, n, c, s, ch int) (mean, v float64) {
	for i := 0; i < n; i++ {
		for _, xv := range x[(i*c+ch)*s:][:s] {
			mean += float64(xv)
		}
	}
	mean /= float64(n * s)
	for i := 0; i < n; i++ {
		for _, xv := range x[(i*c+ch)*s:][:s] {
			d := float64(xv) - mean
			v += d * d
		}
	}
	return mean, v / float64(n*s)
}

// The standard batch norm backward, with y = xhat and means over the normalized axes:
//
//	train: gx = invstd (gy - mean(gy) - xhat mean(gy xhat))
//	infer: gx = invstd gy                     (the running statistics are constants)
//
// written as invstd (gy - trainOnly(mean(gy) + xhat mean(gy xhat))), where invstd and
// trainOnly read the mode at run time, so one backward graph serves both modes.
func (o batchNormOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	axes := normAxes(x[0])
	invstd := graph.Apply(bnInvStdOp(o), x[0])
	corr := Add(MeanKeep(gy, axes...), Mul(y, MeanKeep(Mul(gy, y), axes...)))
	return []*graph.Node{Mul(invstd, Sub(gy, graph.Apply(trainOnlyOp{o.mode}, corr)))}
}

func normAxes(x *graph.Node) []int {
	if len(x.Shape()) == 4 {
		return []int{0, 2, 3}
	}
	return []int{0}
}

// BatchNorm is the book's BatchNormalization layer: gamma * xhat + beta, where xhat
// normalizes x [N D] per feature (over N) or x [N C H W] per channel (over N, H and W), and
// gamma, beta are [D] or [C]. While mode trains, xhat uses the batch's mean and biased
// variance and each run updates stats; at inference it uses stats' running values.
func BatchNorm(x, gamma, beta *graph.Node, stats *BatchNormStats, mode *Mode) *graph.Node {
	if stats == nil || mode == nil {
		panic(&graph.ShapeError{Op: "batch_norm", Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()},
			Reason: "needs running statistics and a mode (nil given)"})
	}
	xhat := graph.Apply(batchNormOp{stats, mode}, x)
	c := x.Shape()[1]
	for _, p := range []*graph.Node{gamma, beta} {
		if !p.Shape().Equal(graph.Shape{c}) {
			panic(&graph.ShapeError{Op: "batch_norm", Inputs: []string{x.Label(), gamma.Label(), beta.Label()},
				Shapes: []graph.Shape{x.Shape(), gamma.Shape(), beta.Shape()}, Reason: "gamma and beta must have one value per feature or channel"})
		}
	}
	if len(x.Shape()) == 4 {
		gamma, beta = Reshape(gamma, 1, c, 1, 1), Reshape(beta, 1, c, 1, 1)
	}
	return Add(Mul(xhat, gamma), beta)
}

// bnInvStdOp is 1/sqrt(var + eps) per channel, shaped [1 C] or [1 C 1 1] to broadcast
// against x: of the batch's variance while training, of the running one at inference.
type bnInvStdOp batchNormOp

var _ graph.Op = bnInvStdOp{}

func (bnInvStdOp) Name() string { return "batch_norm_invstd" }
func (o bnInvStdOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	if err := o.st.check(in[0]); err != nil {
		return graph.Type{}, err
	}
	kept := graph.Shape{1, in[0].Shape[1], 1, 1}[:len(in[0].Shape)]
	return graph.Type{Shape: kept, DType: in[0].DType}, nil
}
func (o bnInvStdOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	n, c, s := normDims(in[0].Shape())
	train := o.mode.Train()
	o.st.mu.Lock()
	defer o.st.mu.Unlock()
	if is32(y) {
		invStdK(y.Float32s(), in[0].Float32s(), o.st.Var.Float32s(), n, c, s, train, o.st.Eps)
	} else {
		invStdK(y.Float64s(), in[0].Float64s(), o.st.Var.Float64s(), n, c, s, train, o.st.Eps)
	}
	return nil
}

func invStdK[T float](y, x, rv []T, n, c, s int, train bool, eps float64) {
	for ch := range y {
		v := float64(rv[ch])
		if train {
			_, v = channelStats(x, n, c, s, ch)
		}
		y[ch] = T(1 / math.Sqrt(v+eps))
	}
}

// Training: d invstd / dx_i = -invstd^3 (x_i - mean) / M over the M values of x_i's channel
// (the mean's own dependence on x cancels). At inference invstd is a constant.
func (o bnInvStdOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	axes := normAxes(x[0])
	m := float64(x[0].Shape().Size() / x[0].Shape()[1])
	xc := Sub(x[0], MeanKeep(x[0], axes...))
	d := Mul(MulScalar(Mul(g, Pow(y, 3)), -1/m), xc)
	return []*graph.Node{graph.Apply(trainOnlyOp{o.mode}, d)}
}

// trainOnlyOp passes x through while the mode trains and gives zeros at inference: the
// switch between the two backward formulas. It is linear, its own gradient.
type trainOnlyOp struct{ mode *Mode }

var _ graph.Op = trainOnlyOp{}

func (trainOnlyOp) Name() string                               { return "train_only" }
func (trainOnlyOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (o trainOnlyOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	train := o.mode.Train()
	unary(y, in[0], func(y, x []float32) { trainOnlyK(y, x, train) }, func(y, x []float64) { trainOnlyK(y, x, train) })
	return nil
}
func (o trainOnlyOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(o, gy)}
}

func trainOnlyK[T float](y, x []T, train bool) {
	if train {
		copy(y, x)
	} else {
		clear(y)
	}
}

// ---- dropout ----

// dropoutMaskOp draws the mask of a dropout: x is read for its shape only. The mask is a
// node of the graph, so the forward product x*mask and its gradient gy*mask read the same
// mask in one run, and each run draws a new one.
type dropoutMaskOp struct {
	ratio    float64
	inverted bool
	mode     *Mode
	src      *lockedRand
}

type lockedRand struct {
	mu  sync.Mutex
	rng *rand.Rand
}

var _ graph.Op = dropoutMaskOp{}

func (dropoutMaskOp) Name() string                               { return "dropout_mask" }
func (dropoutMaskOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (o dropoutMaskOp) Forward(m *tensor.Dense, in ...*tensor.Dense) error {
	train := o.mode.Train()
	keep, drop := 1.0, 0.0 // training masks
	if o.inverted {
		keep = 1 / (1 - o.ratio)
	}
	if !train {
		keep = 1 - o.ratio // the book scales at inference
		if o.inverted {
			keep = 1 // inverted dropout scaled while training
		}
		drop = keep
	}
	o.src.mu.Lock()
	defer o.src.mu.Unlock()
	if is32(m) {
		maskK(m.Float32s(), o.src.rng, o.ratio, float32(keep), float32(drop), train)
	} else {
		maskK(m.Float64s(), o.src.rng, o.ratio, keep, drop, train)
	}
	return nil
}
func (dropoutMaskOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{nil}
}

// maskK draws one rng.Float64 per element while training: the unit is kept when it
// exceeds ratio (the book's np.random.rand(*x.shape) > dropout_ratio).
func maskK[T float](m []T, rng *rand.Rand, ratio float64, keep, drop T, train bool) {
	if !train {
		for i := range m {
			m[i] = keep
		}
		return
	}
	for i := range m {
		if rng.Float64() > ratio {
			m[i] = keep
		} else {
			m[i] = drop
		}
	}
}

func newDropout(name string, x *graph.Node, ratio float64, rng *rand.Rand, mode *Mode, inverted bool) *graph.Node {
	reason := ""
	switch {
	case !(ratio >= 0 && ratio < 1):
		reason = "the ratio of dropped units must be in [0, 1)"
	case rng == nil || mode == nil:
		reason = "needs a random source and a mode (nil given)"
	}
	if reason != "" {
		panic(&graph.ShapeError{Op: name, Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()}, Reason: reason})
	}
	mask := graph.Apply(dropoutMaskOp{ratio, inverted, mode, &lockedRand{rng: rng}}, x)
	return Mul(x, mask)
}

// Dropout is the book's Dropout layer: while mode trains, each run zeros a random fraction
// ratio of x's units (drawing one rng.Float64 per unit); at inference it multiplies x by
// 1 - ratio, the expected fraction kept. It is x * mask with the mask a node, so the
// gradient gy * mask uses the mask of the same run. The rng is the op's from then on: a
// seeded one makes runs reproducible.
func Dropout(x *graph.Node, ratio float64, rng *rand.Rand, mode *Mode) *graph.Node {
	return newDropout("dropout", x, ratio, rng, mode, false)
}

// InvertedDropout is Dropout scaled while training instead: kept units are multiplied by
// 1/(1 - ratio), and at inference it is the identity (the form most frameworks use).
func InvertedDropout(x *graph.Node, ratio float64, rng *rand.Rand, mode *Mode) *graph.Node {
	return newDropout("inverted_dropout", x, ratio, rng, mode, true)
}
