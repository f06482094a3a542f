package ops

import (
	"slices"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/parallel"
)

// This file holds what convolution and pooling share: the geometry of a sliding window
// over NCHW images, the im2col and col2im kernels, the Im2Col and Col2Im ops (the book's
// layout, [N*OH*OW, C*FH*FW]) and the window loops that run the kernels of this file and
// pool.go on all cores without allocating.

// ---- window geometry ----

// window is a FH x FW window sliding with one stride and one zero padding on both axes of
// NCHW images: the book's semantics, OH = (H + 2P - FH)/S + 1 (rounded down).
type window struct {
	n, c, h, w  int // input images
	fh, fw      int // window
	stride, pad int
	oh, ow      int // output positions
}

// newWindow checks a window over images of shape xs and computes the output size. Pooling
// passes pool=true: its images must not be empty and its padding must be smaller than the
// window, so that every window covers at least one pixel.
func newWindow(xs graph.Shape, fh, fw, stride, pad int, pool bool) (window, error) {
	if len(xs) != 4 {
		return window{}, graph.Errorf("images must be [N C H W], got %v", xs)
	}
	g := window{n: xs[0], c: xs[1], h: xs[2], w: xs[3], fh: fh, fw: fw, stride: stride, pad: pad}
	switch {
	case fh < 1 || fw < 1:
		return window{}, graph.Errorf("window %dx%d is empty", fh, fw)
	case stride < 1:
		return window{}, graph.Errorf("stride %d must be at least 1", stride)
	case pad < 0:
		return window{}, graph.Errorf("padding %d is negative", pad)
	case pool && (g.h < 1 || g.w < 1):
		return window{}, graph.Errorf("images %dx%d are empty: a pooling window must cover a pixel", g.h, g.w)
	case pool && (pad >= fh || pad >= fw):
		return window{}, graph.Errorf("padding %d must be smaller than the window %dx%d", pad, fh, fw)
	case g.h+2*pad < fh || g.w+2*pad < fw:
		return window{}, graph.Errorf("window %dx%d does not fit in %dx%d images padded by %d", fh, fw, g.h, g.w, pad)
	}
	return g.sized(), nil
}

// sized returns g with its output size computed from the images, window, stride and
// padding; the geometry must have been checked (newWindow).
func (g window) sized() window {
	g.oh = (g.h+2*g.pad-g.fh)/g.stride + 1
	g.ow = (g.w+2*g.pad-g.fw)/g.stride + 1
	return g
}

// mustWindow is newWindow for kernels, whose shapes were checked when the graph was built.
func mustWindow(xs []int, fh, fw, stride, pad int) window {
	g, _ := newWindow(xs, fh, fw, stride, pad, false)
	return g
}

func (g window) patch() int  { return g.c * g.fh * g.fw } // values in one patch: C*FH*FW
func (g window) pixels() int { return g.oh * g.ow }       // output positions per image

// inside returns the output columns [lo, hi) whose window column kj falls inside the image
// (the others read padding).
func (g window) inside(kj int) (lo, hi int) {
	if d := g.pad - kj; d > 0 {
		lo = (d + g.stride - 1) / g.stride
	}
	if e := g.w + g.pad - kj; e > 0 {
		hi = (e + g.stride - 1) / g.stride
	}
	hi = min(hi, g.ow)
	return min(lo, hi), hi
}

// ---- im2col and col2im kernels ----

// layout places the patch value r (r = (c*FH + ki)*FW + kj) of output position p of image n
// at index n*ns + r*rs + p*ps of a column matrix. The book's im2col is [N*OH*OW, C*FH*FW]
// (ns = OH*OW*C*FH*FW, rs = 1, ps = C*FH*FW); the convolution kernels use
// [C*FH*FW, N*OH*OW] (ns = OH*OW, rs = N*OH*OW, ps = 1) so that one GEMM covers the batch.
type layout struct{ ns, rs, ps int }

func bookLayout(g window) layout { return layout{g.pixels() * g.patch(), 1, g.patch()} }

// im2colK copies the patches of images [n0, n1) of x into col, zeros where they read padding.
func im2colK[T float](col, x []T, g window, l layout, n0, n1 int) {
	// With stride 1 and rows as wide as the image's (3x3 windows padded by 1, say), a patch
	// value's row of col is the image plane shifted: one copy, and zeros at the edges.
	shift := l.ps == 1 && g.stride == 1 && g.ow == g.w
	for n := n0; n < n1; n++ {
		for c := 0; c < g.c; c++ {
			plane := x[(n*g.c+c)*g.h*g.w:][:g.h*g.w]
			for ki := 0; ki < g.fh; ki++ {
				for kj := 0; kj < g.fw; kj++ {
					lo, hi := g.inside(kj)
					r := (c*g.fh+ki)*g.fw + kj
					if shift {
						shiftRow(col[n*l.ns+r*l.rs:][:g.oh*g.ow], plane, g, ki, kj, lo, hi)
						continue
					}
					if l.ps == 1 && g.stride == 1 {
						unitRow(col[n*l.ns+r*l.rs:][:g.oh*g.ow], plane, g, ki, kj, lo, hi)
						continue
					}
					for oy := 0; oy < g.oh; oy++ {
						d := n*l.ns + r*l.rs + oy*g.ow*l.ps
						iy := oy*g.stride - g.pad + ki
						if iy < 0 || iy >= g.h { // the whole row reads padding
							zeroCols(col, d, l.ps, 0, g.ow)
							continue
						}
						zeroCols(col, d, l.ps, 0, lo)
						zeroCols(col, d, l.ps, hi, g.ow)
						ix := lo*g.stride - g.pad + kj
						row := plane[iy*g.w:][:g.w]
						for ox := lo; ox < hi; ox++ {
							col[d+ox*l.ps] = row[ix]
							ix += g.stride
						}
					}
				}
			}
		}
	}
}

// unitRow writes the row of col of window offset (ki, kj), dst [OH*OW], for stride 1: each
// output row is a run of an image row, and zeros where the window reads padding.
func unitRow[T float](dst, plane []T, g window, ki, kj, lo, hi int) {
	ow, w := g.ow, g.w
	oy0, oy1 := max(0, g.pad-ki), min(g.oh, g.h+g.pad-ki) // the rows that read the image
	// every output reads padding when the window row or column lies outside the image
	if oy0 >= oy1 || lo >= hi {
		clear(dst)
		return
	}
	clear(dst[:oy0*ow])
	clear(dst[oy1*ow:])
	if lo > 0 || hi < ow { // columns that read padding
		for oy := oy0; oy < oy1; oy++ {
			clear(dst[oy*ow : oy*ow+lo])
			clear(dst[oy*ow+hi : oy*ow+ow])
		}
	}
	n := hi - lo
	src := (oy0-g.pad+ki)*w + lo - g.pad + kj
	var z T
	if unsafe.Sizeof(z) == 4 && copyRows32(f32s(dst[oy0*ow+lo:]), f32s(plane[src:]), oy1-oy0, n, ow, w) {
		return
	}
	for d := oy0*ow + lo; d < oy1*ow; d += ow {
		copy(dst[d:d+n], plane[src:src+n])
		src += w
	}
}

// shiftRow writes the row of col of window offset (ki, kj), dst [OH*OW], for stride 1 and
// OW = W: dst[i] = plane[i + (ki-P)*W + kj-P] where that pixel is inside the image, else 0.
func shiftRow[T float](dst, plane []T, g window, ki, kj, lo, hi int) {
	w := g.w
	off := (ki-g.pad)*w + kj - g.pad
	a, b := max(0, -off), min(len(dst), len(plane)-off)
	if a >= b {
		clear(dst)
		return
	}
	clear(dst[:a])
	copy(dst[a:b], plane[a+off:b+off])
	clear(dst[b:])
	// rows that read padding above or below the image
	oy0, oy1 := max(0, g.pad-ki), min(g.oh, g.h+g.pad-ki)
	if oy0 >= oy1 {
		clear(dst)
		return
	}
	clear(dst[:oy0*w])
	clear(dst[oy1*w:])
	// columns that read padding left or right (the copy wrapped them from the next row)
	for oy := oy0; oy < oy1; oy++ {
		row := dst[oy*w:][:w]
		for ox := 0; ox < lo; ox++ {
			row[ox] = 0
		}
		for ox := hi; ox < w; ox++ {
			row[ox] = 0
		}
	}
}

// shiftAdd is shiftRow's adjoint: plane[i + (ki-P)*W + kj-P] += src[i] for the entries
// src [OH*OW] whose pixel is inside the image. It zeros src's entries that read padding at
// the left or right, so that the rows that read the image add in one run (the zeros land
// on the neighbouring row's pixels, unchanged).
func shiftAdd[T float](plane, src []T, g window, ki, kj, lo, hi int) {
	w := g.w
	off := (ki-g.pad)*w + kj - g.pad
	oy0, oy1 := max(0, g.pad-ki), min(g.oh, g.h+g.pad-ki)
	if oy0 >= oy1 {
		return
	}
	if lo > 0 || hi < w {
		for oy := oy0; oy < oy1; oy++ {
			row := src[oy*w:][:w]
			for ox := 0; ox < lo; ox++ {
				row[ox] = 0
			}
			for ox := hi; ox < w; ox++ {
				row[ox] = 0
			}
		}
	}
	a, b := max(oy0*w, -off), min(oy1*w, len(plane)-off)
	if a >= b {
		return
	}
	addTo(plane[a+off:b+off], src[a:b])
}

// addTo sets dst[i] += src[i] over dst: with the vector kernel (vec_amd64.s) in float32.
func addTo[T float](dst, src []T) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		addTo32(f32s(dst), f32s(src))
		return
	}
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// zeroCols zeros the entries [a, b) of the row of col that starts at d and steps by ps.
func zeroCols[T float](col []T, d, ps, a, b int) {
	if ps == 1 {
		clear(col[d+a : d+b])
		return
	}
	for ox := a; ox < b; ox++ {
		col[d+ox*ps] = 0
	}
}

// col2imK is im2colK's adjoint: it zeros images [n0, n1) of x and adds each patch value of
// col back onto the pixel it was read from (padding reads are dropped). When scratch is
// true col is the caller's to overwrite: with stride 1 and OW = W, col2imK zeros the values
// that read padding and adds each row of col onto its plane in one run (shiftAdd).
func col2imK[T float](x, col []T, g window, l layout, n0, n1 int, scratch bool) {
	clear(x[n0*g.c*g.h*g.w : n1*g.c*g.h*g.w])
	shift := scratch && l.ps == 1 && g.stride == 1 && g.ow == g.w
	for n := n0; n < n1; n++ {
		for c := 0; c < g.c; c++ {
			plane := x[(n*g.c+c)*g.h*g.w:][:g.h*g.w]
			for ki := 0; ki < g.fh; ki++ {
				for kj := 0; kj < g.fw; kj++ {
					lo, hi := g.inside(kj)
					r := (c*g.fh+ki)*g.fw + kj
					if shift {
						shiftAdd(plane, col[n*l.ns+r*l.rs:][:g.oh*g.ow], g, ki, kj, lo, hi)
						continue
					}
					for oy := 0; oy < g.oh; oy++ {
						iy := oy*g.stride - g.pad + ki
						if iy < 0 || iy >= g.h || lo >= hi { // padding only
							continue
						}
						d := n*l.ns + r*l.rs + oy*g.ow*l.ps
						row := plane[iy*g.w:][:g.w]
						ix := lo*g.stride - g.pad + kj
						if l.ps == 1 && g.stride == 1 {
							addTo(row[ix:ix+hi-lo], col[d+lo:d+hi])
							continue
						}
						for ox := lo; ox < hi; ox++ {
							row[ix] += col[d+ox*l.ps]
							ix += g.stride
						}
					}
				}
			}
		}
	}
}

// ---- the Im2Col and Col2Im ops: each the other's gradient ----

type im2colOp struct{ fh, fw, stride, pad int }

var _ graph.Op = im2colOp{}

func (im2colOp) Name() string { return "im2col" }
func (o im2colOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	g, err := newWindow(in[0].Shape, o.fh, o.fw, o.stride, o.pad, false)
	return graph.Type{Shape: graph.Shape{g.n * g.pixels(), g.patch()}, DType: in[0].DType}, err
}
func (o im2colOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	g := mustWindow(in[0].Shape(), o.fh, o.fw, o.stride, o.pad)
	unary(y, in[0], func(y, x []float32) { runWindow(im2colLoop[float32]{}, g, bookLayout(g), y, x, nil) },
		func(y, x []float64) { runWindow(im2colLoop[float64]{}, g, bookLayout(g), y, x, nil) })
	return nil
}

// im2colLoop is im2colK as a window loop over the images: dst the columns of src.
type im2colLoop[T float] struct{}

func (im2colLoop[T]) items(g window) int { return g.n }
func (im2colLoop[T]) run(a winArgs[T], lo, hi int) {
	im2colK(a.dst, a.src, a.g, a.l, lo, hi)
}
func (o im2colOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Col2Im(gy, x[0].Shape(), o.fh, o.fw, o.stride, o.pad)}
}

// Im2Col is the book's im2col: it unrolls every FH x FW patch of the images x [N C H W]
// (zero padded by pad, windows stride apart) into a row of the result
// [N*OH*OW, C*FH*FW], rows ordered (n, oy, ox) and columns (c, ki, kj), so that a
// convolution becomes one matrix product. Its gradient is Col2Im.
func Im2Col(x *graph.Node, fh, fw, stride, pad int) *graph.Node {
	return graph.Apply(im2colOp{fh, fw, stride, pad}, x)
}

type col2imOp struct {
	xs                  graph.Shape // the images' shape [N C H W]
	fh, fw, stride, pad int
}

var _ graph.Op = col2imOp{}

func (col2imOp) Name() string { return "col2im" }
func (o col2imOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	g, err := newWindow(o.xs, o.fh, o.fw, o.stride, o.pad, false)
	if err != nil {
		return graph.Type{}, err
	}
	if want := (graph.Shape{g.n * g.pixels(), g.patch()}); !in[0].Shape.Equal(want) {
		return graph.Type{}, graph.Errorf("columns must be %v for images %v, got %v", want, o.xs, in[0].Shape)
	}
	return graph.Type{Shape: o.xs, DType: in[0].DType}, nil
}
func (o col2imOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	g := mustWindow(o.xs, o.fh, o.fw, o.stride, o.pad)
	unary(y, in[0], func(y, col []float32) { runWindow(col2imLoop[float32]{}, g, bookLayout(g), y, col, nil) },
		func(y, col []float64) { runWindow(col2imLoop[float64]{}, g, bookLayout(g), y, col, nil) })
	return nil
}

// col2imLoop is col2imK as a window loop over the images: dst the images summed from the
// columns src, which are the op's input (not scratch to overwrite).
type col2imLoop[T float] struct{}

func (col2imLoop[T]) items(g window) int { return g.n }
func (col2imLoop[T]) run(a winArgs[T], lo, hi int) {
	col2imK(a.dst, a.src, a.g, a.l, lo, hi, false)
}
func (o col2imOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Im2Col(gy, o.fh, o.fw, o.stride, o.pad)}
}

// Col2Im is the book's col2im, the adjoint of Im2Col: it adds every row of col
// [N*OH*OW, C*FH*FW] back onto the patch of images of shape xShape [N C H W] it came from,
// summing where patches overlap and dropping padding. Its gradient is Im2Col.
func Col2Im(col *graph.Node, xShape []int, fh, fw, stride, pad int) *graph.Node {
	return graph.Apply(col2imOp{graph.Shape(slices.Clone(xShape)), fh, fw, stride, pad}, col)
}

// ---- window loops: the kernels of this file and pool.go as units of parallel work ----

// winArgs are the operands of a window kernel: dst from src, and aux where the kernel reads
// a third tensor (the images, for the max-pool gradients).
type winArgs[T float] struct {
	g             window
	l             layout
	dst, src, aux []T
}

// winKernel is a window kernel as a loop over items: the images of the batch or the N*C
// image planes, as items says. Each op's file defines its kernel next to it; the kernels
// are empty structs, so that passing one allocates nothing.
type winKernel[T float] interface {
	items(g window) int
	run(a winArgs[T], lo, hi int)
}

// winTask is one call of a window kernel, split over its items by parallel.For.
type winTask[T float] struct {
	k winKernel[T]
	winArgs[T]
}

func (t *winTask[T]) Run(lo, hi int) { t.k.run(t.winArgs, lo, hi) }

// winSlots hold the task of a parallel window loop (taskSlot).
var winSlots typeSlots[winTask[float32], winTask[float64]]

// runWindow runs the window kernel k with the operands g, l, dst, src and aux, in parallel
// when the work is big. It allocates nothing: a small loop, or one that finds its slot taken
// by another goroutine's, runs a task on the stack, a parallel one the slot's.
func runWindow[T float](k winKernel[T], g window, l layout, dst, src, aux []T) {
	t := winTask[T]{k: k, winArgs: winArgs[T]{g: g, l: l, dst: dst, src: src, aux: aux}}
	s := slotFor[winTask[T]](&winSlots)
	items, work := k.items(g), g.n*g.patch()*g.pixels()
	if work < parallel.MinWork || !s.mu.TryLock() {
		t.Run(0, items)
		return
	}
	defer s.mu.Unlock()
	s.t = t
	parallel.For(items, work, &s.t)
	s.t = winTask[T]{} // drop the caller's slices
}
