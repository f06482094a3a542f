package ops

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// TestMaxPool2x2PlaneMatchesGo checks the vector kernel of the book's pooling (AVX2 where
// the CPU has it) against Go's max, bit for bit, on planes of 0 to 5 output rows of every
// width up to 40 (rows of fewer than 8 windows with both kinds of masked store where the CPU
// has them), rows wider than the windows need, drawn from special values (NaN, ±0,
// ±Inf, denormals) and random ones. NaN counts as equal to any NaN (the vector max makes
// all NaNs one).
func TestMaxPool2x2PlaneMatchesGo(t *testing.T) { poolStoreModes(t, testMaxPool2x2Plane) }

func testMaxPool2x2Plane(t *testing.T) {
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
			if want := poolAVX2 && ow > 0 && rows > 0; did != want {
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

// TestArgmax2x2PlaneMatchesGo checks the plane kernels of the pooling gradient (AVX2 where
// the CPU has it; skipped elsewhere, where Go's loop is the only path) against that loop,
// bit for bit: the scatter, the scatter masked by a ReLU's gradient of several slopes
// against the scatter then reluGradK, and the gather, on planes of 0 to 4 output rows of
// every width from 1 to 20 windows, rows of w = 2*ow to 2*ow+2 values (an odd w leaves a
// column in no window, which the kernels must not write), drawn from ties, zeros of both
// signs, infinities, NaNs and random values. Values past the kernel's reach stay untouched.
func TestArgmax2x2PlaneMatchesGo(t *testing.T) {
	if !poolAVX2 {
		t.Skip("no vector kernel on this CPU or build")
	}
	poolStoreModes(t, testArgmax2x2Plane)
}

func testArgmax2x2Plane(t *testing.T) {
	nan := float32(math.NaN())
	special := []float32{nan, -nan, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1, -1, 2, 1e-40}
	draw := func(r *rand.Rand, v []float32) {
		for i := range v {
			switch r.IntN(3) {
			case 0:
				v[i] = special[r.IntN(len(special))]
			case 1:
				v[i] = float32(r.IntN(3)) // ties
			default:
				v[i] = float32(r.NormFloat64())
			}
		}
	}
	const guard = 0x7fc0dead // a NaN no kernel writes
	r := rand.New(rand.NewPCG(21, 22))
	for ow := 1; ow <= 20; ow++ {
		for rows := range 5 {
			for w := 2 * ow; w <= 2*ow+2; w++ {
				n := 2 * rows * w
				x, mask, gy := make([]float32, n), make([]float32, n), make([]float32, rows*ow+8)
				draw(r, x)
				draw(r, mask)
				draw(r, gy)
				gy = gy[:rows*ow]
				for _, slope := range []float32{0, 0.1, -0.5, nan} {
					for _, relu := range []bool{false, true} {
						got, want := make([]uint32, n+8), make([]uint32, n+8)
						for i := range got {
							got[i], want[i] = guard, guard
						}
						var m []float32
						if relu {
							m = mask
						}
						if !argmax2x2Plane32(true, got[:n], bits[float32, uint32](gy), x, m, rows, ow, w, slope) {
							t.Fatal("the vector kernel did not run")
						}
						argmax2x2Go(want[:n], bits[float32, uint32](gy), x, rows, ow, w, true)
						if relu {
							// reluGradK over the windows' pixels only: the others keep the guard
							for oy := range 2 * rows {
								row := want[oy*w:][:2*ow]
								f := unsafe.Slice((*float32)(unsafe.Pointer(&row[0])), len(row))
								reluGradK(f, f, mask[oy*w:][:2*ow], slope)
							}
						}
						for i := range got {
							// With a NaN slope times a NaN gradient both factors are NaN, and which
							// payload the product keeps depends on the operand order the Go
							// compiler picks for the reference (it differs under -race): there
							// any NaN matches any NaN.
							bothNaN := slope != slope && i < n && sameBits32(math.Float32frombits(got[i]), math.Float32frombits(want[i]))
							if got[i] != want[i] && !bothNaN {
								t.Fatalf("ow %d rows %d w %d slope %v relu %v: scatter differs at %d: %#x, want %#x",
									ow, rows, w, slope, relu, i, got[i], want[i])
							}
						}
					}
				}
				// gather from an image of random bits
				img := make([]uint32, n)
				for i := range img {
					img[i] = r.Uint32()
				}
				got, want := make([]uint32, rows*ow+8), make([]uint32, rows*ow+8)
				for i := range got {
					got[i], want[i] = guard, guard
				}
				argmax2x2Plane32(false, img, got[:rows*ow], x, nil, rows, ow, w, 0)
				argmax2x2Go(img, want[:rows*ow], x, rows, ow, w, false)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("ow %d rows %d w %d: gather differs at %d: %#x, want %#x", ow, rows, w, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// poolStoreModes runs f with the narrow rows' stores of each kind the CPU has: VMASKMOVPS,
// and AVX-512 lane masks where there are.
func poolStoreModes(t *testing.T, f func(t *testing.T)) {
	saved := poolAVX512
	defer func() { poolAVX512 = saved }()
	modes := []bool{false}
	if poolAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		modes = append(modes, true)
	}
	for _, on := range modes {
		poolAVX512 = on
		t.Run(map[bool]string{false: "vmaskmov", true: "avx512"}[on], f)
	}
}

// TestPoolReluLoopMatchesOps checks max_pool2d_grad+relu_grad's loop, which scatters and
// masks the planes of even sides stacked in one kernel call, against the two ops' kernels
// plane by plane (Go's argmax loop, then reluGradK), bit for bit, on chunks of planes of
// several sizes (even and odd, rows of 1 to 12 windows) holding ties, NaNs and zeros of both
// signs, with slopes 0, 0.1 and -0.5.
func TestPoolReluLoopMatchesOps(t *testing.T) {
	nan := float32(math.NaN())
	special := []float32{nan, 0, float32(math.Copysign(0, -1)), float32(math.Inf(-1)), 1, 2}
	r := rand.New(rand.NewPCG(31, 32))
	for _, hw := range [][2]int{{24, 24}, {14, 14}, {7, 7}, {6, 10}, {8, 9}, {2, 2}, {4, 16}} {
		h, w, planes := hw[0], hw[1], 5
		g := mustWindow([]int{planes, 1, h, w}, 2, 2, 2, 0)
		in, out := h*w, g.pixels()
		x, mask, gy := make([]float32, planes*in), make([]float32, planes*in), make([]float32, planes*out)
		for _, v := range [][]float32{x, mask, gy} {
			for i := range v {
				if r.IntN(3) == 0 {
					v[i] = special[r.IntN(len(special))]
				} else {
					v[i] = float32(r.IntN(5) - 2)
				}
			}
		}
		for _, slope := range []float32{0, 0.1, -0.5} {
			got, want := make([]float32, planes*in), make([]float32, planes*in)
			for i := range got {
				got[i] = 42 // every pixel must be written
			}
			lp := poolReluLoop[float32]{g: g, gx: got, gy: gy, x: x, mask: mask, slope: slope}
			lp.Run(1, planes) // plane 0 stays 42: the loop's chunk is [1, planes)
			for p := 1; p < planes; p++ {
				img := want[p*in:][:in]
				argmax2x2Go(bits[float32, uint32](img), bits[float32, uint32](gy[p*out:][:out]), x[p*in:][:in], g.oh, g.ow, w, true)
				reluGradK(img, img, mask[p*in:][:in], slope)
			}
			for i := range in {
				want[i] = 42
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%dx%d slope %v: pixel %d = %v, want %v", h, w, slope, i, got[i], want[i])
				}
			}
		}
	}
}
