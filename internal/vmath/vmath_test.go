package vmath

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The accuracy bounds that doc.go states, in units in the last place of the float32
// nearest the float64 reference; below the smallest normal float32 (2^-126) the bound is
// instead an absolute 2^-126 (and the ulp there is 2^-149).
const (
	expULP     = 1.5
	tanhULP    = 2
	sigmoidULP = 2.5
)

var minNormal = math.Ldexp(1, -126)

// withLevel runs f with each kernel level forced, naming it; a level the CPU (or the
// build) lacks is skipped, and the Go kernels always run.
func withLevel(t *testing.T, f func(t *testing.T)) {
	for _, l := range []int{levelAVX512, levelAVX2, levelGeneric} {
		t.Run(levelNames[l], func(t *testing.T) {
			if !slices.Contains(levels(), l) {
				t.Skipf("no %s kernels on this CPU or build", levelNames[l])
			}
			saved := level
			level = l
			defer func() { level = saved }()
			f(t)
		})
	}
}

// ulpErr is |got - want| in ulps of the float32 at want, with ±Inf counted as ±2^128.
func ulpErr(got float32, want float64) float64 {
	g := float64(got)
	if math.IsInf(g, 0) {
		g = math.Copysign(math.Ldexp(1, 128), g)
	}
	_, e := math.Frexp(want)
	e = max(e-1, -126)
	return math.Abs(g-want) / math.Ldexp(1, e-23)
}

// check compares got with the float64 reference ref(x) for each x, within bound ulps, and
// returns the largest error seen (in ulps, over normal results).
func check(t *testing.T, name string, xs, got []float32, ref func(float64) float64, bound float64) float64 {
	t.Helper()
	worst, fails := 0.0, 0
	for i, x := range xs {
		want := ref(float64(x))
		if w := float64(float32(want)); math.IsInf(w, 0) {
			want = w // beyond float32's range: the kernel must overflow too
		}
		g := got[i]
		switch {
		case math.IsNaN(want):
			if g == g {
				fails++
				t.Errorf("%s(%g) = %g, want NaN", name, x, g)
			}
			continue
		case math.IsInf(want, 0) || want == 0:
			// Exact where the reference is: overflow gives Inf, underflow 0 (up to 2^-149).
			if float64(g) != want && !(want == 0 && math.Abs(float64(g)) <= math.Ldexp(1, -149)) {
				fails++
				t.Errorf("%s(%g) = %g, want %g", name, x, g, want)
			}
			continue
		case math.Abs(want) < minNormal:
			if math.Abs(float64(g)-want) > minNormal {
				fails++
				t.Errorf("%s(%g) = %g, want %g within 2^-126", name, x, g, want)
			}
			continue
		}
		if math.Signbit(float64(g)) != math.Signbit(want) {
			fails++
			t.Errorf("%s(%g) = %g: sign differs from %g", name, x, g, want)
		}
		e := ulpErr(g, want)
		if e > worst {
			worst = e
		}
		if e > bound {
			fails++
			t.Errorf("%s(%g) = %g, want %.9g: %.2f ulp > %g", name, x, g, want, e, bound)
		}
		if fails > 10 {
			t.Fatal("too many failures")
		}
	}
	return worst
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// inputs are many float32 values for a function whose interesting range is [lo, hi]:
// uniform there, log-uniform in magnitude near 0, a sweep over every 4099th bit pattern of
// the finite floats, and the edge cases.
func inputs(lo, hi float64, edges ...float32) []float32 {
	r := rand.New(rand.NewPCG(1, 2))
	var xs []float32
	for range 100000 {
		xs = append(xs, float32(lo+(hi-lo)*r.Float64()))
		m := float32(math.Exp(-60 * r.Float64()))
		if r.IntN(2) == 0 {
			m = -m
		}
		xs = append(xs, m)
	}
	for b := uint32(0); b < 0xff800000; b += 4099 {
		if v := math.Float32frombits(b); !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
			xs = append(xs, v)
		}
	}
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	specials := []float32{0, float32(math.Copysign(0, -1)), 1e-45, -1e-45, 1e-40, -1e-40, 1.2e-38, -1.2e-38,
		1e-30, -1e-30, 1e-8, -1e-8, 1e-4, -1e-4, 1, -1, 0.5, -0.5, 3.4e38, -3.4e38, inf, -inf, nan}
	xs = append(xs, specials...)
	// Every float32 within 64 ulps of each edge.
	for _, e := range edges {
		v := e
		for range 64 {
			v = math.Nextafter32(v, float32(math.Inf(-1)))
		}
		for range 129 {
			xs = append(xs, v)
			v = math.Nextafter32(v, float32(math.Inf(1)))
		}
	}
	return xs
}

func TestExp(t *testing.T) {
	// e^x overflows past ln(MaxFloat32) = 88.7228, is subnormal below -87.3365 and rounds
	// to 0 below -103.972; the clamps sit at 89 and -105; 0.3466 is ln2/2.
	xs := inputs(-110, 100, 88.72283, -87.33655, -103.97208, 89, -105, 0.34657359, -0.34657359, 1)
	withLevel(t, func(t *testing.T) {
		got := make([]float32, len(xs))
		Exp(got, xs)
		w := check(t, "exp", xs, got, math.Exp, expULP)
		t.Logf("largest error %.3f ulp", w)
	})
}

func TestTanh(t *testing.T) {
	xs := inputs(-12, 12, tanhSmall, -tanhSmall, tanhBig, -tanhBig, 9.01, 0.5493, 1e-3, 4)
	withLevel(t, func(t *testing.T) {
		got := make([]float32, len(xs))
		Tanh(got, xs)
		w := check(t, "tanh", xs, got, math.Tanh, tanhULP)
		t.Logf("largest error %.3f ulp", w)
		// tanh(x) = x to float32 precision for |x| < 2^-12: exactly x, sign of zero kept.
		for i, x := range xs {
			if math.Abs(float64(x)) < 1.0/4096 && math.Float32bits(got[i]) != math.Float32bits(x) {
				t.Errorf("tanh(%g) = %g, want x itself", x, got[i])
			}
		}
	})
}

func TestSigmoid(t *testing.T) {
	xs := inputs(-110, 40, -88.72283, -87.33655, -103.97208, -89, 105, 16.635532, 17.32868)
	withLevel(t, func(t *testing.T) {
		got := make([]float32, len(xs))
		Sigmoid(got, xs)
		w := check(t, "sigmoid", xs, got, sigmoid64, sigmoidULP)
		t.Logf("largest error %.3f ulp", w)
	})
}

// TestKernelsAgree checks that the AVX-512 kernels give the AVX2 kernels' bits, and that
// every kernel gives each element's result whatever its position (the tails go through
// the same kernel) and when dst aliases src.
func TestKernelsAgree(t *testing.T) {
	xs := inputs(-110, 100)
	fs := []struct {
		name string
		f    func(dst, src []float32)
	}{{"exp", Exp}, {"tanh", Tanh}, {"sigmoid", Sigmoid}}
	byLevel := map[int][][]float32{}
	withLevel(t, func(t *testing.T) {
		for _, f := range fs {
			all := make([]float32, len(xs))
			f.f(all, xs)
			byLevel[level] = append(byLevel[level], all)
			for off := range 17 {
				for n := range 41 {
					got := make([]float32, n)
					f.f(got, xs[off:off+n])
					same(t, f.name, xs[off:off+n], got, all[off:off+n])
				}
			}
			in := append([]float32(nil), xs[:1000]...)
			f.f(in, in)
			same(t, f.name+" in place", xs[:1000], in, all[:1000])
		}
	})
	if a, b := byLevel[levelAVX512], byLevel[levelAVX2]; a != nil && b != nil {
		for i, f := range fs {
			same(t, f.name+" avx512 vs avx2", xs, a[i], b[i])
		}
	}
}

func same(t *testing.T, name string, xs, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s(%g) = %g here, %g there", name, xs[i], got[i], want[i])
		}
	}
}

func TestExpSum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	withLevel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 100, 256, 1000, 4099} {
			src := make([]float32, n)
			for i := range src {
				src[i] = float32(20 * r.NormFloat64())
			}
			shift := float32(3.25)
			dst := make([]float32, n)
			s := ExpSum(dst, src, shift)
			// The values are Exp's of the rounded differences.
			diff := make([]float32, n)
			var want float64
			for i, v := range src {
				diff[i] = v - shift
			}
			exp := make([]float32, n)
			Exp(exp, diff)
			same(t, "expsum", src, dst, exp)
			for _, v := range dst {
				want += float64(v)
			}
			if math.Abs(float64(s)-want) > 1e-6*want {
				t.Errorf("n=%d: sum %g, want %g", n, s, want)
			}
			if s2 := SumExp(src, shift); math.Float32bits(s2) != math.Float32bits(s) {
				t.Errorf("n=%d: SumExp %g, ExpSum %g", n, s2, s)
			}
		}
	})
}

func BenchmarkKernels(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	src := make([]float32, 4096)
	for i := range src {
		src[i] = float32(4 * r.NormFloat64())
	}
	dst := make([]float32, len(src))
	perElem := func(b *testing.B, f func()) {
		for b.Loop() {
			f()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/elem")
	}
	b.Run("math.Exp", func(b *testing.B) {
		perElem(b, func() {
			for i, v := range src {
				dst[i] = float32(math.Exp(float64(v)))
			}
		})
	})
	b.Run("math.Tanh", func(b *testing.B) {
		perElem(b, func() {
			for i, v := range src {
				dst[i] = float32(math.Tanh(float64(v)))
			}
		})
	})
	for _, l := range levels() {
		saved := level
		level = l
		b.Run("Exp/"+levelNames[l], func(b *testing.B) { perElem(b, func() { Exp(dst, src) }) })
		b.Run("ExpSum/"+levelNames[l], func(b *testing.B) { perElem(b, func() { ExpSum(dst, src, 1) }) })
		b.Run("Tanh/"+levelNames[l], func(b *testing.B) { perElem(b, func() { Tanh(dst, src) }) })
		b.Run("Sigmoid/"+levelNames[l], func(b *testing.B) { perElem(b, func() { Sigmoid(dst, src) }) })
		level = saved
	}
}

// TestSpecialValues checks the exact results doc.go promises, in every kernel.
func TestSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name    string
		f       func(dst, src []float32)
		x, want float32
	}{
		{"exp", Exp, 0, 1}, {"exp", Exp, negZero, 1}, {"exp", Exp, inf, inf}, {"exp", Exp, -inf, 0},
		{"exp", Exp, 89, inf}, {"exp", Exp, -104, 0}, {"exp", Exp, 1, float32(math.E)},
		{"tanh", Tanh, 0, 0}, {"tanh", Tanh, negZero, negZero}, {"tanh", Tanh, inf, 1}, {"tanh", Tanh, -inf, -1},
		{"tanh", Tanh, 9.5, 1}, {"tanh", Tanh, -20, -1}, {"tanh", Tanh, 1e-30, 1e-30},
		{"sigmoid", Sigmoid, 0, 0.5}, {"sigmoid", Sigmoid, inf, 1}, {"sigmoid", Sigmoid, -inf, 0},
		{"sigmoid", Sigmoid, 20, 1},
		{"exp", Exp, nan, nan}, {"tanh", Tanh, nan, nan}, {"sigmoid", Sigmoid, nan, nan},
	}
	withLevel(t, func(t *testing.T) {
		for _, c := range cases {
			got := []float32{0}
			c.f(got, []float32{c.x})
			if math.Float32bits(got[0]) != math.Float32bits(c.want) && !(c.want != c.want && got[0] != got[0]) {
				t.Errorf("%s(%g) = %g, want %g", c.name, c.x, got[0], c.want)
			}
		}
	})
}
