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

// func maxPool2x2RowsAVX2(y, r0, r1 []float32)
TEXT ·maxPool2x2RowsAVX2(SB), NOSPLIT, $0-72
	MOVQ y_base+0(FP), DI
	MOVQ y_len+8(FP), CX
	MOVQ r0_base+24(FP), SI
	MOVQ r1_base+48(FP), DX
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS (DX), Y2
	VMOVUPS 32(DX), Y3
	MAXPS(Y0, Y2, Y6, Y7)       // the two rows, columns 0..7
	MAXPS(Y1, Y3, Y8, Y9)       // columns 8..15
	VSHUFPS $0x88, Y1, Y0, Y4   // even columns: 0 2 8 10 | 4 6 12 14
	VSHUFPS $0xDD, Y1, Y0, Y5   // odd columns:  1 3 9 11 | 5 7 13 15
	MAXPS(Y4, Y5, Y6, Y7)       // windows 0 1 4 5 | 2 3 6 7
	VPERMPD $0xD8, Y4, Y4       // windows 0..7
	VMOVUPS Y4, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
