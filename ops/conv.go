package ops

import (
	"slices"
	"sync"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/gemm"
	"github.com/zerograd/zerograd/internal/parallel"
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

// convScratch is the working memory of one convolution node: its buffers, and the kernel
// running now (a parallel loop's task must outlive the call that starts it).
type convScratch struct {
	mu  sync.Mutex
	f32 convBuffers[float32]
	f64 convBuffers[float64]
}

type convBuffers[T float] struct {
	buf []T
	fwd convForward[T]
	dx  convInputGrad[T]
	dw  convFilterGrad[T]
	// wino is the Winograd kernels' state, for 3x3 stride-1 shapes (winograd.go)
	wino winoState[T]
}

// buffers returns the scratch of element type T.
func buffers[T float](s *convScratch) *convBuffers[T] {
	if b, ok := any(&s.f32).(*convBuffers[T]); ok {
		return b
	}
	return any(&s.f64).(*convBuffers[T])
}

// gemmFunc is sgemm1 or dgemm1 (gemm.go): C = alpha op(A) op(B) + beta C, row-major, on
// the calling goroutine.
type gemmFunc[T float] func(tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// convColumns is the number of output pixels a group of images aims at: below a few
// hundred columns the GEMM spends its time on the edges of its register tiles.
const convColumns = 256

// convPlan is how a convolution kernel cuts the batch: into parts, each walked in groups of
// images with scratch of its own. The batch is cut into the same parts however many cores
// are free (a part per core the machine has), so that the filter gradient, summed part by
// part, comes out the same bit for bit whether the parts ran in parallel or one after
// another.
type convPlan[T float] struct {
	g     window // the input images and the filters' window
	fn    int    // filters
	group int    // images per GEMM
	parts int    // parts of the batch
	// pixelMajor multiplies with the column matrix as the first operand (patches longer than
	// the filters are many): the GEMM reads it where it is instead of packing it.
	pixelMajor bool
	gemm       gemmFunc[T]
	scratch    []T // per part: columns, a filter-major product, a filter gradient
	per        int // scratch values per part
}

// plan cuts the batch of images g for fn filters, with room per part for room values per
// image of a group (a group's output before pooling, or its input gradient before the
// pooling's gradient: fuse.go), and fn*(K+1) values after the parts for the filters with
// their bias (wb).
func plan[T float](s *convScratch, g window, fn int, room int) convPlan[T] {
	k, pix := g.patch(), g.pixels()
	group := min(g.n, max(1, (convColumns+pix-1)/pix))
	cols := group * pix
	per := (k+1)*cols + fn*cols + fn*k + group*room
	parts := min(g.n, parallel.Cores())
	b := buffers[T](s)
	if n := parts*per + fn*(k+1); cap(b.buf) < n {
		b.buf = make([]T, n)
	}
	return convPlan[T]{g: g, fn: fn, group: group, parts: parts, pixelMajor: k > fn,
		gemm: serialGemm[T](), scratch: b.buf[:parts*per], per: per}
}

// run runs the parts of k's plan, on all cores when the work is big.
func (p *convPlan[T]) run(k parallel.Task) {
	parallel.For(p.parts, p.g.n*p.g.pixels()*p.g.patch()*p.fn, k)
}

// part returns the images [lo, hi) of part c and its scratch.
func (p *convPlan[T]) part(c int) (lo, hi int, buf []T) {
	return c * p.g.n / p.parts, (c + 1) * p.g.n / p.parts, p.scratch[c*p.per:][:p.per]
}

// groupBufs returns, in a part's scratch, the column matrix of a group of gn images (kw
// values per column) and the room for its product.
func (p *convPlan[T]) groupBufs(buf []T, gn, kw int) (col, prod []T) {
	k, cols := p.g.patch(), gn*p.g.pixels()
	return buf[:kw*cols], buf[(k+1)*p.group*p.g.pixels():][:p.fn*cols]
}

// ---- the forward kernel ----

// convForward computes y = W im2col(x) + b [N FN OH OW] from the images x [N C H W], the
// filters w [FN C FH FW] and the bias b [FN] (nil: none), applying ep to each group's output
// (fuse.go).
type convForward[T float] struct {
	y, x, w, b []T
	ep         epilogue
	p          convPlan[T]
	kw         int // columns of w: the patch, and one more for the bias
}

// run computes the convolution of images g with fn filters, using the node's scratch s.
func (k convForward[T]) run(s *convScratch, g window, fn int) {
	if useWinograd[T](g, fn) {
		k.runWinograd(s, g, fn)
		return
	}
	t := &buffers[T](s).fwd
	*t = k
	room := 0
	if k.ep.pool {
		room = fn * g.pixels()
	}
	t.p = plan[T](s, g, fn, room)
	t.kw = g.patch()
	if k.b != nil { // the bias as one more column of the filters, over a row of ones
		kk := g.patch()
		wb := buffers[T](s).buf[t.p.parts*t.p.per:]
		for f := range fn {
			copy(wb[f*(kk+1):], k.w[f*kk:(f+1)*kk])
			wb[f*(kk+1)+kk] = k.b[f]
		}
		t.w, t.kw = wb, kk+1
	}
	t.p.run(t)
	*t = convForward[T]{} // drop the caller's slices
}

// Run computes parts [lo, hi) of the batch, each in groups of images.
func (t *convForward[T]) Run(lo, hi int) {
	p := &t.p
	g, fn, k, pix := p.g, p.fn, p.g.patch(), p.g.pixels()
	img, out := g.c*g.h*g.w, fn*pix // values per input image and per output image
	for c := lo; c < hi; c++ {
		n0, n1, buf := p.part(c)
		for ; n0 < n1; n0 += p.group {
			gn := min(p.group, n1-n0)
			cols := gn * pix
			col, prod := p.groupBufs(buf, gn, t.kw)
			im2colK(col, t.x[n0*img:], g, layout{ns: pix, rs: cols, ps: 1}, 0, gn)
			ones := col[k*cols:]
			for i := range ones { // the bias's row (none without bias)
				ones[i] = 1
			}
			var y []T
			if t.ep.pool { // the output goes to scratch, and its pooling to t.y
				y = buf[(k+1+fn)*p.group*pix:][:gn*out]
			} else {
				y = t.y[n0*out : (n0+gn)*out]
			}
			kw := t.kw
			switch {
			case p.pixelMajor: // prod [G*P, FN] = col^T W^T
				p.gemm(true, true, cols, fn, kw, 1, col, cols, t.w, kw, 0, prod, fn)
				fromPixelMajor(y, prod, gn, fn, pix)
			case gn == 1:
				p.gemm(false, false, fn, pix, kw, 1, t.w, kw, col, pix, 0, y, pix)
			default:
				p.gemm(false, false, fn, cols, kw, 1, t.w, kw, col, cols, 0, prod, cols)
				toNCHW(y, prod, gn, fn, pix)
			}
			apply(&t.ep, t.y, y, n0*fn, gn*fn, pix)
		}
	}
}

// ---- the input gradient kernel ----

// convInputGrad computes gx = col2im(W^T gy) [N C H W] from the output gradient
// gy [N FN OH OW] and the filters w [FN C FH FW], applying ep to each group's gradient
// (fuse.go): then gx is the fused kernel's output.
type convInputGrad[T float] struct {
	gx, gy, w []T
	ep        backEpilogue[T]
	p         convPlan[T]
}

// run computes the input gradient for images g and fn filters, using the node's scratch s.
func (k convInputGrad[T]) run(s *convScratch, g window, fn int) {
	if useWinograd[T](g, fn) {
		k.runWinograd(s, g, fn)
		return
	}
	t := &buffers[T](s).dx
	*t = k
	room := 0
	if k.ep.pool {
		room = g.c * g.h * g.w
	}
	t.p = plan[T](s, g, fn, room)
	t.p.run(t)
	*t = convInputGrad[T]{} // drop the caller's slices
}

// Run computes parts [lo, hi) of the batch, each in groups of images.
func (t *convInputGrad[T]) Run(lo, hi int) {
	p := &t.p
	g, fn, k, pix := p.g, p.fn, p.g.patch(), p.g.pixels()
	img, out := g.c*g.h*g.w, fn*pix
	for c := lo; c < hi; c++ {
		n0, n1, buf := p.part(c)
		for ; n0 < n1; n0 += p.group {
			gn := min(p.group, n1-n0)
			cols := gn * pix
			col, prod := p.groupBufs(buf, gn, k)
			gy := t.gy[n0*out : (n0+gn)*out]
			if gn > 1 {
				fromNCHW(prod, gy, gn, fn, pix)
				gy = prod
			}
			p.gemm(true, false, k, cols, fn, 1, t.w, k, gy, cols, 0, col, cols)
			var gx []T
			if t.ep.pool { // the group's gradient goes to scratch, its pooling's gradient out
				gx = buf[(k+1+fn)*p.group*pix:][:gn*img]
			} else {
				gx = t.gx[n0*img : (n0+gn)*img]
			}
			col2imK(gx, col, g, layout{ns: pix, rs: cols, ps: 1}, 0, gn, true)
			t.ep.apply(t.gx, gx, n0, gn)
		}
	}
}

// ---- the filter gradient kernel ----

// convFilterGrad computes gw = gy im2col(x)^T [FN C FH FW] from the images x [N C H W] and
// the output gradient gy [N FN OH OW]. Each part sums its groups' products into a partial
// result of its own (part 0 straight into gw when it is filter-major), added in order at
// the end.
type convFilterGrad[T float] struct {
	gw, x, gy []T
	p         convPlan[T]
}

// run computes the filter gradient for images g and fn filters, using the node's scratch s.
func (k convFilterGrad[T]) run(s *convScratch, g window, fn int) {
	if useWinograd[T](g, fn) {
		k.runWinograd(s, g, fn)
		return
	}
	t := &buffers[T](s).dw
	*t = k
	t.p = plan[T](s, g, fn, 0)
	t.p.run(t)
	kk, parts, per, gw := g.patch(), t.p.parts, t.p.per, k.gw
	if t.p.pixelMajor { // gw [FN K] is the sum of the parts' [K FN], in order
		for f := range fn {
			for r := range kk {
				var sum T
				for c := range parts {
					sum += t.p.scratch[(c+1)*per-fn*kk+r*fn+f]
				}
				gw[f*kk+r] = sum
			}
		}
	} else { // add the other parts' sums to part 0's, in order
		for c := 1; c < parts; c++ {
			part := t.p.scratch[(c+1)*per-fn*kk : (c+1)*per]
			for i, v := range part {
				gw[i] += v
			}
		}
	}
	*t = convFilterGrad[T]{} // drop the caller's slices
}

// Run computes the partial sums of parts [lo, hi) of the batch, each in groups of images.
func (t *convFilterGrad[T]) Run(lo, hi int) {
	p := &t.p
	g, fn, k, pix := p.g, p.fn, p.g.patch(), p.g.pixels()
	img, out := g.c*g.h*g.w, fn*pix
	for c := lo; c < hi; c++ {
		n0, n1, buf := p.part(c)
		part := t.gw
		if c > 0 || p.pixelMajor {
			part = buf[p.per-fn*k:]
		}
		clear(part)
		for ; n0 < n1; n0 += p.group {
			gn := min(p.group, n1-n0)
			cols := gn * pix
			col, prod := p.groupBufs(buf, gn, k)
			im2colK(col, t.x[n0*img:], g, layout{ns: pix, rs: cols, ps: 1}, 0, gn)
			gy := t.gy[n0*out : (n0+gn)*out]
			switch {
			case p.pixelMajor: // part [K, FN] += col gyT, gyT [G*P, FN] the gradient pixel-major
				gyT := prod
				for i := range gn {
					transpose2D(gyT[i*pix*fn:], gy[i*out:], fn, pix, fn, pix)
				}
				p.gemm(false, false, k, fn, cols, 1, col, cols, gyT, fn, 1, part, fn)
			case pix >= convColumns: // part [FN, K] += gy_i col_i^T, image by image in place
				// gy_i [FN, P] (row stride P) and col_i [K, P] (row stride G*P) both run along
				// the pixels, the long inner dimension: the GEMM's dot path multiplies them as
				// they are, with no transpose and no packing (SimpleConvNet's 30 x 25 x 576 at
				// twice the rate of the blocked product of gy and a transposed col).
				for i := range gn {
					p.gemm(false, true, fn, k, pix, 1, gy[i*out:], pix, col[i*pix:], cols, 1, part, k)
				}
			default: // part [FN, K] += gy col^T, gy [FN, G*P] filter-major
				fromNCHW(prod, gy, gn, fn, pix)
				p.gemm(false, true, fn, k, cols, 1, prod, cols, col, cols, 1, part, k)
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
// AVX2 kernel (gemm.Transpose32) does the 8x8 blocks where there is one, and cache-sized tiles
// of loops do the rest.
func transpose2D[T float](dst, src []T, rows, cols, ldd, lds int) {
	var z T
	r0, c0 := 0, 0 // the block the kernel did: rows [0, r0) by columns [0, c0)
	if unsafe.Sizeof(z) == 4 {
		r0, c0 = gemm.Transpose32(f32s(dst), f32s(src), rows, cols, ldd, lds)
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
		convForward[float32]{y: y.Float32s(), x: in[0].Float32s(), w: in[1].Float32s(), b: b, ep: ep}.run(o.s, g, ws[0])
		return nil
	}
	var b []float64
	if len(in) == 3 {
		b = in[2].Float64s()
	}
	convForward[float64]{y: y.Float64s(), x: in[0].Float64s(), w: in[1].Float64s(), b: b, ep: ep}.run(o.s, g, ws[0])
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
	return o.forward(gx, in[0], in[1], nil, nil, backOps{})
}

// forward computes the input gradient from gy and w, applying the ops bo to it (fuse.go)
// with the pooled images x and the ReLU mask mask (nil when bo has none) into out.
func (o conv2dInputGradOp) forward(out, gy, w, x, mask *tensor.Dense, bo backOps) error {
	ws := w.Shape()
	g := mustWindow(o.xs, ws[2], ws[3], o.stride, o.pad)
	var pw window
	if bo.pool {
		pw = bo.poolOp.window(x.Shape()) // checked when the graph was built
	}
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if is32(out) {
		convInputGrad[float32]{gx: out.Float32s(), gy: gy.Float32s(), w: w.Float32s(), ep: newBackEpilogue[float32](bo, pw, out, x, mask)}.run(o.s, g, ws[0])
	} else {
		convInputGrad[float64]{gx: out.Float64s(), gy: gy.Float64s(), w: w.Float64s(), ep: newBackEpilogue[float64](bo, pw, out, x, mask)}.run(o.s, g, ws[0])
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
		convFilterGrad[float32]{gw: gw.Float32s(), x: in[0].Float32s(), gy: in[1].Float32s()}.run(o.s, g, fn)
	} else {
		convFilterGrad[float64]{gw: gw.Float64s(), x: in[0].Float64s(), gy: in[1].Float64s()}.run(o.s, g, fn)
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
