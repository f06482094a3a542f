package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxPool2x2PlaneMatchesGo checks the vector kernel of the book's pooling (AVX2 where
// the CPU has it) against Go's max, bit for bit, on planes of 0 to 5 output rows of every
// width up to 40, rows wider than the windows need, drawn from special values (NaN, ±0,
// ±Inf, denormals) and random ones. NaN counts as equal to any NaN (the vector max makes
// all NaNs one).
func TestMaxPool2x2PlaneMatchesGo(t *testing.T) {
	special := []float32{float32(math.NaN()), 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-40, -1e-40, 1, -1, 3.5}
	r := rand.New(rand.NewPCG(17, 18))
	for ow := 0; ow <= 40; ow++ {
		for rows := range 6 {
			w := 2*ow + r.IntN(5)
			x := make([]float32, 2*rows*w)
			for i := range x {
				if r.IntN(3) == 0 {
					x[i] = special[r.IntN(len(special))]
				} else {
					x[i] = float32(r.NormFloat64())
				}
			}
			y := make([]float32, rows*ow+1)
			y[rows*ow] = 42 // past the end: untouched
			did := maxPool2x2Plane32(y[:rows*ow], x, rows, ow, w)
			if want := poolAVX2 && ow >= 8 && rows > 0; did != want {
				t.Fatalf("ow %d rows %d: kernel ran %v, want %v", ow, rows, did, want)
			}
			if !did {
				continue
			}
			if y[rows*ow] != 42 {
				t.Fatalf("ow %d rows %d: wrote past the plane", ow, rows)
			}
			for oy := range rows {
				r0, r1 := x[2*oy*w:], x[(2*oy+1)*w:]
				for i := range ow {
					want := max(max(r0[2*i], r0[2*i+1]), max(r1[2*i], r1[2*i+1]))
					got := y[oy*ow+i]
					if want != want && got != got {
						continue
					}
					if math.Float32bits(got) != math.Float32bits(want) {
						t.Fatalf("ow %d rows %d, window (%d, %d): got %v, want %v", ow, rows, oy, i, got, want)
					}
				}
			}
		}
	}
}

// TestArgmax2x2Float32MatchesFloat64 routes gradients through the book's pooling in float32
// (the AVX2 kernel where the CPU has it, for runs of 8 windows) and in float64 (Go's loop
// only) on planes full of ties, zeros of both signs, infinities and NaNs: both must pick the
// same pixels, in scatter and in gather.
func TestArgmax2x2Float32MatchesFloat64(t *testing.T) {
	grid := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 1, -1, 2}
	r := rand.New(rand.NewPCG(9, 10))
	for ow := 1; ow <= 40; ow++ {
		for _, h := range []int{2, 5} {
			w := 2*ow + ow%2 // odd widths too
			g := mustWindow([]int{1, 1, h, w}, 2, 2, 2, 0)
			x64 := make([]float64, h*w)
			for i := range x64 {
				x64[i] = grid[r.IntN(len(grid))]
				if r.IntN(4) == 0 { // more ties
					x64[i] = float64(r.IntN(3))
				}
			}
			gy64 := make([]float64, g.pixels())
			for i := range gy64 {
				gy64[i] = float64(i + 1)
			}
			img64 := make([]float64, h*w)
			argmaxPlane(img64, gy64, x64, g, true)
			x32, gy32, img32 := make([]float32, h*w), make([]float32, len(gy64)), make([]float32, h*w)
			for i, v := range x64 {
				x32[i] = float32(v)
			}
			for i, v := range gy64 {
				gy32[i] = float32(v)
			}
			argmaxPlane(img32, gy32, x32, g, true)
			for i := range img64 {
				if float64(img32[i]) != img64[i] {
					t.Fatalf("ow %d h %d: scatter differs at %d: %v, want %v (x %v)", ow, h, i, img32[i], img64[i], x64)
				}
			}
			// gather reads the scattered image back: every window gets its own gy again
			back32 := make([]float32, len(gy32))
			argmaxPlane(img32, back32, x32, g, false)
			for i, v := range back32 {
				if v != gy32[i] {
					t.Fatalf("ow %d h %d: gather of window %d = %v, want %v", ow, h, i, v, gy32[i])
				}
			}
		}
	}
}
