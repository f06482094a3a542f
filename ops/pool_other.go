//go:build !amd64 || purego

package ops

// maxPool2x2Plane32 has no vector kernel here: the caller pools the plane.
func maxPool2x2Plane32(y, x []float32, rows, ow, w int) bool { return false }

// poolAVX2 is false: there is no vector kernel.
const poolAVX2 = false

// poolAVX512 is false too; a variable, as on amd64, for the tests that set it.
var poolAVX512 = false

// argmax2x2Plane32 has no vector kernel here: the caller routes the plane.
func argmax2x2Plane32(scatter bool, img, y []uint32, x, mask []float32, rows, ow, w int, slope float32) bool {
	return false
}
