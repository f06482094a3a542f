package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// packBits fills v with random bit patterns (NaNs with payloads among them, both signs of
// zero, infinities, subnormals): the conversions must move every one exactly.
func packBits(rng *rand.Rand, v []float32) {
	special := []uint32{0x80000000, 0, 0x7fc00001, 0xffa5a5a5, 0x7f800001, 0x7f800000, 0x00000001}
	for i := range v {
		if rng.IntN(4) == 0 {
			v[i] = math.Float32frombits(special[rng.IntN(len(special))])
		} else {
			v[i] = math.Float32frombits(rng.Uint32())
		}
	}
}

// sameBits reports the first index where a and b differ in their bits, or -1.
func sameBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// packCase is a conversion's shape: rows x cols pixels of L planes, with gaps between the
// planes' rows (ss > cols) and between the planes (cs), and padding on the block's rows.
type packCase struct{ L, rows, cols, cs, ss, ds, padL, padR int }

func randPackCase(rng *rand.Rand, L, rows, cols int) packCase {
	k := packCase{L: L, rows: rows, cols: cols, padL: rng.IntN(3), padR: rng.IntN(3)}
	k.ss = cols + rng.IntN(3)
	k.cs = (rows-1)*k.ss + cols + rng.IntN(5)
	k.ds = (k.padL+cols+k.padR)*L + L*rng.IntN(2)
	return k
}

// TestWinoPackKernels runs winoPack and winoUnpack with the AVX2 kernels and in Go on
// blocks of 8 float32 planes, widths 1 to 30 and heights 1 to 7, on random bit patterns:
// each must write exactly what the Go loops do (NaN payloads and signed zeros included),
// the padding as +0, and nothing past its reach (the buffers' ends hold a guard). The Go
// loops are checked against the definition.
func TestWinoPackKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 9))
	const L, guard = 8, 19
	for cols := 1; cols <= 30; cols++ {
		for rows := 1; rows <= 7; rows++ {
			k := randPackCase(rng, L, rows, cols)
			src := make([]float32, (L-1)*k.cs+(rows-1)*k.ss+cols+guard)
			packBits(rng, src)
			n := (rows-1)*k.ds + (k.padL+cols+k.padR)*L + guard
			var got [2][]float32
			for i, vec := range []bool{false, true} {
				if vec && !winoAVX2 {
					continue
				}
				got[i] = make([]float32, n)
				packBits(rand.New(rand.NewPCG(1, 1)), got[i]) // the same garbage in both
				withWinoAVX2(vec, func() {
					winoPack(got[i], src[:len(src)-guard], L, rows, cols, k.cs, k.ss, k.ds, k.padL, k.padR)
				})
			}
			// The Go loops against the definition; the guard past the reach untouched.
			want := append([]float32(nil), got[0]...)
			for r := range rows {
				d := want[r*k.ds:]
				for p := range k.padL + cols + k.padR {
					for l := range L {
						v := float32(0)
						if c := p - k.padL; c >= 0 && c < cols {
							v = src[l*k.cs+r*k.ss+c]
						}
						d[p*L+l] = v
					}
				}
			}
			if i := sameBits(got[0], want); i >= 0 {
				t.Fatalf("pack %+v: Go loops [%d] = %#x, want %#x", k, i, math.Float32bits(got[0][i]), math.Float32bits(want[i]))
			}
			if got[1] != nil {
				if i := sameBits(got[1], got[0]); i >= 0 {
					t.Fatalf("pack %+v: AVX2 [%d] = %#x, Go %#x", k, i, math.Float32bits(got[1][i]), math.Float32bits(got[0][i]))
				}
			}

			// Back: unpack the block into planes of stride cs and row stride ss.
			blk := got[0][:n-guard]
			m := (L-1)*k.cs + (rows-1)*k.ss + cols + guard
			var back [2][]float32
			for i, vec := range []bool{false, true} {
				if vec && !winoAVX2 {
					continue
				}
				back[i] = make([]float32, m)
				packBits(rand.New(rand.NewPCG(2, 2)), back[i])
				withWinoAVX2(vec, func() {
					winoUnpack(back[i], blk[k.padL*L:], L, rows, cols, k.cs, k.ss, k.ds)
				})
			}
			want = append(want[:0], back[0]...)
			for l := range L {
				for r := range rows {
					for c := range cols {
						want[l*k.cs+r*k.ss+c] = src[l*k.cs+r*k.ss+c]
					}
				}
			}
			if i := sameBits(back[0], want); i >= 0 {
				t.Fatalf("unpack %+v: Go loops [%d] = %#x, want %#x", k, i, math.Float32bits(back[0][i]), math.Float32bits(want[i]))
			}
			if back[1] != nil {
				if i := sameBits(back[1], back[0]); i >= 0 {
					t.Fatalf("unpack %+v: AVX2 [%d] = %#x, Go %#x", k, i, math.Float32bits(back[1][i]), math.Float32bits(back[0][i]))
				}
			}
		}
	}
	if !winoAVX2 {
		t.Log("no AVX2: only the Go loops ran")
	}
}

// withWinoAVX2 runs f with the AVX2 kernels on or off (off always works; on only where
// the CPU has them).
func withWinoAVX2(on bool, f func()) {
	defer func(v bool) { winoAVX2 = v }(winoAVX2)
	winoAVX2 = on && winoAVX2
	f()
}

// TestWinoPairKernels runs the kernels that transform two blocks of 8 channels at once
// (winoIn2, winoOutAdjoint2, winoInAdjoint2, winoOut2) against two runs of the one-block
// transforms, with the AVX2 kernels and in Go, bit for bit, on tile grids of 1 to 5 by 1
// to 6 tiles and channel strides 16 and 24: the pair kernels run the same instructions on
// each block, and the Go loops the same operations in the same order.
func TestWinoPairKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	for th := 1; th <= 5; th++ {
		for tw := 1; tw <= 6; tw++ {
			for _, st := range []int{16, 24} {
				hp, wp := 2*th+2, 2*tw+2
				np := hp*wp*8 + 8*rng.IntN(3)
				sv := winoStride(th * tw * st)
				plane := make([]float32, 2*np)
				for i := range plane {
					plane[i] = float32(rng.NormFloat64())
				}
				n := 16 * sv
				var got [3][]float32 // pair with AVX2, two single AVX2 runs, two Go runs
				for k := range got {
					got[k] = make([]float32, n)
					packBits(rand.New(rand.NewPCG(3, 3)), got[k])
				}
				withWinoAVX2(true, func() {
					winoIn2(got[0], plane, np, th, tw, wp, sv, st)
					winoIn(got[1], plane, 8, th, tw, wp, sv, st)
					winoIn(got[1][8:], plane[np:], 8, th, tw, wp, sv, st)
				})
				withWinoAVX2(false, func() { winoIn2(got[2], plane, np, th, tw, wp, sv, st) })
				check := func(kernel string) {
					t.Helper()
					for k, name := range []string{"two AVX2 runs", "Go"} {
						if i := sameBits(got[0], got[k+1]); i >= 0 {
							t.Fatalf("%s %dx%d tiles, st %d: [%d] = %g, %s %g", kernel, th, tw, st, i, got[0][i], name, got[k+1][i])
						}
					}
				}
				check("winoIn2")

				// The output stages are [2th][2tw][8] at plane and plane[np:].
				for k := range got {
					packBits(rand.New(rand.NewPCG(3, 3)), got[k])
				}
				withWinoAVX2(true, func() {
					winoOutAdjoint2(got[0], plane, np, th, tw, sv, st)
					winoOutAdjoint(got[1], plane, 8, th, tw, sv, st)
					winoOutAdjoint(got[1][8:], plane[np:], 8, th, tw, sv, st)
				})
				withWinoAVX2(false, func() { winoOutAdjoint2(got[2], plane, np, th, tw, sv, st) })
				check("winoOutAdjoint2")

				// The other way: from transformed tiles mat to stages and planes.
				mat := make([]float32, n)
				for i := range mat {
					mat[i] = float32(rng.NormFloat64())
				}
				bias := make([]float32, 16)
				for i := range bias {
					bias[i] = float32(rng.NormFloat64())
				}
				for k := range got {
					got[k] = append(got[k][:0], plane...) // winoInAdjoint adds to the planes
				}
				withWinoAVX2(true, func() {
					winoInAdjoint2(got[0], mat, np, th, tw, wp, sv, st)
					winoInAdjoint(got[1], mat, 8, th, tw, wp, sv, st)
					winoInAdjoint(got[1][np:], mat[8:], 8, th, tw, wp, sv, st)
				})
				withWinoAVX2(false, func() { winoInAdjoint2(got[2], mat, np, th, tw, wp, sv, st) })
				check("winoInAdjoint2")
				for k := range got {
					packBits(rand.New(rand.NewPCG(3, 3)), got[k])
				}
				withWinoAVX2(true, func() {
					winoOut2(got[0], mat, bias, np, th, tw, sv, st)
					winoOut(got[1], mat, bias, 8, th, tw, sv, st)
					winoOut(got[1][np:], mat[8:], bias[8:], 8, th, tw, sv, st)
				})
				withWinoAVX2(false, func() { winoOut2(got[2], mat, bias, np, th, tw, sv, st) })
				check("winoOut2")
			}
		}
	}
}
