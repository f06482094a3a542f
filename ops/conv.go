package ops

import (
	"slices"
	"sync"
	"unsafe"

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
// on both axes: OH = (H + 2P - FH)/S + 1.
//
// # The kernels
//
// The batch is cut into parts, one per core, and each core walks its images in small
// groups: it unrolls the group's patches into a column matrix [C*FH*FW, G*OH*OW] (im2col),
// multiplies it by the filters [FN, C*FH*FW] on that core alone, and writes the product,
// which is already image-major when the group is one image, straight into the NCHW output.
// The column matrix of a group is a few hundred KiB, so it is still in cache when the GEMM
// reads it: nothing the size of the batch is unrolled. A group holds one image when its
// output has enough pixels for the GEMM to run at speed (at least convColumns), and several
// when the images are small (the deep layers of a CNN). The bias rides in the same product:
// one more column of the filters, over a row of ones appended to the column matrix.
//
// The input gradient runs the same loop with the transposed product and col2im; the filter
// gradient sums the groups' products gy im2col(x)^T into one partial result per part, added
// in order at the end (the parts do not depend on how many cores are free, so the sum is
// the same bit for bit run after run).
//
// When the patches have more values than there are filters (3x3 filters over 16 or more
// channels, as in DeepConvNet), the products run pixel-major instead, col^T W^T, so that the
// GEMM reads the large column matrix where it is rather than packing a copy, and the small
// [G*OH*OW, FN] result is transposed into NCHW. For the book's SimpleConvNet (30 filters 5x5
// on [100 1 28 28]) each image is one filter-major GEMM of m x n x k = 30 x 576 x 26.
//
// # Scratch memory and concurrency
//
// Each convolution node owns a scratch buffer for its cores' column matrices, grown on its
// first run and reused by every later one, so a training step allocates nothing here. A
// lock guards it: programs of one graph that run a convolution node from several
// goroutines at once take turns on that node.

// convScratch is the working memory of one convolution node, and its parallel task.
type convScratch struct {
	mu  sync.Mutex
	f32 []float32
	f64 []float64
	t32 convTask[float32]
	t64 convTask[float64]
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

// gemmFunc is sgemm1 or dgemm1 (gemm.go): C = alpha op(A) op(B) + beta C, row-major, on
// the calling goroutine.
type gemmFunc[T float] func(tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// convColumns is the number of output pixels a group of images aims at: below a few
// hundred columns the GEMM spends its time on the edges of its register tiles.
const convColumns = 256

type convKind uint8

const (
	convForward    convKind = iota // y = W im2col(x) + b
	convInputGrad                  // gx = col2im(W^T gy)
	convFilterGrad                 // gw = gy im2col(x)^T
)

// convTask is one run of a convolution kernel, split over the images of the batch.
type convTask[T float] struct {
	kind  convKind
	g     window // the input images and the filters' window
	fn    int    // filters
	group int    // images per GEMM
	parts int    // parts of the batch, each with its own scratch
	// pixelMajor multiplies with the column matrix as the first operand (patches longer than
	// the filters are many): the GEMM reads it where it is instead of packing it.
	pixelMajor bool
	gemm       gemmFunc[T]
	// conv: y, x, w, b (b may be nil); input grad: gx, gy, w; filter grad: gw, x, gy.
	y, x, w, gx, gy, gw []T
	kw                  int // columns of w: the patch, and one more for the bias
	scratch             []T // per part: columns, a filter-major product, a filter gradient
	per                 int // scratch values per part
	ep                  epilogue
}

// convKernel runs kind over the batch, in parts computed on all cores when the work is
// big. The batch is cut into the same parts however many cores are free (a part per core
// the machine has), so that the filter gradient, summed part by part, comes out the same
// bit for bit whether the parts ran in parallel or one after another.
//
// A fused forward convolution (fuse.go) also applies ep to each group's output.
func convKernel[T float](s *convScratch, kind convKind, g window, fn int, y, x, w, b, gx, gy, gw []T, ep epilogue) {
	k, pix := g.patch(), g.pixels()
	group := min(g.n, max(1, (convColumns+pix-1)/pix))
	cols := group * pix
	per := (k+1)*cols + fn*cols + fn*k
	if ep.pool { // the group's output before pooling
		per += fn * cols
	}
	p := acquireWorkers(g.n, g.n*pix*k*fn)
	parts := min(g.n, workers.n+1)
	t, ok := any(&s.t32).(*convTask[T])
	if !ok {
		t = any(&s.t64).(*convTask[T])
	}
	*t = convTask[T]{kind: kind, g: g, fn: fn, group: group, parts: parts, pixelMajor: k > fn, gemm: serialGemm[T](),
		y: y, x: x, w: w, gx: gx, gy: gy, gw: gw, kw: k,
		scratch: buffer[T](s, parts*per+fn*(k+1)), per: per, ep: ep}
	if b != nil { // the bias as one more column of the filters, over a row of ones
		wb := t.scratch[parts*per:]
		for f := range fn {
			copy(wb[f*(k+1):], w[f*k:(f+1)*k])
			wb[f*(k+1)+k] = b[f]
		}
		t.w, t.kw = wb, k+1
	}
	if p < 2 {
		t.run(0, parts)
	} else {
		fanOut(t, parts, min(p, parts))
		workers.mu.Unlock()
	}
	switch {
	case kind != convFilterGrad:
	case t.pixelMajor: // gw [FN K] is the sum of the parts' [K FN], in order
		for f := range fn {
			for r := range k {
				var sum T
				for c := range parts {
					sum += t.scratch[(c+1)*per-fn*k+r*fn+f]
				}
				gw[f*k+r] = sum
			}
		}
	default: // add the other parts' sums to part 0's, in order
		for c := 1; c < parts; c++ {
			part := t.scratch[(c+1)*per-fn*k : (c+1)*per]
			for i, v := range part {
				gw[i] += v
			}
		}
	}
	*t = convTask[T]{} // drop the caller's slices
}

// run computes parts [lo, hi) of the batch, each in groups of images, with its own scratch.
func (t *convTask[T]) run(lo, hi int) {
	for c := lo; c < hi; c++ {
		t.part(c, c*t.g.n/t.parts, (c+1)*t.g.n/t.parts)
	}
}

// part computes images [lo, hi), part c of the batch.
func (t *convTask[T]) part(c, lo, hi int) {
	buf := t.scratch[c*t.per:][:t.per]
	g, fn, k, pix := t.g, t.fn, t.g.patch(), t.g.pixels()
	img, out := g.c*g.h*g.w, fn*pix // values per input image and per output image
	part := t.gw
	if t.kind == convFilterGrad && (c > 0 || t.pixelMajor) {
		part = buf[t.per-fn*k:]
	}
	if t.kind == convFilterGrad {
		clear(part)
	}
	for n0 := lo; n0 < hi; n0 += t.group {
		gn := min(t.group, hi-n0)
		cols := gn * pix
		col, prod := buf[:t.kw*cols], buf[(k+1)*t.group*pix:][:fn*cols]
		l := layout{ns: pix, rs: cols, ps: 1}
		switch t.kind {
		case convForward:
			im2colK(col, t.x[n0*img:], g, l, 0, gn)
			ones := col[k*cols:]
			for i := range ones { // the bias's row (none without bias)
				ones[i] = 1
			}
			var y []T
			if t.ep.pool { // the output goes to scratch, and its pooling to t.y
				y = buf[(k+1+fn)*t.group*pix:][:gn*out]
			} else {
				y = t.y[n0*out : (n0+gn)*out]
			}
			kw := t.kw
			switch {
			case t.pixelMajor: // prod [G*P, FN] = col^T W^T
				t.gemm(true, true, cols, fn, kw, 1, col, cols, t.w, kw, 0, prod, fn)
				fromPixelMajor(y, prod, gn, fn, pix)
			case gn == 1:
				t.gemm(false, false, fn, pix, kw, 1, t.w, kw, col, pix, 0, y, pix)
			default:
				t.gemm(false, false, fn, cols, kw, 1, t.w, kw, col, cols, 0, prod, cols)
				toNCHW(y, prod, gn, fn, pix)
			}
			apply(&t.ep, t.y, y, n0*fn, gn*fn, pix)
		case convInputGrad:
			gy := t.gy[n0*out : (n0+gn)*out]
			if gn > 1 {
				fromNCHW(prod, gy, gn, fn, pix)
				gy = prod
			}
			t.gemm(true, false, k, cols, fn, 1, t.w, k, gy, cols, 0, col, cols)
			col2imK(t.gx[n0*img:], col, g, l, 0, gn, true)
		case convFilterGrad:
			im2colK(col, t.x[n0*img:], g, l, 0, gn)
			gy := t.gy[n0*out : (n0+gn)*out]
			switch {
			case t.pixelMajor: // part [K, FN] += col gyT, gyT [G*P, FN] the gradient pixel-major
				gyT := prod
				for i := range gn {
					transpose2D(gyT[i*pix*fn:], gy[i*out:], fn, pix, fn, pix)
				}
				t.gemm(false, false, k, fn, cols, 1, col, cols, gyT, fn, 1, part, fn)
			case gn == 1: // part [FN, K] += gy colT, colT [P, K] the patches pixel-major
				colT := prod[:cols*k]
				transpose2D(colT, col, k, cols, k, cols)
				t.gemm(false, false, fn, k, cols, 1, gy, cols, colT, k, 1, part, k)
			default: // part [FN, K] += gy col^T, gy [FN, G*P] filter-major
				fromNCHW(prod, gy, gn, fn, pix)
				t.gemm(false, true, fn, k, cols, 1, prod, cols, col, cols, 1, part, k)
			}
		}
	}
}

// fromPixelMajor writes the pixel-major product src [G*P, FN] of a group of G images into
// y [G FN P].
func fromPixelMajor[T float](y, src []T, group, fn, pix int) {
	for i := range group {
		transpose2D(y[i*fn*pix:], src[i*pix*fn:], pix, fn, pix, fn)
	}
}

// transpose2D sets dst[c*ldd+r] = src[r*lds+c] for r < rows and c < cols: in float32 the
// AVX2 kernel (vec_amd64.s) does the 8x8 blocks where there is one, and cache-sized tiles
// of loops do the rest.
func transpose2D[T float](dst, src []T, rows, cols, ldd, lds int) {
	var z T
	r0, c0 := 0, 0 // the block the kernel did: rows [0, r0) by columns [0, c0)
	if unsafe.Sizeof(z) == 4 {
		r0, c0 = transpose32(f32s(dst), f32s(src), rows, cols, ldd, lds)
	}
	transposeTiles(dst, src, 0, r0, c0, cols, ldd, lds)
	transposeTiles(dst, src, r0, rows, 0, cols, ldd, lds)
}

// transposeTiles is transpose2D's loop over rows [r0, r1) and columns [c0, c1), in 32x32
// tiles so that the strided side stays in cache.
func transposeTiles[T float](dst, src []T, r0, r1, c0, c1, ldd, lds int) {
	const tile = 32
	for i0 := r0; i0 < r1; i0 += tile {
		i1 := min(i0+tile, r1)
		for j0 := c0; j0 < c1; j0 += tile {
			j1 := min(j0+tile, c1)
			for i := i0; i < i1; i++ {
				row := src[i*lds:]
				for j := j0; j < j1; j++ {
					dst[j*ldd+i] = row[j]
				}
			}
		}
	}
}

// toNCHW writes the filter-major product src [FN, G*P] of a group of G images into y
// [G FN P].
func toNCHW[T float](y, src []T, group, fn, pix int) {
	for i := range group {
		for f := range fn {
			copy(y[(i*fn+f)*pix:][:pix], src[(f*group+i)*pix:][:pix])
		}
	}
}

// fromNCHW is toNCHW's transpose: dst [FN, G*P] from gy [G FN P].
func fromNCHW[T float](dst, gy []T, group, fn, pix int) {
	for i := range group {
		for f := range fn {
			copy(dst[(f*group+i)*pix:][:pix], gy[(i*fn+f)*pix:][:pix])
		}
	}
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
	return o.forward(y, in, epilogue{})
}

// forward runs the convolution of in into y, applying ep to its output (fuse.go).
func (o conv2dOp) forward(y *tensor.Dense, in []*tensor.Dense, ep epilogue) error {
	ws := in[1].Shape()
	g := mustWindow(in[0].Shape(), ws[2], ws[3], o.stride, o.pad)
	if ep.pool {
		p := ep.poolOp // its window over the output, checked when the graph was built
		ep.pw = window{n: g.n, c: ws[0], h: g.oh, w: g.ow, fh: p.fh, fw: p.fw, stride: p.stride, pad: p.pad}.sized()
	}
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if is32(y) {
		var b []float32
		if len(in) == 3 {
			b = in[2].Float32s()
		}
		convKernel(o.s, convForward, g, ws[0], y.Float32s(), in[0].Float32s(), in[1].Float32s(), b, nil, nil, nil, ep)
		return nil
	}
	var b []float64
	if len(in) == 3 {
		b = in[2].Float64s()
	}
	convKernel(o.s, convForward, g, ws[0], y.Float64s(), in[0].Float64s(), in[1].Float64s(), b, nil, nil, nil, ep)
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
		convKernel(o.s, convInputGrad, g, ws[0], nil, nil, in[1].Float32s(), nil, gx.Float32s(), in[0].Float32s(), nil, epilogue{})
	} else {
		convKernel(o.s, convInputGrad, g, ws[0], nil, nil, in[1].Float64s(), nil, gx.Float64s(), in[0].Float64s(), nil, epilogue{})
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
		convKernel(o.s, convFilterGrad, g, fn, nil, in[0].Float32s(), nil, nil, nil, in[1].Float32s(), gw.Float32s(), epilogue{})
	} else {
		convKernel(o.s, convFilterGrad, g, fn, nil, in[0].Float64s(), nil, nil, nil, in[1].Float64s(), gw.Float64s(), epilogue{})
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
