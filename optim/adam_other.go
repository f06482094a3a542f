//go:build !amd64 || purego

package optim

// adamVec has no vector kernel here: the loop does every element.
func adamVec(x, g, m, v []float32, lrt, c1, c2 float32) int { return 0 }
