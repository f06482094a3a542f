package gemm

// Transpose32 sets dst[c*ldd+r] = src[r*lds+c] for the first rows&^7 rows r and the first
// cols&^7 columns c, in 8x8 blocks of AVX2 shuffles (transpose_amd64.s), and returns those
// counts: none where the kernel is missing (no AVX2, the purego tag, the openblas build).
// The caller does the rest. packB uses it for a transposed B, and ops for its transposes.
func Transpose32(dst, src []float32, rows, cols, ldd, lds int) (int, int) {
	r, c := rows&^7, cols&^7
	if !hasTranspose || r == 0 || c == 0 {
		return 0, 0
	}
	dst, src = dst[:(c-1)*ldd+r], src[:(r-1)*lds+c] // the kernel's reach, checked here
	transpose8(dst, src, r, c, ldd, lds)
	return r, c
}

// HasTranspose32 reports whether Transpose32 has its vector kernel in this build.
func HasTranspose32() bool { return hasTranspose }
