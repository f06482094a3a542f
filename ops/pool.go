package ops

import (
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// The book's Pooling layer (chapter 7) and its average twin. A FH x FW window slides over
// each channel of images x [N C H W], stride apart, over images padded by pad < FH, FW on
// every side; the output is [N C OH OW] with OH = (H + 2 pad - FH)/stride + 1.
//
// Max pooling ignores padding: a window's maximum is over the pixels it covers. Its
// gradient goes to the window's argmax; on ties, to the first maximal pixel in row-major
// order within the window (as gorgonia's MaxPool2D); a window holding a NaN outputs NaN
// and sends its gradient to its first NaN. The ops keep no state: the gradient op
// finds the argmax again from x, so a pooling node runs with any batch and from several
// programs at once.
//
// Average pooling divides the window's sum by FH*FW, padding counted as zeros.
//
// The gradients are ops too, each linear in the incoming gradient:
//
//	max_pool2d(x)            y[o]  = x[argmax o]
//	max_pool2d_grad(x, gy)   gx[i] = sum of gy[o] over the windows o whose argmax is i
//	max_pool2d_gather(x, g)  z[o]  = g[argmax o]      (the gradient of max_pool2d_grad in gy)
//	avg_pool2d(x)            y[o]  = sum of x over window o / (FH FW)
//	avg_pool2d_grad(gy)      gx[i] = sum of gy[o] over the windows o covering i / (FH FW)
//
// The argmax is piecewise constant in x, so no gradient flows to x from the gradient ops.

// ---- max pooling ----

type maxPool2DOp struct{ fh, fw, stride, pad int }

var _ graph.Op = maxPool2DOp{}

func (maxPool2DOp) Name() string { return "max_pool2d" }
func (o maxPool2DOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	return o.pooled(in[0])
}
func (o maxPool2DOp) pooled(x graph.Type) (graph.Type, error) {
	g, err := newWindow(x.Shape, o.fh, o.fw, o.stride, o.pad, true)
	return graph.Type{Shape: graph.Shape{g.n, g.c, g.oh, g.ow}, DType: x.DType}, err
}
func (o maxPool2DOp) window(xs []int) window { return mustWindow(xs, o.fh, o.fw, o.stride, o.pad) }
func (o maxPool2DOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	g := o.window(in[0].Shape())
	unary(y, in[0], func(y, x []float32) { runWindow(maxPoolLoop[float32]{}, g, layout{}, y, x, nil) },
		func(y, x []float64) { runWindow(maxPoolLoop[float64]{}, g, layout{}, y, x, nil) })
	return nil
}

// maxPoolLoop is max pooling as a window loop over the image planes: dst from src.
type maxPoolLoop[T float] struct{}

func (maxPoolLoop[T]) items(g window) int { return g.n * g.c }
func (maxPoolLoop[T]) run(a winArgs[T], lo, hi int) {
	in, out := a.g.h*a.g.w, a.g.pixels()
	maxPoolPlanes(a.dst[lo*out:hi*out], a.src[lo*in:hi*in], a.g, hi-lo)
}

// The book's Pooling backward: the gradient goes to the argmax of each window.
func (o maxPool2DOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(maxPoolGradOp{o}, x[0], gy)}
}

// MaxPool2D takes the maximum of each FH x FW window of each channel of x [N C H W], windows
// stride apart, over x padded by pad (pad < FH, FW; padding never wins). The gradient goes
// to each window's first maximal pixel in row-major order.
func MaxPool2D(x *graph.Node, fh, fw, stride, pad int) *graph.Node {
	return graph.Apply(maxPool2DOp{fh, fw, stride, pad}, x)
}

// maxPoolGradOp routes gy to the argmax of x's windows.
type maxPoolGradOp struct{ p maxPool2DOp }

var _ graph.Op = maxPoolGradOp{}

func (maxPoolGradOp) Name() string { return "max_pool2d_grad" }
func (o maxPoolGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	return in[0], o.p.check(in[0], in[1], "output gradient")
}
func (o maxPoolGradOp) Forward(gx *tensor.Dense, in ...*tensor.Dense) error {
	g := o.p.window(in[0].Shape())
	binary(gx, in[1], in[0], func(gx, gy, x []float32) { runWindow(maxScatterLoop[float32]{}, g, layout{}, gx, gy, x) },
		func(gx, gy, x []float64) { runWindow(maxScatterLoop[float64]{}, g, layout{}, gx, gy, x) })
	return nil
}

// maxScatterLoop is the max-pool gradient as a window loop over the image planes: dst the
// images, src routed to the argmax of the windows of aux.
type maxScatterLoop[T float] struct{}

func (maxScatterLoop[T]) items(g window) int { return g.n * g.c }
func (maxScatterLoop[T]) run(a winArgs[T], lo, hi int) {
	in, out := a.g.h*a.g.w, a.g.pixels()
	argmaxPlanes(a.dst[lo*in:hi*in], a.src[lo*out:hi*out], a.aux[lo*in:hi*in], a.g, hi-lo, true)
}
func (o maxPoolGradOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	return []*graph.Node{nil, graph.Apply(maxPoolGatherOp(o), x[0], g)}
}

// check says whether p has the shape of x's pooled output.
func (o maxPool2DOp) check(x, p graph.Type, what string) error {
	want, err := o.pooled(x)
	if err != nil {
		return err
	}
	if err := sameDType(x, p); err != nil {
		return err
	}
	if !p.Shape.Equal(want.Shape) {
		return graph.Errorf("%s must be %v, got %v", what, want.Shape, p.Shape)
	}
	return nil
}

// maxPoolGatherOp reads g [N C H W] at the argmax of each of x's windows: the transpose of
// maxPoolGradOp in its gradient argument (and max pooling itself when g is x).
type maxPoolGatherOp struct{ p maxPool2DOp }

var _ graph.Op = maxPoolGatherOp{}

func (maxPoolGatherOp) Name() string { return "max_pool2d_gather" }
func (o maxPoolGatherOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if !in[1].Shape.Equal(in[0].Shape) || in[1].DType != in[0].DType {
		return graph.Type{}, graph.Errorf("gathered values %s must match the images %s", in[1], in[0])
	}
	return o.p.pooled(in[0])
}
func (o maxPoolGatherOp) Forward(z *tensor.Dense, in ...*tensor.Dense) error {
	g := o.p.window(in[0].Shape())
	binary(z, in[1], in[0], func(z, v, x []float32) { runWindow(maxGatherLoop[float32]{}, g, layout{}, z, v, x) },
		func(z, v, x []float64) { runWindow(maxGatherLoop[float64]{}, g, layout{}, z, v, x) })
	return nil
}

// maxGatherLoop is maxPoolGatherOp's kernel as a window loop over the image planes: dst
// the images src read at the argmax of the windows of aux.
type maxGatherLoop[T float] struct{}

func (maxGatherLoop[T]) items(g window) int { return g.n * g.c }
func (maxGatherLoop[T]) run(a winArgs[T], lo, hi int) {
	in, out := a.g.h*a.g.w, a.g.pixels()
	argmaxPlanes(a.src[lo*in:hi*in], a.dst[lo*out:hi*out], a.aux[lo*in:hi*in], a.g, hi-lo, false)
}
func (o maxPoolGatherOp) Grad(x []*graph.Node, y, gz *graph.Node) []*graph.Node {
	return []*graph.Node{nil, graph.Apply(maxPoolGradOp(o), x[0], gz)}
}

// ---- average pooling ----

type avgPool2DOp struct{ fh, fw, stride, pad int }

var _ graph.Op = avgPool2DOp{}

func (avgPool2DOp) Name() string { return "avg_pool2d" }
func (o avgPool2DOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	return maxPool2DOp(o).pooled(in[0])
}
func (o avgPool2DOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	g := maxPool2DOp(o).window(in[0].Shape())
	unary(y, in[0], func(y, x []float32) { runWindow(avgPoolLoop[float32]{}, g, layout{}, y, x, nil) },
		func(y, x []float64) { runWindow(avgPoolLoop[float64]{}, g, layout{}, y, x, nil) })
	return nil
}

// avgPoolLoop is average pooling as a window loop over the image planes: dst from src.
type avgPoolLoop[T float] struct{}

func (avgPoolLoop[T]) items(g window) int { return g.n * g.c }
func (avgPoolLoop[T]) run(a winArgs[T], lo, hi int) {
	in, out := a.g.h*a.g.w, a.g.pixels()
	for p := lo; p < hi; p++ {
		avgPoolPlane(a.dst[p*out:][:out], a.src[p*in:][:in], a.g, false)
	}
}
func (o avgPool2DOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(avgPoolGradOp{o, x[0].Shape().Clone()}, gy)}
}

// AvgPool2D averages each FH x FW window of each channel of x [N C H W], windows stride
// apart, over x zero padded by pad (pad < FH, FW): every window's sum is divided by FH*FW.
func AvgPool2D(x *graph.Node, fh, fw, stride, pad int) *graph.Node {
	return graph.Apply(avgPool2DOp{fh, fw, stride, pad}, x)
}

// avgPoolGradOp spreads each gy[o] evenly over its window: the transpose of average pooling.
type avgPoolGradOp struct {
	p  avgPool2DOp
	xs graph.Shape
}

var _ graph.Op = avgPoolGradOp{}

func (avgPoolGradOp) Name() string { return "avg_pool2d_grad" }
func (o avgPoolGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	x := graph.Type{Shape: o.xs, DType: in[0].DType}
	return x, maxPool2DOp(o.p).check(x, in[0], "output gradient")
}
func (o avgPoolGradOp) Forward(gx *tensor.Dense, in ...*tensor.Dense) error {
	g := maxPool2DOp(o.p).window(o.xs)
	unary(gx, in[0], func(gx, gy []float32) { runWindow(avgScatterLoop[float32]{}, g, layout{}, gx, gy, nil) },
		func(gx, gy []float64) { runWindow(avgScatterLoop[float64]{}, g, layout{}, gx, gy, nil) })
	return nil
}

// avgScatterLoop is the average-pool gradient as a window loop over the image planes: dst
// the images, src spread evenly over their windows.
type avgScatterLoop[T float] struct{}

func (avgScatterLoop[T]) items(g window) int { return g.n * g.c }
func (avgScatterLoop[T]) run(a winArgs[T], lo, hi int) {
	in, out := a.g.h*a.g.w, a.g.pixels()
	for p := lo; p < hi; p++ {
		avgPoolPlane(a.src[p*out:][:out], a.dst[p*in:][:in], a.g, true)
	}
}
func (o avgPoolGradOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	p := o.p
	return []*graph.Node{AvgPool2D(g, p.fh, p.fw, p.stride, p.pad)}
}

// ---- kernels ----

// span returns the rows [y0, y1) of an image of height h that window position oy covers
// (and likewise columns, given the width).
func span(oy, f, stride, pad, h int) (y0, y1 int) {
	y0 = oy*stride - pad
	return max(y0, 0), min(y0+f, h)
}

// maxPoolPlanes pools planes consecutive image planes of x into y. With the book's pooling
// over planes of even height, the planes stacked are one plane, pooled in one call.
func maxPoolPlanes[T float](y, x []T, g window, planes int) {
	in, out := g.h*g.w, g.pixels()
	if g.fh == 2 && g.fw == 2 && g.stride == 2 && g.pad == 0 && g.h == 2*g.oh {
		g.h, g.oh = planes*g.h, planes*g.oh
		maxPoolPlane(y[:planes*out], x[:planes*in], g)
		return
	}
	for p := range planes {
		maxPoolPlane(y[p*out:][:out], x[p*in:][:in], g)
	}
}

// maxPoolPlane writes the maximum of each window of the image plane x to y.
func maxPoolPlane[T float](y, x []T, g window) {
	w, h, ow, oh, s, pad, fh, fw := g.w, g.h, g.ow, g.oh, g.stride, g.pad, g.fh, g.fw
	if fh == 2 && fw == 2 && s == 2 && pad == 0 { // the book's pooling
		var z T
		if unsafe.Sizeof(z) == 4 && maxPool2x2Plane32(f32s(y), f32s(x), oh, ow, w) {
			return
		}
		for oy := 0; oy < oh; oy++ {
			r0, r1 := x[2*oy*w:][:2*ow], x[(2*oy+1)*w:][:2*ow]
			for ox, yr := 0, y[oy*ow:][:ow]; ox < len(yr); ox++ {
				yr[ox] = max(max(r0[2*ox], r0[2*ox+1]), max(r1[2*ox], r1[2*ox+1]))
			}
		}
		return
	}
	for oy := 0; oy < oh; oy++ {
		y0, y1 := span(oy, fh, s, pad, h)
		for ox := 0; ox < ow; ox++ {
			x0, x1 := span(ox, fw, s, pad, w)
			m := x[y0*w+x0]
			for iy := y0; iy < y1; iy++ {
				for _, v := range x[iy*w+x0 : iy*w+x1] {
					m = max(m, v)
				}
			}
			y[oy*ow+ox] = m
		}
	}
}

// argmaxPlanes is argmaxPlane over planes consecutive image planes. With the book's
// pooling over planes of even height, the planes stacked are one plane, done in one call.
func argmaxPlanes[T float](img, y, x []T, g window, planes int, scatter bool) {
	in, out := g.h*g.w, g.pixels()
	if g.fh == 2 && g.fw == 2 && g.stride == 2 && g.pad == 0 && g.h == 2*g.oh {
		g.h, g.oh = planes*g.h, planes*g.oh
		argmaxPlane(img[:planes*in], y[:planes*out], x[:planes*in], g, scatter)
		return
	}
	for p := range planes {
		argmaxPlane(img[p*in:][:in], y[p*out:][:out], x[p*in:][:in], g, scatter)
	}
}

// argmaxPlane finds the first maximum in row-major order of each window of x and either
// adds y's value there into img (scatter: img is zeroed first) or reads img there into y
// (gather). A window holding a NaN has NaN for maximum (as max pooling's output) and its
// first NaN for argmax.
func argmaxPlane[T float](img, y, x []T, g window, scatter bool) {
	w, h, ow, oh, s, pad, fh, fw := g.w, g.h, g.ow, g.oh, g.stride, g.pad, g.fh, g.fw
	if fh == 2 && fw == 2 && s == 2 && pad == 0 { // the book's pooling
		var z T
		if unsafe.Sizeof(z) == 4 {
			argmax2x2(bits[T, uint32](img), bits[T, uint32](y), x, g, scatter)
		} else {
			argmax2x2(bits[T, uint64](img), bits[T, uint64](y), x, g, scatter)
		}
		return
	}
	if scatter {
		clear(img)
	}
	for oy := 0; oy < oh; oy++ {
		y0, y1 := span(oy, fh, s, pad, h)
		for ox := 0; ox < ow; ox++ {
			x0, x1 := span(ox, fw, s, pad, w)
			m := x[y0*w+x0]
			for iy := y0; iy < y1; iy++ {
				for _, v := range x[iy*w+x0 : iy*w+x1] {
					m = max(m, v)
				}
			}
			best := -1
			for iy := y0; iy < y1 && best < 0; iy++ {
				for ix := x0; ix < x1; ix++ {
					if v := x[iy*w+ix]; v == m || m != m && v != v {
						best = iy*w + ix
						break
					}
				}
			}
			if scatter {
				img[best] += y[oy*ow+ox]
			} else {
				y[oy*ow+ox] = img[best]
			}
		}
	}
}

// argmax2x2 is argmaxPlane for 2x2 windows 2 apart, on the bits of img and y. Each window
// maps its pixels to integer keys in the order of their values (NaN above all), takes the
// largest, and builds all-ones masks that pick its first pixel with that key; values move
// through the masks. Integer compares compile to SETcc and CMOV, so random data costs no
// mispredicted branches. The windows do not overlap, so scattering writes every pixel they
// cover instead of adding.
func argmax2x2[T float, U uint32 | uint64](img, y []U, x []T, g window, scatter bool) {
	w, ow, oh := g.w, g.ow, g.oh
	var z T
	if scatter && (g.h%2 != 0 || g.w%2 != 0) {
		clear(img) // the last row or column is in no window
	}
	if unsafe.Sizeof(z) == 4 && argmax2x2Plane32(scatter, u32s(img), u32s(y), f32s(x), nil, oh, ow, w, 0) {
		return // float32: AVX2 where there is (pool_grad_amd64.s)
	}
	argmax2x2Go(img, y, x, oh, ow, w, scatter)
}

// argmax2x2Go is argmax2x2's loop over the windows of rows x ow windows, x's rows w values
// apart: the portable path, and the reference of the vector kernels.
func argmax2x2Go[T float, U uint32 | uint64](img, y []U, x []T, oh, ow, w int, scatter bool) {
	for oy := 0; oy < oh; oy++ {
		r0, r1 := x[2*oy*w:][:2*ow], x[(2*oy+1)*w:][:2*ow]
		i0, i1 := img[2*oy*w:][:2*ow], img[(2*oy+1)*w:][:2*ow]
		yr := y[oy*ow:][:ow]
		for ox := 0; ox < len(yr); ox++ {
			j := 2 * ox
			ka, kb, kc, kd := key[T, U](r0[j]), key[T, U](r0[j+1]), key[T, U](r1[j]), key[T, U](r1[j+1])
			m := max(max(ka, kb), max(kc, kd))
			ea, eb, ec := b2u[U](ka == m), b2u[U](kb == m), b2u[U](kc == m)
			// masks of the first maximal pixel: a, else b, else c, else d
			ma := -ea
			mb := -(eb &^ ea)
			mc := -(ec &^ (ea | eb))
			md := ^(ma | mb | mc)
			if scatter {
				v := yr[ox]
				i0[j], i0[j+1], i1[j], i1[j+1] = v&ma, v&mb, v&mc, v&md
			} else {
				yr[ox] = i0[j]&ma | i0[j+1]&mb | i1[j]&mc | i1[j+1]&md
			}
		}
	}
}

// key maps a float to an unsigned integer of its size in the order of the values: -0 and
// +0 equal, every NaN above +Inf.
func key[T float, U uint32 | uint64](v T) U {
	v += 0 // -0 becomes +0
	b := *(*U)(unsafe.Pointer(&v))
	sign := U(1) << (8*unsafe.Sizeof(b) - 1)
	neg := -(b >> (8*unsafe.Sizeof(b) - 1)) // all ones for negative values
	return (b ^ (neg | sign)) | -b2u[U](v != v)
}

// b2u is 1 for true and 0 for false (a SETcc, not a branch).
func b2u[U uint32 | uint64](b bool) U {
	var u U
	if b {
		u = 1
	}
	return u
}

// u32s views bits of float32s as []uint32 (U is uint32 where it is called).
func u32s[U uint32 | uint64](v []U) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

// bits views a slice of floats as their bit patterns (uint32 for float32, uint64 for
// float64; the caller picks U of T's size).
func bits[T float, U uint32 | uint64](v []T) []U {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*U)(unsafe.Pointer(&v[0])), len(v))
}

// avgPoolPlane writes each window's mean of img to y, or, spread, adds y's values over
// their windows into img (zeroed first): average pooling and its transpose.
func avgPoolPlane[T float](y, img []T, g window, spread bool) {
	w, h, ow, oh, s, pad, fh, fw := g.w, g.h, g.ow, g.oh, g.stride, g.pad, g.fh, g.fw
	inv := 1 / T(fh*fw)
	if spread {
		clear(img)
	}
	for oy := 0; oy < oh; oy++ {
		y0, y1 := span(oy, fh, s, pad, h)
		for ox := 0; ox < ow; ox++ {
			x0, x1 := span(ox, fw, s, pad, w)
			o := oy*ow + ox
			if spread {
				v := y[o] * inv
				for iy := y0; iy < y1; iy++ {
					row := img[iy*w+x0 : iy*w+x1]
					for i := range row {
						row[i] += v
					}
				}
				continue
			}
			var sum T
			for iy := y0; iy < y1; iy++ {
				for _, v := range img[iy*w+x0 : iy*w+x1] {
					sum += v
				}
			}
			y[o] = sum * inv
		}
	}
}
