//go:build amd64 && !purego && !(openblas && cgo)

#include "textflag.h"

// func sdot4x4AVX512(k int, a0, a1, a2, a3, b0, b1, b2, b3 *float32, out *[16]float32)
//
// out[4i+j] = the dot product of rows a_i and b_j over their first k values (k a positive
// multiple of 16). Accumulator (i, j) is Z(4i+j): lane l sums the products of the values
// l, l+16, l+32, ... in order, with one FMA each; at the end the 16 lanes are added as
// (lanes 0-7 + lanes 8-15), then (0-3 + 4-7), then pairwise twice (VHADDPS).
TEXT ·sdot4x4AVX512(SB), NOSPLIT, $0-80
	MOVQ k+0(FP), CX
	MOVQ a0+8(FP), SI
	MOVQ a1+16(FP), DI
	MOVQ a2+24(FP), BX
	MOVQ a3+32(FP), DX
	MOVQ b0+40(FP), R8
	MOVQ b1+48(FP), R9
	MOVQ b2+56(FP), R10
	MOVQ b3+64(FP), R11
	MOVQ out+72(FP), R12
	SHRQ $4, CX
	XORQ AX, AX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

dloop:
	VMOVUPS     (SI)(AX*1), Z16
	VMOVUPS     (DI)(AX*1), Z17
	VMOVUPS     (BX)(AX*1), Z18
	VMOVUPS     (DX)(AX*1), Z19
	VMOVUPS     (R8)(AX*1), Z20
	VFMADD231PS Z20, Z16, Z0
	VFMADD231PS Z20, Z17, Z4
	VFMADD231PS Z20, Z18, Z8
	VFMADD231PS Z20, Z19, Z12
	VMOVUPS     (R9)(AX*1), Z21
	VFMADD231PS Z21, Z16, Z1
	VFMADD231PS Z21, Z17, Z5
	VFMADD231PS Z21, Z18, Z9
	VFMADD231PS Z21, Z19, Z13
	VMOVUPS     (R10)(AX*1), Z22
	VFMADD231PS Z22, Z16, Z2
	VFMADD231PS Z22, Z17, Z6
	VFMADD231PS Z22, Z18, Z10
	VFMADD231PS Z22, Z19, Z14
	VMOVUPS     (R11)(AX*1), Z23
	VFMADD231PS Z23, Z16, Z3
	VFMADD231PS Z23, Z17, Z7
	VFMADD231PS Z23, Z18, Z11
	VFMADD231PS Z23, Z19, Z15
	ADDQ        $64, AX
	DECQ        CX
	JNZ         dloop

// REDUCE adds the 16 lanes of Z(r) into out[r], with Y16 and X17 as scratch.
#define REDUCE(zr, yr, xr, off) \
	VEXTRACTF64X4 $1, zr, Y16; \
	VADDPS        Y16, yr, yr; \
	VEXTRACTF32X4 $1, yr, X17; \
	VADDPS        X17, xr, xr; \
	VHADDPS       xr, xr, xr;  \
	VHADDPS       xr, xr, xr;  \
	VMOVSS        xr, off(R12)

	REDUCE(Z0, Y0, X0, 0)
	REDUCE(Z1, Y1, X1, 4)
	REDUCE(Z2, Y2, X2, 8)
	REDUCE(Z3, Y3, X3, 12)
	REDUCE(Z4, Y4, X4, 16)
	REDUCE(Z5, Y5, X5, 20)
	REDUCE(Z6, Y6, X6, 24)
	REDUCE(Z7, Y7, X7, 28)
	REDUCE(Z8, Y8, X8, 32)
	REDUCE(Z9, Y9, X9, 36)
	REDUCE(Z10, Y10, X10, 40)
	REDUCE(Z11, Y11, X11, 44)
	REDUCE(Z12, Y12, X12, 48)
	REDUCE(Z13, Y13, X13, 52)
	REDUCE(Z14, Y14, X14, 56)
	REDUCE(Z15, Y15, X15, 60)
	VZEROUPPER
	RET
