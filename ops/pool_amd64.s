//go:build amd64 && !purego

#include "textflag.h"

// MAXPS sets a to the lane-wise max of a and b with Go's semantics, using t1 and t2:
// VMAXPS returns its second source on NaN or equal operands, so the max taken both ways
// and ANDed gives +0 for (-0, +0), and ORing the unordered mask makes any NaN all ones.
#define MAXPS(a, b, t1, t2) \
	VMAXPS  b, a, t1;  \
	VMAXPS  a, b, t2;  \
	VANDPS  t2, t1, t1; \
	VCMPPS  $3, b, a, t2; \
	VORPS   t2, t1, a

// POOL8 writes to (BX) the 8 windows of 16 columns of rows AX and DX. Uses Y0..Y9.
#define POOL8 \
	VMOVUPS (AX), Y0;           \
	VMOVUPS 32(AX), Y1;         \
	VMOVUPS (DX), Y2;           \
	VMOVUPS 32(DX), Y3;         \
	MAXPS(Y0, Y2, Y6, Y7);      \
	MAXPS(Y1, Y3, Y8, Y9);      \
	VSHUFPS $0x88, Y1, Y0, Y4;  \
	VSHUFPS $0xDD, Y1, Y0, Y5;  \
	MAXPS(Y4, Y5, Y6, Y7);      \
	VPERMPD $0xD8, Y4, Y4;      \
	VMOVUPS Y4, (BX)

// func maxPool2x2PlaneAVX2(y, x []float32, rows, ow, w int)
TEXT ·maxPool2x2PlaneAVX2(SB), NOSPLIT, $0-72
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ rows+48(FP), R8
	MOVQ ow+56(FP), R9
	MOVQ w+64(FP), R10
	SHLQ $2, R10                // a row of x, in bytes
	TESTQ R8, R8
	JZ   pdone

prow:
	MOVQ SI, AX                 // the output row's two input rows
	LEAQ (SI)(R10*1), DX
	MOVQ DI, BX
	MOVQ R9, CX
	SHRQ $3, CX

pblock:
	POOL8
	ADDQ $64, AX
	ADDQ $64, DX
	ADDQ $32, BX
	DECQ CX
	JNZ  pblock
	MOVQ R9, CX
	ANDQ $7, CX
	JZ   pnext
	MOVQ R9, CX                 // the last 8 windows again: ow-8 .. ow-1
	SUBQ $8, CX
	LEAQ (SI)(CX*8), AX
	LEAQ (AX)(R10*1), DX
	LEAQ (DI)(CX*4), BX
	POOL8

pnext:
	LEAQ (SI)(R10*2), SI
	LEAQ (DI)(R9*4), DI
	DECQ R8
	JNZ  prow

pdone:
	VZEROUPPER
	RET

// WINDOWS loads 8 windows (16 columns of rows SI and DX) and leaves in Y10..Y13 the
// all-ones masks of each window's first maximal pixel, a (top left), b, c, d (bottom
// right), lanes in the order the even/odd shuffle leaves them: windows 0 1 4 5 | 2 3 6 7.
// A pixel matches when it equals the window's max, or is NaN (the max is then NaN, equal to
// nothing); -0 equals +0. Uses Y0..Y9 and Y14.
#define WINDOWS \
	VMOVUPS (SI), Y0;             \
	VMOVUPS 32(SI), Y1;           \
	VMOVUPS (DX), Y2;             \
	VMOVUPS 32(DX), Y3;           \
	VSHUFPS $0x88, Y1, Y0, Y4;    \
	VSHUFPS $0xDD, Y1, Y0, Y5;    \
	VSHUFPS $0x88, Y3, Y2, Y6;    \
	VSHUFPS $0xDD, Y3, Y2, Y7;    \
	VMOVAPS Y4, Y8;               \
	MAXPS(Y8, Y5, Y0, Y1);        \
	VMOVAPS Y6, Y9;               \
	MAXPS(Y9, Y7, Y0, Y1);        \
	MAXPS(Y8, Y9, Y0, Y1);        \
	VCMPPS  $0, Y8, Y4, Y10;      \
	VCMPPS  $3, Y4, Y4, Y0;       \
	VORPS   Y0, Y10, Y10;         \
	VCMPPS  $0, Y8, Y5, Y11;      \
	VCMPPS  $3, Y5, Y5, Y0;       \
	VORPS   Y0, Y11, Y11;         \
	VCMPPS  $0, Y8, Y6, Y12;      \
	VCMPPS  $3, Y6, Y6, Y0;       \
	VORPS   Y0, Y12, Y12;         \
	VANDNPS Y11, Y10, Y11;        \
	VORPS   Y11, Y10, Y13;        \
	VANDNPS Y12, Y13, Y12;        \
	VORPS   Y12, Y13, Y13;        \
	VANDNPS Y14, Y13, Y13

// func maxPoolScatter2x2AVX2(i0, i1, gy []uint32, r0, r1 []float32)
TEXT ·maxPoolScatter2x2AVX2(SB), NOSPLIT, $0-120
	MOVQ i0_base+0(FP), R8
	MOVQ i1_base+24(FP), R9
	MOVQ gy_base+48(FP), R10
	MOVQ gy_len+56(FP), CX
	MOVQ r0_base+72(FP), SI
	MOVQ r1_base+96(FP), DX
	VPCMPEQD Y14, Y14, Y14
	SHRQ $3, CX
	JZ   sdone

sloop:
	WINDOWS
	VMOVUPS   (R10), Y0
	VPERMPD   $0xD8, Y0, Y0  // gy in the masks' lane order
	VANDPS    Y0, Y10, Y1
	VANDPS    Y0, Y11, Y2
	VANDPS    Y0, Y12, Y3
	VANDPS    Y0, Y13, Y4
	VUNPCKLPS Y2, Y1, Y5     // top row: a b of windows 0..3
	VUNPCKHPS Y2, Y1, Y6     // windows 4..7
	VUNPCKLPS Y4, Y3, Y7     // bottom row: c d
	VUNPCKHPS Y4, Y3, Y9
	VMOVUPS   Y5, (R8)
	VMOVUPS   Y6, 32(R8)
	VMOVUPS   Y7, (R9)
	VMOVUPS   Y9, 32(R9)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, R8
	ADDQ      $64, R9
	ADDQ      $32, R10
	DECQ      CX
	JNZ       sloop

sdone:
	VZEROUPPER
	RET

// func maxPoolGather2x2AVX2(y, i0, i1 []uint32, r0, r1 []float32)
TEXT ·maxPoolGather2x2AVX2(SB), NOSPLIT, $0-120
	MOVQ y_base+0(FP), R10
	MOVQ y_len+8(FP), CX
	MOVQ i0_base+24(FP), R8
	MOVQ i1_base+48(FP), R9
	MOVQ r0_base+72(FP), SI
	MOVQ r1_base+96(FP), DX
	VPCMPEQD Y14, Y14, Y14
	SHRQ $3, CX
	JZ   gdone

gloop:
	WINDOWS
	VMOVUPS (R8), Y0
	VMOVUPS 32(R8), Y1
	VMOVUPS (R9), Y2
	VMOVUPS 32(R9), Y3
	VSHUFPS $0x88, Y1, Y0, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5
	VSHUFPS $0x88, Y3, Y2, Y6
	VSHUFPS $0xDD, Y3, Y2, Y7
	VANDPS  Y10, Y4, Y4
	VANDPS  Y11, Y5, Y5
	VANDPS  Y12, Y6, Y6
	VANDPS  Y13, Y7, Y7
	VORPS   Y5, Y4, Y4
	VORPS   Y7, Y6, Y6
	VORPS   Y6, Y4, Y4
	VPERMPD $0xD8, Y4, Y4
	VMOVUPS Y4, (R10)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $32, R10
	DECQ    CX
	JNZ     gloop

gdone:
	VZEROUPPER
	RET
