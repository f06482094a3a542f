//go:build amd64 && !purego

package optim

// sgd32AVX2 and sgd64AVX2 apply x -= lr*g to the first len(x) elements, a multiple of 32
// (float32) or 16 (float64), rounding the product before the subtraction as sgd does.
//
//go:noescape
func sgd32AVX2(x, g []float32, lr float32)

//go:noescape
func sgd64AVX2(x, g []float64, lr float64)

// sgdVec32 and sgdVec64 update as many leading elements as the vector kernels take (none
// without AVX2) and return how many.
func sgdVec32(x, g []float32, lr float32) int {
	n := len(x) &^ 31
	if !adamAVX2Ok || n == 0 {
		return 0
	}
	sgd32AVX2(x[:n], g[:n], lr)
	return n
}

func sgdVec64(x, g []float64, lr float64) int {
	n := len(x) &^ 15
	if !adamAVX2Ok || n == 0 {
		return 0
	}
	sgd64AVX2(x[:n], g[:n], lr)
	return n
}
