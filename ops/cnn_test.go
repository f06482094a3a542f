package ops_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Tests of the CNN ops against direct loops written from the definitions, on sizes big
// enough for the kernels to split the work over the cores; the documented tie rule of max
// pooling; batch norm's statistics and mode switch; dropout's masks; shape errors; the
// allocation-free steady state; concurrent runs.

func randVals(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// at4 indexes a row-major [a b c d] array.
func at4(s []int, i, j, k, l int) int { return ((i*s[1]+j)*s[2]+k)*s[3] + l }

// naiveConv computes y = conv(x, W) + b, gx and gW for a given gy by the definitions.
func naiveConv(x, w, b, gy []float64, xs, ws []int, stride, pad int) (y, gx, gw []float64, ys []int) {
	oh := (xs[2]+2*pad-ws[2])/stride + 1
	ow := (xs[3]+2*pad-ws[3])/stride + 1
	ys = []int{xs[0], ws[0], oh, ow}
	y = make([]float64, graph.Shape(ys).Size())
	gx = make([]float64, len(x))
	gw = make([]float64, len(w))
	for n := 0; n < xs[0]; n++ {
		for f := 0; f < ws[0]; f++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					o := at4(ys, n, f, oy, ox)
					s := b[f]
					for c := 0; c < xs[1]; c++ {
						for ki := 0; ki < ws[2]; ki++ {
							for kj := 0; kj < ws[3]; kj++ {
								iy, ix := oy*stride-pad+ki, ox*stride-pad+kj
								if iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3] {
									continue
								}
								xi, wi := at4(xs, n, c, iy, ix), at4(ws, f, c, ki, kj)
								s += x[xi] * w[wi]
								gx[xi] += w[wi] * gy[o]
								gw[wi] += x[xi] * gy[o]
							}
						}
					}
					y[o] = s
				}
			}
		}
	}
	return y, gx, gw, ys
}

func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i])/math.Max(1, math.Abs(b[i])))
	}
	return d
}

// runOut compiles outs and runs them once, returning float64 copies.
func runOut(t *testing.T, outs ...*graph.Node) [][]float64 {
	t.Helper()
	return runProgram(t, graph.MustCompile(outs...), nil)
}

// runProgram runs p once with feeds, returning float64 copies of its outputs.
func runProgram(t *testing.T, p *graph.Program, feeds graph.Feeds) [][]float64 {
	t.Helper()
	vals, err := p.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	res := make([][]float64, len(vals))
	for i, v := range vals {
		res[i] = graph.Float64s(v)
	}
	return res
}

func TestConv2DMatchesDirectLoops(t *testing.T) {
	for _, c := range []struct {
		xs, ws      []int
		stride, pad int
	}{
		{[]int{16, 3, 14, 14}, []int{4, 3, 5, 5}, 1, 0},
		{[]int{12, 2, 15, 13}, []int{5, 2, 3, 4}, 2, 1},
		{[]int{9, 4, 11, 11}, []int{3, 4, 3, 3}, 3, 2},
		// an image's output fills a group (at least convColumns pixels) and the filters
		// outnumber the patch values: the filter gradient runs image by image on the GEMM's
		// dot path (SimpleConvNet's layer; 288 pixels, k not a multiple of a vector)
		{[]int{3, 1, 28, 28}, []int{30, 1, 5, 5}, 1, 0},
		{[]int{2, 1, 20, 21}, []int{24, 1, 5, 4}, 1, 0},
	} {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			rng := rand.New(rand.NewPCG(uint64(c.stride), uint64(c.pad)))
			x, w, b := randVals(rng, graph.Shape(c.xs).Size()), randVals(rng, graph.Shape(c.ws).Size()), randVals(rng, c.ws[0])
			g := graph.New()
			xn, wn, bn := g.Param("x", graph.FromFloat64s(dt, c.xs, x)), g.Param("W", graph.FromFloat64s(dt, c.ws, w)), g.Param("b", graph.FromFloat64s(dt, c.ws[:1], b))
			y := ops.Conv2DBias(xn, wn, bn, c.stride, c.pad)
			gy := randVals(rng, y.Shape().Size())
			wy, wgx, wgw, ys := naiveConv(x, w, b, gy, c.xs, c.ws, c.stride, c.pad)
			if !y.Shape().Equal(ys) {
				t.Fatalf("%v: shape %v, want %v", c, y.Shape(), ys)
			}
			gyn := g.Const("gy", graph.FromFloat64s(dt, ys, gy))
			gs := autodiff.Grad(ops.Sum(ops.Mul(y, gyn)), xn, wn, bn)
			got := runOut(t, y, gs[0], gs[1])
			tol := 1e-12
			if dt == graph.Float32 {
				tol = 1e-4
			}
			for i, want := range [][]float64{wy, wgx, wgw} {
				if d := maxDiff(got[i], want); d > tol {
					t.Errorf("%v %s: output %d differs from the direct loops by %.3g", c, dt, i, d)
				}
			}
		}
	}
}

func TestIm2ColBookLayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := []int{10, 3, 9, 8}
	fh, fw, stride, pad := 3, 2, 2, 1
	x := randVals(rng, graph.Shape(xs).Size())
	g := graph.New()
	col := ops.Im2Col(g.Param("x", graph.FromFloat64s(graph.Float64, xs, x)), fh, fw, stride, pad)
	oh, ow := (9+2-3)/2+1, (8+2-2)/2+1
	if want := (graph.Shape{10 * oh * ow, 3 * fh * fw}); !col.Shape().Equal(want) {
		t.Fatalf("im2col shape %v, want %v", col.Shape(), want)
	}
	// Row (n, oy, ox), column (c, ki, kj) holds x[n, c, oy*S-P+ki, ox*S-P+kj], 0 in the padding.
	want := make([]float64, col.Shape().Size())
	for n := 0; n < xs[0]; n++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for c := 0; c < xs[1]; c++ {
					for ki := 0; ki < fh; ki++ {
						for kj := 0; kj < fw; kj++ {
							iy, ix := oy*stride-pad+ki, ox*stride-pad+kj
							if iy >= 0 && iy < xs[2] && ix >= 0 && ix < xs[3] {
								want[((n*oh+oy)*ow+ox)*col.Shape()[1]+(c*fh+ki)*fw+kj] = x[at4(xs, n, c, iy, ix)]
							}
						}
					}
				}
			}
		}
	}
	// Col2Im is the adjoint: <im2col(x), c> = <x, col2im(c)>.
	cv := randVals(rng, len(want))
	back := ops.Col2Im(g.Const("c", graph.FromFloat64s(graph.Float64, col.Shape(), cv)), xs, fh, fw, stride, pad)
	got := runOut(t, col, back)
	if d := maxDiff(got[0], want); d != 0 {
		t.Errorf("im2col differs from the definition by %g", d)
	}
	var lhs, rhs float64
	for i := range want {
		lhs += want[i] * cv[i]
	}
	for i := range x {
		rhs += x[i] * got[1][i]
	}
	if math.Abs(lhs-rhs) > 1e-9*math.Abs(lhs) {
		t.Errorf("<im2col(x), c> = %g but <x, col2im(c)> = %g", lhs, rhs)
	}
}

// naivePool returns max (or average) pooling of x and the gradient gx for an output
// gradient gy: to each window's argmax (first in row-major order on ties, padding ignored),
// or spread evenly over the window's pixels.
func naivePool(x, gy []float64, xs []int, fh, fw, stride, pad int, avg bool) (y, gx []float64) {
	oh, ow := (xs[2]+2*pad-fh)/stride+1, (xs[3]+2*pad-fw)/stride+1
	gx = make([]float64, len(x))
	for p := 0; p < xs[0]*xs[1]; p++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				o := (p*oh+oy)*ow + ox
				best, bi, sum := math.Inf(-1), -1, 0.0
				for ki := 0; ki < fh; ki++ {
					for kj := 0; kj < fw; kj++ {
						iy, ix := oy*stride-pad+ki, ox*stride-pad+kj
						if iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3] {
							continue
						}
						i := (p*xs[2]+iy)*xs[3] + ix
						sum += x[i]
						gx[i] += gy[o] / float64(fh*fw) // undone below for max pooling
						if x[i] > best {
							best, bi = x[i], i
						}
					}
				}
				if avg {
					y = append(y, sum/float64(fh*fw))
					continue
				}
				y = append(y, best)
				for ki := 0; ki < fh; ki++ {
					for kj := 0; kj < fw; kj++ {
						iy, ix := oy*stride-pad+ki, ox*stride-pad+kj
						if iy >= 0 && iy < xs[2] && ix >= 0 && ix < xs[3] {
							gx[(p*xs[2]+iy)*xs[3]+ix] -= gy[o] / float64(fh*fw)
						}
					}
				}
				gx[bi] += gy[o]
			}
		}
	}
	return y, gx
}

func TestPoolingMatchesDirectLoops(t *testing.T) {
	for _, c := range []struct {
		xs                  []int
		fh, fw, stride, pad int
	}{
		{[]int{20, 8, 16, 16}, 2, 2, 2, 0},
		{[]int{4, 3, 9, 11}, 2, 2, 2, 0}, // odd sides: the last row and column are in no window
		{[]int{10, 6, 15, 17}, 3, 3, 2, 1},
		{[]int{8, 8, 12, 12}, 3, 2, 1, 1},
	} {
		rng := rand.New(rand.NewPCG(uint64(c.fh), uint64(c.pad)))
		x := randVals(rng, graph.Shape(c.xs).Size())
		for i := range x { // many ties: values on a coarse grid
			x[i] = math.Round(x[i] * 3)
		}
		for _, avg := range []bool{false, true} {
			g := graph.New()
			xn := g.Param("x", graph.FromFloat64s(graph.Float64, c.xs, x))
			pool := ops.MaxPool2D
			if avg {
				pool = ops.AvgPool2D
			}
			y := pool(xn, c.fh, c.fw, c.stride, c.pad)
			gy := randVals(rng, y.Shape().Size())
			wy, wgx := naivePool(x, gy, c.xs, c.fh, c.fw, c.stride, c.pad, avg)
			gx := autodiff.Grad(ops.Sum(ops.Mul(y, g.Const("gy", graph.FromFloat64s(graph.Float64, y.Shape(), gy)))), xn)[0]
			got := runOut(t, y, gx)
			if d := maxDiff(got[0], wy); d > 1e-12 {
				t.Errorf("%v avg=%v: y differs by %g", c, avg, d)
			}
			if d := maxDiff(got[1], wgx); d > 1e-12 {
				t.Errorf("%v avg=%v: gradient differs by %g", c, avg, d)
			}
		}
	}
}

func TestMaxPoolTiesGoToFirst(t *testing.T) {
	// One 3x3 image, 2x2 windows, stride 1: every window's maximum 5 is tied.
	x := []float64{
		5, 5, 1,
		5, 5, 5,
		0, 5, 5,
	}
	g := graph.New()
	xn := g.Param("x", graph.FromFloat64s(graph.Float64, []int{1, 1, 3, 3}, x))
	y := ops.MaxPool2D(xn, 2, 2, 1, 0)
	gx := autodiff.Grad(ops.Sum(ops.Mul(y, g.Const("gy", graph.FromFloat64s(graph.Float64, []int{1, 1, 2, 2}, []float64{1, 10, 100, 1000})))), xn)[0]
	got := runOut(t, y, gx)
	// Windows' first maxima in row-major order: (0,0), (0,1), (1,0), (1,1).
	want := []float64{1, 10, 0, 100, 1000, 0, 0, 0, 0}
	if maxDiff(got[0], []float64{5, 5, 5, 5}) != 0 || maxDiff(got[1], want) != 0 {
		t.Errorf("y = %v, gx = %v; want gx = %v", got[0], got[1], want)
	}
}

// TestMaxPoolArgmaxFloat32AndNaN checks the argmax rule in both element types and on both
// kernels (the book's 2x2 stride 2 and the general one): ties go to the first maximum, a
// window holding NaN sends its gradient to its first NaN, and the gather (the gradient of
// the scatter in gy) reads at the same pixels.
func TestMaxPoolArgmaxFloat32AndNaN(t *testing.T) {
	nan := math.NaN()
	x := []float64{
		1, 3, 3, nan, 7, 0,
		3, 2, nan, 1, 7, 7,
		-1, -1, 4, 4, 2, 9,
		-1, -2, 4, 4, 9, 2,
	}
	// 2x2 windows 2 apart: first maxima (0,1), (0,3) (first NaN), (1,4); (2,0), (2,2), (2,5).
	wantGx := []float64{
		0, 10, 0, 20, 30, 0,
		0, 0, 0, 0, 0, 0,
		40, 0, 50, 0, 0, 60,
		0, 0, 0, 0, 0, 0,
	}
	gy := []float64{10, 20, 30, 40, 50, 60}
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		for _, pad := range []int{0, 1} { // pad 1 with stride 2 and 3x3 takes the general kernel
			fh, stride := 2, 2
			if pad == 1 {
				fh = 3
			}
			g := graph.New()
			xn := g.Param("x", graph.FromFloat64s(dt, []int{1, 1, 4, 6}, x))
			y := ops.MaxPool2D(xn, fh, fh, stride, pad)
			gyn := g.Param("gy", graph.FromFloat64s(dt, y.Shape(), gy[:y.Shape().Size()]))
			gx := autodiff.Grad(ops.Sum(ops.Mul(y, gyn)), xn)[0]
			c := g.Const("c", graph.FromFloat64s(dt, []int{1, 1, 4, 6}, wantGx))
			gather := autodiff.Grad(ops.Sum(ops.Mul(gx, c)), gyn)[0]
			got := runOut(t, y, gx, gather)
			wy, wgx := naivePoolNaN(x, gy, 4, 6, fh, stride, pad)
			for i := range wy {
				if a, b := got[0][i], wy[i]; a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
					t.Errorf("%s pad %d: y[%d] = %v, want %v", dt, pad, i, a, b)
				}
			}
			if maxDiff(got[1], wgx) != 0 {
				t.Errorf("%s pad %d: gx = %v, want %v", dt, pad, got[1], wgx)
			}
			// gather[o] = c[argmax o], and c holds gy[o] at the argmax of window o
			for o, v := range got[2] {
				if want := gy[o]; pad == 0 && v != want {
					t.Errorf("%s: gather[%d] = %v, want %v", dt, o, v, want)
				}
			}
		}
	}
}

// naivePoolNaN is max pooling and its gradient on one plane with the NaN rule: a window
// holding NaN has maximum NaN and argmax its first NaN; otherwise the first maximum.
func naivePoolNaN(x, gy []float64, h, w, f, stride, pad int) (y, gx []float64) {
	oh, ow := (h+2*pad-f)/stride+1, (w+2*pad-f)/stride+1
	gx = make([]float64, len(x))
	for oy := range oh {
		for ox := range ow {
			bi := -1
			for iy := max(oy*stride-pad, 0); iy < min(oy*stride-pad+f, h); iy++ {
				for ix := max(ox*stride-pad, 0); ix < min(ox*stride-pad+f, w); ix++ {
					i := iy*w + ix
					switch {
					case bi < 0, math.IsNaN(x[i]) && !math.IsNaN(x[bi]), x[i] > x[bi]:
						bi = i
					}
				}
			}
			y = append(y, x[bi])
			gx[bi] += gy[oy*ow+ox]
		}
	}
	return y, gx
}

func TestBatchNormTrainEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	xs := []int{6, 3, 4, 5}
	x := randVals(rng, graph.Shape(xs).Size())
	for i := range x {
		x[i] = 3*x[i] + 2
	}
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		g := graph.New()
		gamma := g.Param("gamma", graph.FromFloat64s(dt, []int{3}, []float64{1, 2, 3}))
		beta := g.Param("beta", graph.FromFloat64s(dt, []int{3}, []float64{0, -1, 1}))
		st := ops.NewBatchNormStats(dt, 3)
		mode := ops.NewMode(true)
		xin := g.Input("x", dt, xs...)
		y := ops.BatchNorm(xin, gamma, beta, st, mode)
		prog := graph.MustCompile(y)
		feeds := graph.Feeds{xin: graph.FromFloat64s(dt, xs, x)}
		out, err := prog.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-9
		if dt == graph.Float32 {
			tol = 1e-4
		}
		yv := graph.Float64s(out[0])
		for c := 0; c < 3; c++ {
			var vals, ins []float64
			for n := 0; n < xs[0]; n++ {
				for s := 0; s < 20; s++ {
					vals = append(vals, yv[(n*3+c)*20+s])
					ins = append(ins, x[(n*3+c)*20+s])
				}
			}
			m, v := meanVar(vals)
			gm, gb := float64(c+1), []float64{0, -1, 1}[c]
			if math.Abs(m-gb) > tol || math.Abs(v-gm*gm*(1-1e-6/(1e-6+varOf(ins)))) > 10*tol*gm*gm {
				t.Errorf("%s channel %d: mean %g var %g, want %g and %g", dt, c, m, v, gb, gm*gm)
			}
			im, iv := meanVar(ins)
			if d := graph.Float64s(st.Mean)[c] - 0.1*im; math.Abs(d) > tol {
				t.Errorf("%s: running mean %g, want 0.1*%g", dt, graph.Float64s(st.Mean)[c], im)
			}
			if d := graph.Float64s(st.Var)[c] - (0.9 + 0.1*iv); math.Abs(d) > tol {
				t.Errorf("%s: running var %g, want 0.9+0.1*%g", dt, graph.Float64s(st.Var)[c], iv)
			}
		}
		// Inference with the same program: the running statistics, unchanged by the run.
		mode.SetTrain(false)
		before := graph.Float64s(st.Mean)
		out, err = prog.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		yv = graph.Float64s(out[0])
		rm, rv := graph.Float64s(st.Mean), graph.Float64s(st.Var)
		for i, xv := range x {
			c := (i / 20) % 3
			want := float64(c+1)*(xv-rm[c])/math.Sqrt(rv[c]+1e-6) + []float64{0, -1, 1}[c]
			if math.Abs(yv[i]-want) > tol*math.Max(1, math.Abs(want)) {
				t.Fatalf("%s eval: y[%d] = %g, want %g", dt, i, yv[i], want)
			}
		}
		if maxDiff(before, rm) != 0 {
			t.Errorf("%s: inference changed the running mean", dt)
		}
	}
}

func meanVar(v []float64) (m, s float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, s / float64(len(v))
}

func varOf(v []float64) float64 { _, s := meanVar(v); return s }

func TestDropoutMasks(t *testing.T) {
	const ratio = 0.3
	xs := []int{50, 40}
	for _, inverted := range []bool{false, true} {
		build := func(seed uint64) (*graph.Program, *ops.Mode) {
			g := graph.New()
			x := g.Param("x", graph.FromFloat64s(graph.Float64, xs, randVals(rand.New(rand.NewPCG(1, 1)), 2000)))
			mode := ops.NewMode(true)
			drop := ops.Dropout
			if inverted {
				drop = ops.InvertedDropout
			}
			y := drop(x, ratio, rand.New(rand.NewPCG(seed, 9)), mode)
			gy := g.Const("gy", graph.FromFloat64s(graph.Float64, xs, randVals(rand.New(rand.NewPCG(2, 2)), 2000)))
			gx := autodiff.Grad(ops.Sum(ops.Mul(y, gy)), x)[0]
			return graph.MustCompile(x, gy, y, gx), mode
		}
		p1, mode := build(7)
		p2, _ := build(7)
		run := func(p *graph.Program) [][]float64 {
			out, err := p.Run(nil)
			if err != nil {
				t.Fatal(err)
			}
			res := make([][]float64, len(out))
			for i, o := range out {
				res[i] = graph.Float64s(o)
			}
			return res
		}
		a, b := run(p1), run(p2)
		if maxDiff(a[2], b[2]) != 0 {
			t.Errorf("inverted=%v: the same seed gave different masks", inverted)
		}
		keep := 1.0
		if inverted {
			keep = 1 / (1 - ratio)
		}
		dropped := 0
		for i := range a[0] {
			m, gm := a[2][i]/a[0][i], a[3][i]/a[1][i] // forward and backward mask
			if math.Abs(m-gm) > 1e-12 || (m != 0 && math.Abs(m-keep) > 1e-12) {
				t.Fatalf("inverted=%v: unit %d: forward mask %g, backward mask %g", inverted, i, m, gm)
			}
			if m == 0 {
				dropped++
			}
		}
		if f := float64(dropped) / 2000; math.Abs(f-ratio) > 0.05 {
			t.Errorf("inverted=%v: dropped %g of the units, want about %g", inverted, f, ratio)
		}
		if c := run(p1); maxDiff(c[2], a[2]) == 0 {
			t.Errorf("inverted=%v: a second run drew the same mask", inverted)
		}
		mode.SetTrain(false)
		c := run(p1)
		scale := 1 - ratio
		if inverted {
			scale = 1
		}
		for i := range c[0] {
			if math.Abs(c[2][i]-scale*c[0][i]) > 1e-12 || math.Abs(c[3][i]-scale*c[1][i]) > 1e-12 {
				t.Fatalf("inverted=%v eval: y = %g for x = %g, want x * %g", inverted, c[2][i], c[0][i], scale)
			}
		}
	}
}

func TestCNNShapeErrors(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3, 8, 8)
	W := g.Input("W", graph.Float64, 4, 3, 3, 3)
	mode := ops.NewMode(true)
	st := ops.NewBatchNormStats(graph.Float64, 3)
	c3 := g.Input("c3", graph.Float64, 3)
	for _, c := range []struct {
		name  string
		build func()
	}{
		{"conv channels", func() { ops.Conv2D(x, g.Input("W2", graph.Float64, 4, 2, 3, 3), 1, 0) }},
		{"conv filter too big", func() { ops.Conv2D(x, g.Input("W3", graph.Float64, 4, 3, 11, 3), 1, 0) }},
		{"conv stride 0", func() { ops.Conv2D(x, W, 0, 0) }},
		{"conv negative pad", func() { ops.Conv2D(x, W, 1, -1) }},
		{"conv bias shape", func() { ops.Conv2DBias(x, W, c3, 1, 0) }},
		{"conv rank", func() { ops.Conv2D(g.Input("x2", graph.Float64, 3, 8, 8), W, 1, 0) }},
		{"conv dtype", func() { ops.Conv2D(g.Input("x3", graph.Float32, 2, 3, 8, 8), W, 1, 0) }},
		{"conv input grad shape", func() { ops.Conv2DInputGrad(g.Input("gy", graph.Float64, 2, 4, 5, 5), W, []int{2, 3, 8, 8}, 1, 0) }},
		{"pool pad not below window", func() { ops.MaxPool2D(x, 2, 2, 2, 2) }},
		{"avg pool empty window", func() { ops.AvgPool2D(x, 0, 2, 2, 0) }},
		{"max pool empty images", func() { ops.MaxPool2D(g.Param("x0", graph.NewTensor(graph.Float64, 1, 1, 0, 3)), 2, 2, 1, 1) }},
		{"avg pool empty images", func() { ops.AvgPool2D(g.Param("x00", graph.NewTensor(graph.Float64, 1, 1, 3, 0)), 2, 2, 1, 1) }},
		{"col2im shape", func() { ops.Col2Im(g.Input("col", graph.Float64, 10, 27), []int{2, 3, 8, 8}, 3, 3, 1, 0) }},
		{"batch norm gamma", func() { ops.BatchNorm(x, g.Input("g4", graph.Float64, 4), c3, st, mode) }},
		{"batch norm stats", func() { ops.BatchNorm(x, c3, c3, ops.NewBatchNormStats(graph.Float64, 4), mode) }},
		{"batch norm stats dtype", func() { ops.BatchNorm(x, c3, c3, ops.NewBatchNormStats(graph.Float32, 3), mode) }},
		{"batch norm nil mode", func() { ops.BatchNorm(x, c3, c3, st, nil) }},
		{"dropout ratio", func() { ops.Dropout(x, 1, rand.New(rand.NewPCG(1, 1)), mode) }},
		{"dropout nil rng", func() { ops.InvertedDropout(x, 0.5, nil, mode) }},
	} {
		err := graph.Try(c.build)
		var se *graph.ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *graph.ShapeError", c.name, err)
		}
	}
}

// cnnKernelProgram runs forward and backward through the ops that need no GEMM: batch
// norm, dropout, max and average pooling, im2col and col2im, on sizes that go parallel.
func cnnKernelProgram(dt graph.DType) (*graph.Program, graph.Feeds) {
	rng := rand.New(rand.NewPCG(8, 8))
	g := graph.New()
	xs := []int{32, 8, 16, 16}
	x := g.Input("x", dt, xs...)
	mode := ops.NewMode(true)
	gamma := g.Param("gamma", graph.FromFloat64s(dt, []int{8}, randVals(rng, 8)))
	beta := g.Param("beta", graph.NewTensor(dt, 8))
	h := ops.BatchNorm(x, gamma, beta, ops.NewBatchNormStats(dt, 8), mode)
	h = ops.InvertedDropout(h, 0.2, rand.New(rand.NewPCG(1, 2)), mode)
	h = ops.Add(ops.MaxPool2D(h, 2, 2, 2, 0), ops.AvgPool2D(h, 3, 3, 2, 1))
	h = ops.Col2Im(ops.Im2Col(h, 3, 3, 1, 1), h.Shape(), 3, 3, 1, 1)
	loss := ops.Sum(ops.Square(h))
	grads := autodiff.Grad(loss, x, gamma, beta)
	feeds := graph.Feeds{x: graph.FromFloat64s(dt, xs, randVals(rng, graph.Shape(xs).Size()))}
	return graph.MustCompile(append([]*graph.Node{loss}, grads...)...), feeds
}

func TestCNNKernelsAllocateNothing(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		prog, feeds := cnnKernelProgram(dt)
		for range 2 {
			if _, err := prog.Run(feeds); err != nil {
				t.Fatal(err)
			}
		}
		n := ops.WarmAllocs(20, 1, func() {
			if _, err := prog.Run(feeds); err != nil {
				t.Fatal(err)
			}
		})
		if n >= 1 {
			t.Errorf("%s: %.1f allocations per run after the first", dt, n)
		}
	}
}

func TestCNNConcurrentRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	g := graph.New()
	xs := []int{16, 3, 12, 12}
	x := g.Input("x", graph.Float64, xs...)
	W := g.Param("W", graph.FromFloat64s(graph.Float64, []int{6, 3, 3, 3}, randVals(rng, 162)))
	y := ops.MaxPool2D(ops.ReLU(ops.Conv2D(x, W, 1, 1)), 2, 2, 2, 0)
	loss := ops.Sum(ops.Square(y))
	gW := autodiff.Grad(loss, W)[0]
	progs := []*graph.Program{graph.MustCompile(loss, gW), graph.MustCompile(loss, gW), graph.MustCompile(loss)}
	feeds := graph.Feeds{x: graph.FromFloat64s(graph.Float64, xs, randVals(rng, graph.Shape(xs).Size()))}
	want, err := progs[0].RunCopy(feeds)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3*20)
	for _, p := range progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				out, err := p.RunCopy(feeds)
				if err != nil {
					errs <- err
					return
				}
				for i, o := range out {
					if maxDiff(graph.Float64s(o), graph.Float64s(want[i])) != 0 {
						errs <- errors.New("a concurrent run gave a different result")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The book's im2col shapes (section 7.4.3): one 3-channel 7x7 image unrolls into 9 rows of
// 75 (a 5x5 window at 3x3 positions), a batch of 10 into 90.
func ExampleIm2Col() {
	g := graph.New()
	x1 := g.Input("x1", graph.Float32, 1, 3, 7, 7)
	x2 := g.Input("x2", graph.Float32, 10, 3, 7, 7)
	fmt.Println(ops.Im2Col(x1, 5, 5, 1, 0).Shape())
	fmt.Println(ops.Im2Col(x2, 5, 5, 1, 0).Shape())
	// Output:
	// [9 75]
	// [90 75]
}

// Max pooling 2x2 with stride 2 keeps each window's maximum; its gradient goes back to
// that pixel, to the first one in row-major order on ties (the two 4s, the two 2s).
func ExampleMaxPool2D() {
	g := graph.New()
	x := g.Param("x", graph.FromFloat64s(graph.Float64, []int{1, 1, 4, 4}, []float64{
		1, 2, 0, 1,
		3, 0, 4, 4,
		2, 2, 1, 0,
		1, 0, 3, 2,
	}))
	y := ops.MaxPool2D(x, 2, 2, 2, 0)
	gx := autodiff.Grad(ops.Sum(y), x)[0]
	out, _ := graph.MustCompile(y, gx).Run(nil)
	fmt.Println(graph.Float64s(out[0]))
	fmt.Println(graph.Float64s(out[1]))
	// Output:
	// [3 4 2 3]
	// [0 0 0 0 1 0 1 0 1 0 0 0 0 0 1 0]
}
