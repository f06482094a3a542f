package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/gemm"
)

// TestAddTo32 checks the vector add against the plain loop, bit for bit, on every length up
// to 100 and at unaligned offsets.
func TestAddTo32(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 0; n <= 100; n++ {
		for off := range 3 {
			dst, src := make([]float32, n+off), make([]float32, n+off)
			for i := range dst {
				dst[i], src[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			}
			want := make([]float32, n)
			for i := range want {
				want[i] = dst[off+i] + src[off+i]
			}
			pre := slices.Clone(dst[:off])
			addTo32(dst[off:], src[off:])
			for i, v := range want {
				if math.Float32bits(dst[off+i]) != math.Float32bits(v) {
					t.Fatalf("n %d off %d: dst[%d] = %v, want %v", n, off, i, dst[off+i], v)
				}
			}
			if !slices.Equal(pre, dst[:off]) {
				t.Fatalf("n %d off %d: wrote before the slice", n, off)
			}
		}
	}
}

// TestSumK checks the interleaved sum against a float64 running sum on every length up to
// 100, within float32's rounding, and the AVX2 path against the scalar order bit for bit.
func TestSumK(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for n := 0; n <= 100; n++ {
		v := make([]float32, n)
		var want, abs float64
		for i := range v {
			v[i] = float32(r.NormFloat64())
			want += float64(v[i])
			abs += math.Abs(float64(v[i]))
		}
		if got := float64(sumK(v)); math.Abs(got-want) > 1e-6*abs+1e-30 {
			t.Errorf("n %d: sum %v, want %v", n, got, want)
		}
	}
	// The AVX2 path keeps the scalar order: eight chains, lane i taking v[i], v[8+i], ...,
	// the tail added to chain 0, then ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)).
	for _, n := range []int{0, 7, 31, 32, 33, 40, 63, 64, 100, 1001} {
		v := specials32(r, n)
		for i := range v {
			if r.IntN(4) != 0 { // mostly finite values, with a few specials
				v[i] = float32(r.NormFloat64() * 1e3)
			}
		}
		for _, w := range [][]float32{v, v[:n/2]} {
			var s [8]float32
			m := len(w) &^ 7
			for i := 0; i < m; i += 8 {
				for l := range 8 {
					s[l] += w[i+l]
				}
			}
			for _, x := range w[m:] {
				s[0] += x
			}
			want := ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
			if got := sumK(w); !sameBits32(got, want) {
				t.Errorf("n %d: float32 sum %v, want %v bit for bit", len(w), got, want)
			}
		}
	}
	if got := sumK([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}); got != 66 {
		t.Errorf("sum of 1..11 = %v", got)
	}
}

// specials32 draws float32s, a third of them special: NaN, zeros of both signs,
// infinities, denormals.
func specials32(r *rand.Rand, n int) []float32 {
	sp := []float32{float32(math.NaN()), math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001),
		math.Float32frombits(0xff800003), 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-40, -1e-40}
	v := make([]float32, n)
	for i := range v {
		if r.IntN(3) == 0 {
			v[i] = sp[r.IntN(len(sp))]
		} else {
			v[i] = float32(r.NormFloat64())
		}
	}
	return v
}

// sameBits32 compares float32s bit for bit, any NaN matching any NaN.
func sameBits32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// TestReLU32Kernels checks the ReLU and its gradient in float32 (AVX2 where the CPU has
// it) against Go's max (bit for bit, NaNs of either sign and signalling ones included) and
// the mask rule of reluGrad32, element by element, on lengths up to 100 full of special
// values, for slope 0 and a leaky one.
func TestReLU32Kernels(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for n := 0; n <= 100; n++ {
		x, gy := specials32(r, n), specials32(r, n)
		y := make([]float32, n)
		leakyK(y, x, 0)
		for i, v := range x {
			if want := max(v, 0); math.Float32bits(y[i]) != math.Float32bits(want) { // NaNs too
				t.Fatalf("n %d: relu(%v) = %v (%#x), want %v (%#x)", n, v, y[i], math.Float32bits(y[i]), want, math.Float32bits(want))
			}
		}
		for _, slope := range []float32{0, 0.01} {
			out := make([]float32, n)
			reluGrad32(out, gy, x, slope)
			for i, g := range gy {
				b := math.Float32bits(x[i])
				want := g
				if b == 0 || b>>31 == 1 { // x is +0 or has its sign bit set
					want = slope * g
				}
				if !sameBits32(out[i], want) {
					t.Fatalf("n %d slope %v: grad at x %v, gy %v = %v, want %v", n, slope, x[i], g, out[i], want)
				}
			}
		}
	}
}

// TestCopyRows copies runs of every length up to 40 between rows of other strides with the
// vector kernel (AVX2 where the CPU has it) and checks every value, and that the values
// between and after the runs are untouched.
func TestCopyRows(t *testing.T) {
	for n := 0; n <= 40; n++ {
		for rows := range 5 {
			ss, ds := n+3, n+5
			src := make([]float32, rows*ss+1)
			for i := range src {
				src[i] = float32(i + 1)
			}
			dst := make([]float32, rows*ds+1)
			for i := range dst {
				dst[i] = -1
			}
			did := copyRows32(dst, src, rows, n, ds, ss)
			if want := vecAVX2 && n >= 8 && rows > 0; did != want {
				t.Fatalf("n %d rows %d: kernel ran %v, want %v", n, rows, did, want)
			}
			if !did {
				continue
			}
			for i, v := range dst {
				r, c := i/ds, i%ds
				want := float32(-1)
				if r < rows && c < n {
					want = src[r*ss+c]
				}
				if v != want {
					t.Fatalf("n %d rows %d: dst[%d] = %v, want %v", n, rows, i, v, want)
				}
			}
		}
	}
}

// TestTranspose transposes blocks of every shape up to 40x40 (the AVX2 kernel where the
// CPU has it, for the 8x8 blocks, and the loops for the edges), between strides wider than
// the blocks, and checks every value and that nothing outside the block is written.
func TestTranspose(t *testing.T) {
	for rows := 0; rows <= 40; rows++ {
		for cols := 0; cols <= 40; cols++ {
			lds, ldd := cols+3, rows+5
			src := make([]float32, rows*lds+1)
			for i := range src {
				src[i] = float32(i + 1)
			}
			fresh := func() []float32 {
				dst := make([]float32, max(cols, 1)*ldd+1)
				for i := range dst {
					dst[i] = -1
				}
				return dst
			}
			check := func(dst []float32, r0, c0 int, what string) {
				for i, v := range dst {
					c, r := i/ldd, i%ldd
					w := float32(-1)
					if c < c0 && r < r0 {
						w = src[r*lds+c]
					}
					if v != w {
						t.Fatalf("%s %dx%d: dst[%d] (column %d, row %d) = %v, want %v", what, rows, cols, i, c, r, v, w)
					}
				}
			}
			dst := fresh()
			r, c := gemm.Transpose32(dst, src, rows, cols, ldd, lds)
			if gemm.HasTranspose32() && rows >= 8 && cols >= 8 && (r != rows&^7 || c != cols&^7) {
				t.Fatalf("%dx%d: the kernel did %dx%d", rows, cols, r, c)
			}
			check(dst, r, c, "kernel")
			dst = fresh()
			transpose2D(dst, src, rows, cols, ldd, lds)
			check(dst, rows, cols, "transpose2D")
		}
	}
}

// TestBinary32K checks the vector add, sub and mul against the plain loops, bit for bit
// (NaN for NaN), on every length up to 100 at unaligned offsets, with infinities, NaN,
// zeros of both signs and subnormals among the values.
func TestBinary32K(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	special := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0, float32(math.Copysign(0, -1)), 1e-40, -3e38}
	value := func() float32 {
		if r.IntN(8) == 0 {
			return special[r.IntN(len(special))]
		}
		return float32(r.NormFloat64())
	}
	for _, k := range []struct {
		name string
		vec  func(y, a, b []float32, c float32)
		ref  func(y, a, b []float32, c float32)
	}{{"add", add32K, addK[float32]}, {"sub", sub32K, subK[float32]}, {"mul", mul32K, mulK[float32]}} {
		for n := 0; n <= 100; n++ {
			for off := range 3 {
				a, b := make([]float32, n+off), make([]float32, n+off)
				for i := range a {
					a[i], b[i] = value(), value()
				}
				want, got := make([]float32, n+off+1), make([]float32, n+off+1)
				got[n+off] = 7 // past the end: must stay
				k.ref(want[off:n+off], a[off:], b[off:], 0)
				k.vec(got[off:n+off], a[off:], b[off:], 0)
				for i := off; i < n+off; i++ {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
						t.Fatalf("%s n %d off %d: y[%d] = %v, want %v", k.name, n, off, i-off, got[i], want[i])
					}
				}
				if got[n+off] != 7 {
					t.Fatalf("%s n %d off %d: wrote past the end", k.name, n, off)
				}
			}
		}
	}
}

// TestSumToParallel checks that a big sum cut over the cores by values of the result
// (sumTask) gives the bits of the whole loop, for sums of contiguous runs (a convolution's
// bias gradient over [N C H W]) and of whole rows (an affine layer's over [N D]), in both
// element types.
func TestSumToParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, s := range []struct{ big, small graph.Shape }{
		{graph.Shape{40, 30, 24, 24}, graph.Shape{1, 30, 1, 1}},
		{graph.Shape{300, 431}, graph.Shape{1, 431}},
		{graph.Shape{7, 5, 3000}, graph.Shape{7, 1, 3000}},
	} {
		w := newWalk(s.big, s.small)
		big64 := make([]float64, s.big.Size())
		for i := range big64 {
			big64[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(6)))
		}
		big32 := make([]float32, len(big64))
		for i, v := range big64 {
			big32[i] = float32(v)
		}
		check := func(name string, got, want []float64) {
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%v -> %v %s: value %d %v, the whole loop gives %v", s.big, s.small, name, i, got[i], want[i])
				}
			}
		}
		n := s.small.Size()
		got64, want64 := make([]float64, n), make([]float64, n)
		sumToK(w, got64, big64)
		(&sumTask[float64]{w: w, small: want64, big: big64}).Run(0, n)
		check("float64", got64, want64)
		// and the sums are right: against a plain loop over big in order, within rounding
		ref, abs := make([]float64, n), make([]float64, n)
		for i, v := range big64 {
			j, rem, sm := 0, i, 1
			for a := len(s.big) - 1; a >= 0; a-- {
				if s.small[a] != 1 {
					j += rem % s.big[a] * sm
					sm *= s.small[a]
				}
				rem /= s.big[a]
			}
			ref[j] += v
			abs[j] += math.Abs(v)
		}
		for i := range ref {
			if math.Abs(got64[i]-ref[i]) > 1e-12*abs[i] {
				t.Fatalf("%v -> %v: value %d %v, want %v", s.big, s.small, i, got64[i], ref[i])
			}
		}
		got32, want32 := make([]float32, n), make([]float32, n)
		sumToK(w, got32, big32)
		(&sumTask[float32]{w: w, small: want32, big: big32}).Run(0, n)
		g, wv := make([]float64, n), make([]float64, n)
		for i := range g {
			g[i], wv[i] = float64(got32[i]), float64(want32[i])
		}
		check("float32", g, wv)
	}
}
