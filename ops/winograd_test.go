package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
)

// winoCase is a random 3x3 stride-1 convolution: the images, the filters and an output
// gradient, in float64.
type winoCase struct {
	g         window
	fn        int
	x, w, gy  []float64
	b         []float64
	bias, act bool
}

func randWinoCase(rng *rand.Rand) winoCase {
	n, c, fn := 1+rng.IntN(3), 1+rng.IntN(20), 1+rng.IntN(20)
	pad := rng.IntN(3)
	h, w := 1+rng.IntN(11), 1+rng.IntN(11)
	h, w = max(h, 3-2*pad), max(w, 3-2*pad) // the window fits
	g := mustWindow([]int{n, c, h, w}, 3, 3, 1, pad)
	r := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	return winoCase{g: g, fn: fn, x: r(n * c * h * w), w: r(fn * c * 9), gy: r(n * fn * g.pixels()),
		b: r(fn), bias: rng.IntN(2) == 0, act: rng.IntN(2) == 0}
}

func absAll(v []float64) []float64 {
	a := make([]float64, len(v))
	for i, x := range v {
		a[i] = math.Abs(x)
	}
	return a
}

func to32(v []float64) []float32 {
	a := make([]float32, len(v))
	for i, x := range v {
		a[i] = float32(x)
	}
	return a
}

func from32(v []float32) []float64 {
	a := make([]float64, len(v))
	for i, x := range v {
		a[i] = float64(x)
	}
	return a
}

// winoRun runs the three kernels of case k in element type T with winoMode mode, and
// returns y, gx and gw in float64. abs runs them on the absolute values (the scale of
// each result's rounding error).
func winoRun[T float](k winoCase, mode int, abs bool) (y, gx, gw []float64) {
	defer func(m int) { winoMode = m }(winoMode)
	winoMode = mode
	x, w, gy, b := k.x, k.w, k.gy, k.b
	if abs {
		x, w, gy, b = absAll(x), absAll(w), absAll(gy), absAll(b)
	}
	conv := func(v []float64) []T {
		var z T
		if any(z) == any(float32(0)) {
			return any(to32(v)).([]T)
		}
		return any(append([]float64(nil), v...)).([]T)
	}
	back := func(v []T) []float64 {
		if f, ok := any(v).([]float32); ok {
			return from32(f)
		}
		return any(v).([]float64)
	}
	g, fn := k.g, k.fn
	s := new(convScratch)
	yt := make([]T, g.n*fn*g.pixels())
	var bt []T
	if k.bias {
		bt = conv(b)
	}
	ep := epilogue{act: k.act && !abs}
	convForward[T]{y: yt, x: conv(x), w: conv(w), b: bt, ep: ep}.run(s, g, fn)
	gxt := make([]T, len(x))
	convInputGrad[T]{gx: gxt, gy: conv(gy), w: conv(w)}.run(s, g, fn)
	gwt := make([]T, len(w))
	convFilterGrad[T]{gw: gwt, x: conv(x), gy: conv(gy)}.run(s, g, fn)
	return back(yt), back(gxt), back(gwt)
}

// TestWinogradMatchesIm2col compares the Winograd kernels with the im2col ones on random
// shapes (odd sizes, pads 0 to 2, batches 1 to 3, with and without bias and ReLU): in
// float64 to 1e-12 of each result's scale, in float32, against the float64 im2col results,
// within winoErr32 of it (as the im2col path in float32 is within im2colErr32).
func TestWinogradMatchesIm2col(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	var worst32, worstIm32 [3]float64
	for range 300 {
		k := randWinoCase(rng)
		ref := [3][]float64{}
		ref[0], ref[1], ref[2] = winoRun[float64](k, -1, false)
		scale := [3][]float64{}
		scale[0], scale[1], scale[2] = winoRun[float64](k, -1, true)
		if k.act { // the ReLU's kink: values near 0 may fall either side
			for i, v := range ref[0] {
				scale[0][i] += math.Abs(v)
			}
		}
		w64 := [3][]float64{}
		w64[0], w64[1], w64[2] = winoRun[float64](k, 1, false)
		w32 := [3][]float64{}
		w32[0], w32[1], w32[2] = winoRun[float32](k, 1, false)
		i32 := [3][]float64{}
		i32[0], i32[1], i32[2] = winoRun[float32](k, -1, false)
		for d, name := range []string{"forward", "input grad", "filter grad"} {
			var sc float64 // the result's scale: its largest sum of |terms|
			for _, v := range scale[d] {
				sc = max(sc, v)
			}
			for i := range ref[d] {
				if e := math.Abs(w64[d][i]-ref[d][i]) / sc; e > 1e-12 {
					t.Fatalf("%+v fn %d %s [%d]: float64 winograd %g, im2col %g (relative error %.3g)",
						k.g, k.fn, name, i, w64[d][i], ref[d][i], e)
				}
				e32 := math.Abs(w32[d][i]-ref[d][i]) / sc
				worst32[d] = max(worst32[d], e32)
				worstIm32[d] = max(worstIm32[d], math.Abs(i32[d][i]-ref[d][i])/sc)
				if e32 > winoErr32 {
					t.Fatalf("%+v fn %d %s [%d]: float32 winograd %g, float64 im2col %g (relative error %.3g)",
						k.g, k.fn, name, i, w32[d][i], ref[d][i], e32)
				}
			}
		}
	}
	t.Logf("float32 error relative to the sum of |terms| (forward, input grad, filter grad): winograd %.3g, im2col %.3g", worst32, worstIm32)
}

// winoErr32 bounds the float32 Winograd results' error, relative to the sum of the
// absolute values of their terms (float32's epsilon is 1.2e-7).
const winoErr32 = 1e-6

// BenchmarkConv3x3 times the three kernels of DeepConvNet's convolutions (batch 100,
// float32) by im2col and by Winograd: the measurements behind winoPays.
func BenchmarkConv3x3(b *testing.B) {
	shapes := []struct{ c, h, fn, pad int }{
		{1, 28, 16, 1}, {16, 28, 16, 1}, {16, 14, 32, 1}, {32, 14, 32, 2}, {32, 8, 64, 1}, {64, 8, 64, 1},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sh := range shapes {
		g := mustWindow([]int{100, sh.c, sh.h, sh.h}, 3, 3, 1, sh.pad)
		x := to32(make([]float64, g.n*g.c*g.h*g.w))
		w := to32(make([]float64, sh.fn*sh.c*9))
		gy := to32(make([]float64, g.n*sh.fn*g.pixels()))
		for _, v := range [][]float32{x, w, gy} {
			for i := range v {
				v[i] = float32(rng.NormFloat64())
			}
		}
		y, gx, gw := make([]float32, len(gy)), make([]float32, len(x)), make([]float32, len(w))
		s := new(convScratch)
		for _, dir := range []string{"fwd", "dx", "dw"} {
			for _, mode := range []int{-1, 1} {
				name := map[int]string{-1: "im2col", 1: "winograd"}[mode]
				b.Run(fmt.Sprintf("c%d_%dx%d_k%d_p%d/%s/%s", sh.c, sh.h, sh.h, sh.fn, sh.pad, dir, name), func(b *testing.B) {
					defer func(m int) { winoMode = m }(winoMode)
					winoMode = mode
					c0 := cpuTime()
					for b.Loop() {
						switch dir {
						case "fwd":
							convForward[float32]{y: y, x: x, w: w}.run(s, g, sh.fn)
						case "dx":
							convInputGrad[float32]{gx: gx, gy: gy, w: w}.run(s, g, sh.fn)
						default:
							convFilterGrad[float32]{gw: gw, x: x, gy: gy}.run(s, g, sh.fn)
						}
					}
					b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
					flops := 2 * 9 * float64(g.n*g.pixels()*g.c*sh.fn)
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// cpuTime is the process's user and system time in nanoseconds: on a machine shared with
// other jobs it counts the work done, not the time waited for a core.
func cpuTime() int64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return u.Utime.Nano() + u.Stime.Nano()
}

// TestWinogradFusedPool runs the fused convolution, ReLU and 2x2 max pooling (inference
// fusion) by Winograd and by im2col, in float32 on shapes where Winograd is the default.
func TestWinogradFusedPool(t *testing.T) {
	defer func(m int) { winoMode = m }(winoMode)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, sh := range []struct{ n, c, h, fn, pad int }{{3, 16, 8, 16, 1}, {2, 32, 7, 24, 2}, {1, 16, 5, 8, 0}} {
		g := mustWindow([]int{sh.n, sh.c, sh.h, sh.h}, 3, 3, 1, sh.pad)
		r := func(k int) []float32 {
			v := make([]float32, k)
			for i := range v {
				v[i] = float32(rng.NormFloat64())
			}
			return v
		}
		x, w, b := r(g.n*g.c*g.h*g.w), r(sh.fn*g.c*9), r(sh.fn)
		pool := maxPool2DOp{2, 2, 2, 0}
		ep := epilogue{act: true, pool: true, poolOp: pool,
			pw: window{n: g.n, c: sh.fn, h: g.oh, w: g.ow, fh: 2, fw: 2, stride: 2}.sized()}
		var ys [2][]float32
		for i, mode := range []int{-1, 1} {
			winoMode = mode
			ys[i] = make([]float32, g.n*sh.fn*ep.pw.pixels())
			convForward[float32]{y: ys[i], x: x, w: w, b: b, ep: ep}.run(new(convScratch), g, sh.fn)
		}
		for i := range ys[0] {
			if d := math.Abs(float64(ys[0][i] - ys[1][i])); d > 1e-4 {
				t.Fatalf("%+v: [%d] im2col %g, winograd %g", sh, i, ys[0][i], ys[1][i])
			}
		}
	}
}

// TestWinogradAllocatesNothing runs the three Winograd kernels after a first call and
// counts allocations.
func TestWinogradAllocatesNothing(t *testing.T) {
	if raceOn {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	defer func(m int) { winoMode = m }(winoMode)
	winoMode = 1
	g := mustWindow([]int{4, 16, 10, 10}, 3, 3, 1, 1)
	fn := 16
	x, w, gy := make([]float32, 4*16*100), make([]float32, fn*16*9), make([]float32, 4*fn*100)
	y, gx, gw := make([]float32, len(gy)), make([]float32, len(x)), make([]float32, len(w))
	s := new(convScratch)
	run := func() {
		convForward[float32]{y: y, x: x, w: w}.run(s, g, fn)
		convInputGrad[float32]{gx: gx, gy: gy, w: w}.run(s, g, fn)
		convFilterGrad[float32]{gw: gw, x: x, gy: gy}.run(s, g, fn)
	}
	run()
	if n := WarmAllocs(50, 1, run); n >= 1 {
		t.Errorf("%.1f allocations per run after the first", n)
	}
}
