//go:build amd64 && !purego && !(openblas && cgo)

package gemm

import "golang.org/x/sys/cpu"

// The AVX2 kernels of kernel_amd64.s: a 6x16 float32 tile and a 6x8 float64
// tile, both 12 ymm accumulators updated by 12 VFMADD231 per k step.
//
//go:noescape
func sgemmKernelAVX2(k int, a []float32, rsa, csa, sa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, tiles, mrLast, nr int)

//go:noescape
func dgemmKernelAVX2(k int, a []float64, rsa, csa, sa int, b []float64, rsb int, c []float64, ldc int, alpha, beta float64, tiles, mrLast, nr int)

// The blocking: a kc x 16 float32 B sliver is 16 KiB for kc=256, half of
// L1; an mc x kc A block is 144 KiB, well inside the 512 KiB L2 of the Zen 3
// cores this was tuned on; a kc x nc B block is 4 MiB of L3.
var (
	sgemmAVX2 = &config[float32]{name: "avx2", mr: 6, nr: 16, mc: 144, kc: 256, nc: 4096, kernel: sgemmKernelAVX2}
	dgemmAVX2 = &config[float64]{name: "avx2", mr: 6, nr: 8, mc: 72, kc: 256, nc: 2048, kernel: dgemmKernelAVX2}
)

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sgemmCfg and dgemmCfg are what Sgemm and Dgemm run.
var (
	sgemmCfg = pick(hasAVX2, sgemmAVX2, sgemmGeneric)
	dgemmCfg = pick(hasAVX2, dgemmAVX2, dgemmGeneric)
)

func pick[T scalar](ok bool, fast, slow *config[T]) *config[T] {
	if ok {
		return fast
	}
	return slow
}
