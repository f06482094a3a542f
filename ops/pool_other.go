//go:build !amd64 || purego

package ops

// maxPool2x2Plane32 has no vector kernel here: the caller pools the plane.
func maxPool2x2Plane32(y, x []float32, rows, ow, w int) bool { return false }

// poolAVX2 is false: there is no vector kernel.
const poolAVX2 = false

// argmax2x2Rows32 has no vector kernel here: the caller routes the whole row.
func argmax2x2Rows32(scatter bool, i0, i1, y []uint32, r0, r1 []float32) int { return 0 }
