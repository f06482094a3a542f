package ops

import (
	"slices"
	"sync"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// The book's Convolution layer (chapter 7) as three ops, each the others' gradient:
//
//	conv2d(x, W)             y  = W * im2col(x)              [N FN OH OW]
//	conv2d_input_grad(gy, W) gx = col2im(W^T gy)             [N C H W]
//	conv2d_filter_grad(x, gy) gW = gy im2col(x)^T            [FN C FH FW]
//
// It is a cross-correlation (the filter is not flipped), with stride S and zero padding P
// on both axes: OH = (H + 2P - FH)/S + 1. The kernels unroll the patches of the whole batch
// into a column matrix [C*FH*FW, N*OH*OW] (im2col, on all cores), multiply it by the filters
// [FN, C*FH*FW] in one GEMM, and reorder the [FN, N*OH*OW] result to NCHW (adding the bias on
// the way). The two gradients are the transposed products, with col2im in place of im2col.
// For the book's SimpleConvNet (30 filters 5x5 on [100 1 28 28]) the three GEMMs are
// m x n x k = 30 x 57600 x 25 (forward), 25 x 57600 x 30 with A transposed (input
// gradient) and 30 x 25 x 57600 with B transposed (filter gradient).
//
// # Scratch memory and concurrency
//
// Each convolution node owns a scratch buffer for its column matrix and its filter-major
// product, grown on its first run and reused by every later one, so a training step
// allocates nothing here. A lock guards it: programs of one graph that run a convolution
// node from several goroutines at once take turns on that node.

// convScratch is the working memory of one convolution node.
type convScratch struct {
	mu  sync.Mutex
	f32 []float32
	f64 []float64
}

// buffer returns the scratch as n values of type T, growing it when it is too small.
func buffer[T float](s *convScratch, n int) []T {
	p, ok := any(&s.f32).(*[]T)
	if !ok {
		p = any(&s.f64).(*[]T)
	}
	if cap(*p) < n {
		*p = make([]T, n)
	}
	return (*p)[:n]
}

// gemmFunc is sgemm or dgemm (gemm.go): C = alpha op(A) op(B) + beta C, row-major.
type gemmFunc[T float] func(tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// convForwardK computes y [N FN OH OW] = W [FN K] im2col(x) [K N*OH*OW] + b.
func convForwardK[T float](s *convScratch, gemm gemmFunc[T], y, x, w, b []T, g window, fn int) {
	k, pn := g.patch(), g.n*g.pixels()
	buf := buffer[T](s, (k+fn)*pn)
	col, y2 := buf[:k*pn], buf[k*pn:]
	runWindow(kIm2col, g, convLayout(g), col, x, nil)
	gemm(false, false, fn, pn, k, 1, w, k, col, pn, 0, y2, pn)
	out := g
	out.c = fn
	runWindow(kToNCHW, out, layout{}, y, y2, b)
}

// convInputGradK computes gx [N C H W] = col2im(W^T [K FN] gy [FN N*OH*OW]).
func convInputGradK[T float](s *convScratch, gemm gemmFunc[T], gx, gy, w []T, g window, fn int) {
	k, pn := g.patch(), g.n*g.pixels()
	buf := buffer[T](s, (k+fn)*pn)
	col, gy2 := buf[:k*pn], buf[k*pn:]
	out := g
	out.c = fn
	runWindow(kFromNCHW, out, layout{}, gy2, gy, nil)
	gemm(true, false, k, pn, fn, 1, w, k, gy2, pn, 0, col, pn)
	runWindow(kCol2im, g, convLayout(g), gx, col, nil)
}

// convFilterGradK computes gW [FN K] = gy [FN N*OH*OW] im2col(x)^T [N*OH*OW K].
func convFilterGradK[T float](s *convScratch, gemm gemmFunc[T], gw, x, gy []T, g window, fn int) {
	k, pn := g.patch(), g.n*g.pixels()
	buf := buffer[T](s, (k+fn)*pn)
	col, gy2 := buf[:k*pn], buf[k*pn:]
	runWindow(kIm2col, g, convLayout(g), col, x, nil)
	out := g
	out.c = fn
	runWindow(kFromNCHW, out, layout{}, gy2, gy, nil)
	gemm(false, true, fn, k, pn, 1, gy2, pn, col, pn, 0, gw, k)
}

// ---- conv2d ----

type conv2dOp struct {
	stride, pad int
	s           *convScratch
}

var _ graph.Op = conv2dOp{}

func (conv2dOp) Name() string { return "conv2d" }
func (o conv2dOp) Shape(in ...graph.Type) (graph.Type, error) {
	if len(in) != 2 && len(in) != 3 {
		return graph.Type{}, graph.Errorf("takes images, filters and an optional bias, got %d inputs", len(in))
	}
	if err := sameDType(in...); err != nil {
		return graph.Type{}, err
	}
	xs, ws := in[0].Shape, in[1].Shape
	if len(ws) != 4 {
		return graph.Type{}, graph.Errorf("filters must be [FN C FH FW], got %v", ws)
	}
	g, err := newWindow(xs, ws[2], ws[3], o.stride, o.pad, false)
	if err != nil {
		return graph.Type{}, err
	}
	if ws[1] != g.c {
		return graph.Type{}, graph.Errorf("filters have %d channels, images %d", ws[1], g.c)
	}
	if len(in) == 3 && !in[2].Shape.Equal(graph.Shape{ws[0]}) {
		return graph.Type{}, graph.Errorf("bias must be [%d], one per filter, got %v", ws[0], in[2].Shape)
	}
	return graph.Type{Shape: graph.Shape{g.n, ws[0], g.oh, g.ow}, DType: in[0].DType}, nil
}
func (o conv2dOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	ws := in[1].Shape()
	g := mustWindow(in[0].Shape(), ws[2], ws[3], o.stride, o.pad)
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if is32(y) {
		var b []float32
		if len(in) == 3 {
			b = in[2].Float32s()
		}
		convForwardK(o.s, sgemm, y.Float32s(), in[0].Float32s(), in[1].Float32s(), b, g, ws[0])
		return nil
	}
	var b []float64
	if len(in) == 3 {
		b = in[2].Float64s()
	}
	convForwardK(o.s, dgemm, y.Float64s(), in[0].Float64s(), in[1].Float64s(), b, g, ws[0])
	return nil
}

// The book's Convolution backward: dx = col2im(dcol) with dcol = dout W, dW = col^T dout,
// db = sum of dout over the batch and the positions. Each is an op of its own.
func (o conv2dOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	xn, w := x[0], x[1]
	gs := []*graph.Node{
		Conv2DInputGrad(gy, w, xn.Shape(), o.stride, o.pad),
		Conv2DFilterGrad(xn, gy, w.Shape()[2], w.Shape()[3], o.stride, o.pad),
	}
	if len(x) == 3 {
		gs = append(gs, Sum(gy, 0, 2, 3))
	}
	return gs
}

// Conv2D is the book's convolution without bias: the cross-correlation of images
// x [N C H W] with filters W [FN C FH FW], windows stride apart on both axes, images zero
// padded by pad on every side. The result is [N FN OH OW] with OH = (H + 2 pad - FH)/stride + 1
// (rounded down), likewise OW.
func Conv2D(x, W *graph.Node, stride, pad int) *graph.Node {
	return graph.Apply(conv2dOp{stride, pad, new(convScratch)}, x, W)
}

// Conv2DBias is Conv2D plus a bias b [FN], one per filter: the book's Convolution(W, b).
func Conv2DBias(x, W, b *graph.Node, stride, pad int) *graph.Node {
	return graph.Apply(conv2dOp{stride, pad, new(convScratch)}, x, W, b)
}

// ---- conv2d_input_grad ----

type conv2dInputGradOp struct {
	xs          graph.Shape // the images' shape [N C H W]
	stride, pad int
	s           *convScratch
}

var _ graph.Op = conv2dInputGradOp{}

func (conv2dInputGradOp) Name() string { return "conv2d_input_grad" }
func (o conv2dInputGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if err := sameDType(in...); err != nil {
		return graph.Type{}, err
	}
	gs, ws := in[0].Shape, in[1].Shape
	if len(ws) != 4 {
		return graph.Type{}, graph.Errorf("filters must be [FN C FH FW], got %v", ws)
	}
	g, err := newWindow(o.xs, ws[2], ws[3], o.stride, o.pad, false)
	if err != nil {
		return graph.Type{}, err
	}
	if ws[1] != g.c {
		return graph.Type{}, graph.Errorf("filters have %d channels, images %v", ws[1], o.xs)
	}
	if want := (graph.Shape{g.n, ws[0], g.oh, g.ow}); !gs.Equal(want) {
		return graph.Type{}, graph.Errorf("output gradient must be %v, got %v", want, gs)
	}
	return graph.Type{Shape: o.xs, DType: in[0].DType}, nil
}
func (o conv2dInputGradOp) Forward(gx *tensor.Dense, in ...*tensor.Dense) error {
	ws := in[1].Shape()
	g := mustWindow(o.xs, ws[2], ws[3], o.stride, o.pad)
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if is32(gx) {
		convInputGradK(o.s, sgemm, gx.Float32s(), in[0].Float32s(), in[1].Float32s(), g, ws[0])
	} else {
		convInputGradK(o.s, dgemm, gx.Float64s(), in[0].Float64s(), in[1].Float64s(), g, ws[0])
	}
	return nil
}

// The input gradient is linear in gy and in W: it is the transpose of conv2d with respect
// to x, so its gradient with respect to gy is conv2d itself, and with respect to W the
// filter gradient with the roles of x and gy played by its own gradient and gy.
func (o conv2dInputGradOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	gy, w := x[0], x[1]
	return []*graph.Node{
		Conv2D(g, w, o.stride, o.pad),
		Conv2DFilterGrad(g, gy, w.Shape()[2], w.Shape()[3], o.stride, o.pad),
	}
}

// Conv2DInputGrad is the gradient of Conv2D with respect to its images of shape xShape,
// given the gradient gy [N FN OH OW] of its output and the filters W: col2im(W^T gy).
// Conv2D's gradient rule uses it; it is an op so that it can be drawn and differentiated.
func Conv2DInputGrad(gy, W *graph.Node, xShape []int, stride, pad int) *graph.Node {
	return graph.Apply(conv2dInputGradOp{graph.Shape(slices.Clone(xShape)), stride, pad, new(convScratch)}, gy, W)
}

// ---- conv2d_filter_grad ----

type conv2dFilterGradOp struct {
	fh, fw, stride, pad int
	s                   *convScratch
}

var _ graph.Op = conv2dFilterGradOp{}

func (conv2dFilterGradOp) Name() string { return "conv2d_filter_grad" }
func (o conv2dFilterGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if err := sameDType(in...); err != nil {
		return graph.Type{}, err
	}
	g, err := newWindow(in[0].Shape, o.fh, o.fw, o.stride, o.pad, false)
	if err != nil {
		return graph.Type{}, err
	}
	gs := in[1].Shape
	if len(gs) != 4 || gs[0] != g.n || gs[2] != g.oh || gs[3] != g.ow {
		return graph.Type{}, graph.Errorf("output gradient must be [%d FN %d %d], got %v", g.n, g.oh, g.ow, gs)
	}
	return graph.Type{Shape: graph.Shape{gs[1], g.c, o.fh, o.fw}, DType: in[0].DType}, nil
}
func (o conv2dFilterGradOp) Forward(gw *tensor.Dense, in ...*tensor.Dense) error {
	g := mustWindow(in[0].Shape(), o.fh, o.fw, o.stride, o.pad)
	fn := in[1].Shape()[1]
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if is32(gw) {
		convFilterGradK(o.s, sgemm, gw.Float32s(), in[0].Float32s(), in[1].Float32s(), g, fn)
	} else {
		convFilterGradK(o.s, dgemm, gw.Float64s(), in[0].Float64s(), in[1].Float64s(), g, fn)
	}
	return nil
}

// The filter gradient is bilinear in x and gy: with respect to x it is the input gradient
// of gy through its own gradient taken as filters, with respect to gy the convolution of x
// with those filters.
func (o conv2dFilterGradOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	xn, gy := x[0], x[1]
	return []*graph.Node{
		Conv2DInputGrad(gy, g, xn.Shape(), o.stride, o.pad),
		Conv2D(xn, g, o.stride, o.pad),
	}
}

// Conv2DFilterGrad is the gradient of Conv2D with respect to its FH x FW filters, given its
// images x and the gradient gy [N FN OH OW] of its output: gy im2col(x)^T, [FN C FH FW].
// Conv2D's gradient rule uses it; it is an op so that it can be drawn and differentiated.
func Conv2DFilterGrad(x, gy *graph.Node, fh, fw, stride, pad int) *graph.Node {
	return graph.Apply(conv2dFilterGradOp{fh, fw, stride, pad, new(convScratch)}, x, gy)
}

// sameDType checks that all inputs have one element type.
func sameDType(in ...graph.Type) error {
	for _, t := range in[1:] {
		if t.DType != in[0].DType {
			return graph.Errorf("element types %s and %s differ", in[0].DType, t.DType)
		}
	}
	return nil
}
