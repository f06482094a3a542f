//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(x, g, m, v []float32, lrt, c1, c2, eps float32)
// No FMA: each step rounds as Go's float32 loop does, so the results are the same bits.
TEXT ·adamAVX2(SB), NOSPLIT, $0-112
	MOVQ         x_base+0(FP), DI
	MOVQ         x_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         m_base+48(FP), R8
	MOVQ         v_base+72(FP), R9
	VBROADCASTSS lrt+96(FP), Y12
	VBROADCASTSS c1+100(FP), Y13
	VBROADCASTSS c2+104(FP), Y14
	VBROADCASTSS eps+108(FP), Y15
	SHRQ         $3, CX
	JZ           done

loop:
	VMOVUPS (SI), Y0       // g
	VMOVUPS (R8), Y1       // m
	VMOVUPS (R9), Y2       // v
	VSUBPS  Y1, Y0, Y3     // g - m
	VMULPS  Y3, Y13, Y3    // c1 (g - m)
	VADDPS  Y3, Y1, Y1     // m += ...
	VMULPS  Y0, Y0, Y4     // g g
	VSUBPS  Y2, Y4, Y4     // g g - v
	VMULPS  Y4, Y14, Y4    // c2 (g g - v)
	VADDPS  Y4, Y2, Y2     // v += ...
	VSQRTPS Y2, Y5
	VADDPS  Y15, Y5, Y5    // sqrt(v) + eps
	VMULPS  Y1, Y12, Y6    // lrt m
	VDIVPS  Y5, Y6, Y6     // lrt m / (sqrt(v) + eps)
	VMOVUPS (DI), Y7
	VSUBPS  Y6, Y7, Y7     // x -= ...
	VMOVUPS Y7, (DI)
	VMOVUPS Y1, (R8)
	VMOVUPS Y2, (R9)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
