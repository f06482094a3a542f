//go:build amd64 && !purego

package ops

import "golang.org/x/sys/cpu"

// poolAVX2 says whether maxPool2x2Rows32 runs the AVX2 kernel of pool_amd64.s.
var poolAVX2 = cpu.X86.HasAVX2

// maxPool2x2RowsAVX2 sets y[i] = max of r0[2i], r0[2i+1], r1[2i], r1[2i+1] for each i, with
// Go's max semantics (NaN if any is NaN, +0 over -0). len(y) is a multiple of 8; r0 and r1
// hold at least 2*len(y) values.
//
//go:noescape
func maxPool2x2RowsAVX2(y, r0, r1 []float32)

// maxPool2x2Rows32 pools a row of outputs with the AVX2 kernel and returns how many it did:
// all of them when there are at least 8 (the last 8 again when their count is not a
// multiple of 8: recomputing a window writes the same value), none when there are fewer or
// no AVX2; the caller does the rest.
func maxPool2x2Rows32(y, r0, r1 []float32) int {
	m := len(y)
	n := m &^ 7
	if !poolAVX2 || n == 0 {
		return 0
	}
	maxPool2x2RowsAVX2(y[:n], r0[:2*n], r1[:2*n])
	if n < m {
		maxPool2x2RowsAVX2(y[m-8:m], r0[2*(m-8):2*m], r1[2*(m-8):2*m])
	}
	return m
}

// maxPoolScatter2x2AVX2 routes gy[i] to the first maximal pixel of window i of rows r0, r1
// (columns 2i and 2i+1), writing all four pixels of the window into i0 and i1 (the others
// get +0); maxPoolGather2x2AVX2 reads i0, i1 at those pixels into y. A window holding NaN
// routes to its first NaN. The counts (len(gy), len(y)) are multiples of 8; the rows hold at
// least twice as many values.
//
//go:noescape
func maxPoolScatter2x2AVX2(i0, i1, gy []uint32, r0, r1 []float32)

//go:noescape
func maxPoolGather2x2AVX2(y, i0, i1 []uint32, r0, r1 []float32)

// argmax2x2Rows32 runs the AVX2 scatter or gather over a row of windows and returns how
// many it did: all when there are at least 8 (as maxPool2x2Rows32: a window done twice
// writes the same values), else none.
func argmax2x2Rows32(scatter bool, i0, i1, y []uint32, r0, r1 []float32) int {
	m := len(y)
	n := m &^ 7
	if !poolAVX2 || n == 0 {
		return 0
	}
	for _, o := range [2]int{0, m - 8} {
		k := n
		if o > 0 {
			if n == m {
				break
			}
			k = 8
		}
		i0, i1, y, r0, r1 := i0[2*o:2*(o+k)], i1[2*o:2*(o+k)], y[o:o+k], r0[2*o:2*(o+k)], r1[2*o:2*(o+k)]
		if scatter {
			maxPoolScatter2x2AVX2(i0, i1, y, r0, r1)
		} else {
			maxPoolGather2x2AVX2(y, i0, i1, r0, r1)
		}
	}
	return m
}
