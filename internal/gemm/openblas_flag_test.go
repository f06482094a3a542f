//go:build openblas && cgo

package gemm

// viaOpenBLAS: Sgemm and Dgemm call OpenBLAS in this build, not the blocked driver.
const viaOpenBLAS = true
