//go:build amd64 && !purego && !(openblas && cgo)

#include "textflag.h"

// func transpose8AVX2(dst, src []float32, rows, cols, ldd, lds int)
// dst[c*ldd + r] = src[r*lds + c] for r < rows and c < cols, both multiples of 8: 8x8
// blocks, each 8 loads, 24 shuffles and 8 stores.
TEXT ·transpose8AVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ rows+48(FP), R8
	MOVQ cols+56(FP), R9
	MOVQ ldd+64(FP), R10
	MOVQ lds+72(FP), R11
	SHLQ $2, R10
	SHLQ $2, R11
	XORQ BX, BX                  // r0

trow:
	CMPQ BX, R8
	JGE  tdone
	XORQ CX, CX                  // c0

tcol:
	CMPQ CX, R9
	JGE  tnext
	MOVQ BX, AX                  // AX = &src[r0][c0]
	IMULQ R11, AX
	ADDQ SI, AX
	LEAQ (AX)(CX*4), AX
	MOVQ CX, DX                  // DX = &dst[c0][r0]
	IMULQ R10, DX
	ADDQ DI, DX
	LEAQ (DX)(BX*4), DX
	MOVQ AX, R12
	VMOVUPS (R12), Y0
	ADDQ R11, R12
	VMOVUPS (R12), Y1
	ADDQ R11, R12
	VMOVUPS (R12), Y2
	ADDQ R11, R12
	VMOVUPS (R12), Y3
	ADDQ R11, R12
	VMOVUPS (R12), Y4
	ADDQ R11, R12
	VMOVUPS (R12), Y5
	ADDQ R11, R12
	VMOVUPS (R12), Y6
	ADDQ R11, R12
	VMOVUPS (R12), Y7
	VUNPCKLPS Y1, Y0, Y8         // a0 b0 a1 b1 | a4 b4 a5 b5
	VUNPCKHPS Y1, Y0, Y9         // a2 b2 a3 b3 | a6 b6 a7 b7
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0   // a0 b0 c0 d0 | a4 b4 c4 d4
	VSHUFPS $0xEE, Y10, Y8, Y1   // a1 b1 c1 d1 | a5 b5 c5 d5
	VSHUFPS $0x44, Y11, Y9, Y2   // a2 .. | a6 ..
	VSHUFPS $0xEE, Y11, Y9, Y3   // a3 .. | a7 ..
	VSHUFPS $0x44, Y14, Y12, Y4  // e0 f0 g0 h0 | e4 ..
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8 // column 0: a0 .. h0
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12 // column 4
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	MOVQ DX, R12
	VMOVUPS Y8, (R12)
	ADDQ R10, R12
	VMOVUPS Y9, (R12)
	ADDQ R10, R12
	VMOVUPS Y10, (R12)
	ADDQ R10, R12
	VMOVUPS Y11, (R12)
	ADDQ R10, R12
	VMOVUPS Y12, (R12)
	ADDQ R10, R12
	VMOVUPS Y13, (R12)
	ADDQ R10, R12
	VMOVUPS Y14, (R12)
	ADDQ R10, R12
	VMOVUPS Y15, (R12)
	ADDQ $8, CX
	JMP  tcol

tnext:
	ADDQ $8, BX
	JMP  trow

tdone:
	VZEROUPPER
	RET
