//go:build !amd64 || purego

package vmath

// Without assembly (other architectures, or the purego tag) the portable kernels run.
var level = levelGeneric

// levels lists the kernels this CPU can run, fastest first, for tests and benchmarks.
func levels() []int { return []int{levelGeneric} }

func expSum(dst, src []float32, shift float32, store bool) float32 {
	return expSumGo(dst, src, shift, store)
}

func unaryK(dst, src []float32, op int) { unaryGo(dst, src, op) }
