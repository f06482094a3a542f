//go:build !amd64 || purego || (openblas && cgo)

package gemm

// Without assembly kernels (other architectures, or the purego tag) the
// portable kernel runs everywhere. The openblas build lands here too: Go
// does not assemble Go assembly in a package that uses cgo, and there
// OpenBLAS does the work anyway.
var (
	sgemmCfg = sgemmGeneric
	dgemmCfg = dgemmGeneric
)

// EnvKernel names the environment variable that forces a kernel on amd64;
// here there is only the portable one.
const EnvKernel = "ZEROGRAD_GEMM"

func sgemmConfigs() []*config[float32] { return []*config[float32]{sgemmGeneric} }
func dgemmConfigs() []*config[float64] { return []*config[float64]{dgemmGeneric} }

// dotKernels lists the dot kernels, for the tests: here only the portable one.
func dotKernels() []*dotKernel { return []*dotKernel{dotGo} }
