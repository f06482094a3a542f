//go:build amd64 && !purego

package ops

import "golang.org/x/sys/cpu"

// poolAVX2 says whether the pooling kernels of pool_amd64.s and pool_grad_amd64.s run;
// poolAVX512 whether their rows of fewer than 8 windows store through AVX-512 lane masks
// rather than VMASKMOVPS, whose stores are slow on some CPUs (both write the same lanes).
var (
	poolAVX2   = cpu.X86.HasAVX2
	poolAVX512 = poolAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
)

// maxPool2x2PlaneAVX2 pools rows output rows of ow >= 1 windows each: output row r,
// y[r*ow:][:ow], from the rows 2r and 2r+1 of x, w values apart (w >= 2*ow), with Go's max
// semantics (NaN if any is NaN, +0 over -0). A row's last windows, when their count is not
// a multiple of 8, are done as the last 8 again: recomputing a window writes the same value.
// Rows of fewer than 8 windows are read and written through lane masks.
//
//go:noescape
func maxPool2x2PlaneAVX2(y, x []float32, rows, ow, w int)

// maxPool2x2Plane32 pools a plane of rows x ow windows of x (rows w values apart) into y
// with the AVX2 kernel and says whether it did: not when there are no windows or no AVX2.
func maxPool2x2Plane32(y, x []float32, rows, ow, w int) bool {
	if !poolAVX2 || ow == 0 || rows == 0 {
		return false
	}
	y, x = y[:rows*ow], x[:(2*rows-1)*w+2*ow] // the kernel's reach, checked here
	maxPool2x2PlaneAVX2(y, x, rows, ow, w)
	return true
}

// maxPoolScatter2x2PlaneAVX2 routes gy[r*ow+i] to the first maximal pixel of window i of
// output row r (x's rows 2r and 2r+1, rows w values apart; columns 2i and 2i+1), writing
// all four pixels of the window into img (the others get +0); a window holding NaN routes
// to its first NaN. With relu, every value written v becomes v where mask (laid out as x)
// is > 0 and slope*v elsewhere, as reluGradK computes it. Rows of fewer than 8 windows are
// read and written through lane masks; in wider rows the last 8 windows are done again
// when ow is not a multiple of 8 (they write the same values).
//
//go:noescape
func maxPoolScatter2x2PlaneAVX2(img, gy []uint32, x, mask []float32, rows, ow, w int, slope float32, relu bool)

// maxPoolGather2x2PlaneAVX2 reads img at the pixels maxPoolScatter2x2PlaneAVX2 writes gy
// to into y.
//
//go:noescape
func maxPoolGather2x2PlaneAVX2(y, img []uint32, x []float32, rows, ow, w int)

// argmax2x2Plane32 runs the AVX2 scatter (masking by mask and slope when mask is not nil)
// or gather over rows x ow windows, x's rows w values apart (w >= 2*ow), and says whether
// it did: not without AVX2. The pixels of the last column of an odd w, in no window, are
// neither read nor written.
func argmax2x2Plane32(scatter bool, img, y []uint32, x, mask []float32, rows, ow, w int, slope float32) bool {
	if !poolAVX2 {
		return false
	}
	if rows == 0 || ow == 0 {
		return true
	}
	n := (2*rows-1)*w + 2*ow // the kernel's reach, checked here
	img, y, x = img[:n], y[:rows*ow], x[:n]
	if !scatter {
		maxPoolGather2x2PlaneAVX2(y, img, x, rows, ow, w)
		return true
	}
	if mask != nil {
		mask = mask[:n]
	}
	maxPoolScatter2x2PlaneAVX2(img, y, x, mask, rows, ow, w, slope, mask != nil)
	return true
}
