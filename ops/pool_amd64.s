//go:build amd64 && !purego

#include "textflag.h"

#include "pool_amd64.h"

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
TEXT ·maxPool2x2PlaneAVX2(SB), NOSPLIT, $128-72
	MOVQ ow+56(FP), AX
	TAIL
	CMPB ·poolAVX512(SB), $0
	JEQ  pk
	MOVQ ow+56(FP), CX
	ANDQ $7, CX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K3                // the first ow%8 windows

pk:
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
	JZ   pnarrow

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

	JMP  pnext

pnarrow:                            // fewer than 8 windows: masked loads and store
	VMOVUPS    0(SP), Y8
	VMASKMOVPS (AX), Y8, Y0
	VMASKMOVPS (DX), Y8, Y2
	VMOVUPS    32(SP), Y8
	VMASKMOVPS 32(AX), Y8, Y1
	VMASKMOVPS 32(DX), Y8, Y3
	MAXPS(Y0, Y2, Y6, Y7)
	MAXPS(Y1, Y3, Y8, Y9)
	VSHUFPS    $0x88, Y1, Y0, Y4
	VSHUFPS    $0xDD, Y1, Y0, Y5
	MAXPS(Y4, Y5, Y6, Y7)
	VPERMPD    $0xD8, Y4, Y4
	CMPB       ·poolAVX512(SB), $0
	JNE        pnstore512
	VMOVUPS    64(SP), Y8
	VMASKMOVPS Y4, Y8, (BX)
	JMP        pnext

pnstore512:
	VMOVUPS Y4, K3, (BX)

pnext:
	LEAQ (SI)(R10*2), SI
	LEAQ (DI)(R9*4), DI
	DECQ R8
	JNZ  prow

pdone:
	VZEROUPPER
	RET
