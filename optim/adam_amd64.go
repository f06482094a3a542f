//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

var adamAVX2Ok = cpu.X86.HasAVX2

// adamAVX2 applies Adam's update to the first len(x) elements, a multiple of 8:
// m += c1 (g - m); v += c2 (g g - v); x -= lrt m / (sqrt(v) + eps).
//
//go:noescape
func adamAVX2(x, g, m, v []float32, lrt, c1, c2, eps float32)

// adamVec updates as many leading elements as the vector kernel takes (a multiple of 8;
// none without AVX2) and returns how many.
func adamVec(x, g, m, v []float32, lrt, c1, c2 float32) int {
	n := len(x) &^ 7
	if !adamAVX2Ok || n == 0 {
		return 0
	}
	adamAVX2(x[:n], g[:n], m[:n], v[:n], lrt, c1, c2, eps)
	return n
}
