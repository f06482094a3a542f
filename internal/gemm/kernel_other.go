//go:build !amd64 || purego

package gemm

// Without assembly kernels (other architectures, or the purego tag) the
// portable kernel runs everywhere.
var (
	sgemmCfg = sgemmGeneric
	dgemmCfg = dgemmGeneric
)
