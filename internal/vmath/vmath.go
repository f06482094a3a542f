package vmath

// Exp sets dst[i] = e^src[i] for every i of src. dst may alias src; it must be at least as
// long as src.
func Exp(dst, src []float32) { expSum(dst, src, 0, true) }

// ExpSum sets dst[i] = e^(src[i]-shift) for every i of src and returns the sum of the
// values it wrote (softmax's numerators and denominator in one pass). The difference is
// rounded to float32 before exponentiating. dst may alias src; it must be at least as long
// as src. The sum's order of additions depends on the kernel.
func ExpSum(dst, src []float32, shift float32) float32 { return expSum(dst, src, shift, true) }

// SumExp returns the sum of e^(src[i]-shift) over src, as ExpSum does, writing nothing
// (log-sum-exp's sum).
func SumExp(src []float32, shift float32) float32 { return expSum(nil, src, shift, false) }

// Tanh sets dst[i] = tanh(src[i]) for every i of src. dst may alias src; it must be at
// least as long as src.
func Tanh(dst, src []float32) { unaryK(dst, src, opTanh) }

// Sigmoid sets dst[i] = 1/(1 + e^-src[i]) for every i of src. dst may alias src; it must be
// at least as long as src.
func Sigmoid(dst, src []float32) { unaryK(dst, src, opSigmoid) }

// EnvKernel names the environment variable that forces the kernels, for tests and
// benchmarks: "generic", "avx2" or "avx512" (the default where the CPU has it). A kernel the
// CPU lacks is never chosen, whatever it says.
const EnvKernel = "ZEROGRAD_VMATH"

// Kernel names the kernels in use: "avx512", "avx2" or "generic".
func Kernel() string { return levelNames[level] }

// The kernel levels, slowest first.
const (
	levelGeneric = iota
	levelAVX2
	levelAVX512
)

var levelNames = [...]string{"generic", "avx2", "avx512"}

// The unary kernels besides exp.
const (
	opTanh = iota
	opSigmoid
)

// unaryGo runs the portable kernel of op.
func unaryGo(dst, src []float32, op int) {
	if op == opTanh {
		tanhGo(dst, src)
		return
	}
	sigmoidGo(dst, src)
}
