//go:build amd64 && !purego

package ops

import "golang.org/x/sys/cpu"

// poolAVX2 says whether the pooling kernels of pool_amd64.s run.
var poolAVX2 = cpu.X86.HasAVX2

// maxPool2x2PlaneAVX2 pools rows output rows of ow >= 8 windows each: output row r,
// y[r*ow:][:ow], from the rows 2r and 2r+1 of x, w values apart (w >= 2*ow), with Go's max
// semantics (NaN if any is NaN, +0 over -0). A row's last windows, when their count is not
// a multiple of 8, are done as the last 8 again: recomputing a window writes the same value.
//
//go:noescape
func maxPool2x2PlaneAVX2(y, x []float32, rows, ow, w int)

// maxPool2x2Plane32 pools a plane of rows x ow windows of x (rows w values apart) into y
// with the AVX2 kernel and says whether it did: not when a row has fewer than 8 windows or
// there is no AVX2.
func maxPool2x2Plane32(y, x []float32, rows, ow, w int) bool {
	if !poolAVX2 || ow < 8 || rows == 0 {
		return false
	}
	y, x = y[:rows*ow], x[:(2*rows-1)*w+2*ow] // the kernel's reach, checked here
	maxPool2x2PlaneAVX2(y, x, rows, ow, w)
	return true
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
// many it did: all when there are at least 8 (as maxPool2x2Plane32: a window done twice
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
