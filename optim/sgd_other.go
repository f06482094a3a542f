//go:build !amd64 || purego

package optim

// sgdVec32 and sgdVec64 have no vector kernel here: the loop does every element.
func sgdVec32(x, g []float32, lr float32) int { return 0 }

func sgdVec64(x, g []float64, lr float64) int { return 0 }
