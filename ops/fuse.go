package ops

import (
	"strings"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/parallel"
)

// Fused kernels (graph.Fuser): a convolution that also applies the ReLU (or leaky ReLU)
// and the max pooling after it, as the book's networks stack them, and writes the result
// already flattened when a reshape follows. graph.Compile fuses them when the values in
// between have no other reader: the whole chain in a forward pass (inference); in training
// the convolution and its ReLU (whose gradient reads the ReLU's output, not its input),
// while the pooling runs on its own, as the gradients read the ReLU's output.
//
// The convolution kernel computes its output a group of images at a time, one group per
// core (conv.go); fused, it applies the activation and the pooling to the group's output
// while it is in cache, and only the pooled result is written out. An unfused forward pass
// of the book's SimpleConvNet writes its 6.9 MB convolution output, reads it for the ReLU,
// writes it again and reads it for the pooling: most of the inference time after the GEMM.
// The fused kernel runs the same element kernels (leakyK, maxPoolPlane), and its results
// equal the unfused ops' bit for bit, NaN where they give NaN (apply says why the ReLU may
// run after the pooling).

// epilogue is what a fused convolution applies to each group's output before it leaves
// the cache: an activation, then a max pooling.
type epilogue struct {
	act    bool    // apply max(v, 0) + slope*min(v, 0)
	slope  float64 // of the leaky ReLU; 0 for ReLU
	pool   bool    // then max pooling with poolOp
	poolOp maxPool2DOp
	pw     window // poolOp's window over one output image, set by conv2dOp.forward
}

// apply runs the epilogue on y, the planes [G*FN, P] of a group's output, and writes the
// pooled planes from plane q0 on of out (the fused node's output) when it pools.
//
// A ReLU, or a leaky one with a slope of at least 0, is monotone: it commutes with the max
// of a window, so it runs after the pooling, on a quarter of the values. (Where a window
// holds a NaN both orders give NaN, though not always the same NaN.)
func apply[T float](ep *epilogue, out, y []T, q0, planes, pix int) {
	after := ep.act && ep.pool && ep.slope >= 0
	if ep.act && !after {
		leakyK(y, y, T(ep.slope))
	}
	if !ep.pool {
		return
	}
	po := ep.pw.pixels()
	out = out[q0*po : (q0+planes)*po]
	maxPoolPlanes(out, y[:planes*pix], ep.pw, planes)
	if after {
		leakyK(out, out, T(ep.slope))
	}
}

// convFused is a convolution and the ops its kernel applies after it. A reshape (Flatten,
// before a network's affine layers) comes last: the kernel writes the same values in the
// same order, into an output of the reshape's shape, and the copy the reshape would make is
// saved.
type convFused struct {
	conv conv2dOp
	ep   epilogue
	flat bool // a reshape follows
}

var (
	_ graph.Fuser  = conv2dOp{}
	_ graph.Fuser  = convFused{}
	_ graph.Kernel = convFused{}
)

// Fuse runs a ReLU, a leaky ReLU, a max pooling or a reshape that reads the convolution's
// output in its kernel.
func (o conv2dOp) Fuse(next graph.Op) (graph.Kernel, bool) { return convFused{conv: o}.Fuse(next) }

// Fuse takes, in this order, an activation, a max pooling and a reshape, each optional.
func (f convFused) Fuse(next graph.Op) (graph.Kernel, bool) {
	switch n := next.(type) {
	case leakyReLUOp:
		if f.ep.act || f.ep.pool || f.flat {
			return nil, false
		}
		f.ep.act, f.ep.slope = true, n.slope
	case maxPool2DOp:
		if f.ep.pool || f.flat {
			return nil, false
		}
		f.ep.pool, f.ep.poolOp = true, n
	case reshapeOp: // the values stay where they are; only the shape of the output changes
		f.flat = true
	default:
		return nil, false
	}
	return f, true
}

func (f convFused) Name() string {
	names := []string{f.conv.Name()}
	if f.ep.act {
		names = append(names, leakyReLUOp{f.ep.slope}.Name())
	}
	if f.ep.pool {
		names = append(names, f.ep.poolOp.Name())
	}
	if f.flat {
		names = append(names, reshapeOp{}.Name())
	}
	return strings.Join(names, "+")
}

func (f convFused) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	return f.conv.forward(y, in, f.ep)
}

// ---- backward pass ----

// In a training step the gradient of a convolution, ReLU and max pooling comes back
// through max_pool2d_grad, which scatters the pooled gradient to each window's argmax,
// then relu_grad, which masks it by the ReLU's output: two passes over the largest tensor
// of the step, the second reading the scatter's output from memory. Fused (graph.InputFuser:
// relu_grad reads the mask too), each image plane is scattered and masked while it is in
// cache, with the same element kernels as the two ops, so the result equals theirs bit for
// bit.

var (
	_ graph.InputFuser = maxPoolGradOp{}
	_ graph.Kernel     = poolReluGrad{}
)

// FuseInput takes the ReLU (or leaky ReLU) gradient reading the scattered gradient.
func (o maxPoolGradOp) FuseInput(next graph.Op, at int) (graph.Kernel, bool) {
	r, ok := next.(reluGradOp)
	if !ok || at != 0 {
		return nil, false
	}
	return poolReluGrad{pool: o, slope: r.slope, t: new(poolReluTask)}, true
}

// poolReluGrad is max_pool2d_grad then relu_grad. Its inputs: the ReLU gradient's mask,
// then the pooling gradient's images x and pooled gradient gy.
type poolReluGrad struct {
	pool  maxPoolGradOp
	slope float64
	t     *poolReluTask // the running loop's task, owned by the program that fused the ops
}

// poolReluTask holds a parallel loop's task, which must outlive the call handing it to
// the workers: one per fused kernel, so the step allocates nothing.
type poolReluTask struct {
	f32 poolReluLoop[float32]
	f64 poolReluLoop[float64]
}

func (f poolReluGrad) Name() string { return f.pool.Name() + "+" + reluGradOp{f.slope}.Name() }

func (f poolReluGrad) Forward(gx *tensor.Dense, in ...*tensor.Dense) error {
	mask, x, gy := in[0], in[1], in[2]
	g := f.pool.p.window(x.Shape())
	if is32(gx) {
		f.t.f32 = poolReluLoop[float32]{g: g, gx: gx.Float32s(), gy: gy.Float32s(), x: x.Float32s(), mask: mask.Float32s(), slope: float32(f.slope)}
		f.t.f32.start()
		return nil
	}
	f.t.f64 = poolReluLoop[float64]{g: g, gx: gx.Float64s(), gy: gy.Float64s(), x: x.Float64s(), mask: mask.Float64s(), slope: f.slope}
	f.t.f64.start()
	return nil
}

// poolReluLoop scatters gy to the argmax of x's windows in gx and masks gx by mask, plane
// by plane.
type poolReluLoop[T float] struct {
	g               window
	gx, gy, x, mask []T
	slope           T
}

func (t *poolReluLoop[T]) start() {
	items, work := t.g.n*t.g.c, t.g.n*t.g.patch()*t.g.pixels()
	if work < parallel.MinWork {
		t.Run(0, items)
	} else {
		parallel.For(items, work, t)
	}
	*t = poolReluLoop[T]{} // drop the caller's slices
}

func (t *poolReluLoop[T]) Run(lo, hi int) {
	in, out := t.g.h*t.g.w, t.g.pixels()
	if poolReluPlanes(t.gx[lo*in:], t.gy[lo*out:], t.x[lo*in:], t.mask[lo*in:], t.g, hi-lo, t.slope) {
		return
	}
	for p := lo; p < hi; p++ {
		gx := t.gx[p*in:][:in]
		argmaxPlane(gx, t.gy[p*out:][:out], t.x[p*in:][:in], t.g, true)
		reluGradK(gx, gx, t.mask[p*in:][:in], t.slope)
	}
}

// poolReluPlanes scatters gy to the argmax of x's windows in gx and masks gx by mask as
// reluGradK does, over planes consecutive image planes, in one kernel pass, and says
// whether it did: only for the book's pooling (2x2, stride 2) over planes of even sides,
// which stack into one plane whose windows cover every pixel, in float32 where the kernel
// is (pool_grad_amd64.s). Its results are the two ops' bit for bit.
func poolReluPlanes[T float](gx, gy, x, mask []T, g window, planes int, slope T) bool {
	if g.fh != 2 || g.fw != 2 || g.stride != 2 || g.pad != 0 || g.h%2 != 0 || g.w%2 != 0 || !is32T[T]() {
		return false
	}
	in, out := planes*g.h*g.w, planes*g.pixels()
	return argmax2x2Plane32(true, bits[T, uint32](gx[:in]), bits[T, uint32](gy[:out]), f32s(x[:in]),
		f32s(mask[:in]), planes*g.oh, g.ow, g.w, float32(slope))
}

// In a deeper network the gradient reaching a ReLU (or a max pooling and then a ReLU)
// comes from the input gradient of the convolution after it, which computes it a group of
// images at a time (conv.go, winograd.go). Fused (graph.InputFuser), the input gradient
// kernel applies the pooling's gradient and the ReLU's to each group while it is in cache:
// conv2d_input_grad, max_pool2d_grad and relu_grad become one pass that writes only the
// masked gradient, with the element kernels of the ops (argmaxPlane, reluGradK).

var (
	_ graph.InputFuser = conv2dInputGradOp{}
	_ graph.InputFuser = convInputFused{}
	_ graph.Kernel     = convInputFused{}
)

// backOps are the ops a fused input gradient applies after it: a max pooling's gradient,
// then a ReLU's, each optional.
type backOps struct {
	pool   bool
	poolOp maxPool2DOp
	act    bool
	slope  float64 // of the ReLU gradient
}

// backEpilogue is backOps over the operands of one run.
type backEpilogue[T float] struct {
	backOps
	pw   window // the pooling's window over x
	x    []T    // the pooled images: the fused output's shape
	mask []T    // the ReLU gradient's mask: the fused output's shape
	img  int    // values per image of the fused output
}

func newBackEpilogue[T float](bo backOps, pw window, out, x, mask *tensor.Dense) backEpilogue[T] {
	ep := backEpilogue[T]{backOps: bo, pw: pw, x: valuesOf[T](x), mask: valuesOf[T](mask)}
	if s := out.Shape(); len(s) > 0 && s[0] > 0 {
		ep.img = out.Shape().TotalSize() / s[0]
	}
	return ep
}

// valuesOf returns t's values as []T (T its element type), nil for a nil t. Unlike
// t.Data().([]T), it allocates nothing.
func valuesOf[T float](t *tensor.Dense) []T {
	if t == nil {
		return nil
	}
	if is32(t) {
		v := t.Float32s()
		return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
	}
	v := t.Float64s()
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

// apply finishes images [n0, n0+gn) of out, the fused output, from gx, their input
// gradient: out's own values when nothing pools, else the group's scratch. The pooling's
// gradient scatters gx to the argmax of x's windows in out, and the ReLU's masks out.
func (ep *backEpilogue[T]) apply(out, gx []T, n0, gn int) {
	if lo := n0 * ep.img; ep.pool && ep.act &&
		poolReluPlanes(out[lo:], gx, ep.x[lo:], ep.mask[lo:], ep.pw, gn*ep.pw.c, T(ep.slope)) {
		return
	}
	if ep.pool {
		in, po, c := ep.pw.h*ep.pw.w, ep.pw.pixels(), ep.pw.c
		for q := range gn * c {
			p := n0*c + q
			argmaxPlane(out[p*in:][:in], gx[q*po:][:po], ep.x[p*in:][:in], ep.pw, true)
		}
	}
	if ep.act {
		o := out[n0*ep.img : (n0+gn)*ep.img]
		reluGradK(o, o, ep.mask[n0*ep.img:(n0+gn)*ep.img], T(ep.slope))
	}
}

// FuseInput takes a max pooling's gradient (of whose pooled gradient the input gradient
// is) or a ReLU's gradient reading the input gradient.
func (o conv2dInputGradOp) FuseInput(next graph.Op, at int) (graph.Kernel, bool) {
	return convInputFused{conv: o}.FuseInput(next, at)
}

// convInputFused is an input gradient and the ops its kernel applies after it. Its inputs:
// the ReLU gradient's mask if it has one, then the pooling gradient's images if it has
// one, then the input gradient's gy and W.
type convInputFused struct {
	conv conv2dInputGradOp
	ops  backOps
}

// FuseInput takes, in this order, a max pooling's gradient and a ReLU's, each optional.
func (f convInputFused) FuseInput(next graph.Op, at int) (graph.Kernel, bool) {
	switch n := next.(type) {
	case maxPoolGradOp: // max_pool2d_grad(x, gy): the input gradient is gy
		if at != 1 || f.ops.pool || f.ops.act {
			return nil, false
		}
		f.ops.pool, f.ops.poolOp = true, n.p
	case reluGradOp: // relu_grad(gy, mask)
		if at != 0 || f.ops.act {
			return nil, false
		}
		f.ops.act, f.ops.slope = true, n.slope
	default:
		return nil, false
	}
	return f, true
}

func (f convInputFused) Name() string {
	names := []string{f.conv.Name()}
	if f.ops.pool {
		names = append(names, maxPoolGradOp{f.ops.poolOp}.Name())
	}
	if f.ops.act {
		names = append(names, reluGradOp{f.ops.slope}.Name())
	}
	return strings.Join(names, "+")
}

func (f convInputFused) Forward(out *tensor.Dense, in ...*tensor.Dense) error {
	var x, mask *tensor.Dense
	if f.ops.act {
		mask, in = in[0], in[1:]
	}
	if f.ops.pool {
		x, in = in[0], in[1:]
	}
	return f.conv.forward(out, in[0], in[1], x, mask, f.ops)
}
