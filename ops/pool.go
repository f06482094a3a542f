package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// The book's Pooling layer (chapter 7) and its average twin. A FH x FW window slides over
// each channel of images x [N C H W], stride apart, over images padded by pad < FH, FW on
// every side; the output is [N C OH OW] with OH = (H + 2 pad - FH)/stride + 1.
//
// Max pooling ignores padding: a window's maximum is over the pixels it covers. Its
// gradient goes to the window's argmax; on ties, to the first maximal pixel in row-major
// order within the window (as gorgonia's MaxPool2D). The ops keep no state: the gradient op
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
	unary(y, in[0], func(y, x []float32) { runWindow(kMaxPool, g, layout{}, y, x, nil) },
		func(y, x []float64) { runWindow(kMaxPool, g, layout{}, y, x, nil) })
	return nil
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
	binary(gx, in[1], in[0], func(gx, gy, x []float32) { runWindow(kMaxScatter, g, layout{}, gx, gy, x) },
		func(gx, gy, x []float64) { runWindow(kMaxScatter, g, layout{}, gx, gy, x) })
	return nil
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
	binary(z, in[1], in[0], func(z, v, x []float32) { runWindow(kMaxGather, g, layout{}, z, v, x) },
		func(z, v, x []float64) { runWindow(kMaxGather, g, layout{}, z, v, x) })
	return nil
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
	unary(y, in[0], func(y, x []float32) { runWindow(kAvgPool, g, layout{}, y, x, nil) },
		func(y, x []float64) { runWindow(kAvgPool, g, layout{}, y, x, nil) })
	return nil
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
	unary(gx, in[0], func(gx, gy []float32) { runWindow(kAvgScatter, g, layout{}, gx, gy, nil) },
		func(gx, gy []float64) { runWindow(kAvgScatter, g, layout{}, gx, gy, nil) })
	return nil
}
func (o avgPoolGradOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	p := o.p
	return []*graph.Node{AvgPool2D(g, p.fh, p.fw, p.stride, p.pad)}
}

// ---- kernels ----

// poolK runs a pooling kernel over planes [lo, hi) of N*C: src and dst are x or y as the
// kind says; aux is x for the max-pool gradient kinds.
func poolK[T float](t *winTask[T], lo, hi int) {
	g := t.g
	in, out := g.h*g.w, g.pixels()
	inv := 1 / T(g.fh*g.fw)
	if t.kind == kMaxScatter || t.kind == kAvgScatter {
		clear(t.dst[lo*in : hi*in])
	}
	for p := lo; p < hi; p++ {
		var x []T // the plane whose windows are searched for maxima
		if t.aux != nil {
			x = t.aux[p*in:][:in]
		}
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.stride - g.pad
			y1 := min(y0+g.fh, g.h)
			y0 = max(y0, 0)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.stride - g.pad
				x1 := min(x0+g.fw, g.w)
				x0 = max(x0, 0)
				o := p*out + oy*g.ow + ox
				switch t.kind {
				case kMaxPool:
					plane := t.src[p*in:][:in]
					t.dst[o] = plane[argmax(plane, g.w, y0, y1, x0, x1)]
				case kMaxScatter:
					t.dst[p*in+argmax(x, g.w, y0, y1, x0, x1)] += t.src[o]
				case kMaxGather:
					t.dst[o] = t.src[p*in+argmax(x, g.w, y0, y1, x0, x1)]
				case kAvgPool:
					var s T
					for iy := y0; iy < y1; iy++ {
						for _, v := range t.src[p*in+iy*g.w+x0 : p*in+iy*g.w+x1] {
							s += v
						}
					}
					t.dst[o] = s * inv
				case kAvgScatter:
					v := t.src[o] * inv
					for iy := y0; iy < y1; iy++ {
						row := t.dst[p*in+iy*g.w+x0 : p*in+iy*g.w+x1]
						for i := range row {
							row[i] += v
						}
					}
				}
			}
		}
	}
}

// argmax returns the index in plane (rows of width w) of the first maximum of the window
// rows [y0, y1) by columns [x0, x1), scanning in row-major order.
func argmax[T float](plane []T, w, y0, y1, x0, x1 int) int {
	best := y0*w + x0
	m := plane[best]
	for iy := y0; iy < y1; iy++ {
		row := plane[iy*w+x0 : iy*w+x1]
		for j, v := range row {
			if v > m {
				m, best = v, iy*w+x0+j
			}
		}
	}
	return best
}
