package ops_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Every relation of window, image, stride and padding, not only the book's shapes: windows
// narrower than, as wide as and wider than the image, windows that see only padding in
// some rows or columns (a filter wider than the image plus one side's padding), strides
// above the image size, in float32 and float64, against the direct loops of cnn_test.go.

// windowGeometry is one image size, window, stride and padding.
type windowGeometry struct{ h, w, fh, fw, stride, pad int }

func (c windowGeometry) String() string {
	return fmt.Sprintf("image %dx%d window %dx%d stride %d pad %d", c.h, c.w, c.fh, c.fw, c.stride, c.pad)
}

// windowGeometries lists, for image sides 1, 2, 3 and 5, paddings 0 to 3 and strides 1 to
// 3, every window that fits in the padded image (pool: every window larger than the
// padding, as pooling asks).
func windowGeometries(pool bool) []windowGeometry {
	var cs []windowGeometry
	sides := []int{1, 2, 3, 5}
	for pad := 0; pad <= 3; pad++ {
		for stride := 1; stride <= 3; stride++ {
			for _, h := range sides {
				for _, w := range sides {
					for fh := 1; fh <= h+2*pad; fh++ {
						for fw := 1; fw <= w+2*pad; fw++ {
							if pool && (pad >= fh || pad >= fw) {
								continue
							}
							cs = append(cs, windowGeometry{h, w, fh, fw, stride, pad})
						}
					}
				}
			}
		}
	}
	return cs
}

func tolerance(dt graph.DType) float64 {
	if dt == graph.Float32 {
		return 1e-5
	}
	return 1e-12
}

// convAgainstLoops checks the convolution of images xs with filters ws, its input and
// filter gradients, and the second-order ops (the gradients' own kernels, run forward as
// conv2d_input_grad and conv2d_filter_grad), against naiveConv.
func convAgainstLoops(t *testing.T, dt graph.DType, xs, ws []int, stride, pad int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 14))
	x, w, b := randVals(rng, graph.Shape(xs).Size()), randVals(rng, graph.Shape(ws).Size()), randVals(rng, ws[0])
	g := graph.New()
	xn, wn, bn := g.Param("x", graph.FromFloat64s(dt, xs, x)), g.Param("W", graph.FromFloat64s(dt, ws, w)), g.Param("b", graph.FromFloat64s(dt, ws[:1], b))
	y := ops.Conv2DBias(xn, wn, bn, stride, pad)
	gy := randVals(rng, y.Shape().Size())
	wy, wgx, wgw, ys := naiveConv(x, w, b, gy, xs, ws, stride, pad)
	if !y.Shape().Equal(ys) {
		t.Fatalf("%s %v %v stride %d pad %d: shape %v, want %v", dt, xs, ws, stride, pad, y.Shape(), ys)
	}
	gs := autodiff.Grad(ops.Sum(ops.Mul(y, g.Const("gy", graph.FromFloat64s(dt, ys, gy)))), xn, wn)
	got, err := runCatching(y, gs[0], gs[1])
	if err != nil {
		t.Fatalf("%s %v %v stride %d pad %d: %v", dt, xs, ws, stride, pad, err)
	}
	for i, want := range [][]float64{wy, wgx, wgw} {
		if d := maxDiff(got[i], want); d > tolerance(dt) {
			t.Errorf("%s %v %v stride %d pad %d: output %d differs from the direct loops by %.3g", dt, xs, ws, stride, pad, i, d)
		}
	}
}

// runCatching compiles and runs outs, turning a panic into an error so that one geometry's
// failure names itself.
func runCatching(outs ...*graph.Node) (res [][]float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	p, err := graph.Compile(outs...)
	if err != nil {
		return nil, err
	}
	vals, err := p.Run(nil)
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		res = append(res, graph.Float64s(v))
	}
	return res, nil
}

func TestConvEveryGeometry(t *testing.T) {
	for i, c := range windowGeometries(false) {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			// One image (one GEMM per image) and three (images grouped per GEMM); more filters
			// than patch values and fewer (filter-major and pixel-major products).
			n, fn := 1+2*(i%2), 1+4*(i/2%2)
			convAgainstLoops(t, dt, []int{n, 2, c.h, c.w}, []int{fn, 2, c.fh, c.fw}, c.stride, c.pad, uint64(i))
		}
		if t.Failed() {
			t.Fatalf("stopped at %v", c)
		}
	}
}

// TestConvWideFilterOnWorkers runs the geometries that read only padding in whole filter
// columns (and rows) on batches big enough to go parallel, where a kernel's panic would
// end the process, and images wide enough for one GEMM per image.
func TestConvWideFilterOnWorkers(t *testing.T) {
	for _, c := range []struct {
		xs, ws      []int
		stride, pad int
	}{
		{[]int{64, 4, 3, 3}, []int{8, 4, 3, 7}, 1, 2},
		{[]int{64, 4, 2, 1}, []int{8, 4, 6, 5}, 1, 2},
		{[]int{48, 3, 4, 4}, []int{6, 3, 9, 9}, 1, 3},
		{[]int{2, 2, 17, 20}, []int{3, 2, 3, 24}, 1, 2},
		{[]int{2, 2, 20, 18}, []int{3, 2, 24, 3}, 1, 3},
		{[]int{40, 3, 5, 2}, []int{7, 3, 5, 8}, 2, 3},
	} {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			convAgainstLoops(t, dt, c.xs, c.ws, c.stride, c.pad, uint64(c.xs[0]))
		}
	}
}

func TestIm2ColEveryGeometry(t *testing.T) {
	for i, c := range windowGeometries(false) {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			rng := rand.New(rand.NewPCG(uint64(i), 15))
			xs := []int{2, 2, c.h, c.w}
			x := randVals(rng, graph.Shape(xs).Size())
			g := graph.New()
			col := ops.Im2Col(g.Param("x", graph.FromFloat64s(dt, xs, x)), c.fh, c.fw, c.stride, c.pad)
			oh, ow := (c.h+2*c.pad-c.fh)/c.stride+1, (c.w+2*c.pad-c.fw)/c.stride+1
			k := xs[1] * c.fh * c.fw
			want := make([]float64, xs[0]*oh*ow*k)
			for n := range xs[0] {
				for oy := range oh {
					for ox := range ow {
						for ch := range xs[1] {
							for ki := range c.fh {
								for kj := range c.fw {
									iy, ix := oy*c.stride-c.pad+ki, ox*c.stride-c.pad+kj
									if iy >= 0 && iy < c.h && ix >= 0 && ix < c.w {
										want[((n*oh+oy)*ow+ox)*k+(ch*c.fh+ki)*c.fw+kj] = x[at4(xs, n, ch, iy, ix)]
									}
								}
							}
						}
					}
				}
			}
			// col2im is the adjoint: it adds each entry back onto the pixel it was read from.
			cv := randVals(rng, len(want))
			back := make([]float64, len(x))
			for n := range xs[0] {
				for oy := range oh {
					for ox := range ow {
						for ch := range xs[1] {
							for ki := range c.fh {
								for kj := range c.fw {
									iy, ix := oy*c.stride-c.pad+ki, ox*c.stride-c.pad+kj
									if iy >= 0 && iy < c.h && ix >= 0 && ix < c.w {
										back[at4(xs, n, ch, iy, ix)] += cv[((n*oh+oy)*ow+ox)*k+(ch*c.fh+ki)*c.fw+kj]
									}
								}
							}
						}
					}
				}
			}
			c2i := ops.Col2Im(g.Const("c", graph.FromFloat64s(dt, col.Shape(), cv)), xs, c.fh, c.fw, c.stride, c.pad)
			got, err := runCatching(col, c2i)
			if err != nil {
				t.Fatalf("%s %v: %v", dt, c, err)
			}
			if d := maxDiff(got[0], want); d > tolerance(dt) {
				t.Fatalf("%s %v: im2col differs from the definition by %g", dt, c, d)
			}
			if d := maxDiff(got[1], back); d > tolerance(dt) {
				t.Fatalf("%s %v: col2im differs from the definition by %g", dt, c, d)
			}
		}
	}
}

func TestPoolEveryGeometry(t *testing.T) {
	for i, c := range windowGeometries(true) {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			rng := rand.New(rand.NewPCG(uint64(i), 16))
			xs := []int{2, 2, c.h, c.w}
			x := randVals(rng, graph.Shape(xs).Size())
			for j := range x { // ties: values on a coarse grid
				x[j] = math.Round(x[j] * 3)
			}
			for _, avg := range []bool{false, true} {
				g := graph.New()
				xn := g.Param("x", graph.FromFloat64s(dt, xs, x))
				pool := ops.MaxPool2D
				if avg {
					pool = ops.AvgPool2D
				}
				y := pool(xn, c.fh, c.fw, c.stride, c.pad)
				gy := randVals(rng, y.Shape().Size())
				wy, wgx := naivePool(x, gy, xs, c.fh, c.fw, c.stride, c.pad, avg)
				gyn := g.Const("gy", graph.FromFloat64s(dt, y.Shape(), gy))
				gx := autodiff.Grad(ops.Sum(ops.Mul(y, gyn)), xn)[0]
				// the second-order op of max pooling: gather gx's gradient at the argmax
				gg := autodiff.Grad(ops.Sum(ops.Mul(gx, xn)), gyn)
				outs := []*graph.Node{y, gx}
				if !avg {
					outs = append(outs, gg[0])
				}
				got, err := runCatching(outs...)
				if err != nil {
					t.Fatalf("%s %v avg=%v: %v", dt, c, avg, err)
				}
				if d := maxDiff(got[0], wy); d > tolerance(dt) {
					t.Fatalf("%s %v avg=%v: y differs by %g", dt, c, avg, d)
				}
				if d := maxDiff(got[1], wgx); d > tolerance(dt) {
					t.Fatalf("%s %v avg=%v: gradient differs by %g", dt, c, avg, d)
				}
				if !avg { // max pooling of x is the gather of x at the argmax
					if d := maxDiff(got[2], wy); d > tolerance(dt) {
						t.Fatalf("%s %v: gather differs by %g", dt, c, d)
					}
				}
			}
		}
	}
}
