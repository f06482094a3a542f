//go:build !amd64 || purego

package ops

// vecAVX2 is false: there are no vector kernels.
const vecAVX2 = false

// addTo32 sets dst[i] += src[i] over dst.
func addTo32(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// relu32Vec and reluGrad32Vec have no vector kernels here: the loops do every element.
func relu32Vec(y, x []float32) int { return 0 }

func reluGrad32Vec(out, gy, x []float32, slope float32) int { return 0 }

// sum8Vec has no vector kernel here: sumK adds every value.
func sum8Vec(v []float32, s *[8]float32) int { return 0 }

// copyRows32 has no vector kernel here: the caller copies the rows.
func copyRows32(dst, src []float32, rows, n, ds, ss int) bool { return false }

// binary32Vec has no vector kernels here: the caller does every element.
func binary32Vec(op byte, y, a, b []float32) int { return 0 }
