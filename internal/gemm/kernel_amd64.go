//go:build amd64 && !purego && !(openblas && cgo)

package gemm

import (
	"os"

	"golang.org/x/sys/cpu"
)

// The AVX2 kernels of kernel_amd64.s: a 6x16 float32 tile and a 6x8 float64
// tile, both 12 ymm accumulators updated by 12 VFMADD231 per k step.
//
//go:noescape
func sgemmKernelAVX2(k int, a []float32, rsa, csa, sa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, tiles, mrLast, nr int)

//go:noescape
func dgemmKernelAVX2(k int, a []float64, rsa, csa, sa int, b []float64, rsb int, c []float64, ldc int, alpha, beta float64, tiles, mrLast, nr int)

// The AVX-512 kernels of kernel_avx512_amd64.s: a 14x32 float32 tile and a
// 14x16 float64 tile, both 28 zmm accumulators updated by 28 VFMADD231 per
// k step (14 when the tile is at most half as wide). They compute what the
// AVX2 kernels compute, bit for bit.
//
//go:noescape
func sgemmKernelAVX512(k int, a []float32, rsa, csa, sa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, tiles, mrLast, nr int)

//go:noescape
func dgemmKernelAVX512(k int, a []float64, rsa, csa, sa int, b []float64, rsb int, c []float64, ldc int, alpha, beta float64, tiles, mrLast, nr int)

// The blocking: a kc x 16 float32 B sliver is 16 KiB for kc=256, half of
// L1; an mc x kc A block is 144 KiB, well inside the 512 KiB L2 of the Zen 3
// cores this was tuned on; a kc x nc B block is 4 MiB of L3.
var (
	sgemmAVX2 = &config[float32]{name: "avx2", mr: 6, nr: 16, mc: 144, kc: 256, nc: 4096, kernel: sgemmKernelAVX2}
	dgemmAVX2 = &config[float64]{name: "avx2", mr: 6, nr: 8, mc: 72, kc: 256, nc: 2048, kernel: dgemmKernelAVX2}
)

// The AVX-512 blocking, measured on Zen 4 (32 KiB L1, 1 MiB L2): a kc x 32
// float32 B sliver is 32 KiB for kc=256, an mc x kc A block 168 KiB (kc=128
// with mc=336, or mc=84, ran no faster). Products that the 14-row tiles
// cover worse than the AVX2 6-row ones run on AVX2 (config.forShape).
var (
	sgemmAVX512 = &config[float32]{name: "avx512", mr: 14, nr: 32, mc: 168, kc: 256, nc: 4096, kernel: sgemmKernelAVX512, halfNarrow: true, fallback: sgemmAVX2}
	dgemmAVX512 = &config[float64]{name: "avx512", mr: 14, nr: 16, mc: 84, kc: 256, nc: 2048, kernel: dgemmKernelAVX512, halfNarrow: true, fallback: dgemmAVX2}
)

var (
	hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	// The AVX-512 kernels use AVX512F instructions only (zmm FMAs and
	// broadcasts, masked moves, KMOVW); cpu reports AVX512F only where the
	// operating system saves the zmm and mask registers.
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

// EnvKernel names the environment variable that forces a kernel, for tests
// and benchmarks: "avx2" or "generic" (or "avx512", the default where the
// CPU has it). A kernel the CPU lacks is never chosen, whatever it says.
const EnvKernel = "ZEROGRAD_GEMM"

// sgemmCfg and dgemmCfg are what Sgemm and Dgemm run.
var sgemmCfg, dgemmCfg = chooseConfigs(os.Getenv(EnvKernel))

func chooseConfigs(force string) (*config[float32], *config[float64]) {
	switch {
	case hasAVX512 && force != "avx2" && force != "generic":
		return sgemmAVX512, dgemmAVX512
	case hasAVX2 && force != "generic":
		return sgemmAVX2, dgemmAVX2
	}
	return sgemmGeneric, dgemmGeneric
}

// sgemmConfigs and dgemmConfigs list every implementation this CPU can run,
// fastest first, for the tests and benchmarks.
func sgemmConfigs() []*config[float32] {
	return available(sgemmAVX512, sgemmAVX2, sgemmGeneric)
}

func dgemmConfigs() []*config[float64] {
	return available(dgemmAVX512, dgemmAVX2, dgemmGeneric)
}

func available[T scalar](avx512, avx2, generic *config[T]) []*config[T] {
	var out []*config[T]
	if hasAVX512 {
		out = append(out, avx512)
	}
	if hasAVX2 {
		out = append(out, avx2)
	}
	return append(out, generic)
}
